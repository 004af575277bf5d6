"""Hostile and careless input on every path: a clear error, nothing written.

Each crash the attack on the write side found is reproduced here first:
times past any episode, NUL and lone surrogates, labels and titles longer
than their columns, a doubled mention in a corrected turn, a partial
speaker label, deep JSON nesting, and counts past the caps.
"""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from glossary.models import Citation, Episode, Person, Segment
from glossary.services.ingest import episode_ingest_transcript
from glossary.transcripts import Limits, TranscriptError, parse_transcript
from tests.factories import make_term, make_token, make_user
from tests.test_api_terms import ApiTestCase


def json_transcript(*segments, **extra) -> str:
    return json.dumps({"version": "1.0.0", "segments": list(segments), **extra})


def seg(body="hello there", start=0.0, speaker="Ann", **extra):
    return {"speaker": speaker, "startTime": start, "body": body, **extra}


def text_transcript(*turns, title="A show", number=7) -> str:
    lines = [title, "", f"Episode {number}_transcript"]
    lines += [
        f"{speaker}: [00:00:{i * 10:02d}] {words}"
        for i, (speaker, words) in enumerate(turns)
    ]
    return "\n".join(lines) + "\n"


# -- the pure check, format by format ---------------------------------------


def error_of(data, filename) -> str:
    with pytest.raises(TranscriptError) as raised:
        parse_transcript(data, filename=filename)
    return str(raised.value)


def test_a_start_time_of_1_7e308_is_refused_naming_the_segment():
    data = json_transcript(seg(), seg("open source", start=1.7e308, speaker="Bob"))
    message = error_of(data, "a.json")
    assert "segment 2: start is 1.7e+308 seconds" in message
    assert "48 hours" in message


def test_a_time_past_the_plausible_length_is_refused_in_webvtt():
    data = "WEBVTT\n\n1\n100:00:00.000 --> 100:00:05.000\nhello\n"
    assert "start is 360000 seconds" in error_of(data, "a.vtt")


def test_a_nul_in_json_text_is_refused():
    message = error_of(json_transcript(seg("hel\u0000lo")), "a.json")
    assert "text holds a NUL character at character 4" in message


def test_a_lone_surrogate_is_refused():
    data = '{"segments": [{"speaker": "A", "startTime": 0, "body": "x\\ud800y"}]}'
    assert "text holds a lone surrogate at character 2" in error_of(data, "a.json")


def test_a_300_character_speaker_label_is_refused_with_the_line():
    data = text_transcript(("A" * 300, "hello"))
    message = error_of(data, "a.txt")
    assert message.startswith("line 4: segment 1: speaker is 300 characters long")


def test_a_400_character_title_is_refused():
    data = text_transcript(("Ann", "hello"), title="T" * 400)
    assert "title is 400 characters long, over the limit of 300" in error_of(
        data, "a.txt"
    )


def test_a_300_character_credit_name_is_refused():
    data = (
        text_transcript(("Ann", "hello"))
        + "\nCreators and Guests\n\n"
        + ("B" * 300 + "\nHost\n")
    )
    assert "name is 300 characters long" in error_of(data, "a.txt")


def test_too_many_speakers_are_refused_before_any_work_on_them():
    turns = [(f"Speaker {chr(65 + n)}", "hi") for n in range(6)]
    with pytest.raises(TranscriptError, match="too many speakers: 6, over the limit"):
        parse_transcript(
            text_transcript(*turns), filename="a.txt", limits=Limits(max_speakers=5)
        )


def test_too_many_segments_are_refused():
    cues = "".join(
        f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},500\nSpeaker {n % 2}: hi {n}\n\n"
        for n in range(1, 30)
    )
    with pytest.raises(TranscriptError, match="too many segments"):
        parse_transcript(cues, filename="a.srt", limits=Limits(max_segments=3))


# -- the service, the command and the API -----------------------------------


