"""The PostgreSQL backend: full text and trigrams, each part on an index of
migration 0005.

Full-text search (`websearch_to_tsquery`, `english`) over a published term's
labels, aliases and definitions; trigram similarity (`pg_trgm`) over
normalised labels so "fondation model" finds "foundation model";
adjacent-letter swaps of short words ("RHLF" → "RLHF", which trigrams score
too low) looked up exactly. Quotes come from a full-text search of segment
text, ranked and highlighted in Python. The expressions in migration 0005 and
here must stay identical (`tests/test_pages_search.py` checks with EXPLAIN).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from django.db import connection, transaction

from .base import (
    CONCEPT_LIMIT,
    QUOTE_CANDIDATES,
    QUOTE_LIMIT,
    ConceptHit,
    Query,
    QuoteHit,
    SearchBackend,
)
from .text import (
    FUZZY_MAX_LENGTH,
    FUZZY_MIN_LENGTH,
    letter_swaps,
    lexeme_spans,
    relevance,
    snippet,
    time_of,
)

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

# Same text as TERM_DOCUMENT in migrations/0005_search.py: keep them equal.
TERM_DOCUMENT = (
    "setweight(to_tsvector('english', {t}.label), 'A')"
    " || setweight(to_tsvector('english', {t}.short_definition), 'B')"
    " || setweight(to_tsvector('english', {t}.definition), 'C')"
)


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
                seconds=time_of(text, spans, start, marks, next_start),
                speaker=speaker,
                snippet_html=snippet(text, spans),
            )
            for (
                (segment_id, slug, title, start, speaker, text, _, marks, next_start),
                spans,
            ) in candidates[:limit]
        ]


def _rank_by_text(row: tuple, stems: Sequence[str]) -> tuple:
    """Sort key for a definition-only match: the query's stems in its label,
    then in its short definition, then alphabetical."""
    label, short = row[2], row[3]
    in_label = relevance(lexeme_spans(label, stems), label)
    in_short = relevance(lexeme_spans(short, stems), short)
    return (-in_label[0], -in_short[0], -in_short[1], label.casefold())
