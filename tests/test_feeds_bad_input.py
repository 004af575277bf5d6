"""Every bad feed and transcript of issue 13: a message naming the item and the
problem, the other items imported, nothing half-written. The feed host is
replaced by `httpx.MockTransport`; kb's own client code runs."""

import httpx
import pytest
from django.test import TestCase, override_settings

from glossary.feeds import FeedError, read_feed
from glossary.feeds.fetch import Fetcher, FetchLimits
from glossary.models import Episode, Segment, Show
from glossary.services.feed_import import show_import_feed

FEED_URL = "https://feeds.example.org/show.xml"
VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n<v Ada>Hello and welcome.\n"


def feed(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        "<title>Mock Show</title><link>https://mock.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(guid: str, transcript: str = "", enclosure: str = "") -> str:
    url = transcript or f"https://cdn.example.org/{guid}.vtt"
    enclosure = enclosure or f"https://cdn.example.org/{guid}.mp3"
    return (
        f"<item><guid>{guid}</guid><title>Episode {guid}</title>"
        f'<enclosure url="{enclosure}" type="audio/mpeg" length="1"/>'
        f'<podcast:transcript url="{url}" type="text/vtt"/></item>'
    )


def mock_host(routes: dict):
    """A transport answering from `routes`: path -> response or callable."""

    def handler(request: httpx.Request) -> httpx.Response:
        answer = routes.get(request.url.path)
        if answer is None:
            return httpx.Response(
                200, content=VTT, headers={"Content-Type": "text/vtt"}
            )
        if callable(answer):
            return answer(request)
        return answer

    return httpx.MockTransport(handler)


def run(routes: dict, feed_body: bytes | None = None, **limits):
    routes.setdefault(
        "/show.xml",
        httpx.Response(
            200,
            content=feed_body or feed(item("a"), item("b"), item("c")),
            headers={"Content-Type": "application/rss+xml"},
        ),
    )
    fetcher = Fetcher(
        FetchLimits(
            timeout=limits.get("timeout", 5),
            max_redirects=limits.get("max_redirects", 3),
            user_agent="kb-tests",
        ),
        transport=mock_host(routes),
    )
    with fetcher:
        return show_import_feed(source=FEED_URL, fetcher=fetcher)


class TranscriptFailureTests(TestCase):
    def assert_only_b_failed(self, result, problem):
        assert result.counts() == {"created": 2, "failed": 1}, result.summary()
        [failed] = result.failed
        assert (failed.guid, failed.title) == ("b", "Episode b")
        assert problem in failed.message
        assert not Episode.objects.filter(guid="b").exists()
        assert not Segment.objects.filter(episode__guid="b").exists()

    def test_a_transcript_answering_404_fails_its_item_alone(self):
        result = run({"/b.vtt": httpx.Response(404)})
        self.assert_only_b_failed(result, "answered 404 Not Found")

    def test_a_transcript_answering_500_fails_its_item_alone(self):
        result = run({"/b.vtt": httpx.Response(500)})
        self.assert_only_b_failed(result, "answered 500")

    def test_a_transcript_that_times_out_fails_its_item_alone(self):
        def slow(request):
            raise httpx.ReadTimeout("timed out", request=request)

        self.assert_only_b_failed(run({"/b.vtt": slow}), "timed out")

    def test_a_redirect_loop_fails_its_item_alone(self):
        loop = httpx.Response(
            302, headers={"Location": "https://cdn.example.org/b.vtt"}
        )
        self.assert_only_b_failed(run({"/b.vtt": loop}), "too many redirects")

    def test_a_bounded_redirect_is_followed(self):
        moved = httpx.Response(
            301, headers={"Location": "https://cdn.example.org/b2.vtt"}
        )
        result = run({"/b.vtt": moved})
        assert result.counts() == {"created": 3}

    def test_an_html_error_page_instead_of_a_transcript_fails_its_item(self):
        page = httpx.Response(
            200, content=b"<html>Oops</html>", headers={"Content-Type": "text/html"}
        )
        self.assert_only_b_failed(
            run({"/b.vtt": page}), "wrong content type 'text/html'"
        )

    @override_settings(KB_TRANSCRIPT_MAX_BYTES=200)
    def test_a_transcript_over_the_size_limit_fails_its_item(self):
        big = httpx.Response(
            200, content=VTT + b"x" * 500, headers={"Content-Type": "text/vtt"}
        )
        self.assert_only_b_failed(run({"/b.vtt": big}), "over the limit")

    def test_a_transcript_that_does_not_parse_fails_its_item_naming_the_line(self):
        bad = httpx.Response(
            200,
            content=b"WEBVTT\n\n00:00:01.000 --> soon\nHi\n",
            headers={"Content-Type": "text/vtt"},
        )
        self.assert_only_b_failed(run({"/b.vtt": bad}), "line 3: bad timestamp")

    def test_a_transcript_url_that_is_not_http_fails_its_item(self):
        body = feed(item("a"), item("b", transcript="file:///etc/passwd"), item("c"))
        self.assert_only_b_failed(run({}, body), "'file:///etc/passwd' is not http(s)")

    def test_an_enclosure_url_that_is_not_http_fails_its_item(self):
        body = feed(item("a"), item("b", enclosure="ftp://x.org/b.mp3"), item("c"))
        self.assert_only_b_failed(run({}, body), "enclosure URL 'ftp://x.org/b.mp3'")

    def test_a_duplicate_guid_fails_the_second_item(self):
        result = run({}, feed(item("a"), item("b"), item("a")))
        assert result.counts() == {"created": 2, "failed": 1}
        assert "duplicate GUID: item 1 has the same one" in result.failed[0].message

    def test_the_user_agent_names_kb(self):
        seen = []

        def record(request):
            seen.append(request.headers["User-Agent"])
            return httpx.Response(
                200, content=VTT, headers={"Content-Type": "text/vtt"}
            )

        run({"/a.vtt": record})
        assert seen == ["kb-tests"]


class FeedFailureTests(TestCase):
    def assert_refused(self, result, problem):
        assert result.error and problem in result.error, result.error
        assert not result.ok
        assert not Episode.objects.exists() and not Show.objects.exists()

    def test_a_feed_that_is_not_xml_is_refused(self):
        self.assert_refused(run({}, b"this is not xml"), "not a readable XML feed")

    def test_an_html_page_instead_of_a_feed_is_refused(self):
        page = httpx.Response(
            200,
            content=b"<!DOCTYPE html><html></html>",
            headers={"Content-Type": "text/html"},
        )
        self.assert_refused(run({"/show.xml": page}), "wrong content type 'text/html'")

    def test_an_html_page_served_as_xml_is_refused(self):
        self.assert_refused(
            run({}, b"<!DOCTYPE html><html><body>Hi</body></html>"), "an HTML page"
        )

    def test_a_feed_answering_404_is_refused(self):
        self.assert_refused(run({"/show.xml": httpx.Response(404)}), "answered 404")

    @override_settings(KB_FEED_MAX_ITEMS=5000)
    def test_a_feed_of_ten_thousand_items_is_refused(self):
        body = feed(*(item(f"g{n}") for n in range(10_000)))
        self.assert_refused(run({}, body), "the feed has 10000 items, over the limit")

    @override_settings(KB_FEED_MAX_BYTES=100)
    def test_a_feed_over_the_size_limit_is_refused(self):
        self.assert_refused(run({}), "over the limit")


def test_an_entity_expansion_feed_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">'
        b'<!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>'
    )
    with pytest.raises(FeedError, match="not a readable XML feed"):
        read_feed(bomb, max_items=10)


def test_a_feed_without_a_channel_title_is_refused():
    with pytest.raises(FeedError, match="no <title>"):
        read_feed(b"<rss><channel></channel></rss>", max_items=10)
