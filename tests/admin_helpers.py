"""Small builders for the curation tests: episodes, terms, citations, users."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from glossary.models import Alias, Citation, Episode, Person, Segment, Term
from glossary.services.aliases import AliasSpec
from glossary.services.terms import term_create

from .factories import make_show

PASSWORD = "a-long-test-password-42"


def make_episode(
    *,
    slug: str = "ep-1",
    number: int | None = 1,
    title: str = "Open models",
    audio_url: str = "https://media.example.com/ep1.mp3",
    turns: Sequence[tuple[str, float, str]] = (
        ("Ann", 0.0, "Welcome. Today we talk about open source models."),
        ("Bob", 60.0, "Open source is a licence question. RLHF is a method."),
        ("Ann", 120.0, "Thanks, Bob. Reinforcement learning from human feedback."),
    ),
) -> Episode:
    """An episode with one segment per `(speaker, start, text)` turn."""
    episode = Episode.objects.create(
        show=make_show("The Retort"),
        number=number,
        title=title,
        slug=slug,
        audio_url=audio_url,
    )
    people = {}
    for order, (speaker, start, text) in enumerate(turns):
        if speaker not in people:
            people[speaker] = Person.objects.get_or_create(
                name=speaker, defaults={"slug": speaker.lower()}
            )[0]
        Segment.objects.create(
            episode=episode,
            order=order,
            speaker=people[speaker],
            speaker_label=speaker,
            start=start,
            text=text,
        )
    return episode


def make_term(
    label: str,
    *,
    status: str = Term.Status.CANDIDATE,
    aliases: Iterable[str | AliasSpec] = (),
    short_definition: str = "",
    definition: str = "",
    kind: str = Term.Kind.CONCEPT,
    score: float | None = None,
    evidence: dict | None = None,
) -> Term:
    """A term made the way the services make one, plus extraction's score."""
    term = term_create(
        label=label,
        kind=kind,
        status=status,
        short_definition=short_definition,
        definition=definition,
        aliases=aliases,
    )
    if score is not None or evidence is not None:
        Term.objects.filter(pk=term.pk).update(score=score, evidence=evidence or {})
        term.refresh_from_db()
    return term


def cite(
    term: Term,
    segment: Segment,
    start: int | None = None,
    end: int | None = None,
    *,
    featured: bool = False,
    source: str = Citation.Source.AUTO,
) -> Citation:
    if start is None:
        found = segment.text.lower().find(term.label.lower())
        if found >= 0:
            start, end = found, found + len(term.label)
    return Citation.objects.create(
        term=term,
        episode=segment.episode,
        segment=segment,
        seconds=segment.start,
        start_char=start,
        end_char=end,
        quote=segment.text,
        featured=featured,
        source=source,
    )


def make_user(username: str, *, editor: bool = True, staff: bool = True):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=staff
    )
    if editor:
        user.groups.add(Group.objects.get(name="Editor"))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def labels_of(term: Term) -> dict[str, str]:
    return dict(Alias.objects.filter(term=term).values_list("label", "kind"))


def _post_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))


def form_data(response, **changes) -> dict:
    """The POST data of an admin change page as loaded, with `changes` applied.

    Reads the form and every inline formset from the response's context, as a
    browser would submit them untouched; `changes` use the posted names
    (`label`, `aliases-0-label`, ...).
    """
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = _post_value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def form_data_without_inlines(response) -> dict:
    """The POST data of a page's main form only (a history version's page)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data
