"""Rubrics: criteria × levels with integer points; validation, a plain-text form for editing, scoring.

Stored shape: [{"criterion": "Thesis", "levels": [{"label": "Clear", "points": 4}, ...]}, ...]
Text shape (one criterion per line):  Thesis: Clear=4, Partial=2, Missing=0
"""
from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_CRITERIA = 30
MAX_LEVELS = 10


def _int_points(value, where: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{where}: points must be a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValidationError(f"{where}: points must be a whole number of 0 or more.")
    if number < 0 or number > 100_000:
        raise ValidationError(f"{where}: points must be between 0 and 100000.")
    return number


def rubric_clean(data) -> list[dict]:
    """The rubric in its stored shape, or ValidationError naming the first problem."""
    if data in (None, "", []):
        return []
    if not isinstance(data, list):
        raise ValidationError("The rubric must be a list of criteria.")
    if len(data) > MAX_CRITERIA:
        raise ValidationError(f"A rubric has at most {MAX_CRITERIA} criteria.")
    cleaned, seen = [], set()
    for n, criterion in enumerate(data, start=1):
        if not isinstance(criterion, dict):
            raise ValidationError(f"Criterion {n} must be an object with “criterion” and “levels”.")
        name = str(criterion.get("criterion", "")).strip()
        if not name or len(name) > 200:
            raise ValidationError(f"Criterion {n} needs a name of at most 200 characters.")
        if name.lower() in seen:
            raise ValidationError(f"The criterion “{name}” appears twice.")
        seen.add(name.lower())
        levels = criterion.get("levels")
        if not isinstance(levels, list) or not levels:
            raise ValidationError(f"Criterion “{name}” needs at least one level.")
        if len(levels) > MAX_LEVELS:
            raise ValidationError(f"Criterion “{name}” has more than {MAX_LEVELS} levels.")
        clean_levels = []
        for m, level in enumerate(levels, start=1):
            if not isinstance(level, dict):
                raise ValidationError(f"Level {m} of “{name}” must be an object with “label” and “points”.")
            label = str(level.get("label", "")).strip()
            if not label or len(label) > 100:
                raise ValidationError(f"Level {m} of “{name}” needs a label of at most 100 characters.")
            clean_levels.append({"label": label, "points": _int_points(level.get("points"), f"“{name}” / “{label}”")})
        cleaned.append({"criterion": name, "levels": clean_levels})
    return cleaned


def rubric_max_points(rubric: list[dict]) -> int:
    return sum(max(level["points"] for level in c["levels"]) for c in rubric)


def rubric_parse_text(text: str) -> list[dict]:
    """Parse the one-line-per-criterion text form; errors name the line."""
    data = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if ":" not in line:
            raise ValidationError(f"Line {number}: write “Criterion: Level=points, Level=points”.")
        name, rest = line.split(":", 1)  # criterion names cannot hold a colon in this form
        levels = []
        for part in rest.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValidationError(f"Line {number}: “{part.strip()}” must look like Level=points.")
            label, points = part.rsplit("=", 1)
            levels.append({"label": label.strip(), "points": points.strip()})
        data.append({"criterion": name.strip(), "levels": levels})
    try:
        return rubric_clean(data)
    except ValidationError as exc:
        raise ValidationError(f"Rubric: {' '.join(exc.messages)}") from exc


def rubric_to_text(rubric: list[dict]) -> str:
    return "\n".join(
        f"{c['criterion']}: " + ", ".join(f"{level['label']}={level['points']}" for level in c["levels"]) for c in rubric or []
    )


def rubric_score(rubric: list[dict], selections: list) -> tuple[list[dict], int | None]:
    """(stored selections, sum of points or None when some criterion has no level chosen).

    `selections` holds one level index (or None) per criterion, in the rubric's order.
    """
    selections = list(selections or [])
    if len(selections) > len(rubric):
        raise ValidationError({"rubric": "More selections than the rubric has criteria."})
    selections += [None] * (len(rubric) - len(selections))
    stored, total, complete = [], 0, True
    for criterion, index in zip(rubric, selections):
        if index in (None, ""):
            complete = False
            stored.append({"criterion": criterion["criterion"], "level_index": None, "level": "", "points": None})
            continue
        try:
            index = int(index)
            if index < 0:
                raise IndexError
            level = criterion["levels"][index]
        except (ValueError, TypeError, IndexError) as exc:
            raise ValidationError({"rubric": f"Choose one of the levels of “{criterion['criterion']}”."}) from exc
        total += level["points"]
        stored.append({"criterion": criterion["criterion"], "level_index": index, "level": level["label"],
                       "points": level["points"]})
    return stored, (total if complete and rubric else None)
