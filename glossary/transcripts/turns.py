"""Helpers the parsers share: from timed cues to speaker turns.

Caption formats (WebVTT, SRT, JSON, HTML) cut speech into cues of a few
seconds, or even into single words. Readers and the extraction want turns:
who said what, from when. Every parser reads its format into `Cue`s and
hands them to `merge_turns`, so the turns come out the same whatever the
format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .base import ParsedSegment, TimeMark, TranscriptError, Warnings, clamp_backwards
from .labels import split_label
from .limits import Tally

# The text parser's interpolation (same speaking rate, same extrapolation), so
# an HTML file without times is timed as its plain-text export would be.
from .text import Interpolator

# A run of cues nobody is named for (a file without speakers) is cut into
# paragraphs at the first sentence end past this length, or anywhere past
# four times it, so a speakerless file does not become one huge turn.
UNLABELLED_TURN_CHARS = 1000

# A later cue's start becomes a mark inside the turn when it is at least this
# long after the last mark: word-level files would otherwise carry a mark per
# word, and between marks a second apart interpolation is as good.
MARK_SPACING_SECONDS = 1.0

# Pieces glued to the word before them: closing punctuation and English
# clitics, as word-level transcripts often give them as words of their own.
NO_SPACE_BEFORE_RE = re.compile(
    r"^(?:[.,;:!?%)\]}”’»…]|['’](?:s|re|ve|ll|d|m|t)\b|n['’]t\b)", re.IGNORECASE
)
NO_SPACE_BEFORE_FIRST = frozenset(".,;:!?%)]}”’»…'nN")  # to try the pattern at all
NO_SPACE_AFTER = ("(", "[", "{", "“", "‘", "«", "¿", "¡")
SENTENCE_END = (".", "?", "!", "…", '."', '?"', '!"', ".”", "?”", "!”")
CLOCK_RE = re.compile(r"(?:(?:(\d{1,10}):)?(\d{1,10}):)?(\d{1,10})(?:[.,](\d{1,9}))?")


@dataclass(slots=True)
class Cue:
    """A piece of a transcript with the speaker and times the file gives it.

    `start` is None when the file gives no time (HTML without `<time>`);
    `speaker` is None when the file names nobody, and the cue then continues
    the turn before it.
    """

    speaker: str | None
    text: str
    start: float | None
    end: float | None = None
    line: int | None = None
    start_estimated: bool = False


def clean_text(text: str) -> str:
    """Text with runs of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def speaker_and_text(line: str) -> tuple[str | None, str]:
    """Split a `Name: text` caption line; (None, line) when no name starts it.

    The labels are those of `labels.split_label`, as in plain text.
    """
    return split_label(line)


def speaker_runs(lines: Iterable[str]) -> list[tuple[str | None, str]]:
    """A cue's lines grouped by the `Name:` prefixes that start some of them.

    A line without a prefix continues the run before it, so one cue can hold
    the end of one speaker's sentence and the start of the next speaker's.
    """
    runs: list[tuple[str | None, list[str]]] = []
    for line in lines:
        speaker, text = speaker_and_text(line)
        if speaker is not None or not runs:
            runs.append((speaker, [text]))
        else:
            runs[-1][1].append(text)
    return [(speaker, clean_text(" ".join(parts))) for speaker, parts in runs]


def split_cue(
    runs: Sequence[tuple[str | None, str]],
    *,
    start: float,
    end: float,
    line: int | None,
) -> list[Cue]:
    """One cue per speaker run of a cue that several speakers share.

    Only the first run's start is known; the others are placed by their
    character offset between the cue's start and end, and flagged estimated.
    """
    runs = [(speaker, text) for speaker, text in runs if text]
    if len(runs) <= 1:
        return [Cue(s, t, start, end, line) for s, t in runs]
    total = sum(len(text) + 1 for _, text in runs) - 1
    cues: list[Cue] = []
    offset = 0
    for speaker, text in runs:
        at = round(start + (end - start) * offset / total, 3) if offset else start
        if cues:
            cues[-1].end = at
        cues.append(Cue(speaker, text, at, end, line, start_estimated=bool(offset)))
        offset += len(text) + 1
    return cues


