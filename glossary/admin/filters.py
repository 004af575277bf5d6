"""Changelist filters for terms."""

from __future__ import annotations

from collections import Counter

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..models import HAS_DEFINITION, CandidateScore, Citation, Episode
from .display import episode_label


class EpisodeFilter(admin.SimpleListFilter):
    """Terms cited in one episode, or in its review queue.

    The changelist then orders candidates by that episode's ranking
    (`TermAdmin.get_queryset`).
    """

    title = "episode"
    parameter_name = "episode"

    def lookups(self, request, model_admin):
        episodes = list(Episode.objects.values_list("slug", "show", "number", "title"))
        titles = Counter(title.casefold() for _, _, _, title in episodes)
        choices = []
        for slug, show, number, title in episodes:
            name = episode_label(number, title)
            if titles[title.casefold()] > 1:
                # Episodes of the same title are told apart by show and slug.
                name = f"{name} ({show}, {slug})"
            choices.append((slug, name))
        return choices

    def queryset(self, request, queryset):
        if self.value():
            cited = Citation.objects.filter(
                term=OuterRef("pk"), episode__slug=self.value()
            )
            queued = CandidateScore.objects.filter(
                term=OuterRef("pk"), episode__slug=self.value()
            )
            return queryset.filter(Exists(cited) | Exists(queued))
        return queryset


class DefinitionFilter(admin.SimpleListFilter):
    """Ready to publish or not: publishing needs a definition."""

    title = "definition"
    parameter_name = "defined"

    def lookups(self, request, model_admin):
        return [("yes", "Has a definition"), ("no", "No definition yet")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.defined()
        if self.value() == "no":
            return queryset.exclude(HAS_DEFINITION)
        return queryset
