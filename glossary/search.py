"""Reader search: concepts by their labels and definitions, then transcript quotes.

One interface, two implementations chosen by `connection.vendor`, as
Wagtail's database search backends do:

- PostgreSQL: full-text search (`websearch_to_tsquery`, `english`) over a
  published term's labels, aliases and definitions, ranked with `ts_rank`;
  trigram similarity (`pg_trgm`) over normalised labels so "fondation model"
  finds "foundation model"; adjacent-letter swaps of short words ("RHLF" →
  "RLHF", which trigrams score too low) looked up exactly. Quotes come from a
  full-text search of segment text with a `ts_headline` snippet. Every part
  is served by an index of migration 0005 (the expressions there and here
  must stay identical).
- anything else (the SQLite demo): case-insensitive substring matching of
  labels and definitions, the same letter swaps, and substring matching of
  segment text.

Each backend answers a search in a fixed number of queries (concepts, then
quotes; on PostgreSQL a planner setting first) and returns plain
dataclasses, so views and the benchmark treat both alike.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from .linking.normalize import normalize_label
from .models import Alias, Segment, Term
from .selectors import clock
from .transcripts.timing import time_at

MAX_QUERY_LENGTH = 200
"""Longer queries are cut here: no label or sentence search needs more."""
FUZZY_MIN_LENGTH, FUZZY_MAX_LENGTH = 3, 64
"""Trigram matching only for label-sized queries: shorter ones share a
trigram with too many labels, longer ones are sentences."""
CONCEPT_LIMIT = 20
QUOTE_LIMIT = 10
LABEL_CANDIDATES = 60
"""Labels kept per kind of match. Those holding the query's words are taken
closest in length first (then scored by similarity), so a word found in
hundreds of labels still scores only a few dozen."""
DEFINITION_CANDIDATES = 60
"""Terms found by their definitions alone that are ranked, at most.

An expression index finds rows but keeps no vector to rank them by, so
ranking parses text again. Definition-only matches are ranked on their
labels and short definitions (short texts, cheap to parse), and a word
found in thousands of definitions ranks the first sixty found. Label
matches do not count against this: they always rank first, and
definitions are only searched when labels leave room on the page.
"""
QUOTE_CANDIDATES = 20
"""Segments ranked for quotes, at most, for the same reason: ranking a
segment parses its text again."""
SNIPPET_CHARS = 220

# Same text as TERM_DOCUMENT in migrations/0005_search.py: keep them equal.
TERM_DOCUMENT = (
    "setweight(to_tsvector('english', {t}.label), 'A')"
    " || setweight(to_tsvector('english', {t}.short_definition), 'B')"
    " || setweight(to_tsvector('english', {t}.definition), 'C')"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Query:
    """A reader's query, cleaned: what is searched and what the page says."""

    text: str
    normalized: str
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.normalized


@dataclass(frozen=True, slots=True)
class ConceptHit:
    id: int
    slug: str
    label: str
    short_definition: str
    matched_label: str = ""
    """The label the query matched (empty when only the definition did)."""
    fuzzy: bool = False
    """Found by a near spelling of `matched_label`, not by the query's words."""

    @property
    def other_label(self) -> str:
        """The matched label when it is not the preferred one ("RLHF")."""
        return self.matched_label if self.matched_label != self.label else ""


@dataclass(frozen=True, slots=True)
class QuoteHit:
    segment_id: int
    episode_slug: str
    episode_title: str
    seconds: float
    speaker: str
    snippet_html: str
    """Escaped text with the matched words in `<mark>`: safe to render."""

    @property
    def second(self) -> int:
        return int(self.seconds)

    @property
    def clock(self) -> str:
        return clock(self.seconds)


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: Query
    concepts: list[ConceptHit] = field(default_factory=list)
    quotes: list[QuoteHit] = field(default_factory=list)
    quote_terms: tuple[str, ...] = ()
    """What the quotes were searched for: the query, and the label a
    misspelt query was taken to mean."""


