"""The Wikipedia client: recorded MediaWiki answers, transport failures, the cache.

No test touches the network: every client gets `httpx.MockTransport`, serving
the recordings in fixtures/wikipedia/ or failing the way a network does.
"""

import httpx
import pytest
from django.core.cache import cache

from glossary.wikipedia import Status, WikipediaClient, make_client
from glossary.wikipedia.attribution import (
    attribution_html,
    attribution_markdown,
    attribution_text,
)
from glossary.wikipedia.diff import word_diff
from glossary.wikipedia.mediawiki import (
    UnexpectedResponse,
    parse_query,
    query_params,
)
from glossary.wikipedia.recorded import RecordedMediaWiki, load_recordings

RLHF = "Reinforcement learning from human feedback"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class Counting:
    """A handler that counts requests and answers with `respond`."""

    def __init__(self, respond):
        self.respond = respond
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        return self.respond(request)


def client_for(handler, **kwargs):
    return WikipediaClient(transport=httpx.MockTransport(handler), **kwargs)


def timeout(request):
    raise httpx.ReadTimeout("timed out", request=request)


def refused(request):
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def rate_limited(request):
    return httpx.Response(429, headers={"Retry-After": "30"}, text="Too many requests")


def unavailable(request):
    return httpx.Response(503, text="<html><body>Service Unavailable</body></html>")


def not_json(request):
    return httpx.Response(
        200, headers={"content-type": "text/html"}, text="<!DOCTYPE html><html></html>"
    )


