"""Production settings: deploy checks, security headers, hosts, login lockout."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, TestCase, override_settings

from kb.net import client_ip

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kb.example.org",
        "KB_BEHIND_TLS_PROXY": "1",
    }
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb")
    # Set for the browser tests' own process; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings", "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Set SECRET_KEY" in done.stderr


class SecurityHeaderTests(TestCase):
    def test_html_pages_carry_the_security_headers(self):
        for path in ["/", "/admin/login/"]:
            response = Client().get(path, secure=True)
            assert response.status_code == 200, path
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "same-origin"
            assert "max-age=31536000" in response["Strict-Transport-Security"]
            csp = response["Content-Security-Policy"]
            assert "default-src 'self'" in csp
            assert "frame-ancestors 'none'" in csp
            assert "script-src 'self'" in csp

    def test_a_forged_host_header_is_refused(self):
        response = Client().get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_to_https_except_the_health_check(self):
        client = Client()
        response = client.get("/")
        assert response.status_code == 301
        assert response["Location"].startswith("https://")
        assert client.get("/healthz").status_code == 200

    def test_x_forwarded_proto_is_ignored_unless_a_proxy_is_configured(self):
        with override_settings(SECURE_SSL_REDIRECT=True):
            response = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 301

    def test_session_and_csrf_cookies_are_secure(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_SECURE
        assert settings.CSRF_COOKIE_SECURE


class HealthTests(TestCase):
    def test_healthz_reports_the_database(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-cache" in response["Cache-Control"]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
class LoginLockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.password = secrets.token_urlsafe(16)
        get_user_model().objects.create_user(
            "editor", password=cls.password, is_staff=True
        )

    def login(self, client, password):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "editor", "password": password},
            REMOTE_ADDR="203.0.113.9",
        )

    def test_repeated_failed_logins_lock_the_account_out(self):
        client = Client()
        assert self.login(client, "wrong").status_code == 200
        assert self.login(client, "wrong").status_code == 200
        assert self.login(client, "wrong").status_code == 429
        locked = self.login(client, self.password)
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session

    @override_settings(KB_TRUSTED_PROXIES=["10.0.0.1"])
    def test_changing_forged_addresses_around_the_proxy_does_not_evade_the_lockout(
        self,
    ):
        client = Client()
        statuses = [
            client.post(
                "/admin/login/?next=/admin/",
                {"username": "editor", "password": "wrong"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(4)
        ]
        assert statuses == [200, 200, 429, 429]

    def test_a_good_password_before_the_limit_logs_in(self):
        client = Client()
        self.login(client, "wrong")
        response = self.login(client, self.password)
        assert response.status_code == 302
        assert "_auth_user_id" in client.session


class ClientAddressTests(TestCase):
    def request(self, forwarded, remote="10.0.0.2"):
        return RequestFactory().get(
            "/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote
        )

    @override_settings(KB_TRUSTED_PROXIES=[])
    def test_without_proxies_the_forwarded_header_is_ignored(self):
        assert client_ip(self.request("198.51.100.1")) == "10.0.0.2"

    @override_settings(KB_TRUSTED_PROXIES=["10.0.0.2"])
    def test_behind_one_proxy_the_last_hop_is_the_client(self):
        request = self.request("1.2.3.4, 5.6.7.8, 198.51.100.7")
        assert client_ip(request) == "198.51.100.7"

    @override_settings(KB_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_behind_two_proxies_the_first_untrusted_hop_from_the_right_is_the_client(
        self,
    ):
        request = self.request("1.2.3.4, 198.51.100.7, 10.0.0.1")
        assert client_ip(request) == "198.51.100.7"

    @override_settings(KB_TRUSTED_PROXIES=["10.0.0.1"])
    def test_a_client_reaching_gunicorn_directly_cannot_choose_its_address(self):
        # The connection is not from the proxy: the header is the client's claim.
        request = self.request("198.51.100.7", remote="203.0.113.9")
        assert client_ip(request) == "203.0.113.9"

    @override_settings(KB_TRUSTED_PROXIES=["10.0.0.2"])
    def test_garbage_in_the_header_falls_back_to_the_proxy_s_address(self):
        assert client_ip(self.request("not-an-address")) == "10.0.0.2"
        assert client_ip(self.request("")) == "10.0.0.2"

    @override_settings(KB_TRUSTED_PROXIES=["::1", "10.0.0.2"])
    def test_ipv6_proxies_and_clients_are_read_alike(self):
        assert client_ip(self.request("2001:db8::7", remote="::1")) == "2001:db8::7"


def test_a_proxy_setting_that_is_not_an_address_stops_the_app():
    from django.core.exceptions import ImproperlyConfigured

    from kb.net import trusted_networks

    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        trusted_networks(("10.0.0.1", "proxy.example"))
