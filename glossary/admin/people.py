"""People: naming a placeholder voice, and merging people across episodes.

Both call `services.people`; every segment (and so every citation on it)
follows the person it moves to.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..models import Person
from ..services.people import people_delete, person_merge, person_name
from .forms import HTTPS_URLS, PersonForm
from .guards import GuardedChangelist
from .merging import MergePage, merge_selected


class NameForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        help_text="Their real name. If someone of that name is in kb already, "
        "the two become one person.",
    )


PERSON_MERGE = MergePage(
    noun="person",
    plural="people",
    intro="Choose the person to keep. The others are merged into them and "
    "deleted: every segment they speak (and the citations on those segments) and "
    "every episode credit move to the person kept.",
    columns=[
        ("Person", lambda p: p.name),
        ("Placeholder", lambda p: "yes" if p.is_placeholder else "no"),
        ("Segments", lambda p: p.segment_count),
    ],
)


@admin.action(description="Merge selected people into one…", permissions=["change"])
def merge_people(modeladmin, request, queryset):
    """Ask who survives (an intermediate page), then merge the others into them."""
    people = list(
        queryset.annotate(segment_count=Count("segments")).order_by(
            "is_placeholder", "-segment_count", "name"
        )
    )

    def merge(survivor: Person, others: list[Person]) -> str:
        return " ".join(
            person_merge(source=other, target=survivor).summary() for other in others
        )

    return merge_selected(
        modeladmin,
        request,
        people,
        page=PERSON_MERGE,
        action="merge_people",
        merge=merge,
    )


@admin.register(Person)
class PersonAdmin(GuardedChangelist, admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "short_names_shown", "is_placeholder"]
    list_filter = ["is_placeholder"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["is_placeholder"]
    formfield_overrides = HTTPS_URLS
    actions = [merge_people]

    @admin.display(description="short names")
    def short_names_shown(self, obj: Person) -> str:
        return ", ".join(map(str, obj.short_names or [])) or "—"

    def delete_model(self, request, obj: Person) -> None:
        people_delete(people=[obj])

    def delete_queryset(self, request, queryset) -> None:
        people_delete(people=queryset)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/name/",
                self.admin_site.admin_view(self.name_view),
                name="glossary_person_name",
            ),
            *super().get_urls(),
        ]

    def name_view(self, request: HttpRequest, object_id: int):
        """Give a (placeholder) person a name, merging with a namesake."""
        person = self.get_object(request, str(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(
                request, self.opts, str(object_id)
            )
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        form = NameForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = person_name(person=person, name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error("name", error)
            else:
                self.message_user(request, f"Named: {result.person}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:glossary_person_change", args=[result.person.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "person": person,
            "title": f"Name {person}",
        }
        return TemplateResponse(request, "admin/glossary/person/name.html", context)
