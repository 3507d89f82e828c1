"""Template helpers for the quiz pages."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from lms.courses.api import render_markdown

register = template.Library()


@register.filter
def points(value) -> str:
    """1.00 -> "1", 2.50 -> "2.5"; empty for None."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format(number.normalize(), "f")


@register.filter
def markdown(text) -> str:
    return render_markdown(text or "")


@register.filter
def picked(response, option_id) -> bool:
    """Is this option among the learner's chosen ones?"""
    if isinstance(response, list):
        return option_id in response
    return response == option_id


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(str(key)) if hasattr(mapping, "get") else None


@register.filter
def duration(seconds) -> str:
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
