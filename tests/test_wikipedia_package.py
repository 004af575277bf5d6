"""The private names of `wikipedia-api` that glossary/wikipedia/client.py uses.

kb sends its one combined query through the package's own request method
(`Wikipedia._get`, what its public `search()` calls: its headers, timeouts
and typed errors) and closes the package's httpx client (`Wikipedia._client`)
because the package offers no close of its own. Neither is public API, so
these tests pin them: after an upgrade of wikipedia-api they fail here, with
the name that moved, before any lookup breaks.
"""

import inspect

import httpx
import pytest
import wikipediaapi

from glossary.wikipedia import WikipediaClient


def answer(request):
    return httpx.Response(200, json={"batchcomplete": "", "query": {"pages": {}}})


def test_wikipedia_has_a_get_method_taking_a_language_and_params():
    assert list(inspect.signature(wikipediaapi.Wikipedia._get).parameters) == [
        "self",
        "language",
        "params",
    ]


def test_get_sends_the_params_through_the_given_transport_and_returns_json():
    requests = []

    def handler(request):
        requests.append(request)
        return answer(request)

    wiki = wikipediaapi.Wikipedia(
        user_agent="kb-tests (kb@example.org)",
        language="en",
        max_retries=0,
        transport=httpx.MockTransport(handler),
    )
    data = wiki._get("en", {"action": "query", "titles": "RLHF"})
    assert data == {"batchcomplete": "", "query": {"pages": {}}}
    assert requests[0].url.host == "en.wikipedia.org"
    assert requests[0].url.params["titles"] == "RLHF"
    assert requests[0].headers["user-agent"].startswith("kb-tests (kb@example.org)")


def test_get_raises_the_packages_typed_errors():
    wiki = wikipediaapi.Wikipedia(
        user_agent="kb-tests (kb@example.org)",
        max_retries=0,
        transport=httpx.MockTransport(lambda request: httpx.Response(503)),
    )
    with pytest.raises(wikipediaapi.WikiHttpError) as raised:
        wiki._get("en", {"action": "query"})
    assert isinstance(raised.value, wikipediaapi.WikipediaException)


def test_the_package_keeps_its_httpx_client_as_client():
    with WikipediaClient(transport=httpx.MockTransport(answer)) as client:
        inner = client._wiki._client
        assert isinstance(inner, httpx.Client)
        assert not inner.is_closed
    assert inner.is_closed
