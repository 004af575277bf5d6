"""Offsets in the unit a caller slices with.

The linker works in Unicode code points (Python's `str` indices). A
JavaScript caller slices UTF-16 code units (`String.prototype.slice`), a
byte-oriented one UTF-8 bytes: a code point above U+FFFF (an emoji, a flag's
regional indicators, a ZWJ sequence's parts) is two UTF-16 units and four
bytes. Combining marks and CR LF are code points like any other, so they
need no special case.
"""

from __future__ import annotations

from collections.abc import Iterable

UNITS = ("codepoint", "utf16", "utf8")
"""What `offsets` may say; "codepoint" is the default everywhere."""


def _width(chunk: str, unit: str) -> int:
    if unit == "utf8":
        return len(chunk.encode("utf-8", "surrogatepass"))
    # Every code point above U+FFFF is a surrogate pair in UTF-16.
    if chunk.isascii():
        return len(chunk)
    return len(chunk.encode("utf-16-le", "surrogatepass")) // 2


def convert(text: str, positions: Iterable[int], unit: str) -> dict[int, int]:
    """Map code point positions of `text` to positions in `unit`.

    One pass over the text whatever the number of positions: the widths of
    the pieces between consecutive positions are added up.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown offset unit {unit!r}; one of {', '.join(UNITS)}")
    wanted = sorted(set(positions))
    if unit == "codepoint":
        return {p: p for p in wanted}
    mapped: dict[int, int] = {}
    done = total = 0
    for position in wanted:
        total += _width(text[done:position], unit)
        mapped[position] = total
        done = position
    return mapped