class IngestEdgeTests(TestCase):
    def test_an_infinite_time_leaves_nothing_behind(self):
        data = json_transcript(seg(), seg("open source", start=1.7e308))
        with pytest.raises(TranscriptError):
            episode_ingest_transcript(data=data, filename="a.json", slug="x")
        assert not Episode.objects.exists() and not Person.objects.exists()

    def test_a_corrected_turn_that_mentions_a_concept_twice_updates_in_place(self):
        make_term("open source", short_definition="Code anyone may reuse.")
        first = text_transcript(
            ("Ann", "We like open source and open source is cheap."),
            ("Bob", "Indeed."),
        )
        episode_ingest_transcript(data=first, filename="t.txt")
        assert Citation.objects.count() == 2
        result = episode_ingest_transcript(
            data=first.replace("cheap.", "cheaper."), filename="t.txt"
        )
        assert result.segments_updated == 1
        spans = sorted(Citation.objects.values_list("start_char", flat=True))
        assert spans == [8, 24]

    def test_a_partial_label_after_a_full_name_keeps_working(self):
        # "Tom" partly matches "Tom Jones" and "Tommy": a Person "Tom" is
        # made once, then found by name on every later upload.
        episode_ingest_transcript(
            data=text_transcript(("Tom Jones", "hi"), ("Tommy", "yo"), number=1),
            filename="a.txt",
        )
        for number in (2, 3):
            episode_ingest_transcript(
                data=text_transcript(("Tom", "hi"), ("Ann", "yo"), number=number),
                filename=f"{number}.txt",
            )
        assert Person.objects.filter(name="Tom").count() == 1
        episode = Episode.objects.get(number=3)
        assert episode.segments.get(order=0).speaker.name == "Tom"

    def test_the_command_names_the_file_line_and_field(self):
        path = self.tmp_file("long.txt", text_transcript(("A" * 300, "hello")))
        with pytest.raises(CommandError) as raised:
            call_command("ingest_transcript", path, stdout=StringIO())
        assert str(raised.value).startswith(f"{path}: line 4: segment 1: speaker is")
        assert not Episode.objects.exists()

    def tmp_file(self, name, text):
        import tempfile
        from pathlib import Path

        directory = Path(tempfile.mkdtemp())
        path = directory / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return str(path)


class ApiEdgeTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.token = make_token(make_user("root", staff=True, is_superuser=True))

    def upload(self, name, content: bytes):
        return self.client.post(
            "/api/v1/transcripts/",
            {"file": SimpleUploadedFile(name, content)},
            headers={"authorization": f"Token {self.token}"},
        )

    def test_hostile_transcripts_are_400s_naming_the_problem(self):
        cases = {
            "inf.json": (json_transcript(seg(start=1.7e308)), "start is 1.7e+308"),
            "nul.json": (json_transcript(seg("a\u0000b")), "NUL character"),
            "sur.json": (
                '{"segments":[{"speaker":"A","startTime":0,"body":"\\udfff"}]}',
                "lone surrogate",
            ),
            "label.txt": (text_transcript(("A" * 300, "hi")), "speaker is 300"),
            "title.txt": (text_transcript(("A", "hi"), title="T" * 400), "title is"),
        }
        for name, (content, expected) in cases.items():
            with self.subTest(name=name):
                response = self.upload(name, content.encode())
                assert response.status_code == 400, response.content
                error = response.json()["error"]
                assert error["code"] == "invalid_transcript"
                assert error["message"].startswith(f"file: {name}: ")
                assert expected in error["message"]
        assert not Episode.objects.exists()
        assert not Segment.objects.exists()

    @override_settings(KB_UPLOAD_MAX_BYTES=10_000)
    def test_a_file_too_large_for_a_request_points_to_the_command(self):
        response = self.upload("big.vtt", b"WEBVTT\n\n" + b"x" * 20_000)
        assert response.status_code == 413
        assert "manage.py ingest_transcript" in response.json()["error"]["message"]

    def test_5000_nested_arrays_to_link_are_a_400(self):
        body = "[" * 5000 + "]" * 5000
        response = self.client.post(
            "/api/v1/link/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "parse_error"
        assert "nested deeper" in response.json()["error"]["message"]

    def test_brackets_inside_strings_are_not_nesting(self):
        body = json.dumps({"text": "[" * 5000})
        response = self.client.post(
            "/api/v1/link/", body, content_type="application/json"
        )
        assert response.status_code == 200

    def test_a_lone_surrogate_sent_to_link_is_a_400_not_a_500(self):
        response = self.client.post(
            "/api/v1/link/", '{"text": "a\\ud800b"}', content_type="application/json"
        )
        assert response.status_code == 400
        assert "surrogate" in response.json()["error"]["message"]
