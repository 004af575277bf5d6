"""Word-level differences between two summaries, for the editor's "what changed".

A summary is a few long paragraphs, so a line diff would flag everything;
comparing words shows the edit itself. Pure Python: the template renders the
pieces (and escapes them).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`(op, text)` pieces, op being "equal", "delete" or "insert", in reading order."""
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(pieces, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _append(pieces, "insert", "".join(b[j1:j2]))
    return pieces


def _append(pieces: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))