def parse_clock(value: str) -> float | None:
    """Seconds from `1:05`, `01:02:03.5`, `1:05,250` or `65.5`; None if not a time.

    Minutes and seconds must be below 60 after the field above them, but the
    first field may run past it (`75:30` is 75 minutes, `90` is 90 seconds).
    """
    match = CLOCK_RE.fullmatch(value.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if minutes is not None and (len(seconds) > 2 or int(seconds) >= 60):
        return None
    if hours is not None and (len(minutes) > 2 or int(minutes) >= 60):
        return None
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds)
    return whole + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def clock(seconds: float) -> str:
    """`HH:MM:SS` (with milliseconds when there are any) for messages."""
    whole = int(seconds)
    text = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    millis = round((seconds - whole) * 1000)
    return f"{text}.{millis:03d}" if 0 < millis < 1000 else text


def timing_lines(
    lines: Sequence[str], milliseconds: Callable[[str, int], int], tally: Tally
) -> list[tuple[int, int, int]]:
    """(line, start, end) in milliseconds of every line holding `-->`, in order.

    Caption libraries silently skip a cue whose timings they cannot read and
    keep no line numbers. Checking every `-->` line first names the line of
    a bad timestamp, and the list gives each cue its line (`find_line`).
    `milliseconds(value, line)` reads one timestamp or raises. Each is a cue
    counted in `tally`, so a file over the cap stops here, before any
    caption library builds its cues.
    """
    found = []
    for index, line in enumerate(lines):
        if "-->" not in line:
            continue
        number = index + 1
        tally.cue(number)
        left, _, right = line.partition("-->")
        left = left.strip()
        if left and not left[0].isdigit():
            raise TranscriptError(
                "'-->' outside a cue timing line: it may only stand between a "
                "cue's start and end times",
                line=number,
            )
        rest = right.split(None, 1)
        start = milliseconds(left, number)
        end = milliseconds(rest[0] if rest else "", number)
        found.append((number, start, end))
    return found


def find_line(
    timings: list[tuple[int, int, int]], position: int, start: int, end: int
) -> tuple[int | None, int]:
    """The line of the next timing line with these times, and where to go on.

    Cues come in file order and are a subsequence of the timing lines (a
    library may skip what it does not take for a cue), so a forward scan
    finds each one.
    """
    for index in range(position, len(timings)):
        line, line_start, line_end = timings[index]
        if line_start == start and line_end == end:
            return line, index + 1
    return None, position


def check_cue_times(
    start: float,
    end: float,
    line: int | None,
    previous: tuple[float, int | None],
    warnings: Warnings,
) -> tuple[float, float, tuple[float, int | None]]:
    """Refuse a cue ending before it starts or starting well before the one before.

    A start a few seconds before the previous cue's is overlapping speech:
    clamped to it, with a warning (`clamp_backwards`). Returns the cue's
    (start, end) and its (start, line), to pass as `previous` for the next.
    """
    if end < start:
        raise TranscriptError(
            f"the cue ends ({clock(end)}) before it starts ({clock(start)})",
            line=line,
        )
    start = clamp_backwards(
        start,
        previous[0],
        what=f"time {clock(start)}",
        before=f"the cue before it, on line {previous[1]}, starts at "
        f"{clock(previous[0])}",
        line=line,
        warnings=warnings,
    )
    end = max(end, start)
    return start, end, (start, line)


def line_of(text: str, offset: int) -> int:
    """The 1-based line of a character offset."""
    return text.count("\n", 0, offset) + 1


def estimate_starts(cues: Sequence[Cue]) -> None:
    """Give cues without a time one interpolated by character offset.

    Known times are points on a line from character offset to seconds;
    between two of them a cue's start is linear in its offset, and outside
    them the speaking rate they show (or 15 characters a second) carries
    on. Known times must not decrease, so the estimates never do either.
    """
    offsets: list[int] = []
    position = 0
    points: list[tuple[int, float]] = []
    for cue in cues:
        offsets.append(position)
        if cue.start is not None:
            points.append((position, cue.start))
        position += len(cue.text) + 1
    clock_at = Interpolator(points)
    for cue, offset in zip(cues, offsets, strict=True):
        if cue.start is None:
            cue.start = clock_at.at(offset)
            cue.start_estimated = True


