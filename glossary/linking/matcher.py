"""Find glossary labels in running text: the linker's hot path.

(Over 500 lines on purpose: matching, the sense rules and the explained mode
share one prepared text and one entry table, and the hot loop stays in one
place where its cost can be read; text folding is apart, in `folding`.)

How a text is searched
----------------------
1. The text is folded the way labels are, runs of spaces collapsed, and
   every non-word character turned into a boundary marker, with one more
   marker at each end (`folding.PreparedText`, which also maps spans back).
   Keys are made the same way with a marker on both sides, so the
   automaton only reports whole words: "open" cannot match inside "reopen",
   because the key starts with a marker and "reopen" has none before its
   "o". The boundary check runs in C, the marked text has the length of
   the folded one (so no offset map), and the number of candidates, which
   is the Python work per text, follows real mentions.
2. A marker stands for any non-word character, so a key made from a label
   with spaces or punctuation inside ("open source", "AT&T") is confirmed
   against the folded text; so is a case-sensitive label, against the
   original. Single words, most of the reports, need no check.
3. One pass of the Aho-Corasick automaton reports every candidate;
   leftmost-longest selection happens while streaming them, in end order.
4. Only the matches kept are mapped back to offsets in the original string.

Plurals are extra keys ("foundation models" → the label "foundation model"),
which costs a node or three per label and no work at search time.

Because of the markers, the characters just before and just after a match
must not be word characters. For a label that starts or ends with a word
character that is exactly "not inside a word"; a label that starts or ends
with punctuation (".NET", "C++") also wants a non-word character beyond it,
so ".NET" is not found in "ASP.NET" nor "C++" in "C++11".
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter

import ahocorasick

from .context import Senses
from .folding import MARK, PreparedText, case_form, mark_boundaries, normalise
from .normalize import is_unspaced

# An automaton value is one int: the length of the match (bits 0-9), the
# number of spaces to confirm for a multi-word label (bits 10-13), a flag for
# keys that need the full check (bit 14) and the key id (the rest). Reading
# it costs a couple of integer operations per candidate and no Python object
# per key beyond the int itself.
_LEN_MASK = (1 << 10) - 1
_SPACES_SHIFT = 10
_SPACES_MAX = 15
_COMPLEX = 1 << 14
_CHECK = _COMPLEX | _SPACES_MAX << _SPACES_SHIFT
_KID_SHIFT = 15
# Longest label kept: its plurals ("-ies") must still fit the length bits.
_MAX_LABEL = _LEN_MASK - 3


@dataclass(frozen=True, slots=True)
class Entry:
    """One label of one term, as the matcher is built from."""

    label: str
    term_id: int
    case_sensitive: bool = False
    not_followed_by: tuple[str, ...] = ()
    not_preceded_by: tuple[str, ...] = ()
    not_sentence_start: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A mention: `text == original[start:end]`, `label` the entry that matched."""

    start: int
    end: int
    text: str
    term_id: int
    label: str


@dataclass(frozen=True, slots=True)
class Explained:
    """A mention and what became of it: linked, or the reason it was not.

    `label` is the label that matched; `reason` is None for a linked mention
    and otherwise starts with the rule's name: "first mention only",
    "max_links", "skip", "overlaps a linked mention", "case", "context rule".
    The HTML mode adds "inside a skipped element", the API "not published".
    """

    start: int
    end: int
    text: str
    term_id: int
    label: str
    linked: bool
    reason: str | None


# (original start, original end, entry index, reason) of a refused candidate.
Refusal = tuple[int, int, int, str]

_new = object.__new__
_set_start = Match.start.__set__  # type: ignore[attr-defined,misc]
_set_end = Match.end.__set__  # type: ignore[attr-defined,misc]
_set_text = Match.text.__set__  # type: ignore[attr-defined,misc]
_set_term = Match.term_id.__set__  # type: ignore[attr-defined,misc]
_set_label = Match.label.__set__  # type: ignore[attr-defined,misc]


def make_match(start: int, end: int, text: str, term_id: int, label: str) -> Match:
    """Build a Match through its slot descriptors, twice as fast as `Match(...)`.

    A dense text yields thousands of matches, and the frozen dataclass
    initialiser goes through `object.__setattr__` for every field.
    """
    match = _new(Match)
    _set_start(match, start)
    _set_end(match, end)
    _set_text(match, text)
    _set_term(match, term_id)
    _set_label(match, label)
    return match


