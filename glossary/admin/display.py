"""Formatting for admin columns and panels: times, play links, evidence.

They read what the changelist's queryset loaded (annotations, prefetches);
none of them writes.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from ..definitions import linked_definition
from ..matchers import current_glossary
from ..models import Episode, Segment, Term
from ..rendering import clock, play_url
from ..selectors.curation import other_labels
from ..services.rules import term_has_definition
from .wikipedia import wikipedia_panel

# Evidence columns read Term.evidence, a JSON dict written by extraction.
QUOTE_CHARS = 90
SPEAKERS_SHOWN = 3
EPISODE_CHARS = 40


def time_shown(seconds: float | None) -> str:
    """`754.2` → `12:34`, `3723` → `1:02:03`; a dash when there is no time."""
    return "—" if seconds is None else clock(seconds)


def audio_link(audio_url: str, seconds: float | None, *, approximate=False) -> str:
    """A link that plays the episode from `seconds` (a media fragment, `#t=`)."""
    if seconds is None:
        return "—"
    label = time_label(seconds, approximate=approximate)
    if not audio_url:
        return label
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" title="Play from here">▶ {}</a>',
        play_url(audio_url, seconds),
        label,
    )


def time_label(seconds: float, *, approximate: bool = False) -> str:
    """ "23:57", or "~23:57" for a time interpolated inside a turn."""
    return f"{'~' if approximate else ''}{clock(seconds)}"


def episode_label(number: int | None, title: str) -> str:
    """ "#4 Developing LLMs: Open, closed, or democratic?", or the bare title."""
    return f"#{number} {title}" if number is not None else title


def episode_name(episode: Episode) -> str:
    """The episode's label, cut short, in full (with its slug) on hover."""
    name = episode_label(episode.number, episode.title)
    return format_html(
        '<span title="{} ({})">{}</span>',
        name,
        episode.slug,
        Truncator(name).chars(EPISODE_CHARS),
    )


def shown_definition(text: str, *, term_id: int | None) -> SafeString:
    """The definition's HTML exactly as its concept page shows it: the page's
    own function (Markdown rendered, other concepts linked once each)."""
    return linked_definition(Term(pk=term_id, definition=text), current_glossary())


def speaker_of(segment: Segment) -> str:
    """Who says a segment: the person, else the transcript's label."""
    return str(segment.speaker or segment.speaker_label or "—")


def evidence_of(term: Term) -> dict[str, Any]:
    return term.evidence if isinstance(term.evidence, dict) else {}


