"""HTTP manners: validators and 304s, Cache-Control, CORS, and JSON errors."""

import json
import time
from unittest import mock

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.utils.http import http_date

from glossary.api import errors
from glossary.models import Citation, GlossaryVersion
from tests.factories import (
    make_citation,
    make_token,
    make_user,
    new_glossary_version,
)
from tests.test_api_terms import ApiTestCase, build_api_glossary

SHOW_NOTES = "https://shownotes.example.org"


def throttle_rates(**rates):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, **rates},
        }
    )


class ConditionalGetTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()
        cls.urls = [
            "/api/v1/terms/",
            "/api/v1/terms/?q=model&page_size=2",
            "/api/v1/terms/rlhf/",
            "/api/v1/terms/rlhf/citations/",
            "/api/v1/episodes/",
            f"/api/v1/episodes/{cls.g.episode.slug}/",
            f"/api/v1/episodes/{cls.g.episode.slug}/terms/",
            "/api/v1/glossary.jsonld",
        ]

    def test_every_read_has_validators_and_answers_304_to_its_etag(self):
        for url in self.urls:
            response = self.client.get(url)
            assert response.status_code == 200, url
            etag = response["ETag"]
            assert etag.startswith('"') and etag.endswith('"'), url
            assert response["Last-Modified"], url
            again = self.client.get(url, headers={"if-none-match": etag})
            assert again.status_code == 304, url
            assert again.content == b""
            assert again["ETag"] == etag
            assert again["Cache-Control"] == (
                "public, max-age=60, stale-while-revalidate=300"
            )

    def test_a_304_runs_one_query_and_builds_nothing(self):
        etag = self.client.get("/api/v1/terms/rlhf/")["ETag"]
        with self.assertNumQueries(1):
            response = self.client.get(
                "/api/v1/terms/rlhf/", headers={"if-none-match": etag}
            )
        assert response.status_code == 304

    def test_a_different_etag_or_url_gets_the_body(self):
        etag = self.client.get("/api/v1/terms/")["ETag"]
        assert (
            self.client.get(
                "/api/v1/terms/", headers={"if-none-match": '"x"'}
            ).status_code
            == 200
        )
        other = self.client.get(
            "/api/v1/terms/?page_size=3", headers={"if-none-match": etag}
        )
        assert other.status_code == 200
        assert other["ETag"] != etag

    def test_if_modified_since_answers_304_until_a_change(self):
        response = self.client.get("/api/v1/episodes/")
        modified = response["Last-Modified"]
        assert (
            self.client.get(
                "/api/v1/episodes/", headers={"if-modified-since": modified}
            ).status_code
            == 304
        )
        assert (
            self.client.get(
                "/api/v1/episodes/", headers={"if-modified-since": http_date(0)}
            ).status_code
            == 200
        )

    def test_a_glossary_change_moves_the_etag(self):
        etag = self.client.get("/api/v1/terms/")["ETag"]
        self.g.mistral.label = "Mistral AI"
        self.g.mistral.save()
        new_glossary_version()  # what the signal does on commit
        response = self.client.get("/api/v1/terms/", headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag
        assert "Mistral AI" in response.content.decode()

    def test_a_glossary_change_moves_last_modified(self):
        first = self.client.get("/api/v1/terms/")["Last-Modified"]
        time.sleep(1.1)  # HTTP dates have whole seconds
        GlossaryVersion.objects.bump()
        assert self.client.get("/api/v1/terms/")["Last-Modified"] != first

    def test_featuring_a_citation_moves_the_terms_etag(self):
        url = "/api/v1/terms/rlhf/"
        etag = self.client.get(url)["ETag"]
        Citation.objects.filter(term=self.g.rlhf).update(featured=False)
        Citation.objects.filter(pk=self.g.citations["rlhf"][0].pk).update(featured=True)
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response.json()["featured_citations"][0]["seconds"] == (
            self.g.citations["rlhf"][0].seconds
        )

    def test_a_new_citation_moves_the_episode_terms_etag(self):
        url = f"/api/v1/episodes/{self.g.episode.slug}/terms/"
        first = self.client.get(url)
        segment = self.g.citations["rlhf"][0].segment
        make_citation(self.g.seven_b, segment, seconds=1.0)
        response = self.client.get(url, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 200
        assert response.json()["results"][0]["slug"] == "7b-model"

    def test_head_has_the_headers_without_a_body(self):
        response = self.client.head("/api/v1/terms/rlhf/")
        assert response.status_code == 200
        assert response["ETag"]
        assert response.content == b""

    def test_authenticated_reads_are_private(self):
        token = make_token()
        response = self.client.get(
            "/api/v1/terms/", headers={"authorization": f"Token {token}"}
        )
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-cache"

    def test_a_cached_body_is_the_same_bytes(self):
        first = self.client.get("/api/v1/terms/rlhf/")
        with self.assertNumQueries(1):
            second = self.client.get("/api/v1/terms/rlhf/")
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert second["Content-Type"] == "application/json"

    def test_a_failed_if_match_is_a_json_412(self):
        response = self.client.get(
            "/api/v1/terms/rlhf/", headers={"if-match": '"other"'}
        )
        assert response.status_code == 412
        assert response.json()["error"]["code"] == "precondition_failed"


@override_settings(CORS_ALLOWED_ORIGINS=[SHOW_NOTES])
class CorsTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def test_an_allowed_origin_may_read_without_credentials(self):
        response = self.client.get(
            f"/api/v1/episodes/{self.g.episode.slug}/terms/",
            headers={"origin": SHOW_NOTES},
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == SHOW_NOTES
        assert "Access-Control-Allow-Credentials" not in response
        exposed = response["Access-Control-Expose-Headers"].lower()
        assert "etag" in exposed and "last-modified" in exposed
        assert "origin" in response["Vary"].lower()

    def test_another_origin_gets_no_cors_headers(self):
        response = self.client.get(
            "/api/v1/terms/", headers={"origin": "https://evil.example.com"}
        )
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response

    def test_a_preflight_for_a_json_post_is_answered(self):
        response = self.client.options(
            "/api/v1/terms/",
            headers={
                "origin": SHOW_NOTES,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == SHOW_NOTES
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "content-type" in response["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in response

    def test_a_refused_preflight_gets_no_permission(self):
        response = self.client.options(
            "/api/v1/terms/",
            headers={
                "origin": "https://evil.example.com",
                "access-control-request-method": "GET",
            },
        )
        assert "Access-Control-Allow-Origin" not in response

    def test_pages_outside_the_api_get_no_cors_headers(self):
        response = self.client.get("/concepts/", headers={"origin": SHOW_NOTES})
        assert "Access-Control-Allow-Origin" not in response

    def test_errors_carry_cors_headers_so_the_site_can_read_them(self):
        response = self.client.get(
            "/api/v1/terms/nope/", headers={"origin": SHOW_NOTES}
        )
        assert response.status_code == 404
        assert response["Access-Control-Allow-Origin"] == SHOW_NOTES


class ErrorShapeTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()
        # Uploads need the episode permissions a superuser has (test_permissions).
        cls.staff_token = make_token(
            make_user("uploader", staff=True, is_superuser=True)
        )

    def error(self, response, status):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"status", "code", "message", "fields"}
        assert body["error"]["status"] == status
        return body["error"]

    def test_an_unknown_api_url_is_a_json_404(self):
        for url in ("/api/v1/nope/", "/api/v1/terms/rlhf/nope/", "/api/", "/api/x"):
            error = self.error(self.client.get(url), 404)
            assert error["code"] == "not_found"
            assert "/api/docs/" in error["message"]

    def test_a_missing_trailing_slash_redirects_reads(self):
        response = self.client.get("/api/v1/terms/rlhf?x=1")
        assert response.status_code == 301
        assert response["Location"] == "/api/v1/terms/rlhf/?x=1"

    def test_a_post_without_the_slash_is_a_json_404_that_says_so(self):
        client = Client(enforce_csrf_checks=True)
        error = self.error(client.post("/api/v1/transcripts"), 404)
        assert "Did you mean /api/v1/transcripts/?" in error["message"]

    def test_a_wrong_method_is_a_json_405_with_allow(self):
        for method, url in (
            ("post", "/api/v1/terms/"),
            ("delete", "/api/v1/terms/rlhf/"),
            ("put", f"/api/v1/episodes/{self.g.episode.slug}/"),
            ("get", "/api/v1/transcripts/"),
        ):
            response = getattr(self.client, method)(url)
            error = self.error(response, 405)
            assert error["code"] == "method_not_allowed"
            assert response["Allow"]

    def test_a_wrong_method_is_405_even_with_csrf_checks(self):
        client = Client(enforce_csrf_checks=True)
        self.error(client.post("/api/v1/terms/"), 405)

    def test_a_too_large_body_is_a_json_413(self):
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = self.client.post(
                "/api/v1/transcripts/",
                "show=" + "x" * 5000,
                content_type="application/x-www-form-urlencoded",
                headers={"authorization": f"Token {self.staff_token}"},
            )
        assert self.error(response, 413)["code"] == "payload_too_large"

    def test_too_many_requests_is_a_json_429_with_retry_after(self):
        with throttle_rates(anon="2/minute"):
            for _ in range(2):
                assert self.client.get("/api/v1/terms/").status_code == 200
            response = self.client.get("/api/v1/terms/")
        error = self.error(response, 429)
        assert error["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 60

    def test_a_304_counts_against_the_rate_too(self):
        with throttle_rates(anon="1/minute"):
            etag = self.client.get("/api/v1/terms/")["ETag"]
            response = self.client.get(
                "/api/v1/terms/", headers={"if-none-match": etag}
            )
        assert response.status_code == 429

    def test_anonymous_calls_count_against_the_anonymous_rate_only(self):
        with throttle_rates(anon="100/minute", user="1/minute"):
            for _ in range(3):
                assert self.client.get("/api/v1/terms/").status_code == 200

    def test_a_token_user_has_their_own_rate(self):
        token = make_token()
        with throttle_rates(anon="1/minute", user="100/minute"):
            for _ in range(3):
                response = self.client.get(
                    "/api/v1/terms/", headers={"authorization": f"Token {token}"}
                )
                assert response.status_code == 200

    def test_bad_query_parameters_are_400s_not_500s(self):
        for query in (
            "updated_since=garbage",
            "updated_since=2024-13-45T99:00:00Z",
            "letter=%00",
            "ordering=nope",
            "ordering=,",
            "ordering=label,,-updated_at",
            "q=" + "x" * 300,
        ):
            error = self.error(self.client.get(f"/api/v1/terms/?{query}"), 400)
            assert error["fields"], query

    def test_odd_but_harmless_parameters_are_ignored(self):
        for query in (
            "unknown=1",
            "q=%00",
            "q=%F0%9F%90%8D",
            "episode=%00",
            "ordering=",
            # Offsets PostgreSQL refuses, and times at the ends of the calendar.
            "updated_since=0083-10-05T05:32:02-18:03",
            "updated_since=0001-01-01T00:00:00%2B05:00",
            "updated_since=9999-12-31T23:59:59-05:00",
        ):
            response = self.client.get(f"/api/v1/terms/?{query}")
            assert response.status_code in (200, 400), query
            assert response["Content-Type"] == "application/json"

    def test_asking_for_html_is_a_json_406(self):
        response = self.client.get("/api/v1/terms/", headers={"accept": "text/html"})
        assert self.error(response, 406)["code"] == "not_acceptable"

    def test_an_unexpected_failure_is_a_json_500_and_is_logged(self):
        with (
            mock.patch(
                "glossary.api.views.queries.term_detail",
                side_effect=RuntimeError("boom"),
            ),
            self.assertLogs("glossary.api", "ERROR") as logs,
        ):
            response = self.client.get("/api/v1/terms/rlhf/")
        error = self.error(response, 500)
        assert error == {
            "status": 500,
            "code": "server_error",
            "message": "Internal server error.",
            "fields": {},
        }
        assert "boom" not in response.content.decode()
        assert "RuntimeError: boom" in logs.output[0]


class ProjectErrorHandlerTests(SimpleTestCase):
    """handler400 and handler500 for kb/urls.py: JSON under /api/ only."""

    def test_a_bad_request_under_the_api_is_json(self):
        request = RequestFactory().get("/api/v1/terms/")
        response = errors.bad_request(request, DisallowedHost("evil.example"))
        assert response.status_code == 400
        assert json.loads(response.content)["error"]["code"] == "bad_request"

    def test_a_server_error_under_the_api_is_json(self):
        response = errors.server_error(RequestFactory().get("/api/v1/terms/"))
        assert response.status_code == 500
        assert json.loads(response.content)["error"] == {
            "status": 500,
            "code": "server_error",
            "message": "Internal server error.",
            "fields": {},
        }

    def test_pages_keep_djangos_handlers(self):
        request = RequestFactory().get("/concepts/")
        response = errors.bad_request(request, DisallowedHost("evil.example"))
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
