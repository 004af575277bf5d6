"""The queries readers type and the concept each must find first.

Run against the starter glossary on every backend (`test_search_typos.py`
on PostgreSQL, with the plain backend too, and `test_demo_sqlite.py` on the
SQLite demo), so both rank alike. Typo rules as Meilisearch and Typesense
have them: one typo from 5 letters, two from 9, a swap counts as one, every
word its own; dotted and spaced acronyms folded.
"""

from __future__ import annotations

from collections.abc import Callable

TABLE: list[tuple[str, str]] = [
    # Exact labels, aliases and abbreviations, in any case.
    ("open source", "open-source"),
    ("Open-Source", "open-source"),
    ("RLHF", "reinforcement-learning-from-human-feedback"),
    ("rlhf", "reinforcement-learning-from-human-feedback"),
    ("LLM", "large-language-model"),
    ("EA", "effective-altruism"),
    ("AWS", "amazon-web-services"),
    ("FTC", "federal-trade-commission"),
    ("civil society", "civil-society"),
    ("frontier model", "frontier-model"),
    ("Monopoly", "monopoly-board-game"),
    ("llama 2", "llama-2"),
    # One typo from five letters, two from nine, per word.
    ("fondation model", "foundation-model"),
    ("fondation modle", "foundation-model"),
    ("lareg langauge modle", "large-language-model"),
    ("Mistal", "mistral-ai"),
    ("trasnparancy", "transparency"),
    ("infrastucture", "infrastructure"),
    ("civil socity", "civil-society"),
    ("antrhopic", "anthropic"),
    ("Zuckerbreg", "mark-zuckerberg"),
    ("lina kahn", "lina-khan"),
    ("reinforcment learning", "reinforcement-learning-from-human-feedback"),
    ("libertarainism", "libertarianism"),
    ("accountabilty", "accountability"),
    ("democratisation", "democratization"),
    ("efective altruism", "effective-altruism"),
    ("Hugging Fcae", "hugging-face"),
    # Four-letter words forgive one swap; shorter ones nothing.
    ("RHLF", "reinforcement-learning-from-human-feedback"),
    # Dotted and spaced acronyms.
    ("G.P.U.", "graphics-processing-unit"),
    ("g p u", "graphics-processing-unit"),
    ("R.L.H.F.", "reinforcement-learning-from-human-feedback"),
    ("a.w.s", "amazon-web-services"),
    # Joined and split words, the start of a last word.
    ("opensource", "open-source"),
    ("huggingface", "hugging-face"),
    ("fine tuning", "fine-tuning"),
    ("chat gpt", "chatgpt"),
    ("open sour", "open-source"),
    ("effective accel", "effective-accelerationism"),
    # Hidden misspellings from the transcript.
    ("GVT4", "gpt-4"),
    ("LendLama2", "llama-2"),
    ("chat to BT", "chatgpt"),
    # Exact matches before longer labels holding them.
    ("language model", "language-model"),
    ("infrastructure", "infrastructure"),
    ("Llama", "llama"),
    ("safety filter", "safety-filter"),
    # Words of definitions, when no label has them.
    ("Stanford", "foundation-model"),
    ("magnet link", "bittorrent"),
]


def misses(search: Callable) -> list[str]:
    """Each query whose first concept is not the expected one, as a sentence."""
    wrong = []
    for query, slug in TABLE:
        concepts = search(query).concepts
        first = concepts[0].slug if concepts else None
        if first != slug:
            wrong.append(f"{query!r} found {first!r} first, not {slug!r}")
    return wrong


def main() -> None:
    """Run from `manage.py shell -c` on a demo database; print the misses."""
    import json

    from glossary.search import search

    print(json.dumps(misses(search)))
