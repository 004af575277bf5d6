"""Feed fetching never reaches an internal address: not the first URL, not
any hop of a redirect (issue 13). Real loopback servers: 127.0.0.1 is the
tests' allowed feed host (`tests/settings.py`), 127.0.0.2 stands for a
machine on the private network."""

import ipaddress

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase

from glossary.feeds.fetch import Fetcher, FetchError, FetchLimits
from glossary.models import Episode
from glossary.services.feed_import import fetch_limits, show_import_feed
from kb.net import internal_addresses, is_internal, parse_networks

from .feed_server import FeedServer
from .test_feeds_bad_input import run

INTERNAL = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata services
    "100.64.0.1",  # carrier-grade shared space
    "0.0.0.0",  # noqa: S104 (an address under test, not a bind)
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:10.0.0.1",
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", INTERNAL)
def test_private_loopback_link_local_and_reserved_addresses_are_internal(address):
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_internet_addresses_are_not_internal(address):
    assert not is_internal(ipaddress.ip_address(address))


def test_an_allowed_network_is_not_reported():
    allowed = parse_networks(("127.0.0.1/32",), "KB_FETCH_ALLOWED_NETWORKS")
    assert internal_addresses("127.0.0.1", allowed=allowed) == []
    assert internal_addresses("127.0.0.2", allowed=allowed) == ["127.0.0.2"]


def test_a_name_is_checked_by_every_address_it_resolves_to():
    assert internal_addresses("localhost") != []


def test_a_bad_allowed_network_names_the_setting():
    with pytest.raises(ImproperlyConfigured, match="KB_FETCH_ALLOWED_NETWORKS"):
        parse_networks(("10.0.0.0/8", "intranet"), "KB_FETCH_ALLOWED_NETWORKS")


class LoopbackRedirectTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.feeds = FeedServer().__enter__()
        cls.private = FeedServer(host="127.0.0.2").__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.private.__exit__(None, None, None)
        cls.feeds.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        for server in (self.feeds, self.private):
            server.redirects.clear()
            server.reset()

    def get(self, url):
        with Fetcher(fetch_limits()) as fetcher:
            return fetcher.get(url, max_bytes=1_000_000, accept=())

    def test_the_allowed_feed_host_is_fetched(self):
        assert self.get(self.feeds.feed_url).content.startswith(b"<?xml")

    def test_an_internal_first_url_is_refused_before_any_request(self):
        with pytest.raises(FetchError, match=r"127\.0\.0\.2 is an internal address"):
            self.get(self.private.feed_url)
        assert self.private.requests == []

    def test_a_redirect_to_an_internal_address_is_refused_before_its_request(self):
        self.feeds.redirects["show.xml"] = self.private.feed_url
        with pytest.raises(FetchError) as refused:
            self.get(self.feeds.feed_url)
        assert str(refused.value) == (
            f"{self.feeds.feed_url}: redirected to {self.private.feed_url}: "
            "127.0.0.2 is an internal address (127.0.0.2); kb fetches only from "
            "public addresses (KB_FETCH_ALLOWED_NETWORKS)"
        )
        assert self.private.requests == []

    def test_every_hop_of_a_redirect_chain_is_checked(self):
        self.feeds.redirects["show.xml"] = self.feeds.base + "moved.xml"
        self.feeds.redirects["moved.xml"] = self.private.feed_url
        with pytest.raises(FetchError, match="redirected to"):
            self.get(self.feeds.feed_url)
        assert [path for path, _ in self.feeds.requests] == ["/show.xml", "/moved.xml"]
        assert self.private.requests == []

    def test_a_redirect_within_allowed_addresses_is_followed(self):
        self.feeds.redirects["show.xml"] = self.feeds.base + "transcripts/ep2.vtt"
        assert self.get(self.feeds.feed_url).content.startswith(b"WEBVTT")

    def test_a_feed_redirected_inside_refuses_the_import_and_writes_nothing(self):
        self.feeds.redirects["show.xml"] = self.private.feed_url
        result = show_import_feed(source=self.feeds.feed_url)
        assert "internal address" in result.error
        assert not Episode.objects.exists()


class MockedHostAddressTests(TestCase):
    """Through `httpx.MockTransport` names are not looked up, but a literal
    internal address still is refused, in a redirect as in the feed."""

    def test_a_transcript_redirected_to_the_metadata_service_fails_its_item(self):
        moved = httpx.Response(
            302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        )
        result = run({"/b.vtt": moved})
        assert result.counts() == {"created": 2, "failed": 1}, result.summary()
        [failed] = result.failed
        assert failed.guid == "b"
        assert "redirected to http://169.254.169.254/latest/meta-data/" in (
            failed.message
        )
        assert not Episode.objects.filter(guid="b").exists()

    def test_a_fetcher_without_allowed_networks_refuses_loopback(self):
        limits = FetchLimits(timeout=1, max_redirects=1, user_agent="kb-tests")
        with Fetcher(limits) as fetcher, pytest.raises(FetchError, match="internal"):
            fetcher.get("http://127.0.0.1:9/feed.xml", max_bytes=10, accept=())
