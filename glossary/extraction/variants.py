"""Spellings of one candidate, folded; and near spellings, only proposed.

Folded without asking (`fold_variants`): phrases that differ only by spaces
("HuggingFace", "Hugging Face"), and an acronym with its expansion when the
initials match and they meet in one turn, or the expansion comes right
before the acronym in parentheses, or (for acronyms of three letters or
more) the expansion is said twice in an episode that uses the acronym.

Proposed to the editor, never folded (`near_variants`): candidates whose
spellings are close (edit distance, rapidfuzz) or sound alike (Metaphone,
jellyfish), as speech recognition mishears ("Kubernetes", "Cooper Netties"),
or that differ by a version number ("Go 1.22", "Go 1.23"). Pairs are only
compared within blocks (same sound key, same letters without digits, same
first letters), each with at most `BLOCK_LIMIT` earlier members, so the
cost stays linear in the number of candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import jellyfish
from rapidfuzz import fuzz

from .phrases import Episodes

# Edit similarity (0-100, rapidfuzz's normalised Indel) at which two labels
# of MIN_VARIANT_LENGTH letters or more are proposed as variants.
SIMILARITY = 88.0
MIN_VARIANT_LENGTH = 6
# Each label is compared with at most this many earlier ones of its block.
BLOCK_LIMIT = 40


class _Groups:
    """Union-find over phrase keys: spelling variants, acronym and expansion."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key becomes the root, so groups do not depend on order.
            ra, rb = sorted((ra, rb))
            self.parent[rb] = ra

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for key in self.parent:
            groups[self.find(key)].append(key)
        return groups


def fold_variants(data: Episodes) -> dict[str, list[str]]:
    """Group root → phrase keys that are one candidate."""
    phrases = data.phrases
    groups = _Groups(phrases)
    compact: dict[str, str] = {}
    for key in phrases:
        joined = key.replace(" ", "")
        if joined in compact:
            groups.union(compact[joined], key)
        else:
            compact[joined] = key

    # A name's plural ("Red Bulls") is the name: names keep their final "s"
    # (so "United States" stays whole), which leaves this fold to do here.
    for key, phrase in phrases.items():
        if key.endswith("s") and len(phrase.words[-1]) > 3 and phrase.name:
            base = phrases.get(key[:-1])
            if base is not None and base.name:
                groups.union(base.key, key)

    # An acronym and an expansion said in one episode (`Episodes.acronym_pairs`).
    expansions: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for (letters, expansion), shared_turn in data.acronym_pairs.items():
        if letters in phrases and expansion in phrases:
            expansions[letters].append((expansion, shared_turn))
    for key in sorted(expansions):
        phrase = phrases[key]
        # Two letters are too ambiguous ("AI", "EA", "PR") to fold on initials.
        if not phrase.acronym or len(key) < 3:
            continue
        matches = [
            (-phrases[expansion].count, expansion)
            for expansion, shared_turn in expansions[key]
            if shared_turn or phrases[expansion].count > 1
        ]
        if matches:
            groups.union(key, min(matches)[1])
    for acronym, expansion in data.parenthesized:
        if acronym in phrases:
            groups.union(acronym, expansion)
    return groups.members()


def _letters(label: str) -> str:
    return "".join(char for char in label.casefold() if char.isalnum())


def near_variants(labels: Sequence[str]) -> dict[int, tuple[int, str]]:
    """For a label, the better-ranked label it may be a variant of, and why.

    `labels` are best first; the answer maps an index to (index of the
    earlier label, reason): "version" (same letters but for digits),
    "sound" (same Metaphone key, both long enough), "spelling" (edit
    similarity of `SIMILARITY` or more). Deterministic: the earliest match
    wins, and between equally early ones the reason in that order.
    """
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    keys = []
    for index, label in enumerate(labels):
        letters = _letters(label)
        bare = "".join(char for char in letters if not char.isdigit())
        sound = jellyfish.metaphone(bare) if len(bare) >= MIN_VARIANT_LENGTH else ""
        keys.append((letters, bare, sound))
        if bare:
            blocks[("version", bare)].append(index)
        if sound:
            blocks[("sound", sound)].append(index)
        if len(bare) >= MIN_VARIANT_LENGTH:
            blocks[("spelling", bare[:2])].append(index)
    found: dict[int, tuple[int, str]] = {}
    priority = {"version": 0, "spelling": 1, "sound": 2}
    for (reason, _), members in sorted(
        blocks.items(), key=lambda item: (priority[item[0][0]], item[0][1])
    ):
        if len(members) < 2:
            continue
        for position, later in enumerate(members):
            for earlier in members[max(0, position - BLOCK_LIMIT) : position]:
                if _related(reason, keys[earlier], keys[later]):
                    best = found.get(later)
                    if best is None or earlier < best[0]:
                        found[later] = (earlier, reason)
                    break
    return found


def _related(reason: str, a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    if a[0] == b[0]:
        return False
    if reason == "version":
        return a[0] != a[1] or b[0] != b[1]  # one of them has a number
    if reason == "sound":
        return fuzz.ratio(a[1], b[1]) >= SIMILARITY - 20
    return fuzz.ratio(a[1], b[1]) >= SIMILARITY
