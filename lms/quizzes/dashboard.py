"""The learner dashboard's quiz rows (see lms.courses.selectors.dashboard.dashboard_sections):
final scores of the learner's graded attempts, newest first. Two queries."""
from __future__ import annotations

from lms.courses.api import Enrollment

from .models import QuizAttempt

LIMIT = 10


def _number(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def recent_grades(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    attempts = list(
        QuizAttempt.objects.filter(learner=user, status=QuizAttempt.Status.GRADED, graded_at__isnull=False)
        .select_related("course").only("uuid", "quiz_uuid", "item_uuid", "score", "max_score", "graded_at",
                                        "course__slug", "course_id")
        .order_by("-graded_at")[:LIMIT]
    )
    if not attempts:
        return []
    # Titles as the learner's pinned versions show them (the digest: never the draft, never answers).
    digests = {e.course_id: e.version.digest or {} for e in Enrollment.objects.filter(
        learner=user, course_id__in={a.course_id for a in attempts}).select_related("version").defer(
        "version__snapshot", "version__changes")}
    rows = []
    for a in attempts:
        digest = digests.get(a.course_id, {})
        title = next((i["title"] for i in digest.get("items", []) if i["uuid"] == str(a.item_uuid)), "Quiz")
        rows.append({
            "kind": "quiz", "title": title, "course_title": (digest.get("course") or {}).get("title") or a.course.slug,
            "grade": f"{_number(a.score)} / {_number(a.max_score)}", "posted_at": a.graded_at,
            "url": f"/learn/{a.course.slug}/quiz/{a.quiz_uuid}/",
        })
    return rows


def upcoming_deadlines(user) -> list[dict]:
    """Quizzes due from now on in the learner's pinned versions that they have not submitted yet."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from lms.courses.api import enrollments_for_lists

    if not user.is_authenticated:
        return []
    now = timezone.now()
    rows = []
    for enrollment in enrollments_for_lists(learner=user):
        digest = enrollment.version.digest or {}
        for quiz in digest.get("quizzes", []):
            due = parse_datetime(quiz["due_at"]) if quiz.get("due_at") else None
            if due is None or due < now:
                continue
            rows.append({"kind": "quiz", "title": quiz["title"], "ref_uuid": quiz["ref_uuid"],
                         "course_title": (digest.get("course") or {}).get("title") or enrollment.course.slug,
                         "due_at": due, "url": f"/learn/{enrollment.course.slug}/quiz/{quiz['ref_uuid']}/"})
    if rows:  # only then ask which of them were already handed in
        done = {str(u) for u in QuizAttempt.objects.filter(learner=user, quiz_uuid__in=[r["ref_uuid"] for r in rows])
                .exclude(status=QuizAttempt.Status.IN_PROGRESS).values_list("quiz_uuid", flat=True)}
        rows = [r for r in rows if r.pop("ref_uuid") not in done]
    return sorted(rows, key=lambda r: r["due_at"])[:LIMIT]
