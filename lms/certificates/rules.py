"""The certificate rule set: its JSON shape, defaults, validation and digest.

    {
      "enabled": true,
      "min_completion_percent": 100,                       # of the version's items (tracks: of the track's items)
      "quizzes": [{"uuid": "...", "min_percent": 60}],      # required quizzes, passed with at least this score
      "assignments": [{"uuid": "...", "min_percent": 50}],  # required assignments graded at least this (posted)
      "projects": [{"uuid": "..."}],                        # tracks: required projects (every step accepted)
      "courses": [{"uuid": "..."}],                         # tracks: required courses (completed)
      "labs": [],                                           # hook: no labs exist yet (see eligibility.LAB_PROVIDER)
      "grade_bands": [{"label": "A", "min_percent": 90}, ..., {"label": "Pass", "min_percent": 0}],
      "weights": {"<quiz/assignment/track item uuid>": 2}   # weights for the total; missing = 1
    }
"""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import ValidationError

DEFAULT_BANDS = [
    {"label": "A", "min_percent": 90}, {"label": "B", "min_percent": 80},
    {"label": "C", "min_percent": 70}, {"label": "Pass", "min_percent": 0},
]


def rules_default() -> dict:
    return {"enabled": False, "min_completion_percent": 100, "quizzes": [], "assignments": [], "projects": [],
            "courses": [], "labs": [], "grade_bands": [dict(b) for b in DEFAULT_BANDS], "weights": {}}


def _percent(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "Enter a whole percentage from 0 to 100."}) from None
    if not 0 <= number <= 100:
        raise ValidationError({field: "Enter a whole percentage from 0 to 100."})
    return number


def _uuid(value, field: str) -> str:
    try:
        return str(UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({field: f"“{str(value)[:40]}” is not an id."}) from None


def rules_clean(data: dict) -> dict:
    """A valid, normalised rule set from user input (studio form or API); ValidationError otherwise."""
    if not isinstance(data, dict):
        raise ValidationError("The rules must be an object.")
    out = rules_default()
    out["enabled"] = bool(data.get("enabled", False))
    out["min_completion_percent"] = _percent(data.get("min_completion_percent", 100), "min_completion_percent")
    for kind in ("quizzes", "assignments"):
        rows = data.get(kind) or []
        if not isinstance(rows, list):
            raise ValidationError({kind: "Give a list."})
        seen = set()
        for row in rows:
            if not isinstance(row, dict):
                raise ValidationError({kind: "Each entry needs a uuid and a min_percent."})
            ref = _uuid(row.get("uuid"), kind)
            if ref not in seen:
                seen.add(ref)
                out[kind].append({"uuid": ref, "min_percent": _percent(row.get("min_percent", 0), kind)})
    for kind in ("projects", "courses", "labs"):
        rows = data.get(kind) or []
        if not isinstance(rows, list):
            raise ValidationError({kind: "Give a list."})
        out[kind] = [{"uuid": _uuid(r.get("uuid") if isinstance(r, dict) else r, kind)} for r in rows]
    bands = data.get("grade_bands")
    if bands is not None:
        if not isinstance(bands, list) or not bands or len(bands) > 12:
            raise ValidationError({"grade_bands": "Give between 1 and 12 grade bands."})
        cleaned = []
        for band in bands:
            label = str((band or {}).get("label", "")).strip() if isinstance(band, dict) else ""
            if not label or len(label) > 40:
                raise ValidationError({"grade_bands": "Each band needs a label (up to 40 characters)."})
            cleaned.append({"label": label, "min_percent": _percent(band.get("min_percent"), "grade_bands")})
        cleaned.sort(key=lambda b: -b["min_percent"])
        if len({b["min_percent"] for b in cleaned}) != len(cleaned):
            raise ValidationError({"grade_bands": "Two bands cannot start at the same percentage."})
        if cleaned[-1]["min_percent"] != 0:
            raise ValidationError({"grade_bands": "The lowest band must start at 0 % (e.g. “Pass”)."})
        out["grade_bands"] = cleaned
    weights = data.get("weights") or {}
    if not isinstance(weights, dict):
        raise ValidationError({"weights": "Give an object of id: weight."})
    for key, value in weights.items():
        try:
            weight = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError({"weights": "Each weight is a number from 0 to 1000."}) from None
        if not (0 <= weight <= 1000) or not weight.is_finite():
            raise ValidationError({"weights": "Each weight is a number from 0 to 1000."})
        out["weights"][_uuid(key, "weights")] = str(weight.normalize()) if weight else "0"
    return out


def rules_digest(rules: dict) -> str:
    """Identifies a rule set: a learner gets one certificate per subject and digest."""
    return hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:16]


def band_for(rules: dict, total: Decimal | None) -> str:
    bands = sorted(rules.get("grade_bands") or DEFAULT_BANDS, key=lambda b: -b["min_percent"])
    if total is None:
        return bands[-1]["label"]
    for band in bands:
        if total >= band["min_percent"]:
            return band["label"]
    return bands[-1]["label"]
