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
class TranscriptWarning:
    """Something odd the parser accepted (a clamped time, a label-like line)."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class Warnings(list):
    """The warnings a parser collects as it reads: `add(message, line=...)`."""

    def add(self, message: str, *, line: int | None = None) -> None:
        self.append(TranscriptWarning(message, line))


# How far a time may step back and still be taken as overlapping speech
# (clamped to the time before it, with a warning) rather than a broken file.
BACKWARD_TOLERANCE_SECONDS = 5.0


def clamp_backwards(
    seconds: float,
    previous: float,
    *,
    what: str,
    before: str,
    line: int | None,
    warnings: Warnings,
) -> float:
    """`seconds`, or `previous` when it steps back a little; refuse a big step.

    Overlapping speech makes real transcripts step back a second or two
    (`[00:20:12]` then `[00:20:11]`); a step of more than
    `BACKWARD_TOLERANCE_SECONDS` is a broken file. `what` names the time
    ("time 00:20:11"), `before` the one before it, for the messages.
    """
    if seconds >= previous:
        return seconds
    if previous - seconds > BACKWARD_TOLERANCE_SECONDS:
        raise TranscriptError(f"{what} goes backwards: {before}", line=line)
    warnings.add(
        f"{what} is {previous - seconds:g}s before the time before it "
        f"({before}); taken as overlapping speech and moved up to it",
        line=line,
    )
    return previous


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
    warnings: list[TranscriptWarning] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for segment in self.segments:
            if segment.speaker:
                seen.setdefault(segment.speaker, None)
        return list(seen)
