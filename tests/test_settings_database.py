from django.db import connection


def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