def clean_query(raw: str | None) -> Query:
    """Strip control characters (PostgreSQL refuses NUL), trim, cut to length."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", raw or ""))
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
    return Query(text=text, normalized=normalize_label(text), truncated=truncated)


def letter_swaps(normalized: str, *, limit: int = 48) -> list[str]:
    """The query with adjacent letters swapped: one pair, then one per word.

    Catches the typo trigrams miss on short words (in "rhlf" only one of five
    trigrams survives the swap, so "rlhf" looks unrelated) and a swap in
    each of several words ("langauge modle"). Single swaps come first, so
    the cap keeps the likeliest.
    """
    if not normalized or len(normalized) > FUZZY_MAX_LENGTH:
        return []
    words = normalized.split(" ")
    per_word = [_swaps(word) for word in words]
    variants: list[str] = []
    for i, swapped in enumerate(per_word):
        for word in swapped:
            variants.append(" ".join([*words[:i], word, *words[i + 1 :]]))
    if len(words) > 1:
        for combination in itertools.product(
            *([word, *swapped] for word, swapped in zip(words, per_word, strict=True))
        ):
            changed = sum(a != b for a, b in zip(combination, words, strict=True))
            if changed > 1:
                variants.append(" ".join(combination))
            if len(variants) >= limit:
                break
    return list(dict.fromkeys(variants))[:limit]


def _swaps(word: str) -> list[str]:
    found = []
    for i in range(len(word) - 1):
        a, b = word[i], word[i + 1]
        if a != b and a.isalnum() and b.isalnum():
            found.append(word[:i] + b + a + word[i + 2 :])
    return list(dict.fromkeys(found))


Span = tuple[int, int, str]
"""Where a match is in a text, and what it matched (a lexeme or a needle)."""


def lexeme_spans(text: str, lexemes: Sequence[str]) -> list[Span]:
    """Words of `text` that PostgreSQL's stems stand for, found by prefix.

    A stem is a prefix of most words it stands for ("sourc": source,
    sources); the rest end differently by a letter ("happi": happy,
    "tune": tuning), so four-letter and longer stems also match without
    their last letter. Only used to rank and highlight rows PostgreSQL
    already matched, where a rare false highlight costs nothing.
    """
    stems = tuple(sorted({lexeme.casefold() for lexeme in lexemes if lexeme}))
    if not stems:
        return []
    pattern, keys = _stems_pattern(stems)
    return [
        (match.start(), match.end(), keys[match.lastgroup])
        for match in pattern.finditer(text)
    ]


@lru_cache(maxsize=256)
def _stems_pattern(stems: tuple[str, ...]) -> tuple[re.Pattern, dict[str, str]]:
    """One regex for all stems; the name of the group that matched says which."""
    keys = {f"s{i}": stem for i, stem in enumerate(stems)}
    longest_first = sorted(keys.items(), key=lambda item: -len(item[1]))
    alternatives = "|".join(
        f"(?P<{name}>{re.escape(stem[:-1] if len(stem) >= 4 else stem)})"
        for name, stem in longest_first
    )
    word = rf"(?<!\w)(?:{alternatives})\w*(?:['’-]\w+)*"
    return re.compile(word, re.IGNORECASE), keys


def needle_spans(text: str, needles: Sequence[str]) -> list[Span]:
    """Case-insensitive occurrences of each needle (the fallback's matching)."""
    wanted = [needle for needle in needles if needle]
    if not wanted:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in wanted), re.IGNORECASE)
    return [(m.start(), m.end(), m.group().casefold()) for m in pattern.finditer(text)]


def relevance(spans: list[Span], text: str) -> tuple[int, int, float]:
    """Distinct terms found, then occurrences (up to 5), then brevity."""
    return (len({key for _, _, key in spans}), min(len(spans), 5), -len(text))


