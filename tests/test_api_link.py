"""POST /api/v1/link/: concept links for the show-notes site's text and HTML."""

import json
import re

from django.test import TestCase, override_settings

from glossary.models import Term

from .factories import make_term, new_glossary_version

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

    def test_a_warm_link_runs_one_query_however_many_terms_it_links(self):
        text = "open source community, RLHF and open source"
        self.post({"text": text})  # builds this version's matcher
        with self.assertNumQueries(1):  # the glossary version
            body = self.post({"text": text, "first_only": False}).json()
        assert [m["term"]["url"] for m in body["matches"]] == [
            "http://testserver/concepts/open-source-community/",
            "http://testserver/concepts/rlhf/",
            "http://testserver/concepts/open-source/",
        ]

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


class LinkOffsetsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_term("RLHF", slug="rlhf")

    def post(self, body):
        return self.client.post(URL, json.dumps(body), content_type="application/json")

    def test_offsets_are_code_points_by_default_and_say_so(self):
        body = self.post({"text": "😀😀 👩\u200d👩\u200d👧 RLHF"}).json()
        assert body["offsets"] == "codepoint"
        assert (body["matches"][0]["start"], body["matches"][0]["end"]) == (9, 13)

    def test_utf16_offsets_are_what_javascript_slices(self):
        body = self.post(
            {"text": "😀😀 👩\u200d👩\u200d👧 RLHF", "offsets": "utf16"}
        ).json()
        assert (body["matches"][0]["start"], body["matches"][0]["end"]) == (14, 18)

    def test_utf8_offsets_count_bytes_into_the_html_sent(self):
        html = "<p>🇫🇷 e\u0301\r\n<b>RLHF</b></p>"
        body = self.post({"html": html, "offsets": "utf8"}).json()
        match = body["matches"][0]
        assert html.encode()[match["start"] : match["end"]] == b"RLHF"

    def test_a_wrong_or_unknown_offsets_value_is_a_400_naming_the_field(self):
        for value in ("bytes", 16, None, ["utf8"], True):
            response = self.post({"text": "RLHF", "offsets": value})
            assert response.status_code == 400, value
            assert "offsets" in response.json()["error"]["fields"], value


class LinkExplainTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_term("open source")
        make_term("RLHF", slug="rlhf", aliases=[])
        from glossary.models import Alias

        Alias.objects.filter(label="RLHF").update(case_sensitive=True)
        make_term("Meta", slug="meta")
        Alias.objects.filter(label="Meta").update(
            case_sensitive=True, not_followed_by=["-analysis"]
        )
        make_term("civil society", status=Term.Status.DRAFT)
        new_glossary_version()

    def post(self, body):
        return self.client.post(URL, json.dumps(body), content_type="application/json")

    def reasons(self, body):
        response = self.post({**body, "explain": True})
        assert response.status_code == 200, response.content
        return [
            (m["text"], m["linked"], (m["reason"] or "").split(":")[0])
            for m in response.json()["mentions"]
        ]

    def test_every_mention_is_reported_with_why_it_was_not_linked(self):
        text = (
            "Open source and open source. A Meta-analysis of rlhf, RLHF and "
            "civil society."
        )
        assert self.reasons({"text": text, "skip": ["rlhf"]}) == [
            ("Open source", True, ""),
            ("open source", False, "first mention only"),
            ("Meta", False, "context rule"),
            ("rlhf", False, "case"),
            ("RLHF", False, "skip"),
            ("civil society", False, "not published"),
        ]

    def test_max_links_and_skipped_elements_are_reasons_in_html(self):
        html = "<p><code>RLHF</code> open source, RLHF</p>"
        assert self.reasons({"html": html, "max_links": 1}) == [
            ("RLHF", False, "inside a skipped element"),
            ("open source", True, ""),
            ("RLHF", False, "max_links"),
        ]

    def test_the_linked_mentions_are_the_matches(self):
        body = self.post({"text": "open source, RLHF", "explain": True}).json()
        linked = [(m["start"], m["end"]) for m in body["mentions"] if m["linked"]]
        assert linked == [(m["start"], m["end"]) for m in body["matches"]]

    def test_explain_offsets_follow_the_offsets_option(self):
        body = self.post(
            {"text": "😀 rlhf", "explain": True, "offsets": "utf16"}
        ).json()
        assert (body["mentions"][0]["start"], body["mentions"][0]["end"]) == (3, 7)

    def test_a_wrong_explain_value_is_a_400_naming_the_field(self):
        for value in ("yes", 1, None, []):
            response = self.post({"text": "RLHF", "explain": value})
            assert response.status_code == 400, value
            assert "explain" in response.json()["error"]["fields"]
