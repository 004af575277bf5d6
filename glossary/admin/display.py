"""Formatting for admin columns and panels: times, play links, evidence.

They read what the changelist's queryset loaded (annotations, prefetches);
none of them writes.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import admin
from django.db.models import F, FloatField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from ..models import Alias, Term
from ..rendering import clock, play_url, render_markdown
from ..services.rules import term_has_definition
from .wikipedia import wikipedia_panel

# Evidence columns read Term.evidence, a JSON dict written by extraction.
QUOTE_CHARS = 90
SPEAKERS_SHOWN = 3


def time_shown(seconds: float | None) -> str:
    """`754.2` → `12:34`, `3723` → `1:02:03`; a dash when there is no time."""
    return "—" if seconds is None else clock(seconds)


def audio_link(audio_url: str, seconds: float | None, *, approximate=False) -> str:
    """A link that plays the episode from `seconds` (a media fragment, `#t=`)."""
    if seconds is None:
        return "—"
    label = f"{'~' if approximate else ''}{clock(seconds)}"
    if not audio_url:
        return label
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" title="Play from here">▶ {}</a>',
        play_url(audio_url, seconds),
        label,
    )


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

    @admin.display(description="score", ordering=F("score").desc(nulls_last=True))
    def score_shown(self, obj: Term) -> str:
        return "—" if obj.score is None else f"{obj.score:.2f}"

    @admin.display(
        description="mentions",
        ordering=Cast(KT("evidence__frequency"), FloatField()).desc(nulls_last=True),
    )
    def frequency(self, obj: Term) -> str:
        value = number_or_none(evidence_of(obj).get("frequency"))
        return "—" if value is None else f"{value:g}"

    @admin.display(
        description="episodes",
        ordering=Cast(KT("evidence__episodes"), FloatField()).desc(nulls_last=True),
    )
    def episode_count(self, obj: Term) -> str:
        value = evidence_of(obj).get("episodes")
        if isinstance(value, list):
            return str(len(value))
        number = number_or_none(value)
        return "—" if number is None else f"{number:g}"

    @admin.display(description="first mention")
    def first_mention(self, obj: Term) -> str:
        evidence = evidence_of(obj)
        seconds = number_or_none(evidence.get("first_seconds"))
        if seconds is None:
            return "—"
        audio_url = getattr(obj, "first_audio_url", None) or ""
        link = audio_link(audio_url, seconds)
        episode = evidence.get("first_episode")
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
        aliases = getattr(obj, "other_aliases", None)
        if aliases is None:
            aliases = obj.aliases.exclude(kind=Alias.Kind.PREFERRED)
        return ", ".join(alias.label for alias in aliases) or "—"

    @admin.display(description="defined", boolean=True)
    def defined(self, obj: Term) -> bool:
        return term_has_definition(obj)

    # The term's page: read-only panels.

    @admin.display(description="preview")
    def definition_preview(self, obj: Term | None) -> str:
        url = reverse("admin:glossary_term_preview")
        html = render_markdown(obj.definition) if obj and obj.definition else ""
        return format_html(
            '<div class="kb-markdown-preview" data-preview-url="{}">{}</div>',
            url,
            SafeString(html) if html else "Nothing written yet.",
        )

    @admin.display(description="Wikipedia")
    def wikipedia_panel(self, obj: Term | None) -> str:
        return wikipedia_panel(obj)

    @admin.display(description="evidence")
    def evidence_panel(self, obj: Term | None) -> str:
        evidence = evidence_of(obj) if obj else {}
        if not evidence:
            return "No evidence recorded (the term was not proposed by extraction)."
        rows = [
            ("Mentions", self.frequency(obj)),
            ("Episodes", self.episode_count(obj)),
            ("First mention", self.first_mention(obj)),
            ("Speakers", ", ".join(map(str, evidence.get("speakers") or [])) or "—"),
            ("Sample quote", evidence.get("quote") or "—"),
        ]
        return format_html(
            '<table class="kb-evidence">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )
