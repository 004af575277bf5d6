"""What a parsed transcript may hold before anything stores it.

Every format's parser ends here (`parse_transcript` calls `check_limits`),
so one set of rules guards every path (command, admin, API): times finite
and within a plausible episode length, text free of NUL and lone
surrogates (PostgreSQL and UTF-8 refuse both), each field within its
column, and the number of people and time marks capped. An error names the
field, the segment and its line when the parser knew it.

The counts that make a file expensive, cues, segments and speakers, are
kept by the parsers as they read (`Tally`), which stop at the line that
crosses a cap: a file of a million cues over a cap of 200,000 is refused
after reading 200,001 timing lines, without building a cue.

No Django here: the caps are plain numbers, `Limits.from_settings` reads
them from any object with `KB_TRANSCRIPT_*` attributes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import Any

from .base import ParsedTranscript, TranscriptError

# Lone surrogates (a JSON "\ud800" decodes to one) and NUL; other control
# characters are harmless to store.
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on one transcript; the column lengths follow glossary.models."""

    max_seconds: float = 48 * 3600.0
    max_segments: int = 100_000
    max_cues: int = 200_000
    max_speakers: int = 500
    max_people: int = 200
    max_marks: int = 1_000_000
    max_segment_chars: int = 1_000_000
    # Column lengths (Episode.title, Segment.speaker_label, Person.name).
    title_chars: int = 300
    label_chars: int = 200
    name_chars: int = 200
    role_chars: int = 200
    bio_chars: int = 10_000

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The caps from `KB_TRANSCRIPT_MAX_<NAME>` settings, where set."""
        values = {}
        for field in fields(cls):
            if field.name.startswith("max_"):
                setting = f"KB_TRANSCRIPT_{field.name.upper()}"
                value = getattr(settings, setting, None)
                if value is not None:
                    values[field.name] = value
        return cls(**values)


def check_limits(parsed: ParsedTranscript, limits: Limits | None = None) -> None:
    """Raise `TranscriptError` for the first thing `parsed` may not hold."""
    limits = limits or Limits()
    _text("title", parsed.title, limits.title_chars)
    _count("people in the credits", len(parsed.people), limits.max_people)
    marks = 0
    for number, segment in enumerate(parsed.segments, start=1):
        where = f"segment {number}"
        line = segment.line
        _text(f"{where}: speaker", segment.speaker, limits.label_chars, line=line)
        _text(f"{where}: text", segment.text, limits.max_segment_chars, line=line)
        _time(f"{where}: start", segment.start, limits, line=line)
        if segment.end is not None:
            _time(f"{where}: end", segment.end, limits, line=line)
        for mark in segment.marks:
            _time(f"{where}: time marker", mark.seconds, limits, line=line)
        marks += len(segment.marks)
        if marks > limits.max_marks:
            _count("time markers", marks, limits.max_marks)
    for person in parsed.people:
        where = f"credits: {person.name[:40]!r}"
        _text(f"{where}: name", person.name, limits.name_chars)
        _text(f"{where}: role", person.role, limits.role_chars)
        _text(f"{where}: bio", person.bio, limits.bio_chars)


class Tally:
    """What a parser has read so far, refused the moment a cap is crossed.

    `cue` per cue (a timing line, a JSON item, an HTML paragraph),
    `segment` per speaker turn begun and `turn_length` as cues join a turn;
    each raises `TranscriptError` naming the line that went over.
    """

    __slots__ = ("cues", "limits", "segments", "speakers")

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.cues = 0
        self.segments = 0
        self.speakers: set[str] = set()

    def cue(self, line: int | None = None, *, count: int = 1) -> None:
        self.cues += count
        _count("cues", self.cues, self.limits.max_cues, line=line)

    def turn_length(self, chars: int, line: int | None = None) -> None:
        """Refuse the turn being built once its text is over the cap."""
        cap = self.limits.max_segment_chars
        if chars > cap:
            raise TranscriptError(
                f"segment {self.segments}: text is {chars} characters long, "
                f"over the limit of {cap}",
                line=line,
            )

    def segment(self, speaker: str | None, line: int | None = None) -> None:
        self.segments += 1
        _count("segments", self.segments, self.limits.max_segments, line=line)
        if speaker and speaker not in self.speakers:
            self.speakers.add(speaker)
            _count("speakers", len(self.speakers), self.limits.max_speakers, line=line)


def _count(what: str, n: int, cap: int, *, line: int | None = None) -> None:
    if n > cap:
        raise TranscriptError(
            f"too many {what}: {n}, over the limit of {cap} "
            f"(KB_TRANSCRIPT_MAX_{_setting(what)})",
            line=line,
        )


def _setting(what: str) -> str:
    return {
        "cues": "CUES",
        "segments": "SEGMENTS",
        "speakers": "SPEAKERS",
        "people in the credits": "PEOPLE",
        "time markers": "MARKS",
    }[what]


def _text(field: str, value: str | None, cap: int, *, line: int | None = None) -> None:
    if not value:
        return
    bad = UNSTORABLE_RE.search(value)
    if bad:
        kind = "a NUL character" if bad[0] == "\x00" else "a lone surrogate"
        raise TranscriptError(
            f"{field} holds {kind} at character {bad.start() + 1}", line=line
        )
    if len(value) > cap:
        raise TranscriptError(
            f"{field} is {len(value)} characters long, over the limit of {cap}",
            line=line,
        )


def _time(field: str, seconds: float, limits: Limits, *, line: int | None) -> None:
    if not (math.isfinite(seconds) and 0 <= seconds <= limits.max_seconds):
        hours = limits.max_seconds / 3600
        raise TranscriptError(
            f"{field} is {seconds:g} seconds: times must lie between 0 and "
            f"{limits.max_seconds:g} ({hours:g} hours, KB_TRANSCRIPT_MAX_SECONDS)",
            line=line,
        )
