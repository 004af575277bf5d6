"""Transcript parsers: one per format, all returning `ParsedTranscript`.

`parse_transcript` is the one entry point: it checks the size, decodes
bytes, picks the format (named, or detected from the file name and content)
and parses. Only `TranscriptError` ever escapes it.

The formats are those of the Podcasting 2.0 `podcast:transcript` tag
(WebVTT, SRT, JSON, HTML) and the plain text podcast hosts export.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import srt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from .base import (
    ParsedPerson,
    ParsedSegment,
    ParsedTranscript,
    TimeMark,
    TranscriptError,
)
from .html_format import parse_html
from .json_format import parse_json
from .limits import Limits, check_limits
from .subrip import parse_srt
from .text import parse_text
from .vtt import parse_vtt

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "Limits",
    "ParsedPerson",
    "ParsedSegment",
    "ParsedTranscript",
    "TimeMark",
    "TranscriptError",
    "decode_transcript",
    "detect_format",
    "parse_transcript",
]

Parser = Callable[[str, Limits | None], ParsedTranscript]
FORMATS: dict[str, Parser] = {
    "text": parse_text,
    "vtt": parse_vtt,
    "srt": parse_srt,
    "json": parse_json,
    "html": parse_html,
}
EXTENSIONS = {
    ".txt": "text",
    ".vtt": "vtt",
    ".srt": "srt",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}
# Other names a caller may give for a format: the MIME types a feed's
# `podcast:transcript type="..."` uses, and common spellings.
ALIASES = {
    "txt": "text",
    "plain": "text",
    "text/plain": "text",
    "webvtt": "vtt",
    "text/vtt": "vtt",
    "subrip": "srt",
    "application/srt": "srt",
    "application/x-subrip": "srt",
    "text/srt": "srt",
    "application/json": "json",
    "htm": "html",
    "text/html": "html",
}

# Everything a parser or the libraries under it may raise on odd input; any
# of these that a parser does not turn into a precise message becomes a
# general `TranscriptError` here.
LIBRARY_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
    MalformedFileError,
    MalformedCaptionError,
    srt.SRTParseError,
)

DETECT_CHARS = 4096
SRT_START_RE = re.compile(r"\s*\d+[ \t]*\n[ \t]*\d+:\d{1,2}:\d{1,2},\d{1,3}[ \t]*-->")
TIMING_RE = re.compile(r"^[ \t]*[\d:]+([.,])\d{1,3}[ \t]*-->", re.MULTILINE)
HTML_START_RE = re.compile(r"\s*<[A-Za-z!?]")
JSON_START_RE = re.compile(r"\s*(?:\{|\[\s*[{\]])")


def decode_transcript(data: bytes | str) -> str:
    """Text from a file's bytes: UTF-8 (a BOM is dropped), newlines unified."""
    if isinstance(data, bytes):
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise TranscriptError(
                "this is a binary file, not a text transcript", line=line
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise TranscriptError(
                f"invalid UTF-8 at byte {error.start}: transcripts must be UTF-8 text",
                line=line,
            ) from None
    elif "\x00" in data:
        raise TranscriptError("this is a binary file, not a text transcript")
    else:
        text = data
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, filename: str | None = None) -> str:
    """The format's name, from the file name's extension, else the content.

    The extension wins when it is a known one, so a broken `.vtt` gets the
    WebVTT parser's message rather than the text parser's. The content tells
    the formats apart by their first characters: the `WEBVTT` header, a JSON
    object, a tag, an SRT index line followed by its timing line. A file
    whose timing lines use a comma is SRT even without index lines, and one
    whose timing lines use a dot is WebVTT missing its header (the WebVTT
    parser then says so). Anything else is plain text.
    """
    if filename:
        name = filename.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    head = text[:DETECT_CHARS]
    if head.lstrip().startswith("WEBVTT"):
        return "vtt"
    if JSON_START_RE.match(head):
        return "json"
    if HTML_START_RE.match(head):
        return "html"
    if SRT_START_RE.match(head):
        return "srt"
    timing = TIMING_RE.search(head)
    if timing:
        return "srt" if timing[1] == "," else "vtt"
    return "text"


def parse_transcript(
    data: bytes | str,
    *,
    filename: str | None = None,
    format: str | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> ParsedTranscript:
    """Parse a transcript in any supported format; raise `TranscriptError`.

    `format` is a name in `FORMATS` (or an alias such as a MIME type);
    without it the format is detected from `filename` and the content.
    `max_bytes` refuses larger files before any work is done on them.
    Segments left without text are dropped, and a transcript with none is
    an error. The parser counts cues, segments and speakers against
    `limits` as it reads, and the result is checked against the rest
    (`limits.py`: times, characters, lengths; the defaults when not given).
    """
    if max_bytes is not None:
        _check_size(data, max_bytes)
    text = decode_transcript(data)
    name = _format_name(format) if format else detect_format(text, filename)
    parser = FORMATS[name]
    try:
        with _cycle_collection_paused():
            parsed = parser(text, limits)
    except TranscriptError:
        raise
    except LIBRARY_ERRORS as error:
        raise TranscriptError(f"could not read this file as {name}: {error}") from error
    parsed.segments = [segment for segment in parsed.segments if segment.text.strip()]
    if not parsed.segments:
        raise TranscriptError("no text found: the transcript has no text to store")
    check_limits(parsed, limits)
    return parsed


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a parser builds its objects.

    A parser keeps every turn and segment it builds until it returns, and
    CPython's collector, triggered by those allocations, traverses all of
    them again and again: measured (`bench/limits_bench.py`), 100,000
    speaker turns cost 1.3 to 1.75 times as much per turn as 10,000, and
    exactly as much with the collector off. Parsers make no reference
    cycles (their data is a tree), so reference counting frees all they
    drop; the collector is turned back on, if it was on, when they return.
    The pause is the process's, so threads parsing at once share it: the
    first one in pauses, the last one out resumes.
    """
    global _parsing, _resume
    with _pause_lock:
        if _parsing == 0:
            _resume = gc.isenabled()
            gc.disable()
        _parsing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _parsing -= 1
            if _parsing == 0 and _resume:
                gc.enable()


_pause_lock = threading.Lock()
_parsing = 0  # parsers running now, in every thread
_resume = False  # whether the collector was on before the first of them


def _format_name(format: str) -> str:
    key = format.strip().lower()
    name = ALIASES.get(key, key)
    if name not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise TranscriptError(f"unknown transcript format {format!r} (known: {known})")
    return name


def _check_size(data: bytes | str, max_bytes: int) -> None:
    # A str of more characters than the limit is over it whatever its
    # encoding; only a near one needs encoding to be measured.
    if isinstance(data, str):
        size = len(data) if len(data) > max_bytes else len(data.encode("utf-8"))
    else:
        size = len(data)
    if size > max_bytes:
        raise TranscriptError(
            f"the file is {size} bytes, over the limit of {max_bytes} bytes"
        )
