"""JSON transcripts in the Podcasting 2.0 shape.

::

    {
      "version": "1.0.0",
      "segments": [
        {"speaker": "Nathan Lambert", "startTime": 0.0, "endTime": 1.2,
         "body": "Welcome"},
        {"startTime": 1.2, "endTime": 1.4, "body": "to"},     <- speaker optional
        ...
      ]
    }

Segments are often single words; consecutive segments of one speaker (or
naming nobody) become one turn, words joined without a space before
punctuation. Times are seconds as numbers; numeric strings ("12.5") and
clock strings ("00:00:12.5") are accepted too, as some exporters write them.
Errors name the segment (1-based, as "segment 3") and, when it can be found,
its line. `json.loads` keeps no positions, and finding every segment's
line would cost more than parsing, so the line is looked up only for an
error.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .base import ParsedTranscript, TranscriptError, Warnings, clamp_backwards
from .labels import speaker_name
from .limits import Limits, Tally
from .turns import Cue, clean_text, clock, merge_turns, parse_clock, require_text

WHITESPACE_RE = re.compile(r"[ \t\n\r]*")


def parse_json(text: str, limits: Limits | None = None) -> ParsedTranscript:
    """Parse a JSON transcript; raise `TranscriptError` naming the segment."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(
            f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno
        ) from None
    except RecursionError:
        raise TranscriptError("invalid JSON: nested too deeply") from None
    except ValueError as error:  # an integer past Python's digit limit
        raise TranscriptError(f"invalid JSON: {error}") from None
    if not isinstance(data, dict):
        raise TranscriptError(
            f"expected a JSON object with a 'segments' list, found {_kind(data)}",
            line=1,
        )
    if "segments" not in data:
        raise TranscriptError("the JSON object has no 'segments' list", line=1)
    segments = data["segments"]
    if not isinstance(segments, list):
        raise TranscriptError(
            f"'segments' must be a list, found {_kind(segments)}",
            line=_key_line(text),
        )

    tally = Tally(limits)
    tally.cue(_key_line(text), count=len(segments))  # before reading any
    cues: list[Cue] = []
    speakers: dict[str, str | None] = {}  # cleaned names, as they repeat
    warnings = Warnings()
    previous = 0.0
    for number, item in enumerate(segments, start=1):
        try:
            cue = _cue(item, speakers)
            if cue.start is not None and cue.start < previous:
                cue.start = clamp_backwards(
                    cue.start,
                    previous,
                    what=f"segment {number}: startTime {clock(cue.start)}",
                    before=f"segment {number - 1} starts at {clock(previous)}",
                    line=_segment_line(text, number - 1),
                    warnings=warnings,
                )
                if cue.end is not None:
                    cue.end = max(cue.end, cue.start)
        except ValueError as error:
            raise TranscriptError(
                f"segment {number}: {error}", line=_segment_line(text, number - 1)
            ) from None
        except TranscriptError as error:
            raise TranscriptError(
                error.message, line=_segment_line(text, number - 1)
            ) from None
        previous = cue.start or 0.0
        cues.append(cue)
    parsed = require_text(merge_turns(cues, tally), "segments")
    return ParsedTranscript(format="json", segments=parsed, warnings=warnings)


def _cue(item: Any, speakers: dict[str, str | None]) -> Cue:
    """A cue from one segment; `ValueError` says what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError(f"expected an object, found {_kind(item)}")
    if "body" not in item:
        raise ValueError("body is missing")
    body = item["body"]
    if not isinstance(body, str):
        raise ValueError(f"body must be a string, found {_kind(body)}")
    speaker = item.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise ValueError(f"speaker must be a string, found {_kind(speaker)}")
    if "startTime" not in item:
        raise ValueError("startTime is missing")
    start = _seconds(item["startTime"], "startTime")
    end = _seconds(item["endTime"], "endTime") if "endTime" in item else None
    if end is not None and end < start:
        raise ValueError(f"endTime {clock(end)} is before startTime {clock(start)}")
    if speaker:
        if speaker not in speakers:
            speakers[speaker] = speaker_name(speaker)
        speaker = speakers[speaker]
    return Cue(speaker or None, clean_text(body), start, end)


def _seconds(value: Any, name: str) -> float:
    """Seconds from a number, a numeric string or a clock string."""
    if type(value) is float and 0 <= value < math.inf:  # the usual case, first
        return value
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            seconds = float(value)
        except OverflowError:
            seconds = None
    elif isinstance(value, str):
        seconds = parse_clock(value)
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"{name} must be a number of seconds, found {json.dumps(value)[:40]}"
        )
    return seconds


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _key_line(text: str) -> int | None:
    match = re.search(r'"segments"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _segment_line(text: str, index: int) -> int | None:
    """The line where item `index` of the top-level "segments" list starts.

    Walks the (valid) JSON value by value with the standard decoder, up to
    that item of the first "segments" key (`json.loads` takes the last one,
    which only differs in a file repeating the key).
    """
    decoder = json.JSONDecoder()

    def skip(i: int, separator: str = "") -> int:
        # The pattern matches the empty string: `match` never returns None.
        i = WHITESPACE_RE.match(text, i).end()  # type: ignore[union-attr]
        if separator and text.startswith(separator, i):
            i = WHITESPACE_RE.match(text, i + 1).end()  # type: ignore[union-attr]
        return i

    try:
        i = skip(0)
        if not text.startswith("{", i):
            return None
        i = skip(i + 1)
        while text.startswith('"', i):
            key, i = decoder.raw_decode(text, i)
            i = skip(skip(i), ":")
            if key == "segments" and text.startswith("[", i):
                i = skip(i + 1)
                for _ in range(index):
                    _, i = decoder.raw_decode(text, i)
                    i = skip(i, ",")
                return text.count("\n", 0, i) + 1
            _, i = decoder.raw_decode(text, i)
            i = skip(i, ",")
    except (ValueError, RecursionError):
        return None
    return None