def plural_forms(form: str) -> list[str]:
    """Simple English plurals of a label's last word.

    "model" → "models", "box"/"class"/"match" → "-es", "policy" →
    "policies" (and "policys", harmless). Labels ending in a digit or
    punctuation have none.
    """
    if not form[-1:].isalpha():
        return []
    lower = form.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return [form + "es"]
    if lower.endswith("y") and len(form) > 1 and lower[-2] not in "aeiou":
        return [form[:-1] + "ies", form + "s"]
    return [form + "s"]


# --------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------

# What a key needing the full check can stand for: (value to keep, entry
# index, label form to confirm against the folded text).
_Option = tuple[int, int, str]


class Matcher:
    """Finds the labels of a glossary in text; build once, search many times.

    Searching only reads the matcher, so one instance serves any number of
    threads. Rules (see DESIGN.md, "Linking semantics"): whole words,
    case-insensitive unless an entry says otherwise, leftmost-longest
    without overlaps, Unicode NFKC, apostrophes and hyphen/space alike,
    simple English plurals of the last word.

    When several entries share a key, an exact label beats a plural form, a
    case-sensitive entry beats a case-insensitive one (so "Meta" the company
    and "meta" the word can both exist), then the earlier entry wins.

    Memory: per key, trie nodes and one int; per label, its string and a
    few array slots. Python objects per key would double the size of a
    100,000-term matcher, so the rare keys that need more (punctuation
    inside, case-sensitive, shared by several entries) keep it in a dict.
    """

    __slots__ = (
        "_automaton",
        "_size",
        "_kid_entry",
        "_kid_term",
        "_options",
        "_skip_terms",
        "_skip_values",
        "_labels",
        "_terms",
        "_case_forms",
        "_senses",
        "_unspaced",
    )

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        by_key: dict[str, list[tuple[bool, bool, int, str]]] = {}
        labels: list[str] = []
        terms: list[int] = []
        case_forms: dict[int, frozenset[str]] = {}
        senses: dict[int, Senses] = {}
        for entry in entries:
            form = normalise(entry.label)
            if not form or "\x00" in form or len(form) > _MAX_LABEL:
                continue  # nothing to match, or not prose (HTML mode joins on NUL)
            index = len(labels)
            labels.append(entry.label)
            terms.append(entry.term_id)
            if entry.case_sensitive:
                exact = case_form(entry.label)
                case_forms[index] = frozenset([exact, *plural_forms(exact)])
            rules = Senses.of(
                entry.not_followed_by, entry.not_preceded_by, entry.not_sentence_start
            )
            if rules is not None:
                senses[index] = rules
            rank = not entry.case_sensitive
            plurals = [] if is_unspaced(form[-1]) else plural_forms(form)
            for plural, variant in (
                (False, form),
                *((True, p) for p in plurals),
            ):
                key = mark_boundaries(variant)
                # A side in a script written without spaces needs no boundary.
                key = ("" if is_unspaced(key[0]) else MARK) + key
                key += "" if is_unspaced(key[-1]) else MARK
                by_key.setdefault(key, []).append((plural, rank, index, variant))

        automaton = ahocorasick.Automaton()
        unspaced = ahocorasick.Automaton()
        kid_entry = array("l")
        options: dict[int, tuple[_Option, ...]] = {}
        skip_pairs: list[tuple[int, int]] = []
        for key, found in by_key.items():
            found.sort()
            forms = {variant for _, _, _, variant in found}
            length = len(found[0][3])
            spaces = mark_boundaries(found[0][3]).count(MARK)
            first = found[0][2]
            simple = (
                len(forms) == 1
                and first not in case_forms
                and first not in senses
                and spaces <= _SPACES_MAX
                and (not spaces or forms.pop().count(" ") == spaces)
            )
            flags = spaces << _SPACES_SHIFT if simple else _COMPLEX
            value = len(kid_entry) << _KID_SHIFT | flags | length
            choices = []
            for _, _, index, variant in found:
                choices.append((len(kid_entry) << _KID_SHIFT | length, index, variant))
                kid_entry.append(index)
                skip_pairs.append((terms[index], value))
            # Keys that end without a marker go in a second automaton, whose
            # ends are shifted by one to look like the first's (see `_scan`).
            (automaton if key[-1] == MARK else unspaced).add_word(key, value)
            if not simple or len(choices) > 1:
                options[value] = tuple(choices)
        if len(automaton):
            automaton.make_automaton()
        if len(unspaced):
            unspaced.make_automaton()
        skip_pairs.sort()
        self._automaton = automaton
        self._size = len(labels)
        self._kid_entry = kid_entry
        self._kid_term = array("q", (terms[index] for index in kid_entry))
        self._options = options
        self._skip_terms = array("q", (term for term, _ in skip_pairs))
        self._skip_values = [value for _, value in skip_pairs]
        self._labels = labels
        self._terms = terms
        self._case_forms = case_forms
        self._senses = senses
        self._unspaced = unspaced if len(unspaced) else None

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Matcher:
        """Same as `Matcher(entries)`."""
        return cls(entries)

    def __len__(self) -> int:
        """Number of labels (entries whose label normalises to something)."""
        return self._size

    def __repr__(self) -> str:
        return f"<Matcher: {self._size} labels>"

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """The automaton, for benchmarks that measure a bare scan."""
        return self._automaton

    def find(
        self,
        text: str,
        *,
        first_only: bool = True,
        max_links: int | None = None,
        skip_terms: Collection[int] = frozenset(),
    ) -> list[Match]:
        """Mentions of the glossary in `text`, in order.

        Segmentation comes first: leftmost-longest over every term but the
        skipped ones, which count as absent (their words can link to a
        shorter label). `first_only` then keeps the first mention of each
        term (a later mention of a linked term still covers its words), and
        `max_links` cuts the list. Offsets index `text`.
        """
        if not text or not (len(self._automaton) or self._unspaced is not None):
            return []
        if max_links is not None and max_links <= 0:
            return []
        return self._find(PreparedText(text), first_only, max_links, skip_terms)

    def _skipped_values(self, skip_terms: Collection[int]) -> frozenset[int]:
        """Automaton values of every key that can stand for a skipped term."""
        values: set[int] = set()
        for term in skip_terms:
            low = bisect_left(self._skip_terms, term)
            high = bisect_right(self._skip_terms, term, low)
            values.update(self._skip_values[low:high])
        return frozenset(values)

    def _find(
        self,
        prepared: PreparedText,
        first_only: bool,
        max_links: int | None,
        skip_terms: Collection[int],
        refused: list[Refusal] | None = None,
    ) -> list[Match]:
        skipped = self._skipped_values(skip_terms) if skip_terms else frozenset()
        found = self._scan(prepared, skipped, skip_terms, refused)
        pairs = iter(found)

        original = prepared.original
        chunks = prepared.chunks
        runs = prepared.runs
        removed = prepared.removed
        kid_term = self._kid_term
        kid_entry = self._kid_entry
        labels = self._labels
        mask = _LEN_MASK
        # The steps of `make_match`, inlined: this loop runs once per match.
        new, set_start, set_end = _new, _set_start, _set_end
        set_text, set_term, set_label = _set_text, _set_term, _set_label
        seen: set[int] = set()
        matches: list[Match] = []
        append = matches.append
        left = -1 if max_links is None else max_links
        for start, value in zip(pairs, pairs, strict=True):
            kid = value >> _KID_SHIFT
            term = kid_term[kid]
            if first_only:
                if term in seen:
                    continue
                seen.add(term)
            end = start + (value & mask)
            if chunks is not None:
                start, end = prepared.span(start, end)
            else:  # the same steps as `span`, without a call per match
                start -= 1
                end -= 1
                if runs is not None:
                    i = bisect_right(runs, start)
                    if i:
                        start += removed[i - 1]  # type: ignore[index]
                    i = bisect_right(runs, end - 1)
                    if i:
                        end += removed[i - 1]  # type: ignore[index]
            match = new(Match)
            set_start(match, start)
            set_end(match, end)
            set_text(match, original[start:end])
            set_term(match, term)
            set_label(match, labels[kid_entry[kid]])
            append(match)
            left -= 1
            if not left:
                break
        return matches

    def _scan(
        self,
        prepared: PreparedText,
        skipped: frozenset[int],
        skip_terms: Collection[int],
        refused: list[Refusal] | None = None,
    ) -> list[int]:
        """Leftmost-longest candidates: start in the marked text, value, ...

        Candidates arrive in order of their end. One that starts at or after
        the end of the last kept one is kept (the common case). Otherwise it
        overlaps the tail of the kept list: if a kept one there starts
        earlier it wins; if not, the new candidate covers them all (it
        starts no later and ends no earlier) and replaces them.

        A multi-word key only says "words separated by non-word
        characters"; counting the spaces in the folded text confirms that
        every separator is a space, which is what the label has.

        The list is flat, pairs of ints, rather than a list of tuples: ints
        are not tracked by the garbage collector, and thousands of tuples
        per call would set off collections that walk the whole heap.
        """
        kept: list[int] = []
        append = kept.append
        last_end = 0
        mask = _LEN_MASK
        check = _CHECK
        spaces_max = _SPACES_MAX
        folded_count = prepared.folded.count
        resolve = self._resolve
        candidates = self._automaton.iter(prepared.marked)
        if self._unspaced is not None:
            shifted = ((e + 1, v) for e, v in self._unspaced.iter(prepared.marked))
            candidates = heapq.merge(candidates, shifted, key=itemgetter(0))
        for end, value in candidates:
            start = end - (value & mask)
            if value & check or skipped and value in skipped:
                if value & _COMPLEX or skipped and value in skipped:
                    value = resolve(value, start, end, prepared, skip_terms, refused)
                    if value is None:
                        continue
                elif folded_count(" ", start - 1, end - 1) != (
                    value >> _SPACES_SHIFT & spaces_max
                ):
                    continue
            if start >= last_end:
                append(start)
                append(value)
                last_end = end
                continue
            i = len(kept) - 2
            while i > 0 and kept[i - 2] + (kept[i - 1] & mask) > start:
                i -= 2
            if kept[i] < start:
                continue
            del kept[i:]
            append(start)
            append(value)
            last_end = end
        return kept

    def _resolve(
        self,
        value: int,
        start: int,
        end: int,
        prepared: PreparedText,
        skip_terms: Collection[int],
        refused: list[Refusal] | None = None,
    ) -> int | None:
        """The option a checked key stands for at marked[start:end], if any."""
        choices = self._options.get(value)
        if choices is None:  # a simple key, checked because of skip_terms
            spaces = value >> _SPACES_SHIFT & _SPACES_MAX
            if prepared.folded.count(" ", start - 1, end - 1) != spaces:
                return None
            index = self._kid_entry[value >> _KID_SHIFT]
            return None if self._terms[index] in skip_terms else value
        folded = prepared.folded[start - 1 : end - 1]
        surface = None
        o_start = o_end = 0
        for option, index, form in choices:
            if folded != form or self._terms[index] in skip_terms:
                continue
            forms = self._case_forms.get(index)
            rules = self._senses.get(index)
            if surface is None and (forms is not None or rules is not None):
                o_start, o_end = prepared.span(start, end)
                surface = case_form(prepared.original[o_start:o_end])
            if forms is not None and surface not in forms:
                if refused is not None:
                    refused.append(
                        (o_start, o_end, index, "case: the label is case-sensitive")
                    )
                continue
            if rules is not None:
                why = rules.refusal(prepared.original, o_start, o_end)
                if why is not None:
                    if refused is not None:
                        refused.append((o_start, o_end, index, "context rule: " + why))
                    continue
            return option
        return None

    def explain(
        self,
        text: str,
        *,
        first_only: bool = True,
        max_links: int | None = None,
        skip_terms: Collection[int] = frozenset(),
    ) -> list[Explained]:
        """Every mention in `text`, linked or not, and why not (see `Explained`).

        The linked ones are exactly what `find` returns with the same options.
        """
        if not text or not (len(self._automaton) or self._unspaced is not None):
            return []
        prepared = PreparedText(text)
        linked = (
            []
            if max_links is not None and max_links <= 0
            else self._find(prepared, first_only, max_links, skip_terms)
        )
        refused: list[Refusal] = []
        everything = self._find(prepared, False, None, (), refused)
        report = [
            Explained(m.start, m.end, m.text, m.term_id, m.label, True, None)
            for m in linked
        ]
        taken = {(m.start, m.end, m.term_id) for m in linked}
        first_linked: dict[int, int] = {}
        for m in linked:
            first_linked.setdefault(m.term_id, m.start)
        spans = sorted((m.start, m.end) for m in linked)
        for m in everything:
            if (m.start, m.end, m.term_id) in taken:
                continue
            if m.term_id in skip_terms:
                why = "skip: the caller left this term out"
            elif first_only and first_linked.get(m.term_id, m.start) < m.start:
                why = "first mention only: linked earlier"
            elif _overlaps(spans, m.start, m.end):
                why = "overlaps a linked mention"
            elif max_links is not None:
                why = "max_links: the limit was reached"
            else:  # the words went to another label once skipped terms were out
                why = "overlaps a mention of a skipped term"
            report.append(
                Explained(m.start, m.end, m.text, m.term_id, m.label, False, why)
            )
            spans.append((m.start, m.end))
        spans.sort()
        seen = set()
        for start, end, index, why in refused:
            key = (start, end, index)
            if key in seen or _overlaps(spans, start, end):
                continue
            seen.add(key)
            report.append(
                Explained(
                    start,
                    end,
                    text[start:end],
                    self._terms[index],
                    self._labels[index],
                    False,
                    why,
                )
            )
        report.sort(key=lambda e: (e.start, e.end))
        return report


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True if [start, end) overlaps one of `spans` (a report's few mentions)."""
    return any(s < end and start < e for s, e in spans)
