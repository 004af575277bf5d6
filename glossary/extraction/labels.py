"""A candidate's label, its other surface forms, and its kind."""

from __future__ import annotations

from collections import Counter, defaultdict

from .phrases import Phrase
from .tokens import fold, is_acronym

KINDS = ("concept", "name", "product", "acronym")


def chosen(members: list[Phrase]) -> Phrase:
    """The member the label comes from (see `label_and_aliases`)."""
    return min(members, key=lambda p: (-p.count, not p.acronym, -len(p.words), p.key))


def label_and_aliases(members: list[Phrase], chosen: Phrase) -> tuple[str, list[str]]:
    """The preferred surface form and the other forms.

    The label comes from the most used member (on a tie: the acronym, then
    the spaced form: "Hugging Face" over "HuggingFace"), and within it from
    the most frequent singular form; a phrase only ever said in the plural
    gets its singular made up ("frontier models" → "frontier model").
    """
    shown = chosen.display_surfaces(chosen.name)
    singulars = [
        (count, surface) for (surface, plural), count in shown.items() if not plural
    ]
    # On a tie, a name keeps its capitals and a concept drops them.
    sign = -1 if chosen.name else 1
    if singulars:
        label = min(
            singulars, key=lambda item: (-item[0], sign * _capitals(item[1]), item[1])
        )[1]
    else:
        count, surface = min(
            ((count, surface) for (surface, _), count in shown.items()),
            key=lambda item: (-item[0], item[1]),
        )
        label = _make_singular(surface, chosen)
    if not chosen.name and " " not in label and label[1:].islower():
        label = label.lower()  # "revolution", capitalised only inside a name
    forms: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    for member in members:
        for (surface, _), count in member.display_surfaces(member.name).items():
            folded = fold(surface)
            forms[folded] += count
            spelled[folded][surface] += count
    forms.pop(fold(label), None)
    aliases = [
        min(spelled[folded].items(), key=lambda item: (-item[1], item[0]))[0]
        for folded, _ in sorted(forms.items(), key=lambda item: (-item[1], item[0]))
    ]
    return label, aliases


def _capitals(text: str) -> int:
    return sum(char.isupper() for char in text)


def _make_singular(surface: str, phrase: Phrase) -> str:
    head, _, last = surface.rpartition(" ")
    if phrase.acronym:
        return surface[:-1] if surface.endswith("s") else surface
    if phrase.name or last.isupper():
        return surface
    word = phrase.words[-1]
    if last[:1].isupper():
        word = word[:1].upper() + word[1:]
    return f"{head} {word}" if head else word


def kind_of(label: str, chosen: Phrase) -> str:
    if chosen.acronym and " " not in label and is_acronym(label):
        return "acronym"
    if (chosen.name or chosen.acronym) and any(char.isdigit() for char in label):
        return "product"
    if chosen.name:
        return "name"
    return "concept"
