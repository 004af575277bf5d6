"""Fuzzing the write side: the five formats through ingestion, the upload
and the link endpoints. Only clear refusals may come out, never a crash.

Each format's conversation fixture gets a hostile speaker label, turn text
and time (NUL, lone surrogates, control characters, very long strings,
huge and odd numbers) spliced in, and goes through the ingest service on
PostgreSQL: the outcome is an episode or a `TranscriptError` /
`ValidationError`, and a refusal leaves the database as it was. The
endpoints get random bodies: no answer is a 5xx.

`KB_FUZZ_EXAMPLES` sets the number of examples per test (modest by default,
for CI); `make fuzz` runs these with many more.
"""

import json
import os
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.models import Episode, Person, Segment
from glossary.services.ingest import episode_ingest_transcript
from glossary.transcripts import TranscriptError
from tests.factories import FIXTURES, make_token, make_user

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SUFFIXES = ["txt", "vtt", "srt", "json", "html"]
SOURCES = {
    suffix: (FIXTURES / "transcripts" / f"conversation.{suffix}").read_text()
    for suffix in SUFFIXES
}

pytestmark = pytest.mark.django_db

HOSTILE_CHARS = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\x1b", "\u202e", "\ufeff", "\r", "\t", ":", "<", "&"]
)
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=HOSTILE_CHARS, min_size=1, max_size=5),
    st.builds(lambda n, c: c * n, st.integers(190, 420), st.sampled_from("Tx é")),
    st.text(st.characters(codec="utf-8"), max_size=20).map(lambda s: s + "\x00"),
)
hostile_seconds = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.7e308, -1.0, 172800.5, 1e20, 0.0, 5e-324]),
    st.integers(-(10**30), 10**30),
)


def hostile_clock(seconds) -> str:
    """A clock string for `seconds`, as large and odd as it is."""
    try:
        whole = int(seconds)
    except (OverflowError, ValueError):
        return "99999999999:00:00"
    hours, rest = divmod(abs(whole), 3600)
    return f"{'-' if whole < 0 else ''}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def spliced(suffix: str, label: str, body: str, seconds) -> str:
    text = SOURCES[suffix].replace("Thomas Krendl Gilbert", label)
    if suffix == "json":
        text = text.replace("Fair.", json.dumps(body)[1:-1])
        number = json.dumps(seconds) if isinstance(seconds, int) else repr(seconds)
        number = {"inf": "1e999", "-inf": "-1e999", "nan": "NaN"}.get(number, number)
        return text.replace('"startTime": 12.0', f'"startTime": {number}')
    text = text.replace("Fair.", body)
    return re.sub(r"00:00:12", hostile_clock(seconds), text)


def counts():
    return (Episode.objects.count(), Segment.objects.count(), Person.objects.count())


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(label=hostile_text, body=hostile_text, seconds=hostile_seconds)
def test_ingesting_hostile_fields_is_stored_or_refused_cleanly(
    suffix, label, body, seconds
):
    data = spliced(suffix, label, body, seconds).encode("utf-8", "surrogatepass")
    before = counts()
    with transaction.atomic():
        try:
            episode_ingest_transcript(
                data=data, filename=f"conversation.{suffix}", slug="fuzzed"
            )
        except (TranscriptError, ValidationError):
            assert counts() == before
        transaction.set_rollback(True)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_ingesting_random_bytes_is_stored_or_refused_cleanly(data):
    with transaction.atomic():
        try:
            episode_ingest_transcript(data=data, filename="x.bin", slug="bytes")
        except (TranscriptError, ValidationError):
            pass
        transaction.set_rollback(True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
link_bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "text": json_values,
            "html": json_values,
            "first_only": json_values,
            "max_links": json_values,
            "skip": json_values,
            "skip_elements": json_values,
        },
    ).map(json.dumps),
    json_values.map(json.dumps),
    st.integers(1, 20_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 20_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.text(max_size=200),
    st.text(alphabet=HOSTILE_CHARS, max_size=20).map(
        lambda s: json.dumps({"text": s, "html": None})
    ),
    hostile_text.map(lambda s: '{"text": "' + s + '"}'),
)


@FUZZ
@given(body=link_bodies)
def test_the_link_endpoint_never_answers_5xx(body):
    response = Client().post(
        "/api/v1/link/",
        body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
    )
    assert response.status_code in (200, 400), (response.status_code, body[:200])
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def superuser_token():
    return make_token(make_user("fuzz-root", staff=True, is_superuser=True))


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(label=hostile_text, body=hostile_text, seconds=hostile_seconds)
def test_the_upload_endpoint_never_answers_5xx(
    superuser_token, suffix, label, body, seconds
):
    data = spliced(suffix, label, body, seconds).encode("utf-8", "surrogatepass")
    with transaction.atomic():
        response = Client().post(
            "/api/v1/transcripts/",
            {"file": SimpleUploadedFile(f"c.{suffix}", data), "slug": "fuzzed"},
            HTTP_AUTHORIZATION=f"Token {superuser_token}",
        )
        transaction.set_rollback(True)
    assert response.status_code in (200, 201, 400), response.content[:300]
    if response.status_code == 400:
        assert response.json()["error"]["code"] in ("invalid_transcript", "invalid")
