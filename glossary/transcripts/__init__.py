"""Transcript parsers: one per format, all returning `ParsedTranscript`.

`parse_transcript` is the one entry point: it decodes bytes, picks the
format (named, or detected from the file name and content) and parses.
Only `TranscriptError` ever escapes it.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import ParsedPerson, ParsedSegment, ParsedTranscript, TimeMark, TranscriptError
from .text import parse_text

__all__ = [
    "FORMATS",
    "ParsedPerson",
    "ParsedSegment",
    "ParsedTranscript",
    "TimeMark",
    "TranscriptError",
    "decode_transcript",
    "detect_format",
    "parse_transcript",
]

Parser = Callable[[str], ParsedTranscript]
FORMATS: dict[str, Parser] = {"text": parse_text}
EXTENSIONS = {".txt": "text"}


def decode_transcript(data: bytes | str) -> str:
    """Text from a file's bytes: UTF-8 (a BOM is dropped), newlines unified."""
    if isinstance(data, bytes):
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise TranscriptError("this is a binary file, not a text transcript", line=line)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise TranscriptError(
                f"invalid UTF-8 at byte {error.start}: transcripts must be UTF-8 text",
                line=line,
            ) from None
    elif "\x00" in data:
        raise TranscriptError("this is a binary file, not a text transcript")
    return data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, filename: str | None = None) -> str:
    """The format's name, from the file name's extension, else the content."""
    if filename:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    return "text"


def parse_transcript(
    data: bytes | str, *, filename: str | None = None, format: str | None = None
) -> ParsedTranscript:
    """Parse a transcript in any supported format; raise `TranscriptError`."""
    text = decode_transcript(data)
    name = format or detect_format(text, filename)
    if name not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise TranscriptError(f"unknown transcript format {name!r} (known: {known})")
    return FORMATS[name](text)
