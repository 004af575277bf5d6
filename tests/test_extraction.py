"""Candidate term discovery: the seed episode's ranking, then each rule and signal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from glossary.extraction import KINDS, Candidate, extract_candidates, signals
from glossary.extraction.tokens import singular, tokenize
from glossary.linking.normalize import normalize_label
from glossary.transcripts import (
    ParsedSegment,
    ParsedTranscript,
    TimeMark,
    parse_transcript,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "retort-ep04-developing-llms.txt"
FILLER = [
    "kind of",
    "kind",
    "I think",
    "think",
    "a lot",
    "lot",
    "people",
    "thing",
    "things",
    "you know",
    "sort of",
    "yeah",
    "like",
    "really",
    "actually",
    "right",
    "okay",
    "way",
    "question",
    "point",
    "something",
    "Tom",
    "Nathan",
    "Nate",
    "Thomas",
    "Nathan Lambert",
    "Thomas Krendl Gilbert",
]

EDGE_WORDS = {"the", "of", "a", "and", "to", "like", "kind", "really", "just"}


@dataclass
class Segment:
    """A segment as a database row might look: no marks, no end."""

    speaker: str | None
    text: str
    start: float = 0.0


@cache
def seed() -> ParsedTranscript:
    return parse_transcript(SEED.read_bytes())


@cache
def seed_candidates() -> tuple[Candidate, ...]:
    transcript = seed()
    names = [person.name for person in transcript.people] + ["Nate"]
    return tuple(
        extract_candidates([("ep4", transcript.segments)], speaker_names=names)
    )


def keys(candidates) -> list[str]:
    return [candidate.key for candidate in candidates]


def find(candidates, label: str) -> Candidate:
    key = normalize_label(label)
    return next(candidate for candidate in candidates if candidate.key == key)


def one_episode(*texts: str, speaker: str = "Ann") -> list[tuple[str, list[Segment]]]:
    segments = [
        Segment(speaker, text, 10.0 * index) for index, text in enumerate(texts)
    ]
    return [("ep", segments)]


# The seed episode ----------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["open source", "RLHF", "foundation model", "civil society"]
)
def test_seed_concepts_rank_in_the_top_twenty(label):
    assert normalize_label(label) in keys(seed_candidates()[:20])


def test_seed_transcript_really_contains_the_expected_concepts():
    text = " ".join(segment.text for segment in seed().segments)
    for phrase in ("open source", "RLHF", "foundation model", "civil society"):
        assert phrase in text


@pytest.mark.parametrize("label", ["OpenAI", "Hugging Face", "Meta", "Mistral", "GPU"])
def test_seed_organisations_and_products_rank_in_the_top_thirty(label):
    top = seed_candidates()[:30]
    assert any(
        normalize_label(label) in {c.key, *map(normalize_label, c.aliases)} for c in top
    )


def test_seed_filler_never_ranks_in_the_top_fifty():
    top = set(keys(seed_candidates()[:50]))
    assert top.isdisjoint(normalize_label(word) for word in FILLER)


def test_seed_candidates_never_start_or_end_with_a_stopword_or_filler():
    for candidate in seed_candidates():
        words = candidate.key.split()
        for word in (words[0], words[-1]):
            assert word not in EDGE_WORDS


def test_seed_top_fifty_has_no_fragment_that_only_occurs_inside_a_longer_one():
    candidates = seed_candidates()
    spans = {
        (m.episode, m.segment_index, m.start, m.end): c.key
        for c in candidates
        for m in c.mentions
    }
    for candidate in candidates[:50]:
        free = [
            m
            for m in candidate.mentions
            if not any(
                (m.episode, m.segment_index) == (e, s)
                and start <= m.start
                and m.end <= end
                and end - start > m.end - m.start
                and key != candidate.key
                for (e, s, start, end), key in spans.items()
            )
        ]
        assert free, candidate.label


def test_seed_fragment_of_open_source_community_is_not_proposed():
    assert "source community" not in keys(seed_candidates())


def test_seed_plural_and_singular_are_one_candidate():
    model = find(seed_candidates(), "foundation model")
    assert "foundation models" in model.aliases
    assert "foundation models" not in keys(seed_candidates())


def test_seed_joined_spelling_folds_into_the_spaced_one():
    found = [c for c in seed_candidates() if c.key in {"hugging face", "huggingface"}]
    assert len(found) == 1
    assert {found[0].label, *found[0].aliases} == {"HuggingFace", "Hugging Face"}


def test_seed_acronym_folds_into_its_expansion_said_in_the_same_episode():
    model = find(seed_candidates(), "large language model")
    assert "LLM" in model.aliases
    assert "llm" not in keys(seed_candidates())


def test_seed_speakers_are_not_candidates_even_when_not_passed():
    transcript = seed()
    found = keys(extract_candidates([("ep4", transcript.segments)]))
    assert "tom" not in found
    assert "nathan" not in found


def test_seed_extraction_records_evidence():
    source = find(seed_candidates(), "open source")
    assert source.frequency == len(source.mentions) > 50
    assert source.episodes == 1
    assert set(source.speakers) == {"Tom", "Nathan"}
    assert source.first_seconds == source.mentions[0].seconds
    assert 0 < source.first_seconds < 180
    assert "open source" in source.quote.lower()


def test_seed_evidence_is_json_serialisable():
    for candidate in seed_candidates()[:20]:
        evidence = json.loads(json.dumps(candidate.evidence()))
        assert evidence["frequency"] == candidate.frequency
        assert evidence["speakers"] == candidate.speakers


def test_seed_kinds_come_from_the_fixed_set():
    assert {candidate.kind for candidate in seed_candidates()} <= set(KINDS)
    assert find(seed_candidates(), "RLHF").kind == "acronym"
    assert find(seed_candidates(), "Meta").kind == "name"
    assert find(seed_candidates(), "civil society").kind == "concept"


def test_seed_mention_offsets_point_at_the_surface_form():
    source = find(seed_candidates(), "open source")
    segments = seed().segments
    for mention in source.mentions:
        text = segments[mention.segment_index].text[mention.start : mention.end]
        assert normalize_label(text) == "open source"


def test_seed_ranking_is_sorted_best_first():
    scores = [candidate.score for candidate in seed_candidates()]
    assert scores == sorted(scores, reverse=True)


def test_ranking_is_the_same_in_two_processes_with_different_hash_seeds():
    script = (
        "import json\n"
        "from glossary.extraction import extract_candidates\n"
        "from glossary.transcripts import parse_transcript\n"
        f"t = parse_transcript(open({str(SEED)!r}, 'rb').read())\n"
        "c = extract_candidates([('ep4', t.segments)])\n"
        "print(json.dumps([(x.label, x.score, x.aliases, x.kind) for x in c]))\n"
    )
    outputs = []
    for seed_value in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed_value}
        result = subprocess.run(  # noqa: S603 - the test's own interpreter
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_two_runs_in_one_process_give_the_same_ranking():
    segments = seed().segments
    first = extract_candidates([("ep4", segments)])
    second = extract_candidates([("ep4", segments)])
    assert [(c.label, c.score, c.aliases) for c in first] == [
        (c.label, c.score, c.aliases) for c in second
    ]


def test_exclude_leaves_out_a_known_term_but_not_longer_ones():
    found = keys(
        extract_candidates([("ep4", seed().segments)], exclude={"open source"})
    )
    assert "open source" not in found
    assert "open source community" in found


def test_exclude_matches_an_alias_too():
    found = keys(
        extract_candidates([("ep4", seed().segments)], exclude={"foundation models"})
    )
    assert "foundation model" not in found


def test_limit_cuts_the_ranking():
    ranked = extract_candidates([("ep4", seed().segments)], limit=5)
    assert keys(ranked) == keys(extract_candidates([("ep4", seed().segments)])[:5])


def test_episodes_are_counted_per_candidate():
    segments = seed().segments
    half = len(segments) // 2
    ranked = extract_candidates([("a", segments[:half]), ("b", segments[half:])])
    assert find(ranked, "open source").episodes == 2
    assert find(ranked, "GPT 2").episodes == 1
    assert {m.episode for m in find(ranked, "open source").mentions} == {"a", "b"}


def test_repeated_episodes_multiply_frequency():
    segments = seed().segments
    once = find(extract_candidates([("a", segments)]), "civil society")
    twice = find(
        extract_candidates([("a", segments), ("b", segments)]), "civil society"
    )
    assert twice.frequency == 2 * once.frequency
    assert twice.episodes == 2


# Phrase rules, on small synthetic transcripts ------------------------------


def test_a_phrase_never_starts_or_ends_with_a_stopword():
    found = keys(extract_candidates(one_episode("The civil society of the day.")))
    assert "civil society" in found
    assert not any(key.startswith("the ") or key.endswith(" of") for key in found)


def test_a_filler_inside_breaks_the_phrase():
    episodes = one_episode(
        "Kind of open source, kind of open source, kind of open source."
    )
    found = keys(extract_candidates(episodes))
    assert "open source" in found
    assert not any("kind" in key for key in found)


def test_punctuation_breaks_a_phrase():
    episodes = one_episode(
        "We shared data, code and weights.", "Data, code and weights."
    )
    assert "data code" not in keys(extract_candidates(episodes))


def test_hyphenated_and_spaced_spellings_are_one_candidate():
    episodes = one_episode(
        "Open-source licenses are many.", "An open source license is a contract."
    )
    license_ = find(extract_candidates(episodes), "open source license")
    assert license_.frequency == 2
    assert license_.label == "open source license"
    assert "open-source licenses" in license_.aliases


def test_label_is_singular_even_when_only_the_plural_is_said():
    episodes = one_episode("Frontier models are big.", "Those frontier models again.")
    model = find(extract_candidates(episodes), "frontier model")
    assert model.label == "frontier model"
    assert model.aliases == ["frontier models"]


def test_sentence_initial_capital_does_not_make_a_name():
    episodes = one_episode("Civil society matters.", "We need civil society.")
    society = find(extract_candidates(episodes), "civil society")
    assert society.label == "civil society"
    assert society.kind == "concept"


def test_capitals_mid_sentence_make_a_name():
    episodes = one_episode("We asked Lina Khan twice.", "Then Lina Khan answered.")
    assert find(extract_candidates(episodes), "Lina Khan").kind == "name"


def test_version_number_after_a_name_makes_a_product():
    episodes = one_episode("They compared GPT-2 with others.", "Then GPT-2 again.")
    gpt = find(extract_candidates(episodes), "GPT-2")
    assert gpt.kind == "product"
    assert gpt.label == "GPT-2"


def test_number_never_starts_a_phrase():
    episodes = one_episode(
        "A 7 billion parameter model.", "Another 7 billion parameter model."
    )
    assert not any(key[0].isdigit() for key in keys(extract_candidates(episodes)))


def test_fragment_of_a_repeated_longer_phrase_is_dropped():
    episodes = one_episode(
        "The open source community is loud.",
        "The open source community grew.",
        "Open source matters.",
    )
    found = keys(extract_candidates(episodes))
    assert "open source community" in found
    assert "open source" in found  # also said on its own
    assert "source community" not in found


def test_fragment_of_a_phrase_said_once_is_dropped():
    found = keys(
        extract_candidates(one_episode("It was the New York City school board."))
    )
    assert "new york city school board" in found
    assert "new york" not in found
    assert "york city" not in found


def test_a_name_is_not_absorbed_by_a_longer_lower_case_phrase():
    found = keys(extract_candidates(one_episode("Later the FTC lawsuit came.")))
    assert "ftc" in found


# Folding acronyms ----------------------------------------------------------


def test_acronym_in_parentheses_folds_with_its_expansion():
    episodes = one_episode(
        "We use reinforcement learning from human feedback (RLHF) for tuning.",
        "RLHF needs preference data. RLHF is expensive.",
    )
    ranked = extract_candidates(episodes)
    rlhf = find(ranked, "RLHF")
    assert rlhf.aliases == ["reinforcement learning from human feedback"]
    assert rlhf.frequency == 4  # three acronyms and the expansion
    assert "reinforcement learning from human feedback" not in keys(ranked)


def test_acronym_folds_with_matching_initials_in_the_same_turn():
    episodes = one_episode("Large language models, or LLMs, are big. LLMs are costly.")
    model = find(extract_candidates(episodes), "LLM")
    assert set(model.aliases) == {"large language models", "LLMs"}


def test_two_letter_acronym_does_not_fold_on_initials_alone():
    episodes = one_episode("The AI said the ability of individuals matters. AI again.")
    ai = find(extract_candidates(episodes), "AI")
    assert ai.aliases == []


def test_acronym_without_its_expansion_stays_alone():
    rlhf = find(extract_candidates(one_episode("RLHF works.", "RLHF again.")), "RLHF")
    assert rlhf.aliases == []
    assert rlhf.kind == "acronym"


# Speakers, exclusions, mentions --------------------------------------------


def test_speaker_names_passed_in_are_not_candidates():
    episodes = one_episode(
        "Hi Alice Smith.", "Thanks Alice Smith.", "Alice Smith again."
    )
    assert "alice smith" in keys(extract_candidates(episodes))
    found = keys(extract_candidates(episodes, speaker_names=["Alice Smith"]))
    assert "alice smith" not in found
    assert "alice" not in found


def test_speaker_labels_are_not_candidates():
    segments = [
        Segment("Carol", "Thanks Carol."),
        Segment("Dave", "Right Carol, Carol."),
    ]
    assert "carol" not in keys(extract_candidates([("ep", segments)]))


def test_mentions_record_speaker_segment_and_offsets():
    segments = [
        Segment("Ann", "No."),
        Segment("Bob", "I like civil society. Civil society!", 30.0),
    ]
    society = find(extract_candidates([("ep", segments)]), "civil society")
    assert [(m.segment_index, m.start, m.end, m.speaker) for m in society.mentions] == [
        (1, 7, 20, "Bob"),
        (1, 22, 35, "Bob"),
    ]
    assert society.speakers == ["Bob"]
    assert society.first_seconds == 30.0


def test_mention_time_is_interpolated_between_marks():
    # Mentions at offsets 100 and 200; the mark says 110 s at 100, the end
    # (130 s) is at offset 213: 110 + 20 * 100 / 113.
    text = "x " * 50 + "civil society " + "y " * 43 + "civil society"
    segment = ParsedSegment(
        "Ann", text, 100.0, marks=(TimeMark(100, 110.0),), end=130.0
    )
    society = find(extract_candidates([("ep", [segment])]), "civil society")
    assert [m.seconds for m in society.mentions] == [
        110.0,
        pytest.approx(127.699, abs=0.01),
    ]


def test_mention_time_uses_the_next_segment_start_when_there_is_no_end():
    text = "civil society " + "z " * 43 + "civil society"
    segments = [ParsedSegment("Ann", text, 0.0), ParsedSegment("Bob", "Yes.", 100.0)]
    society = find(extract_candidates([("ep", segments)]), "civil society")
    assert society.mentions[0].seconds == 0.0
    assert 80 < society.mentions[1].seconds < 100


@dataclass
class Person:
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class Row:
    """A segment shaped like the database row: speaker object, stored marks."""

    speaker: Person | None
    speaker_label: str
    text: str
    start: float
    end: float | None = None
    marks: list[list[float]] | None = None


def test_database_rows_give_speaker_labels_and_use_stored_marks():
    text = "x " * 50 + "civil society and civil society"
    rows = [Row(Person("Nathan Lambert"), "Nathan", text, 10.0, 30.0, [[100, 20.0]])]
    society = find(extract_candidates([("ep", rows)]), "civil society")
    assert society.speakers == ["Nathan"]
    assert [m.speaker for m in society.mentions] == ["Nathan", "Nathan"]
    assert society.mentions[0].seconds == 20.0
    assert json.dumps(society.evidence())


def test_database_row_speaker_label_is_not_a_candidate():
    rows = [Row(None, "Carol", "Thanks Carol. Carol, Carol.", 0.0)]
    assert "carol" not in keys(extract_candidates([("ep", rows)]))


def test_empty_input_gives_no_candidates():
    assert extract_candidates([]) == []
    assert extract_candidates([("ep", [Segment(None, "")])]) == []


# Signals, each on its own --------------------------------------------------


def test_tokens_join_over_one_hyphen_and_break_on_punctuation():
    tokens = tokenize("open-source, data")
    assert [t.fold for t in tokens] == ["open", "source", "data"]
    assert [t.joined for t in tokens] == [False, True, False]
    assert tokens[1].hyphen


def test_tokens_split_a_possessive_off_a_name():
    assert [t.fold for t in tokenize("Meta's model")] == ["meta", "'s", "model"]
    assert [t.fold for t in tokenize("it's here")] == ["it's", "here"]


def test_tokens_know_the_start_of_a_sentence():
    tokens = tokenize("Fine. Then Meta\nLater")
    assert [t.initial for t in tokens] == [True, True, False, True]


def test_singular_folds_simple_plurals_only():
    assert singular("models") == "model"
    assert singular("policies") == "policy"
    assert singular("analysis") == "analysis"
    assert singular("politics") == "politics"
    assert singular("llms", acronym=True) == "llm"


def test_cohesion_is_the_share_of_the_rarest_word():
    assert signals.cohesion(6, [6, 7]) == 1.0
    assert signals.cohesion(2, [20, 8]) == 0.25
    assert signals.cohesion(3, [3]) == 1.0


def test_termhood_counts_nested_occurrences_half():
    assert signals.termhood(10, 10) == 10
    assert signals.termhood(10, 4) == 7


def test_dispersion_rewards_spread_over_turns():
    assert signals.dispersion(6, 3) > signals.dispersion(6, 1)


def lower_case_word_allowed(word: str, frequency: int) -> bool:
    return signals.single_word_allowed(
        word, name=False, acronym=False, frequency=frequency
    )


def test_single_words_need_a_nominal_suffix_or_a_domain_word():
    assert lower_case_word_allowed("transparency", 3)
    assert lower_case_word_allowed("ecosystem", 3)
    assert not lower_case_word_allowed("open", 9)
    assert not lower_case_word_allowed("people", 9)
    assert not lower_case_word_allowed("model", 9)


def test_single_lower_case_word_said_once_is_not_allowed():
    assert not lower_case_word_allowed("feudalism", 1)


def test_single_names_and_acronyms_are_allowed_unless_vague():
    assert signals.single_word_allowed("meta", name=True, acronym=False, frequency=1)
    assert signals.single_word_allowed("rlhf", name=False, acronym=True, frequency=1)
    assert not signals.single_word_allowed("new", name=True, acronym=False, frequency=2)


def test_head_noun_earns_a_bonus():
    assert signals.head_bonus(("foundation", "model")) > 1.0
    assert signals.head_bonus(("rabbit", "hole")) == 1.0


SCORE_INPUTS = {
    "frequency": 4,
    "independent": 4,
    "segments": 2,
    "words": 2,
    "cohesion": 0.5,
    "name": False,
    "acronym": 0,
    "head": 1.0,
    "speakers": 1,
    "episodes": 1,
}


@pytest.mark.parametrize(
    "change",
    [
        {"frequency": 8, "independent": 8},
        {"independent": 4, "frequency": 6},
        {"segments": 4},
        {"words": 3},
        {"cohesion": 1.0},
        {"name": True},
        {"acronym": 4, "words": 1},
        {"head": signals.HEAD_BONUS},
        {"speakers": 2},
        {"episodes": 3},
    ],
)
def test_score_rises_with_each_signal(change):
    assert signals.combine(**{**SCORE_INPUTS, **change}) > signals.combine(
        **SCORE_INPUTS
    )


def test_a_phrase_said_once_scores_below_one_said_twice():
    once = {**SCORE_INPUTS, "frequency": 1, "independent": 1, "segments": 1}
    twice = {**SCORE_INPUTS, "frequency": 2, "independent": 2, "segments": 1}
    assert signals.combine(**once) < signals.combine(**twice)