def snippet(text: str, spans: list[Span], *, width: int = SNIPPET_CHARS) -> str:
    """HTML: the window of `text` with the most distinct matches, marked.

    Every piece of text is escaped; `<mark>` is the only markup added.
    """
    text = _CONTROL.sub(" ", text)
    start, end = _window(text, spans, width)
    parts = ["… "] if start > 0 else []
    position = start
    for span_start, span_end, _ in spans:
        if span_start < position or span_end > end:
            continue
        parts.append(_escape(text[position:span_start]))
        parts.append(f"<mark>{_escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(_escape(text[position:end]))
    if end < len(text):
        parts.append(" …")
    return "".join(parts).strip()


def first_shown(text: str, spans: list[Span], *, width: int = SNIPPET_CHARS) -> int:
    """Offset of the first match the snippet shows (0 without one): a
    quote's time link starts there rather than at the start of the turn."""
    start, end = _window(text, spans, width)
    return next((a for a, b, _ in spans if a >= start and b <= end), 0)


def _window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    start = 0
    if spans:
        starts = [span[0] for span in spans]
        best = None
        for anchor in starts[:20]:
            begin = max(0, anchor - width // 4)
            inside = spans[
                bisect_left(starts, begin) : bisect_right(starts, begin + width - 1)
            ]
            score = (len({key for _, _, key in inside}), len(inside), -anchor)
            if best is None or score > best[0]:
                best = (score, begin)
        start = best[1]
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    return start, end


def _escape(text: str) -> str:
    """As `django.utils.html.escape` (quotes too), minus its lazy-string wrapper."""
    return html.escape(text, quote=True)


class SearchBackend:
    """What both implementations do; subclasses provide the two queries."""

    vendor = ""

    def search(self, raw_query: str | None) -> SearchResults:
        query = clean_query(raw_query)
        if query.empty:
            return SearchResults(query=query)
        with self.session():
            concepts = self.concepts(query)
            terms = [query.text]
            if concepts and concepts[0].fuzzy:
                # "RHLF" finds no quote; the label it was taken to mean does.
                terms.append(concepts[0].matched_label)
            quotes = self.quotes(query, tuple(terms))
        return SearchResults(
            query=query, concepts=concepts, quotes=quotes, quote_terms=tuple(terms)
        )

    def session(self) -> AbstractContextManager:
        """Where both queries run; nothing special unless a backend says so."""
        return nullcontext()

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        raise NotImplementedError

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        raise NotImplementedError


class PostgresSearchBackend(SearchBackend):
    """Full text and trigrams, each part on an index of migration 0005."""

    vendor = "postgresql"

    @contextmanager
    def session(self) -> Iterator[None]:
        """Both queries in one transaction that tells the planner to use indexes.

        PostgreSQL costs `word_similarity` and `to_tsvector` as if they were
        as cheap as `=`. For a label that shares trigrams with a few hundred
        others, or a word found in most segments, it then prefers a
        sequential scan that computes them for every row: 100 ms at 10,000
        terms, against 3 ms through the GIN index. Every table read here
        has the index it needs, so the hint costs nothing elsewhere.
        `SET LOCAL` ends with the transaction; inside a caller's transaction
        the setting is put back as soon as the search is done.
        """
        nested = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield
            if nested:
                cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")

    # Label evidence outranks definition evidence: an exact label (3), label
    # words (1 + similarity), a swapped pair of letters (0.9), a near spelling
    # (0.8 x word similarity). Terms found by their definitions only come
    # after, looked for only when labels leave room, and ranked here in
    # Python (see `_rank_by_text`). The tsquery is written out where it is
    # used (not read from a CTE), so the planner sees a constant it can
    # estimate from the index statistics. The last column is the query's
    # own stems, for ranking and highlighting.
    DIRECT_HITS = """
        SELECT a.term_id, a.label, 3.0::float8 AS score
        FROM glossary_alias a WHERE a.normalized = %(normalized)s
        UNION ALL
        SELECT a.term_id, a.label, 0.9::float8
        FROM glossary_alias a WHERE a.normalized = ANY(%(swaps)s::text[])
        UNION ALL
        SELECT w.term_id, w.label, 1.0 + similarity(w.normalized, %(normalized)s)
        FROM (
            SELECT a.term_id, a.label, a.normalized FROM glossary_alias a
            WHERE to_tsvector('english', a.label) @@ {tsquery}
            ORDER BY abs(length(a.normalized) - length(%(normalized)s)), a.id
            LIMIT %(label_candidates)s
        ) w
    """
    # "Is the query close to some run of words in the label": catches
    # "fondation model" and "fondation" alike, through the trigram index.
    # Near spellings score at most 0.8, below every direct hit, so they are
    # only looked for when direct hits leave room on the page (a common word
    # found in hundreds of labels skips the work), and never for a query
    # that is a label exactly (it is not misspelt). Plain similarity (`%`)
    # finds nothing more here and scores many more labels: it is left out.
    NEAR_HITS = """
        SELECT a.term_id, a.label,
               0.8 * word_similarity(%(fuzzy)s, a.normalized)::float8
        FROM glossary_alias a WHERE %(fuzzy)s <%% a.normalized
        ORDER BY 3 DESC
        LIMIT CASE WHEN (SELECT count(DISTINCT term_id) FROM direct) < %(limit)s
                        AND NOT EXISTS (SELECT FROM direct WHERE score = 3)
                   THEN %(label_candidates)s ELSE 0 END
    """
    NO_NEAR_HITS = "SELECT NULL::bigint, NULL::varchar, NULL::float8 WHERE false"
    CONCEPTS_SQL = """
        WITH direct AS ({direct}),
        near AS ({near}),
        best AS (
            SELECT DISTINCT ON (term_id) term_id, label, score
            FROM (SELECT * FROM direct UNION ALL SELECT * FROM near) hits
            ORDER BY term_id, score DESC
        ),
        by_label AS (
            SELECT t.id, t.slug, t.label, t.short_definition,
                   best.label AS matched, best.score AS rank
            FROM best JOIN glossary_term t ON t.id = best.term_id
            WHERE t.status = 'published'
            ORDER BY best.score DESC, lower(t.label), t.id
            LIMIT %(limit)s
        )
        SELECT l.*, NULL FROM (
            SELECT * FROM by_label ORDER BY rank DESC, lower(label), id
        ) l
        UNION ALL
        (SELECT t.id, t.slug, t.label, t.short_definition, '', 0.0::float8,
                (SELECT tsvector_to_array(to_tsvector('english', %(text)s)))
         FROM glossary_term t
         WHERE t.status = 'published' AND ({document}) @@ {tsquery}
           AND t.id NOT IN (SELECT id FROM by_label)
         LIMIT CASE WHEN (SELECT count(*) FROM by_label) < %(limit)s
                    THEN %(definition_candidates)s ELSE 0 END)
    """

    @classmethod
    @cache
    def concepts_sql(cls, *, fuzzy: bool) -> str:
        """The concept query, with the trigram branch for label-sized queries."""
        tsquery = "websearch_to_tsquery('english', %(text)s)"
        template = cls.CONCEPTS_SQL.replace("{direct}", cls.DIRECT_HITS).replace(
            "{near}", cls.NEAR_HITS if fuzzy else cls.NO_NEAR_HITS
        )
        return template.format(document=TERM_DOCUMENT.format(t="t"), tsquery=tsquery)

    # Candidates come straight from the GIN index (no per-row parsing: a
    # plain tsquery needs no recheck); ranking and the snippet are made in
    # Python from the text and the query's stems, which costs a fraction of
    # ts_rank_cd and ts_headline, both of which parse every text again.
    QUOTES_SQL = """
        SELECT s.id, e.slug, e.title, s.start,
               COALESCE(p.name, s.speaker_label, ''), s.text,
               (SELECT tsvector_to_array(to_tsvector('english', %(words)s))),
               s.marks,
               (SELECT n.start FROM glossary_segment n
                WHERE n.episode_id = s.episode_id AND n."order" > s."order"
                ORDER BY n."order" LIMIT 1)
        FROM (
            SELECT s.id, s.episode_id, s.speaker_id, s.start, s.speaker_label,
                   s.text, s.marks, s."order"
            FROM glossary_segment s
            WHERE to_tsvector('english', s.text) @@ {tsquery}
            LIMIT %(candidates)s
        ) s
        JOIN glossary_episode e ON e.id = s.episode_id
        LEFT JOIN glossary_person p ON p.id = s.speaker_id
    """

    @staticmethod
    def quotes_tsquery(count: int) -> str:
        """The query's words, or (for a misspelling) the label it stood for."""
        parts = [
            "websearch_to_tsquery('english', %(term0)s)",
            *(f"phraseto_tsquery('english', %(term{i})s)" for i in range(1, count)),
        ]
        return "(" + " || ".join(parts) + ")"

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        length = len(query.normalized)
        fuzzy = FUZZY_MIN_LENGTH <= length <= FUZZY_MAX_LENGTH
        params = {
            "text": query.text,
            "normalized": query.normalized,
            "swaps": letter_swaps(query.normalized),
            "fuzzy": query.normalized,
            "label_candidates": LABEL_CANDIDATES,
            "definition_candidates": DEFINITION_CANDIDATES,
            "limit": limit,
        }
        with connection.cursor() as cursor:
            cursor.execute(self.concepts_sql(fuzzy=fuzzy), params)
            rows = cursor.fetchall()
        by_label = [
            ConceptHit(
                id=id,
                slug=slug,
                label=label,
                short_definition=short_definition,
                matched_label=matched,
                fuzzy=0 < rank < 1,
            )
            for id, slug, label, short_definition, matched, rank, stems in rows
            if stems is None
        ]
        by_definition = [row for row in rows if row[-1] is not None]
        if by_definition:
            stems = by_definition[0][-1]
            by_definition.sort(key=lambda row: (_rank_by_text(row, stems), row[0]))
        return by_label + [
            ConceptHit(id=id, slug=slug, label=label, short_definition=short)
            for id, slug, label, short, *_ in by_definition[: limit - len(by_label)]
        ]

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        params = {f"term{i}": term for i, term in enumerate(terms)}
        params |= {"words": " ".join(terms), "candidates": QUOTE_CANDIDATES}
        sql = self.QUOTES_SQL.format(tsquery=self.quotes_tsquery(len(terms)))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        candidates = [(row, lexeme_spans(row[5], row[6] or [])) for row in rows]
        candidates.sort(
            key=lambda item: (relevance(item[1], item[0][5]), -item[0][0]),
            reverse=True,
        )
        return [
            QuoteHit(
                segment_id=segment_id,
                episode_slug=slug,
                episode_title=title,
                seconds=_time_of(text, spans, start, marks, next_start),
                speaker=speaker,
                snippet_html=snippet(text, spans),
            )
            for (
                (segment_id, slug, title, start, speaker, text, _, marks, next_start),
                spans,
            ) in candidates[:limit]
        ]


def _time_of(
    text: str,
    spans: list[Span],
    start: float,
    marks: list | str | None,
    next_start: float | None,
) -> float:
    """When the first match the snippet shows was said, interpolated in the
    turn the way citations' times are. (A raw query reads `marks` as JSON
    text: Django leaves decoding to the field.)"""
    if isinstance(marks, str):
        marks = json.loads(marks)
    return time_at(
        first_shown(text, spans),
        start=start,
        text_length=len(text),
        marks=marks or (),
        next_start=next_start,
    )


def _rank_by_text(row: tuple, stems: Sequence[str]) -> tuple:
    """Sort key for a definition-only match: the query's stems in its label,
    then in its short definition, then alphabetical."""
    label, short = row[2], row[3]
    in_label = relevance(lexeme_spans(label, stems), label)
    in_short = relevance(lexeme_spans(short, stems), short)
    return (-in_label[0], -in_short[0], -in_short[1], label.casefold())


class FallbackSearchBackend(SearchBackend):
    """Substring matching for databases without full-text search (SQLite).

    Ranks an exact label first, then labels starting with the query, then
    labels containing it, then definitions containing it.
    """

    vendor = "fallback"

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        text = query.text
        swaps = letter_swaps(query.normalized)
        aliases = Alias.objects.filter(term=OuterRef("pk"))
        exact = aliases.filter(Q(normalized=query.normalized) | Q(normalized__in=swaps))
        contains = aliases.filter(label__icontains=text)
        matched = (exact | contains).order_by(
            Case(
                When(normalized=query.normalized, then=Value(0)),
                When(normalized__in=swaps, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "label",
        )
        rows = (
            Term.objects.published()
            .annotate(
                exact=Exists(exact),
                starts=Exists(aliases.filter(label__istartswith=text)),
                contains=Exists(contains),
                matched=Subquery(matched.values("label")[:1]),
            )
            .filter(
                Q(exact=True)
                | Q(contains=True)
                | Q(short_definition__icontains=text)
                | Q(definition__icontains=text)
            )
            .annotate(
                rank=Case(
                    When(exact=True, then=Value(0)),
                    When(starts=True, then=Value(1)),
                    When(contains=True, then=Value(2)),
                    When(short_definition__icontains=text, then=Value(3)),
                    default=Value(4),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "label", "pk")
            .values_list("id", "slug", "label", "short_definition", "matched", "rank")[
                :limit
            ]
        )
        return [
            ConceptHit(
                id=id,
                slug=slug,
                label=label,
                short_definition=short,
                matched_label=matched or "",
                fuzzy=rank == 0 and normalize_label(matched) != query.normalized,
            )
            for id, slug, label, short, matched, rank in rows
        ]

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        condition = Q()
        for term in terms:
            condition |= Q(text__icontains=term)
        following = Segment.objects.filter(
            episode=OuterRef("episode"), order__gt=OuterRef("order")
        ).order_by("order")
        segments = (
            Segment.objects.filter(condition)
            .select_related("episode", "speaker")
            .only(
                "id",
                "start",
                "text",
                "marks",
                "speaker_label",
                "speaker__name",
                "episode__slug",
                "episode__title",
            )
            .annotate(next_start=Subquery(following.values("start")[:1]))
            .order_by("episode_id", "order")[:QUOTE_CANDIDATES]
        )
        found = [(segment, needle_spans(segment.text, terms)) for segment in segments]
        found.sort(
            key=lambda item: (relevance(item[1], item[0].text), -item[0].pk),
            reverse=True,
        )
        return [
            QuoteHit(
                segment_id=segment.pk,
                episode_slug=segment.episode.slug,
                episode_title=segment.episode.title,
                seconds=_time_of(
                    segment.text,
                    spans,
                    segment.start,
                    segment.marks,
                    segment.next_start,
                ),
                speaker=segment.speaker.name
                if segment.speaker
                else segment.speaker_label,
                snippet_html=snippet(segment.text, spans),
            )
            for segment, spans in found[:limit]
        ]


@cache
def _backend_for(vendor: str) -> SearchBackend:
    if vendor == "postgresql":
        return PostgresSearchBackend()
    return FallbackSearchBackend()


def get_search_backend() -> SearchBackend:
    """The implementation for the default database's vendor."""
    return _backend_for(connection.vendor)


def search(raw_query: str | None) -> SearchResults:
    """Concepts, then quotes, for what a reader typed.

    PostgreSQL: a planner setting, concepts, quotes, in one transaction;
    elsewhere: concepts, quotes. Nothing for an empty query.
    """
    return get_search_backend().search(raw_query)
