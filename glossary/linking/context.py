"""Per-label sense rules: what must not stand around a mention for it to count.

An editor tells "Meta" the company from "meta" the word with rules on the
label: not followed by "-analysis", not preceded by "the", not at the start
of a sentence (where a capital says nothing). The rules compare folded text
(case, NFKC, apostrophes, hyphens and spaces alike, as labels are
compared), so "-analysis" also refuses "meta analysis".

A word rule ("narrative") skips the spaces between it and the mention and
must end at a word boundary ("narratives" is not "narrative"); a rule that
starts with punctuation ("-analysis", "'s") must touch the mention. The HTML
mode joins text runs with NUL, which the rules see through, so `<b>meta</b>
-analysis` is refused like the plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .folding import fold_text
from .normalize import fold, is_word_char

MAX_RULE = 100
"""Longest context rule an editor may set, in characters."""

_SPACES = re.compile(r" +")
# Before a sentence's first word: white space, opening quotes and brackets.
_OPENERS = frozenset("\"'“‘«‹([{¿¡*\x00")
_SENTENCE_ENDS = frozenset(".!?…。！？")


def fold_rule(rule: str) -> str:
    """A rule as it is compared: folded, runs of spaces as one."""
    return _SPACES.sub(" ", fold(rule))


def rule_problem(rule: str) -> str | None:
    """Why a context rule cannot be used, or None.

    Refused: an empty rule, one longer than `MAX_RULE`, and one with no
    letter or digit (a space or a comma stands next to nearly every
    mention, so such a rule would suppress them all).
    """
    if not rule.strip():
        return "A context rule cannot be empty."
    if len(rule) > MAX_RULE:
        return f"A context rule is at most {MAX_RULE} characters ({len(rule)} given)."
    if not any(is_word_char(char) for char in fold_rule(rule)):
        return (
            f"“{rule}” has no letter or digit: it would stand next to nearly "
            "every mention and suppress them all."
        )
    return None


def is_sentence_start(text: str, start: int) -> bool:
    """True when only spaces, quotes or brackets stand between a sentence end
    (or the start of the text) and `text[start]`."""
    i = start - 1
    while i >= 0 and (text[i].isspace() or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_ENDS


@dataclass(frozen=True, slots=True)
class Senses:
    """The context rules of one label, folded once when the matcher is built."""

    # (folded rule, the rule as the editor wrote it) pairs.
    not_followed_by: tuple[tuple[str, str], ...] = ()
    not_preceded_by: tuple[tuple[str, str], ...] = ()
    not_sentence_start: bool = False

    @classmethod
    def of(
        cls,
        not_followed_by: tuple[str, ...] | list[str] = (),
        not_preceded_by: tuple[str, ...] | list[str] = (),
        not_sentence_start: bool = False,
    ) -> Senses | None:
        """The rules, folded, or None when the label has none (the fast path)."""
        after = tuple(
            (fold_rule(r), r) for r in not_followed_by if fold_rule(r).strip()
        )
        before = tuple(
            (fold_rule(r), r) for r in not_preceded_by if fold_rule(r).strip()
        )
        if not after and not before and not not_sentence_start:
            return None
        return cls(after, before, not_sentence_start)

    def refusal(self, text: str, start: int, end: int) -> str | None:
        """The rule that refuses the mention `text[start:end]`, or None."""
        if self.not_sentence_start and is_sentence_start(text, start):
            return "not at the start of a sentence"
        for rule, written in self.not_followed_by:
            if _follows(text, end, rule):
                return f"not followed by “{written}”"
        for rule, written in self.not_preceded_by:
            if _precedes(text, start, rule):
                return f"not preceded by “{written}”"
        return None


def _folded(window: str) -> str:
    # `fold_text` folds ASCII (nearly every window) with one translate.
    if "\x00" in window:
        window = window.replace("\x00", "")
    folded = fold_text(window)[0]
    return _SPACES.sub(" ", folded) if "  " in folded else folded


def _follows(text: str, end: int, rule: str) -> bool:
    after = _folded(text[end : end + len(rule) + 32])
    if is_word_char(rule[0]):
        after = after.lstrip(" ")
    if not after.startswith(rule):
        return False
    return (
        not is_word_char(rule[-1])
        or len(after) == len(rule)
        or not is_word_char(after[len(rule)])
    )


def _precedes(text: str, start: int, rule: str) -> bool:
    before = _folded(text[max(0, start - len(rule) - 32) : start])
    if is_word_char(rule[-1]):
        before = before.rstrip(" ")
    if not before.endswith(rule):
        return False
    return (
        not is_word_char(rule[0])
        or len(before) == len(rule)
        or not is_word_char(before[-len(rule) - 1])
    )
