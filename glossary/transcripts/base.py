"""The plain data every transcript parser returns, whatever the format.

No Django here: parsers, extraction and linking work on these dataclasses so
they can be tested and benchmarked without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TranscriptError(ValueError):
    """A transcript that cannot be parsed; names the line (1-based) when known."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True, slots=True)
class TimeMark:
    """A known time inside a segment's text: `seconds` at character `offset`."""

    offset: int
    seconds: float


@dataclass(slots=True)
class ParsedSegment:
    """One speaker turn (or merged cue) with the time it starts.

    `start_estimated` is true when no marker stood at the start of the turn
    and the time was interpolated by character offset. `marks` are the exact
    times known inside the text, so a mention's time can be interpolated too.
    """

    speaker: str | None
    text: str
    start: float
    start_estimated: bool = False
    end: float | None = None
    marks: tuple[TimeMark, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedPerson:
    """A host or guest named in the transcript's credits."""

    name: str
    role: str = ""
    bio: str = ""


@dataclass(slots=True)
class ParsedTranscript:
    format: str
    segments: list[ParsedSegment]
    title: str = ""
    episode_number: int | None = None
    people: list[ParsedPerson] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for segment in self.segments:
            if segment.speaker:
                seen.setdefault(segment.speaker, None)
        return list(seen)
