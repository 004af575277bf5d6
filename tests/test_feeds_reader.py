"""The pure feed reader on the Podcasting 2.0 fixture: no network, no Django."""

from pathlib import Path

import pytest

from glossary.feeds import read_feed
from glossary.feeds.reader import _duration

FEED = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "show.xml"


@pytest.fixture(scope="module")
def feed():
    data = FEED.read_bytes().replace(b"{{BASE}}", b"https://cdn.example.org/")
    return read_feed(data, max_items=100)


def test_the_channel_gives_title_site_artwork_and_hosts(feed):
    assert feed.title == "Open Models Weekly"
    assert feed.link == "https://openmodels.example.org/"
    assert feed.artwork_url == "https://openmodels.example.org/artwork.jpg"
    assert [(p.name, p.role) for p in feed.people] == [
        ("Ada Lovelace", "host"),
        ("Alan Turing", "host"),
    ]


def test_every_item_is_read_in_feed_order(feed):
    assert [item.guid for item in feed.items] == [
        "omw-0005",
        "omw-0004",
        "omw-0003",
        "omw-0002",
        "omw-0001",
    ]
    assert not any(item.problem for item in feed.items)


def test_an_item_gives_its_numbers_date_enclosure_and_duration(feed):
    item = feed.items[1]
    assert (item.number, item.season) == (4, 1)
    assert str(item.published_on) == "2024-08-27"
    assert item.audio_url == "https://media.example.org/omw/4.mp3"
    assert (item.audio_type, item.audio_length) == ("audio/mpeg", 38560000)
    assert item.duration == 2410


def test_every_listed_transcript_is_kept_and_the_richest_chosen(feed):
    first = feed.items[4]
    assert [t.type for t in first.transcripts] == [
        "text/vtt",
        "application/json",
        "application/x-subrip",
    ]
    assert first.transcript.type == "application/json"
    assert feed.items[1].transcript.type == "text/html"


def test_item_people_keep_their_roles_and_chapters_their_url(feed):
    assert [(p.name, p.role) for p in feed.items[3].people] == [
        ("Claude Shannon", "guest")
    ]
    assert feed.items[2].chapters_url == "https://cdn.example.org/chapters/ep3.json"


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("2410", 2410),
        ("35:02", 2102),
        ("00:41:10", 2470),
        ("1:02:03.5", 3723.5),
        ("soon", None),
    ],
)
def test_itunes_durations_in_every_shape(written, seconds):
    assert _duration(written) == seconds
