"""The eligibility engine: a rule set against a learner's progress and grades -> eligible, or
the list of unmet requirements in words learners read ("2 of 3 required quizzes passed").

`evaluate_course` / `evaluate_track` are pure (they take plain dicts); selectors.py gathers
the inputs through the LMS apps' front doors, course-wide in a constant number of queries,
so bulk issue evaluates a whole cohort cheaply.

The total: the weighted average of the percentages of every quiz and assignment of the
learner's version (tracks: of every course and project item), weight 1 unless the rules say
otherwise; an item without a (posted) score counts as 0 — a certificate speaks for the whole
course. The grade band is the highest band whose minimum the total reaches.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .rules import band_for

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Labs do not exist yet; when an app provides them, its front door answers
# `lab_completed(*, learner, lab_uuid) -> bool` and rules["labs"] starts to count.
LAB_PROVIDER = "lms.labs.api"


@dataclass
class Line:
    """One marksheet line (a quiz, an assignment, a course or project of a track)."""

    kind: str  # "quiz" | "assignment" | "course" | "project"
    uuid: str
    title: str
    score: str | None  # decimals as strings (JSON); None = no (posted) score
    max_score: str | None
    percent: str | None
    weight: str
    required: bool = False
    min_percent: int | None = None
    met: bool | None = None  # for required lines


@dataclass
class Eligibility:
    eligible: bool
    unmet: list[str] = field(default_factory=list)  # what learners are told is missing
    met: list[str] = field(default_factory=list)
    total_percent: Decimal | None = None
    grade_band: str = ""
    breakdown: list[Line] = field(default_factory=list)

    def breakdown_json(self) -> list[dict]:
        return [asdict(line) for line in self.breakdown]


NO_RULES = "This course does not award a certificate."


def _pct(score, max_score) -> Decimal | None:
    if score is None or not max_score:
        return None
    return Decimal(str(score)) * HUNDRED / Decimal(str(max_score))


def _s(value) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))


def _total(lines: list[Line], weights: dict) -> Decimal | None:
    weighted, used = Decimal(0), Decimal(0)
    for line in lines:
        weight = Decimal(line.weight)
        if weight > 0:
            weighted += (Decimal(line.percent) if line.percent is not None else Decimal(0)) * weight
            used += weight
    return (weighted / used).quantize(CENT, ROUND_HALF_UP) if used else None


PLURALS = {"quiz": "quizzes"}


def _count(met: int, total: int, noun: str, verb: str) -> str:
    nouns = noun if total == 1 else PLURALS.get(noun, noun + "s")
    return f"{met} of {total} required {nouns} {verb}"


def evaluate_course(*, rules: dict | None, digest: dict, progress_percent: int, quiz_scores: dict,
                    assignment_grades: dict, labs_completed: set[str] | None = None) -> Eligibility:
    """rules: the version's rule set; digest: CourseVersion.digest; quiz_scores / assignment_grades:
    {uuid str: (score, max_score)} (best graded attempt / latest posted grade)."""
    if not rules or not rules.get("enabled"):
        return Eligibility(eligible=False, unmet=[NO_RULES])
    weights = rules.get("weights") or {}
    required_quizzes = {r["uuid"]: r["min_percent"] for r in rules.get("quizzes", [])}
    required_assignments = {r["uuid"]: r["min_percent"] for r in rules.get("assignments", [])}
    lines: list[Line] = []
    seen = set()
    for kind, rows, scores, required in (
        ("quiz", digest.get("quizzes", []), quiz_scores, required_quizzes),
        ("assignment", digest.get("assignments", []), assignment_grades, required_assignments),
    ):
        for row in rows:
            ref = row.get("ref_uuid")
            if not ref or (kind, ref) in seen:
                continue
            seen.add((kind, ref))
            score, max_score = scores.get(ref, (None, None))
            if kind == "assignment" and score is None:
                max_score = row.get("points")
            percent = _pct(score, max_score)
            line = Line(kind=kind, uuid=ref, title=row.get("title") or kind.title(), score=_s(score),
                        max_score=_s(max_score), percent=_s(percent), weight=str(weights.get(ref, "1")))
            if ref in required:
                line.required, line.min_percent = True, required[ref]
                line.met = percent is not None and percent >= required[ref]
            lines.append(line)

    result = Eligibility(eligible=True, breakdown=lines)
    minimum = rules.get("min_completion_percent", 0)
    if minimum:
        text = f"Completion {progress_percent} % (at least {minimum} % needed)"
        (result.met if progress_percent >= minimum else result.unmet).append(text)
    for kind, required, noun, verb in (("quiz", required_quizzes, "quiz", "passed"),
                                       ("assignment", required_assignments, "assignment", "graded at the minimum")):
        if not required:
            continue
        present = {line.uuid: line for line in lines if line.kind == kind}
        met = sum(1 for ref in required if ref in present and present[ref].met)
        text = _count(met, len(required), noun, verb)
        (result.met if met == len(required) else result.unmet).append(text)
        for ref, minimum_percent in required.items():
            line = present.get(ref)
            if line is None:
                result.unmet.append(f"A required {noun} is not part of this course version")
            elif not line.met:
                got = f"{line.percent} %" if line.percent is not None else "no score yet"
                result.unmet.append(f"“{line.title}”: {got} (at least {minimum_percent} % needed)")
    labs = rules.get("labs") or []
    if labs:
        done = labs_completed or set()
        met = sum(1 for lab in labs if lab["uuid"] in done)
        (result.met if met == len(labs) else result.unmet).append(_count(met, len(labs), "lab", "completed"))
    result.eligible = not result.unmet
    result.total_percent = _total(lines, weights)
    result.grade_band = band_for(rules, result.total_percent)
    return result


def evaluate_track(*, rules: dict | None, items: list[dict], completed: set[str], course_totals: dict) -> Eligibility:
    """items: [{"uuid", "kind" ("course"|"project"), "title"}] in track order; completed: the item
    uuids the learner completed (course) or had every step accepted (project); course_totals:
    {item uuid: Decimal | None} the learner's total in each course (its own rules' weights)."""
    if not rules or not rules.get("enabled"):
        return Eligibility(eligible=False, unmet=["This track does not award a certificate."])
    weights = rules.get("weights") or {}
    lines = []
    for item in items:
        ref, done = item["uuid"], item["uuid"] in completed
        percent = course_totals.get(ref) if item["kind"] == "course" else (HUNDRED if done else None)
        if item["kind"] == "course" and percent is None and done:
            percent = HUNDRED
        lines.append(Line(kind=item["kind"], uuid=ref, title=item["title"], score=_s(percent), max_score="100.00",
                          percent=_s(percent), weight=str(weights.get(ref, "1")), met=done))
    result = Eligibility(eligible=True, breakdown=lines)
    done_count = sum(1 for item in items if item["uuid"] in completed)
    percent = int(done_count * 100 / len(items)) if items else 0
    minimum = rules.get("min_completion_percent", 0)
    if minimum:
        text = f"Completion {percent} % (at least {minimum} % needed)"
        (result.met if percent >= minimum else result.unmet).append(text)
    by_uuid = {item["uuid"]: item for item in items}
    for kind, noun, verb in (("courses", "course", "completed"), ("projects", "project", "accepted")):
        required = [r["uuid"] for r in rules.get(kind, [])]
        if not required:
            continue
        met = sum(1 for ref in required if ref in completed)
        (result.met if met == len(required) else result.unmet).append(_count(met, len(required), noun, verb))
        result.unmet.extend(f"“{by_uuid[ref]['title']}” is not {verb} yet" for ref in required
                            if ref in by_uuid and ref not in completed)
    result.eligible = not result.unmet
    result.total_percent = _total(lines, weights)
    result.grade_band = band_for(rules, result.total_percent)
    return result
