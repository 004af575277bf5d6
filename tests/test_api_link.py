"""POST /api/v1/link/: concept links for the show-notes site's text and HTML."""

import json
import re

from django.test import TestCase, override_settings

from glossary.models import Term

from .factories import make_term

URL = "/api/v1/link/"


class LinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.open_source = make_term(
            "open source", short_definition='Software anyone may "use" & change.'
        )
        cls.rlhf = make_term(
            "reinforcement learning from human feedback",
            slug="rlhf",
            aliases=[("RLHF", "abbreviation")],
        )
        cls.community = make_term("open source community")
        make_term("civil society", status=Term.Status.DRAFT)

    def post(self, body, **extra):
        return self.client.post(
            URL, json.dumps(body), content_type="application/json", **extra
        )

    def test_text_mode_returns_matches_with_offsets_into_the_text_sent(self):
        text = "The open-source community loves RLHF. Open source wins."
        body = self.post({"text": text}).json()
        found = [(m["text"], m["term"]["slug"]) for m in body["matches"]]
        assert found == [
            ("open-source community", "open-source-community"),
            ("RLHF", "rlhf"),
            ("Open source", "open-source"),
        ]
        for match in body["matches"]:
            assert text[match["start"] : match["end"]] == match["text"]
        assert body["matches"][2]["term"]["url"] == (
            "http://testserver/concepts/open-source/"
        )
        assert "html" not in body

    def test_only_published_terms_are_linked(self):
        body = self.post({"text": "civil society and open source"}).json()
        assert [m["term"]["slug"] for m in body["matches"]] == ["open-source"]

    def test_first_only_can_be_turned_off(self):
        text = "open source, open source"
        assert len(self.post({"text": text}).json()["matches"]) == 1
        assert (
            len(self.post({"text": text, "first_only": False}).json()["matches"]) == 2
        )

    def test_max_links_and_skip_limit_the_links(self):
        text = "RLHF and open source"
        assert len(self.post({"text": text, "max_links": 1}).json()["matches"]) == 1
        body = self.post({"text": text, "skip": ["rlhf", "no-such-term"]}).json()
        assert [m["term"]["slug"] for m in body["matches"]] == ["open-source"]

    def test_html_mode_links_text_nodes_and_escapes_attributes(self):
        html = (
            '<p>We like <b>open source</b>.</p><a href="/x">RLHF</a><code>RLHF</code>'
        )
        body = self.post({"html": html}).json()
        assert [m["term"]["slug"] for m in body["matches"]] == ["open-source"]
        linked = body["html"]
        assert 'href="http://testserver/concepts/open-source/"' in linked
        assert 'title="Software anyone may &quot;use&quot; &amp; change."' in linked
        unlinked = re.sub(r'<a [^>]*class="kb-term"[^>]*>(.*?)</a>', r"\1", linked)
        assert unlinked == html

    def test_html_mode_respects_extra_skipped_elements(self):
        html = "<p>open source</p><aside>RLHF</aside>"
        body = self.post(
            {"html": html, "skip_elements": ["aside"], "first_only": False}
        ).json()
        assert [m["term"]["slug"] for m in body["matches"]] == ["open-source"]

    def test_a_publish_reaches_the_linker_without_a_restart(self):
        assert self.post({"text": "civil society"}).json()["matches"] == []
        Term.objects.filter(label="civil society").update(
            status=Term.Status.PUBLISHED, short_definition="x"
        )
        from glossary.models import GlossaryVersion

        GlossaryVersion.objects.bump()
        body = self.post({"text": "civil society"}).json()
        assert [m["term"]["slug"] for m in body["matches"]] == ["civil-society"]

    def test_anonymous_callers_may_link_without_csrf(self):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(
            URL, json.dumps({"text": "RLHF"}), content_type="application/json"
        )
        assert response.status_code == 200


class LinkErrorTests(TestCase):
    def post_raw(self, body, content_type="application/json"):
        return self.client.post(URL, body, content_type=content_type)

    def error(self, response, status):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json"
        return response.json()["error"]

    def test_malformed_json_is_a_400(self):
        error = self.error(self.post_raw('{"text": '), 400)
        assert "JSON" in error["message"]

    def test_a_wrong_type_names_the_field(self):
        for body, field in (
            ({"text": 12}, "text"),
            ({"html": ["x"]}, "html"),
            ({"text": "x", "first_only": "maybe"}, "first_only"),
            ({"text": "x", "max_links": "lots"}, "max_links"),
            ({"text": "x", "skip": "rlhf"}, "skip"),
        ):
            error = self.error(self.post_raw(json.dumps(body)), 400)
            assert field in error["fields"], (body, error)

    def test_neither_or_both_of_text_and_html_is_a_400(self):
        for body in ({}, {"text": "a", "html": "b"}):
            error = self.error(self.post_raw(json.dumps(body)), 400)
            assert "text" in error["fields"]

    def test_a_body_over_one_megabyte_is_a_json_413(self):
        body = json.dumps({"text": "x" * (1024 * 1024 + 10)})
        error = self.error(self.post_raw(body), 413)
        assert error["status"] == 413

    def test_a_body_just_under_the_limit_is_linked(self):
        text = "open source " * ((1024 * 1024 - 100) // 12)
        response = self.post_raw(json.dumps({"text": text}))
        assert response.status_code == 200

    def test_get_is_a_405(self):
        assert self.error(self.client.get(URL), 405)["code"] == "method_not_allowed"

    @override_settings(
        REST_FRAMEWORK={
            **__import__("django.conf").conf.settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": None},
        }
    )
    def test_the_endpoint_is_throttled_with_a_json_429(self):
        from django.core.cache import cache

        cache.clear()
        for _ in range(2):
            assert self.post_raw(json.dumps({"text": "x"})).status_code == 200
        response = self.post_raw(json.dumps({"text": "x"}))
        self.error(response, 429)
        assert int(response["Retry-After"]) > 0


@override_settings(
    KB_TRUSTED_PROXIES=["10.0.0.1"],
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": None},
    },
)
class ThrottleBehindAProxyTests(TestCase):
    def post(self, forwarded):
        return self.client.post(
            URL,
            json.dumps({"text": "x"}),
            content_type="application/json",
            headers={"x-forwarded-for": forwarded},
            REMOTE_ADDR="10.0.0.1",
        )

    def setUp(self):
        from django.core.cache import cache

        cache.clear()

    def test_rotating_forged_addresses_does_not_evade_the_throttle(self):
        statuses = [
            self.post(f"198.51.100.{n}, 203.0.113.5").status_code for n in range(3)
        ]
        assert statuses == [200, 200, 429]

    def test_forged_addresses_sent_around_the_proxy_share_one_count(self):
        def direct(forwarded):
            return self.client.post(
                URL,
                json.dumps({"text": "x"}),
                content_type="application/json",
                headers={"x-forwarded-for": forwarded},
                REMOTE_ADDR="203.0.113.99",
            )

        statuses = [direct(f"198.51.100.{n}").status_code for n in range(3)]
        assert statuses == [200, 200, 429]

    def test_another_real_client_behind_the_same_proxy_has_its_own_count(self):
        for _ in range(2):
            self.post("203.0.113.5")
        assert self.post("203.0.113.5").status_code == 429
        assert self.post("203.0.113.6").status_code == 200
