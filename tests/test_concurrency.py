"""Two writers at once: one wins, the other is told plainly, nothing breaks.

Real concurrency on PostgreSQL: a second connection holds the lock an
ingestion takes (another process mid-ingestion), and two threads race to
ingest one new file.
"""

import threading
from io import StringIO

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from glossary.models import Episode
from glossary.services.ingest import episode_ingest_transcript
from glossary.services.locks import Busy, lock_key
from tests.factories import FIXTURES, make_token, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CONVERSATION = FIXTURES / "transcripts" / "conversation.vtt"


class OtherProcess:
    """A second database session, mid-ingestion of the episode `slug`."""

    def __init__(self, slug: str) -> None:
        self.conn = psycopg.connect(**_dsn())
        self.conn.execute(
            "SELECT pg_advisory_xact_lock(%s)", [lock_key(f"episode-slug:{slug}")]
        )

    def finish(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


@pytest.fixture
def ingesting():
    other = OtherProcess("conv")
    yield other
    other.finish()


def test_the_service_refuses_an_episode_being_ingested(ingesting):
    with pytest.raises(Busy, match="conv is already being ingested"):
        episode_ingest_transcript(
            data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, slug="conv"
        )
    assert not Episode.objects.exists()


def test_the_command_says_so_without_a_traceback(ingesting, tmp_path):
    path = tmp_path / "conversation.vtt"
    path.write_bytes(CONVERSATION.read_bytes())
    with pytest.raises(CommandError, match="already being ingested"):
        call_command("ingest_transcript", str(path), slug="conv", stdout=StringIO())


def test_the_api_answers_409(ingesting):
    token = make_token(make_user("root", staff=True, is_superuser=True))
    response = Client().post(
        "/api/v1/transcripts/",
        {
            "file": SimpleUploadedFile("c.vtt", CONVERSATION.read_bytes()),
            "slug": "conv",
        },
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert "already being ingested" in error["message"]


def test_once_the_other_ingestion_ends_the_episode_can_be_ingested(ingesting):
    ingesting.finish()
    result = episode_ingest_transcript(
        data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, slug="conv"
    )
    assert result.created


def test_two_threads_ingesting_one_new_file_make_one_episode():
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def ingest():
        start.wait()
        try:
            result = episode_ingest_transcript(
                data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, slug="conv"
            )
            outcomes.append("created" if result.created else "unchanged")
        except Busy:
            outcomes.append("busy")
        except Exception as error:  # the bug: an IntegrityError traceback
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["busy", "created"], ["created", "unchanged"])
    assert Episode.objects.count() == 1


def test_a_second_import_while_one_runs_is_refused_and_writes_nothing():
    import tablib

    from glossary.import_export import TermResource
    from glossary.models import Term

    other = psycopg.connect(**_dsn())
    other.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("glossary-import")])
    try:
        dataset = tablib.Dataset(
            ["RLHF", "rlhf", "candidate", "concept", "", "", ""],
            headers=[
                "label",
                "slug",
                "status",
                "kind",
                "short_definition",
                "definition",
                "aliases",
            ],
        )
        result = TermResource().import_data(dataset, dry_run=False)
    finally:
        other.rollback()
        other.close()
    assert result.has_errors()
    assert "Another glossary import is running" in str(result.base_errors[0].error)
    assert not Term.objects.exists()


def _dsn() -> dict:
    params = connection.get_connection_params()
    return {k: params.get(k) for k in ("dbname", "host", "port", "user")}
