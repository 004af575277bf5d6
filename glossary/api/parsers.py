"""JSON bodies with bounded nesting.

Python's JSON decoder recurses once per nested array or object, so 5,000
nested arrays raise RecursionError, which DRF's parser does not catch (a
500, anonymously). No request kb accepts nests deeper than a few levels:
bodies nested deeper than `MAX_DEPTH` are a 400 before they are decoded.
"""

from __future__ import annotations

import io
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (linear)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser (strict: no NaN), refusing deep nesting first."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        raw = stream.read() if stream is not None else b""
        # Brackets are counted at C speed; only a body with many is walked.
        if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:
            text = raw.decode("utf-8", errors="replace")
            if json_depth_exceeds(text, MAX_DEPTH):
                raise ParseError(
                    f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
                )
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