def number_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class TermColumns:
    """The term changelist's columns and the term page's read-only panels."""

    # Changelist columns.

    # A plain field name, so the changelist puts its sort arrow on this
    # column for the default order (by score), not on the label.
    @admin.display(description="score", ordering="score")
    def score_shown(self, obj: Term) -> str:
        return "—" if obj.score is None else f"{obj.score:.2f}"

    # Where the term was said, counted from its citations (annotated by
    # `TermAdmin.get_queryset`): the number its concept page and the API show,
    # not extraction's own count of the words when it proposed the term.
    @admin.display(description="citations", ordering="citation_count")
    def citations_shown(self, obj: Term) -> str:
        count = getattr(obj, "citation_count", None)
        if count is None:
            return "—"
        return format_html(
            '<a href="{}?term__id__exact={}" title="List them">{}</a>',
            reverse("admin:glossary_citation_changelist"),
            obj.pk,
            count,
        )

    @admin.display(description="episodes", ordering="cited_episodes")
    def episode_count(self, obj: Term) -> str:
        count = getattr(obj, "cited_episodes", None)
        return "—" if count is None else str(count)

    @admin.display(description="first mention")
    def first_mention(self, obj: Term) -> str:
        evidence = evidence_of(obj)
        seconds = number_or_none(evidence.get("first_seconds"))
        if seconds is None:
            return "—"
        audio_url = getattr(obj, "first_audio_url", None) or ""
        episode = evidence.get("first_episode")
        # Extraction places the first mention as citations are placed.
        approximate = bool(evidence.get("first_approximate", True))
        link = audio_link(audio_url, seconds, approximate=approximate)
        if not audio_url and isinstance(episode, str) and episode:
            # No audio: the transcript page opens at that moment instead.
            link = format_html(
                '<a href="{}#t={}" target="_blank" rel="noopener" '
                'title="Read the transcript from here">¶ {}</a>',
                reverse("episode-detail", kwargs={"slug": episode}),
                int(max(seconds, 0)),
                time_label(seconds, approximate=approximate),
            )
        if episode:
            # The slug is long; the time is what an editor scans for.
            return format_html('<span title="in {}">{}</span>', episode, link)
        return link

    @admin.display(description="speakers")
    def speakers(self, obj: Term) -> str:
        speakers = evidence_of(obj).get("speakers") or []
        if not isinstance(speakers, list):
            return str(speakers)
        shown = ", ".join(str(s) for s in speakers[:SPEAKERS_SHOWN])
        if len(speakers) > SPEAKERS_SHOWN:
            shown += f" +{len(speakers) - SPEAKERS_SHOWN}"
        return shown or "—"

    @admin.display(description="sample quote")
    def quote(self, obj: Term) -> str:
        quote = str(evidence_of(obj).get("quote") or "")
        if not quote:
            return "—"
        return format_html(
            '<span title="{}">{}</span>', quote, Truncator(quote).chars(QUOTE_CHARS)
        )

    @admin.display(description="other labels")
    def other_labels(self, obj: Term) -> str:
        return ", ".join(other_labels(obj)) or "—"

    @admin.display(description="variant of")
    def fold_link(self, obj: Term) -> str:
        """Extraction's proposal, if any, and the button that folds the
        candidate into a term (that one or another): one column, so the
        queue fits the window."""
        if obj.status != Term.Status.CANDIDATE:
            return ""
        proposal = evidence_of(obj).get("variant_of")
        proposed = (
            format_html(
                '<span class="kb-variant">{} ({})</span> ',
                proposal.get("label", "?"),
                proposal.get("reason", ""),
            )
            if isinstance(proposal, dict)
            else ""
        )
        return format_html(
            '{}<a class="button kb-fold" href="{}" title="Merge this variant into '
            'another term, as hidden labels">Fold into…</a>',
            proposed,
            reverse("admin:glossary_term_fold", args=[obj.pk]),
        )

    @admin.display(description="defined", boolean=True)
    def defined(self, obj: Term) -> bool:
        return term_has_definition(obj)

    # The term's page: read-only panels.

    @admin.display(description="preview")
    def definition_preview(self, obj: Term | None) -> str:
        url = reverse("admin:glossary_term_preview")
        term_id = obj.pk if obj is not None else None
        html = shown_definition(obj.definition, term_id=term_id) if obj else ""
        return format_html(
            '<div class="kb-markdown-preview prose definition" '
            'data-preview-url="{}" data-term="{}">{}</div>',
            url,
            term_id or "",
            html or "Nothing written yet.",
        )

    @admin.display(description="Wikipedia")
    def wikipedia_panel(self, obj: Term | None) -> str:
        return wikipedia_panel(obj)

    @admin.display(description="evidence")
    def evidence_panel(self, obj: Term | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            ("Citations", self.citations_shown(obj)),
            ("Episodes", self.episode_count(obj)),
        ]
        evidence = evidence_of(obj)
        if evidence:
            rows += [
                ("First mention", self.first_mention(obj)),
                ("Speakers", ", ".join(map(str, evidence.get("speakers") or []))),
                ("Sample quote", evidence.get("quote") or "—"),
            ]
        table = format_html(
            '<table class="kb-evidence">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )
        if evidence:
            return table
        return format_html(
            "{}<p>No evidence recorded (the term was not proposed by extraction).</p>",
            table,
        )
