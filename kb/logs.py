"""JSON log lines: one formatter for Django's logs and gunicorn's, and the
access-log formatter that turns gunicorn's request atoms into JSON fields.

gunicorn's own access format is a %-template; a JSON-looking template breaks
on a User-Agent with a backslash (gunicorn escapes quotes, not backslashes).
Here python-json-logger serialises the fields instead, so every line is
valid JSON whatever a client sends.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

JSON_FORMATTER: dict[str, Any] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
"""The formatter of every JSON log line (kb/settings.py, kb/gunicorn.py)."""

ACCESS_FIELDS = {
    "remote": "h",
    "request": "r",
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "referer": "f",
    "agent": "a",
}
"""JSON field → gunicorn access-log atom (see gunicorn's `access_log_format`)."""


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access records as JSON: time, then one field per atom.

    gunicorn logs each request as `access_log.info(format, atoms)`, with the
    atoms (a dict) as the record's arguments; their string values have every
    `"` escaped as `\\"`, which is undone here so the JSON holds what the
    client sent.
    """

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else {}
        for field, atom in ACCESS_FIELDS.items():
            # dict.get: gunicorn's wrapper answers "-" for missing atoms.
            value = dict.get(atoms, atom)
            if isinstance(value, str):
                value = value.replace('\\"', '"')
            log_data[field] = value
        if isinstance(log_data.get("status"), str) and log_data["status"].isdigit():
            log_data["status"] = int(log_data["status"])


def gunicorn_logconfig(access_log: str) -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its own lines and each request as JSON.

    `access_log` is "-" for standard output or a file name. Nothing
    propagates to the root logger, so no line is written twice.
    """
    access_handler: dict[str, Any] = (
        {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
        if access_log == "-"
        else {"class": "logging.FileHandler", "filename": access_log}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": JSON_FORMATTER,
            "access": {
                "()": "kb.logs.AccessJsonFormatter",
                "fmt": "%(asctime)s",
                "rename_fields": {"asctime": "time"},
            },
        },
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {**access_handler, "formatter": "access"},
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["error"],
                "propagate": False,
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access"],
                "propagate": False,
            },
        },
    }
