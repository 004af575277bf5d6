"""SRT (SubRip) transcripts, with the speaker as a `Name:` prefix on a line.

The shape the Podcasting 2.0 transcript spec shows::

    1
    00:00:00,000 --> 00:00:04,500
    Nathan Lambert: Welcome to The Retort.

    2
    00:00:04,500 --> 00:00:09,000
    Today, open source.                         <- no prefix: same turn
    Tom Gilbert: Sounds good.                   <- speaker change inside a cue

The `srt` library reads the blocks; it keeps no line numbers and accepts
out-of-range fields (`00:00:75,000`), so the timing lines are checked here
first, which also gives each cue its line. A speaker change inside a cue
splits it; the second speaker's start is placed by character offset
within the cue and flagged estimated. Formatting tags (`<i>`, `<font>`,
`{\\an8}`) are dropped.

(Named `subrip` so that it does not shadow the `srt` library.)
"""

from __future__ import annotations

import re
from datetime import timedelta

import srt

from .base import ParsedTranscript, TranscriptError, Warnings
from .limits import Limits, Tally
from .turns import (
    Cue,
    check_cue_times,
    find_line,
    line_of,
    merge_turns,
    require_text,
    speaker_runs,
    split_cue,
    timing_lines,
)

TIMESTAMP_RE = re.compile(r"(\d{1,10}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")
TAG_RE = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")
MILLISECOND = timedelta(milliseconds=1)


def parse_srt(text: str, limits: Limits | None = None) -> ParsedTranscript:
    """Parse an SRT transcript; raise `TranscriptError` naming the line."""
    lines = text.split("\n")
    tally = Tally(limits)
    timings = timing_lines(lines, _milliseconds, tally)
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as error:
        raise _unreadable(text, error) from None

    cues: list[Cue] = []
    warnings = Warnings()
    previous: tuple[float, int | None] = (0.0, None)
    position = 0
    for subtitle in subtitles:
        start_ms = subtitle.start // MILLISECOND
        end_ms = subtitle.end // MILLISECOND
        line, position = find_line(timings, position, start_ms, end_ms)
        start, end = start_ms / 1000, end_ms / 1000
        start, end, previous = check_cue_times(start, end, line, previous, warnings)
        content = subtitle.content.split("\n")
        for index, content_line in enumerate(content):
            if "-->" in content_line:
                raise TranscriptError(
                    "a timing line inside a cue's text: is the blank line before "
                    "it missing?",
                    line=line + 1 + index if line else None,
                )
        runs = speaker_runs(TAG_RE.sub("", part) for part in content)
        cues.extend(split_cue(runs, start=start, end=end, line=line))
    segments = require_text(merge_turns(cues, tally), "subtitles")
    return ParsedTranscript(format="srt", segments=segments, warnings=warnings)


def _milliseconds(value: str, line: int) -> int:
    match = TIMESTAMP_RE.fullmatch(value)
    if not match:
        raise TranscriptError(
            f"bad timestamp {value!r}: expected HH:MM:SS,mmm", line=line
        )
    hours, minutes, seconds, millis = (int(part) for part in match.groups())
    if minutes > 59 or seconds > 59:
        raise TranscriptError(
            f"bad timestamp {value!r}: minutes and seconds must be below 60",
            line=line,
        )
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _unreadable(text: str, error: srt.SRTParseError) -> TranscriptError:
    """Name the first line the `srt` library could not read as a subtitle."""
    unmatched = error.unmatched_content
    skipped = len(unmatched) - len(unmatched.lstrip())
    line = line_of(text, error.expected_start + skipped)
    found = unmatched.strip().split("\n", 1)[0][:60]
    return TranscriptError(
        "not a subtitle: expected a number, a line "
        f"'HH:MM:SS,mmm --> HH:MM:SS,mmm' and the text, found {found!r}",
        line=line,
    )
