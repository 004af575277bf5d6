"""Plain-text transcripts with speaker labels and inline `[HH:MM:SS]` markers.

The shape of the seed episode (an export from a podcast host)::

    Developing LLMs: Open, closed, or democratic?      <- title
    Episode 4_transcript                                <- episode number
    Tom: [00:00:00] Hi, Nate. ...                       <- a speaker turn
    You have to explain before we begin.                <- same turn, next paragraph
    Nathan: ... [00:01:00] ...                          <- a marker about once a minute
    Creators and Guests                                 <- credits: name, role, bio

Markers rarely fall at the start of a turn, so most turns get a start time
interpolated by character offset between the markers around them, and are
flagged as estimated.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .base import (
    ParsedPerson,
    ParsedSegment,
    ParsedTranscript,
    TimeMark,
    TranscriptError,
    Warnings,
    clamp_backwards,
)
from .labels import looks_like_label, split_label
from .limits import Limits, Tally

# Speaking rate used to extrapolate past the last marker when the transcript
# gives no better figure (about 150 words a minute).
DEFAULT_CHARS_PER_SECOND = 15.0

MARKER_RE = re.compile(r"\[(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2}(?:[.,]\d{1,3})?)\]")
# Anything in square brackets that starts like a time but is not one.
BROKEN_MARKER_RE = re.compile(r"\[\d{1,2}:[^\]\s]*\]")
EPISODE_RE = re.compile(r"^Episode\s+(\d+)(?!\d)", re.IGNORECASE)
CREDITS_HEADINGS = {"creators and guests", "hosts and guests", "credits"}
ROLES = {"host", "co-host", "cohost", "guest", "producer", "editor", "creator"}
HEADER_SEARCH_LINES = 5


@dataclass(slots=True)
class _Turn:
    speaker: str | None
    line: int
    parts: list[tuple[int, str]]  # (line number, raw text) per paragraph


def parse_seconds(hours: str | None, minutes: str, seconds: str, *, line: int) -> float:
    """Seconds from the parts of a marker, refusing minutes or seconds past 59."""
    m, s = int(minutes), float(seconds.replace(",", "."))
    if hours is not None and m > 59 or s >= 60:
        raise TranscriptError(
            f"bad timestamp {minutes}:{seconds}: minutes and seconds must be below 60",
            line=line,
        )
    return int(hours or 0) * 3600 + m * 60 + s


def parse_text(text: str, limits: Limits | None = None) -> ParsedTranscript:
    """Parse a plain-text transcript; raise `TranscriptError` naming the line
    (also that of the turn crossing a cap of `limits`)."""
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise TranscriptError("the transcript is empty", line=1)

    warnings = Warnings()
    title, number, body_start = _read_header(lines)
    body_end, people = _read_credits(lines, body_start, title)
    turns = _read_turns(lines, body_start, body_end, warnings, Tally(limits))
    if not any(turn.speaker for turn in turns):
        raise TranscriptError(
            "no speaker turns found: expected lines such as 'Name: what they said'",
            line=body_start + 1,
        )
    segments = _timed_segments(turns, warnings)
    return ParsedTranscript(
        format="text",
        segments=segments,
        title=title,
        episode_number=number,
        people=people,
        warnings=warnings,
    )


def _read_header(lines: list[str]) -> tuple[str, int | None, int]:
    """Title and episode number from the lines before `Episode N...`, if any."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        match = EPISODE_RE.match(line.strip())
        if match:
            title = " ".join(part.strip() for part in lines[:index] if part.strip())
            return title, int(match.group(1)), index + 1
    return "", None, 0


def _read_credits(
    lines: list[str], start: int, title: str
) -> tuple[int, list[ParsedPerson]]:
    """Where the body ends, and the people the closing credits name."""
    for index in range(start, len(lines)):
        if lines[index].strip().lower() in CREDITS_HEADINGS:
            break
    else:
        return len(lines), []
    entries = [line.strip() for line in lines[index + 1 :] if line.strip()]
    people: dict[str, ParsedPerson] = {}
    i = 0
    while i < len(entries):
        entry = entries[i]
        if entry == title or entry.lower().startswith("broadcast by"):
            break
        following = entries[i + 1] if i + 1 < len(entries) else ""
        if following.lower() in ROLES:
            people.setdefault(entry, ParsedPerson(name=entry, role=following.lower()))
            i += 2
        elif entry in people and following and following != title:
            people[entry] = ParsedPerson(
                name=entry, role=people[entry].role, bio=following
            )
            i += 2
        else:
            i += 1
    return index, list(people.values())


