"""WebVTT transcripts, as the Podcasting 2.0 `podcast:transcript` tag serves them.

The shape::

    WEBVTT

    NOTE Speaker names are in voice spans.

    00:00:00.000 --> 00:00:04.500
    <v Nathan Lambert>Welcome to <i>The Retort</i>.

    00:00:04.500 --> 00:00:07.000
    and today, open source.                         <- no voice: same turn

webvtt-py reads the blocks (cues, NOTE, STYLE and REGION blocks), but in
its forgiving mode it silently drops a cue whose timings it cannot read and
does not say which line a cue came from. So every line holding `-->` is
checked here first, which both names the line of a bad timestamp and gives
each cue its line. The speaker comes from `<v Name>` voice spans (a cue may
hold several), or, in a file without any, from `Name:` at the start of a
line as in SRT. Other tags (`<b>`, `<c.class>`, `<00:00:01.000>`, `<lang>`)
are dropped and character references decoded.
"""

from __future__ import annotations

import html
import io
import re

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from .base import ParsedTranscript, TranscriptError, Warnings
from .labels import speaker_name
from .limits import Limits, Tally
from .turns import (
    Cue,
    check_cue_times,
    clean_text,
    find_line,
    merge_turns,
    require_text,
    speaker_runs,
    split_cue,
    timing_lines,
)

TIMESTAMP_RE = re.compile(r"(?:(\d{1,10}):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})")
VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t\f]+([^>]*))?>")
TAG_RE = re.compile(r"<[^>\n]*>")


def parse_vtt(text: str, limits: Limits | None = None) -> ParsedTranscript:
    """Parse a WebVTT transcript; raise `TranscriptError` naming the line."""
    lines = text.split("\n")
    if not _is_header(lines[0]):
        later = next((i for i, line in enumerate(lines) if line.strip()), 0)
        if later and _is_header(lines[later].strip()):
            raise TranscriptError(
                f"the WEBVTT header must be the first line, not line {later + 1}",
                line=1,
            )
        raise TranscriptError(
            "missing the WEBVTT header: a WebVTT file must start with a line 'WEBVTT'",
            line=1,
        )
    tally = Tally(limits)
    timings = timing_lines(lines, _milliseconds, tally)
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as error:
        raise TranscriptError(f"not a readable WebVTT file: {error}") from None

    voiced = "<v" in text
    cues: list[Cue] = []
    warnings = Warnings()
    previous: tuple[float, int | None] = (0.0, None)
    position = 0
    for caption in captions:
        start_ms = caption.start_time.in_milliseconds()
        end_ms = caption.end_time.in_milliseconds()
        line, position = find_line(timings, position, start_ms, end_ms)
        start, end = start_ms / 1000, end_ms / 1000
        start, end, previous = check_cue_times(start, end, line, previous, warnings)
        raw = caption.raw_text
        runs = _voice_runs(raw) if voiced else _prefix_runs(raw)
        cues.extend(split_cue(runs, start=start, end=end, line=line))
    segments = require_text(merge_turns(cues, tally), "cues")
    return ParsedTranscript(format="vtt", segments=segments, warnings=warnings)


def _is_header(line: str) -> bool:
    return line == "WEBVTT" or line.startswith(("WEBVTT ", "WEBVTT\t"))


def _milliseconds(value: str, line: int) -> int:
    match = TIMESTAMP_RE.fullmatch(value)
    if not match:
        hint = " (WebVTT puts a dot before the milliseconds)" if "," in value else ""
        raise TranscriptError(
            f"bad timestamp {value!r}: expected HH:MM:SS.mmm or MM:SS.mmm{hint}",
            line=line,
        )
    hours, minutes, seconds, millis = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise TranscriptError(
            f"bad timestamp {value!r}: minutes and seconds must be below 60",
            line=line,
        )
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return whole * 1000 + int(millis.ljust(3, "0"))


def _voice_runs(raw: str) -> list[tuple[str | None, str]]:
    """(speaker, text) per voice span of a cue; text before any span has none."""
    runs: list[tuple[str | None, str]] = []
    speaker: str | None = None
    position = 0
    for match in VOICE_RE.finditer(raw):
        runs.append((speaker, _plain(raw[position : match.start()])))
        speaker = speaker_name(html.unescape(match[1] or ""))
        position = match.end()
    runs.append((speaker, _plain(raw[position:])))
    return runs


def _prefix_runs(raw: str) -> list[tuple[str | None, str]]:
    return speaker_runs(_plain_line(line) for line in raw.split("\n"))


def _plain(raw: str) -> str:
    return clean_text(html.unescape(TAG_RE.sub("", raw)))


def _plain_line(raw: str) -> str:
    return html.unescape(TAG_RE.sub("", raw))
