"""Request parsers that turn hostile bodies into 400s, never 500s.

Python's json module recurses once per nesting level, so a 2 KB body of 1,000 nested arrays
raised RecursionError (a 500) before any view ran; and PostgreSQL refuses NUL characters in
text and jsonb, so a "\\u0000" in any string became a DataError (a 500) at save time. Both are
refused here, once, for every JSON endpoint.
"""
from __future__ import annotations

import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays/objects in `text` (strings skipped), without recursing."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def refuse_nul(value, depth: int = 0) -> None:
    """Raise ParseError when any string (or key) holds a NUL character; `value` is depth-bounded."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError("Text may not contain NUL (\\u0000) characters.")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, depth + 1)
            refuse_nul(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            refuse_nul(item, depth + 1)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError("The request body is not valid UTF-8.") from exc
        limit = getattr(settings, "API_JSON_MAX_DEPTH", MAX_JSON_DEPTH)
        if json_depth(text) > limit:
            raise ParseError(f"JSON nested deeper than {limit} levels is not accepted.")
        try:
            data = json.loads(text, parse_constant=self._refuse_constant) if text.strip() else {}
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        refuse_nul(data)
        return data

    @staticmethod
    def _refuse_constant(name: str):
        raise ValueError(f"{name} is not valid JSON")