class _Turn:
    """A turn being built: its text as parts, to join once at the end."""

    __slots__ = ("cue", "end", "last_mark", "length", "marks", "parts")

    def __init__(self, cue: Cue) -> None:
        self.cue = cue
        self.parts = [cue.text]
        self.length = len(cue.text)
        self.end = cue.end
        self.marks: list[tuple[int, float]] = []
        self.last_mark: float | None = None
        if not cue.start_estimated and cue.start is not None:
            self.marks.append((0, cue.start))
            self.last_mark = cue.start

    def add(self, cue: Cue) -> None:
        text = cue.text
        if not (
            self.parts[-1].endswith(NO_SPACE_AFTER)
            or (text[0] in NO_SPACE_BEFORE_FIRST and NO_SPACE_BEFORE_RE.match(text))
        ):
            self.parts.append(" ")
            self.length += 1
        start = cue.start
        if not cue.start_estimated and start is not None:
            if self.last_mark is None or start - self.last_mark >= MARK_SPACING_SECONDS:
                self.marks.append((self.length, start))
                self.last_mark = start
        self.parts.append(text)
        self.length += len(text)
        if cue.end is not None and (self.end is None or cue.end > self.end):
            self.end = cue.end

    def ends_paragraph(self) -> bool:
        """Whether a speakerless turn is long enough to start a new one."""
        if self.length >= 4 * UNLABELLED_TURN_CHARS:
            return True
        return self.length >= UNLABELLED_TURN_CHARS and self.parts[-1].endswith(
            SENTENCE_END
        )

    def segment(self) -> ParsedSegment:
        cue = self.cue
        return ParsedSegment(
            speaker=cue.speaker,
            text="".join(self.parts),
            start=cue.start or 0.0,
            start_estimated=cue.start_estimated,
            end=self.end,
            marks=tuple(TimeMark(offset, seconds) for offset, seconds in self.marks),
            line=cue.line,
        )


def merge_turns(cues: Iterable[Cue], tally: Tally) -> list[ParsedSegment]:
    """Speaker turns from cues, in order; every cue must have a start.

    Consecutive cues of the same speaker, or naming nobody, make one turn:
    texts joined with a space (none before punctuation and clitics, so
    word-level transcripts read naturally), the first start, the latest end,
    and a `TimeMark` at later cues whose start the file gives (at most one a
    `MARK_SPACING_SECONDS`), so a mention's time can be interpolated inside a
    long turn. Each turn begun is counted in `tally` (segments, speakers).
    """
    turns: list[_Turn] = []
    for cue in cues:
        if not cue.text:
            continue
        current = turns[-1] if turns else None
        if (
            current is not None
            and (cue.speaker is None or cue.speaker == current.cue.speaker)
            and not (current.cue.speaker is None and current.ends_paragraph())
        ):
            current.add(cue)
            tally.turn_length(current.length, current.cue.line)
        else:
            tally.segment(cue.speaker, cue.line)
            turns.append(_Turn(cue))
    segments = [turn.segment() for turn in turns]
    never_decreasing(segments)
    return segments


def never_decreasing(segments: list[ParsedSegment]) -> None:
    """Pull estimated starts back to the start after them where they passed it.

    An estimated start (a speaker change inside a cue, placed by character
    offset) can land after the next cue's start when cues overlap; the
    file's own times win.
    """
    following: float | None = None
    for segment in reversed(segments):
        if segment.start_estimated and following is not None:
            segment.start = min(segment.start, following)
        following = segment.start


def require_text(segments: list[ParsedSegment], what: str) -> list[ParsedSegment]:
    """The segments, or `TranscriptError` when none has any text."""
    if not segments:
        raise TranscriptError(f"no text found: the file has no {what} with text")
    return segments
