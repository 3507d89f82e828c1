"""Graded work of other apps shown as gradebook columns (lms.discussions' graded forums).

A source, registered in its app's AppConfig.ready(), is a function `(course) -> list[dict]`:
one dict per column, {"uuid": str, "title": str, "points": int, "scores": {learner_id: Decimal}}
(a learner missing from "scores" has no grade). The column counts in no category.
"""
from __future__ import annotations

from collections.abc import Callable

_SOURCES: dict[str, Callable] = {}


def gradebook_source_register(kind: str, columns: Callable) -> None:
    _SOURCES[kind] = columns


def gradebook_source_columns(course) -> list[tuple[str, dict]]:
    return [(kind, column) for kind, fn in _SOURCES.items() for column in (fn(course) or [])]