def _read_turns(
    lines: list[str], start: int, end: int, warnings: Warnings, tally: Tally
) -> list[_Turn]:
    turns: list[_Turn] = []
    for index in range(start, end):
        raw = lines[index].strip()
        if not raw:
            continue
        line_no = index + 1
        speaker, text = split_label(raw)
        if speaker:
            tally.segment(speaker, line_no)
            turns.append(_Turn(speaker, line_no, [(line_no, text)]))
            continue
        label = looks_like_label(raw)
        if label and turns and turns[-1].speaker:
            warnings.add(
                f"{label!r} looks like a speaker label but is not one kb reads "
                f"(a name, 'Name, Credentials', 'Dr. Name' or 'Speaker 1'): the "
                f"line is kept as part of {turns[-1].speaker}'s turn",
                line=line_no,
            )
        if turns:
            turns[-1].parts.append((line_no, raw))
        else:
            tally.segment(None, line_no)
            turns.append(_Turn(None, line_no, [(line_no, raw)]))
    return turns


def _strip_markers(turn: _Turn) -> tuple[str, list[tuple[int, float, int]]]:
    """The turn's text without markers, and (offset, seconds, line) per marker."""
    out = ""
    marks: list[tuple[int, float, int]] = []
    for paragraph_index, (line_no, raw) in enumerate(turn.parts):
        if paragraph_index:
            out = out.rstrip(" ") + "\n"
        position = 0
        for match in MARKER_RE.finditer(raw):
            out = _join(out, raw[position : match.start()])
            seconds = parse_seconds(*match.groups(), line=line_no)
            tail = raw[match.end() :]
            if (
                out
                and not out.endswith(("\n", " "))
                and (raw[: match.start()].endswith(" ") or tail.startswith(" "))
                and tail.strip()
            ):
                out += " "
            marks.append((len(out), seconds, line_no))
            position = match.end()
        out = _join(out, raw[position:])
        broken = BROKEN_MARKER_RE.search(raw)
        if broken and not MARKER_RE.fullmatch(broken.group()):
            raise TranscriptError(f"bad timestamp {broken.group()}", line=line_no)
    text = out.strip()
    shift = len(out) - len(out.lstrip())
    return text, [(min(max(o - shift, 0), len(text)), s, n) for o, s, n in marks]


def _join(out: str, piece: str) -> str:
    """Append text that followed a marker, collapsing the spaces around it."""
    if out.endswith((" ", "\n")) or not out:
        return out + piece.lstrip(" ")
    return out + piece


def _timed_segments(turns: list[_Turn], warnings: Warnings) -> list[ParsedSegment]:
    texts: list[str] = []
    marks_per_turn: list[list[tuple[int, float, int]]] = []
    starts: list[int] = []
    points: list[tuple[int, float]] = []  # (global offset, seconds), in order
    position = 0
    previous: tuple[float, int] | None = None
    for turn in turns:
        text, marks = _strip_markers(turn)
        for index, (offset, seconds, line_no) in enumerate(marks):
            if previous:
                seconds = clamp_backwards(
                    seconds,
                    previous[0],
                    what=f"time {_clock(seconds)}",
                    before=f"the marker before it, on line {previous[1]}, "
                    f"says {_clock(previous[0])}",
                    line=line_no,
                    warnings=warnings,
                )
                marks[index] = (offset, seconds, line_no)
            previous = (seconds, line_no)
            points.append((position + offset, seconds))
        texts.append(text)
        marks_per_turn.append(marks)
        starts.append(position)
        position += len(text) + 1

    clock = Interpolator(points)
    segments = []
    for turn, text, marks, start in zip(
        turns, texts, marks_per_turn, starts, strict=True
    ):
        exact = marks[0][1] if marks and marks[0][0] == 0 else None
        segments.append(
            ParsedSegment(
                speaker=turn.speaker,
                text=text,
                start=exact if exact is not None else clock.at(start),
                start_estimated=exact is None,
                marks=tuple(TimeMark(offset, seconds) for offset, seconds, _ in marks),
                line=turn.line,
            )
        )
    return segments


class Interpolator:
    """Time at a character offset, linear between known (offset, seconds) points."""

    def __init__(self, points: list[tuple[int, float]]) -> None:
        self.offsets = [offset for offset, _ in points]
        self.seconds = [seconds for _, seconds in points]
        self.rate = DEFAULT_CHARS_PER_SECOND
        if len(points) >= 2 and self.seconds[-1] > self.seconds[0]:
            self.rate = (self.offsets[-1] - self.offsets[0]) / (
                self.seconds[-1] - self.seconds[0]
            )

    def at(self, offset: int) -> float:
        if not self.offsets:
            return round(offset / self.rate, 3)
        i = bisect.bisect_right(self.offsets, offset)
        if i == 0:
            return round(
                max(0.0, self.seconds[0] - (self.offsets[0] - offset) / self.rate), 3
            )
        if i == len(self.offsets):
            return round(self.seconds[-1] + (offset - self.offsets[-1]) / self.rate, 3)
        o0, o1 = self.offsets[i - 1], self.offsets[i]
        s0, s1 = self.seconds[i - 1], self.seconds[i]
        return round(s0 + (s1 - s0) * (offset - o0) / (o1 - o0), 3)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
