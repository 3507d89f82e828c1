"""The certificate provider of the course publishing contract (COURSE_PROVIDERS in
lms/courses/content.py): the draft rules go into the version's snapshot under "certificate"."""
from __future__ import annotations

from lms.courses.api import ContentItem

from .models import CourseRules


def _draft_refs(course) -> dict[str, set[str]]:
    refs: dict[str, set[str]] = {"quiz": set(), "assignment": set()}
    for kind, ref in ContentItem.objects.filter(lesson__module__course=course, kind__in=list(refs),
                                                ref_uuid__isnull=False).values_list("kind", "ref_uuid"):
        refs[kind].add(str(ref))
    return refs


def course_snapshot(course) -> dict | None:
    row = CourseRules.objects.filter(course=course).only("rules").first()
    return dict(row.rules) if row is not None else None


def course_validate_for_publish(course) -> list[str]:
    row = CourseRules.objects.filter(course=course).only("rules").first()
    if row is None or not row.rules.get("enabled"):
        return []
    refs = _draft_refs(course)
    problems = []
    for key, kind, noun in (("quizzes", "quiz", "quiz"), ("assignments", "assignment", "assignment")):
        missing = [r for r in row.rules.get(key, []) if r["uuid"] not in refs[kind]]
        if missing:
            problems.append(f"Certificate rules: a required {noun} is no longer in the course ({len(missing)}); "
                            "update the certificate rules.")
    return problems


def course_draft_restore(course, data: dict | None) -> None:
    if data is None:
        CourseRules.objects.filter(course=course).delete()
    else:
        CourseRules.objects.update_or_create(course=course, defaults={"rules": data})