class FakeTime:
    """A clock that only `sleep` moves, so pauses are measured exactly."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


# What the recordings say.


def test_an_article_is_found_with_its_provenance():
    result = client_for(RecordedMediaWiki()).lookup(RLHF)
    assert result.status == Status.FOUND
    assert result.title == RLHF
    assert result.page_id == 73200355
    assert result.revision_id == 1259532120
    assert result.url == (
        "https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback"
    )
    assert result.summary.startswith("In machine learning, reinforcement learning")
    assert result.message == ""


def test_a_redirect_is_followed_to_the_article():
    result = client_for(RecordedMediaWiki()).lookup("RLHF")
    assert result.status == Status.FOUND
    assert result.title == RLHF
    assert result.redirected_from == "RLHF"
    assert "redirect from “RLHF”" in result.message


def test_a_normalised_title_is_followed_through_its_redirect():
    result = client_for(RecordedMediaWiki()).lookup("foundation models")
    assert result.status == Status.FOUND
    assert result.title == "Foundation model"
    assert result.page_id == 71297434


def test_a_missing_page_is_reported_as_missing():
    result = client_for(RecordedMediaWiki()).lookup("Democratic LLM")
    assert result.status == Status.MISSING
    assert result.summary == ""
    assert result.page_id is None
    assert result.message == "Wikipedia has no article titled “Democratic LLM”."


def test_a_disambiguation_page_is_recognised_by_its_page_property():
    result = client_for(RecordedMediaWiki()).lookup("Meta")
    assert result.status == Status.DISAMBIGUATION
    assert result.summary == ""
    assert result.url == "https://en.wikipedia.org/wiki/Meta"
    assert "disambiguation page" in result.message
    assert "Wikipedia title" in result.message


def test_the_request_asks_for_extract_info_and_disambiguation_in_one_go():
    handler = RecordedMediaWiki()
    client_for(handler).lookup(RLHF)
    (request,) = handler.requests
    assert request.url.host == "en.wikipedia.org"
    assert request.url.path == "/w/api.php"
    assert dict(request.url.params) == {
        k: str(v) for k, v in query_params(RLHF).items()
    }
    assert request.url.params["ppprop"] == "disambiguation"


def test_every_recording_matches_the_request_the_client_makes():
    for title, recording in load_recordings().items():
        expected = {k: str(v) for k, v in query_params(title).items()}
        assert recording["request"]["params"] == expected, title
        assert recording["response"]["body"]["query"]["pages"], title


def test_requests_carry_the_descriptive_user_agent_from_the_settings(settings):
    settings.KB_WIKIPEDIA_USER_AGENT = (
        "kb-test/1.0 (https://example.org; ops@example.org)"
    )
    handler = RecordedMediaWiki()
    client_for(handler).lookup(RLHF)
    user_agent = handler.requests[0].headers["user-agent"]
    assert user_agent.startswith("kb-test/1.0 (https://example.org; ops@example.org)")


def test_the_default_user_agent_names_kb_and_a_contact(settings):
    del settings.KB_WIKIPEDIA_USER_AGENT
    handler = RecordedMediaWiki()
    client_for(handler).lookup(RLHF)
    user_agent = handler.requests[0].headers["user-agent"]
    assert user_agent.startswith("kb/")
    assert "@" in user_agent


# Failures are results, never exceptions.


def test_a_timeout_is_an_error_with_a_message():
    result = client_for(timeout).lookup(RLHF)
    assert result.status == Status.ERROR
    assert result.message == (
        "Wikipedia did not answer within 5 seconds; try again later."
    )


def test_a_refused_connection_is_an_error_with_a_message():
    result = client_for(refused).lookup(RLHF)
    assert result.status == Status.ERROR
    assert "Could not connect to Wikipedia (en.wikipedia.org)" in result.message


def test_a_429_is_an_error_saying_when_to_try_again():
    handler = Counting(rate_limited)
    result = client_for(handler).lookup(RLHF)
    assert result.status == Status.ERROR
    assert result.message == (
        "Wikipedia is limiting kb's requests (HTTP 429); try again in 30 seconds."
    )
    assert len(handler.requests) == 1


def test_a_503_is_an_error_with_a_message():
    result = client_for(unavailable).lookup(RLHF)
    assert result.status == Status.ERROR
    assert "server error (HTTP 503)" in result.message


def test_a_body_that_is_not_json_is_an_error_with_a_message():
    result = client_for(not_json).lookup(RLHF)
    assert result.status == Status.ERROR
    assert (
        result.message == "Wikipedia sent an answer that is not JSON; try again later."
    )


def test_an_api_error_is_an_error_with_wikipedias_words():
    def api_error(request):
        return httpx.Response(
            200,
            json={"error": {"code": "maxlag", "info": "Waiting for a database server"}},
        )

    result = client_for(api_error).lookup(RLHF)
    assert result.status == Status.ERROR
    assert "(maxlag): Waiting for a database server" in result.message


def test_json_of_an_unexpected_shape_is_an_error():
    result = client_for(lambda request: httpx.Response(200, json=[1, 2])).lookup(RLHF)
    assert result.status == Status.ERROR
    assert "unexpected shape" in result.message


def test_an_interactive_client_does_not_retry():
    handler = Counting(unavailable)
    client_for(handler).lookup(RLHF)
    assert len(handler.requests) == 1


# Bulk runs retry, with backoff, honouring Retry-After.


def test_a_bulk_client_retries_server_errors_with_exponential_backoff():
    handler = Counting(unavailable)
    fake = FakeTime()
    client = client_for(handler, attempts=4, sleep=fake.sleep, clock=fake.clock)
    result = client.lookup(RLHF)
    assert len(handler.requests) == 4
    assert fake.sleeps == [1.0, 2.0, 4.0]
    assert result.status == Status.ERROR
    assert result.message.endswith("(after 4 attempts)")


def test_a_bulk_client_waits_as_long_as_retry_after_says_then_succeeds():
    recorded = RecordedMediaWiki()
    answers = iter([rate_limited, recorded])
    handler = Counting(lambda request: next(answers)(request))
    fake = FakeTime()
    client = client_for(handler, attempts=4, sleep=fake.sleep, clock=fake.clock)
    result = client.lookup(RLHF)
    assert fake.sleeps == [30.0]
    assert result.status == Status.FOUND


def test_a_bulk_client_gives_up_when_retry_after_is_too_long():
    def rate_limited_for_an_hour(request):
        return httpx.Response(429, headers={"Retry-After": "3600"})

    handler = Counting(rate_limited_for_an_hour)
    fake = FakeTime()
    client = client_for(handler, attempts=4, sleep=fake.sleep, clock=fake.clock)
    result = client.lookup(RLHF)
    assert len(handler.requests) == 1
    assert fake.sleeps == []
    assert "try again in 3600 seconds" in result.message


def test_a_bulk_client_does_not_retry_a_refusal():
    handler = Counting(lambda request: httpx.Response(403, text="Forbidden"))
    fake = FakeTime()
    result = client_for(handler, attempts=4, sleep=fake.sleep).lookup(RLHF)
    assert len(handler.requests) == 1
    assert result.message == "Wikipedia refused the request (HTTP 403)."


def test_make_client_is_patient_only_for_bulk_runs():
    interactive = make_client()
    bulk = make_client(bulk=True)
    assert (interactive.attempts, interactive.timeout, interactive.pause) == (1, 5.0, 0)
    assert bulk.attempts > 1
    assert bulk.timeout > interactive.timeout
    assert bulk.pause == 1.0
    # The package's own retries stay off: kb retries with an injectable sleep.
    assert interactive._wiki._max_retries == bulk._wiki._max_retries == 0


def test_requests_are_paused_between_but_not_before_the_first():
    fake = FakeTime()
    client = client_for(
        RecordedMediaWiki(), pause=1.5, sleep=fake.sleep, clock=fake.clock
    )
    client.lookup(RLHF)
    assert fake.sleeps == []
    client.lookup("Meta")
    client.lookup("Democratic LLM")
    assert fake.sleeps == [1.5, 1.5]


def test_a_cached_answer_needs_no_pause():
    fake = FakeTime()
    client = client_for(
        RecordedMediaWiki(), pause=1.5, sleep=fake.sleep, clock=fake.clock
    )
    client.lookup(RLHF)
    client.lookup(RLHF)
    assert fake.sleeps == []


# The cache.


def test_a_second_lookup_of_the_same_title_makes_no_request():
    handler = RecordedMediaWiki()
    first = client_for(handler).lookup(RLHF)
    second = client_for(handler).lookup(RLHF)
    assert len(handler.requests) == 1
    assert second.from_cache
    assert (second.status, second.summary, second.revision_id) == (
        first.status,
        first.summary,
        first.revision_id,
    )


def test_titles_differing_only_in_their_first_letters_case_share_an_entry():
    handler = RecordedMediaWiki()
    client_for(handler).lookup(RLHF)
    client_for(handler).lookup("reinforcement_learning from human feedback")
    assert len(handler.requests) == 1


def test_a_miss_is_cached_too():
    handler = RecordedMediaWiki()
    client_for(handler).lookup("Democratic LLM")
    assert client_for(handler).lookup("Democratic LLM").from_cache
    assert len(handler.requests) == 1


def test_failures_are_not_cached():
    handler = Counting(timeout)
    client_for(handler).lookup(RLHF)
    client_for(handler).lookup(RLHF)
    assert len(handler.requests) == 2


class RecordingCache:
    def __init__(self):
        self.timeouts = {}

    def get(self, key):
        return None

    def set(self, key, value, timeout):
        self.timeouts[value["requested"]] = timeout


def test_articles_are_cached_longer_than_misses(settings):
    settings.KB_WIKIPEDIA_CACHE_SECONDS = 86400
    settings.KB_WIKIPEDIA_MISS_CACHE_SECONDS = 3600
    store = RecordingCache()
    client = client_for(RecordedMediaWiki(), cache=store)
    client.lookup(RLHF)
    client.lookup("Democratic LLM")
    client.lookup("Meta")
    assert store.timeouts == {RLHF: 86400, "Democratic LLM": 3600, "Meta": 3600}


def test_a_zero_cache_time_turns_the_cache_off(settings):
    settings.KB_WIKIPEDIA_CACHE_SECONDS = 0
    handler = RecordedMediaWiki()
    client_for(handler).lookup(RLHF)
    client_for(handler).lookup(RLHF)
    assert len(handler.requests) == 2


def test_a_cache_outage_does_not_stop_a_lookup():
    class BrokenCache:
        def get(self, key):
            raise ConnectionError("cache is down")

        def set(self, key, value, timeout):
            raise ConnectionError("cache is down")

    result = client_for(RecordedMediaWiki(), cache=BrokenCache()).lookup(RLHF)
    assert result.status == Status.FOUND


# Parsing, attribution, differences: pure functions.


def test_parse_query_refuses_an_answer_without_pages():
    with pytest.raises(UnexpectedResponse):
        parse_query({"batchcomplete": True, "query": {}}, requested="X")


def test_an_invalid_title_is_missing_with_wikipedias_reason():
    data = {
        "batchcomplete": True,
        "query": {
            "pages": [
                {
                    "title": "A<b>",
                    "invalidreason": "The requested page title contains invalid "
                    'characters: "<".',
                    "invalid": True,
                }
            ]
        },
    }
    result = parse_query(data, requested="A<b>")
    assert result.status == Status.MISSING
    assert "invalid characters" in result.message


def test_the_attribution_text_names_source_title_revision_and_licence():
    result = client_for(RecordedMediaWiki()).lookup(RLHF)
    assert attribution_text(result) == (
        'From Wikipedia, the free encyclopedia: "Reinforcement learning from human '
        'feedback" (revision 1259532120), CC BY-SA 4.0'
    )


def test_the_attribution_html_links_article_revision_and_licence():
    html = attribution_html(client_for(RecordedMediaWiki()).lookup(RLHF))
    assert (
        '<a href="https://en.wikipedia.org/wiki/'
        'Reinforcement_learning_from_human_feedback">' in html
    )
    assert "oldid=1259532120" in html
    assert (
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">'
        in html
    )


def test_the_attribution_markdown_keeps_the_links():
    markdown = attribution_markdown(client_for(RecordedMediaWiki()).lookup(RLHF))
    assert (
        "[Reinforcement learning from human feedback](<https://en.wikipedia.org/"
        in markdown
    )
    assert (
        "[CC BY-SA 4.0](<https://creativecommons.org/licenses/by-sa/4.0/>)" in markdown
    )


def test_word_diff_shows_the_words_that_changed():
    pieces = word_diff("RLHF is a technique.", "RLHF is a method.")
    assert pieces == [
        ("equal", "RLHF is a "),
        ("delete", "technique."),
        ("insert", "method."),
    ]


def test_word_diff_of_equal_texts_is_one_piece():
    assert word_diff("same text", "same text") == [("equal", "same text")]
