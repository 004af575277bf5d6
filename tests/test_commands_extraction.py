"""extract_terms and refresh_citations: thin commands that report what changed."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from glossary.models import Citation, Term
from glossary.services.extraction import candidates_for_episode
from glossary.services.ingest import episode_ingest_transcript

SEED = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "retort-ep04-developing-llms.txt"
)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class ExtractionCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = episode_ingest_transcript(
            data=SEED.read_bytes(), filename=SEED.name
        ).episode

    def test_extract_terms_prints_the_ranking_and_what_it_created(self):
        out, err = run("extract_terms", self.episode.slug, "--show", "5")
        lines = out.splitlines()
        assert lines[0].split()[:3] == ["rank", "score", "freq"]
        best = candidates_for_episode(episode=self.episode)[0].label
        assert lines[1].split()[0] == "1" and lines[1].endswith(best)
        assert len(lines) == 7
        assert f"Candidates: {Term.objects.count()} created" in out
        assert "episodes" in err  # the progress bar

    def test_extract_terms_twice_reports_everything_unchanged(self):
        run("extract_terms")
        out, _ = run("extract_terms")
        assert "0 created, 0 updated" in out

    def test_extract_terms_refuses_an_unknown_episode(self):
        with pytest.raises(CommandError, match="No such episode: nope"):
            run("extract_terms", "nope")

    def test_refresh_citations_reports_created_then_unchanged(self):
        run("extract_terms")
        out, _ = run("refresh_citations")
        created = Citation.objects.count()
        assert f"Citations: {created} created" in out
        out, _ = run("refresh_citations")
        assert f"0 created, 0 updated, {created} unchanged, 0 deleted" in out

    def test_refresh_citations_for_one_term(self):
        run("extract_terms")
        out, _ = run("refresh_citations", "--term", "rlhf")
        assert Citation.objects.exclude(term__slug="rlhf").count() == 0
        assert Citation.objects.filter(term__slug="rlhf").count() >= 1
        assert "created" in out

    def test_refresh_citations_refuses_an_unknown_term(self):
        with pytest.raises(CommandError, match="No such term: nope"):
            run("refresh_citations", "--term", "nope")
