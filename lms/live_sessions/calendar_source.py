"""Live sessions in the calendar (tenant_apps.calendar source "live_sessions"): the sessions of the courses a
learner is enrolled in (not dropped) and those the user scheduled; and, for the reminder an hour before,
every session with the course's active learners. A constant number of queries."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from lms.courses.api import Enrollment
from tenant_apps.calendar.api import CalendarEntry

from .models import LiveSession


def _entry(session: LiveSession, course_titles: dict[int, str]) -> CalendarEntry:
    return CalendarEntry(
        uid=f"live-session-{session.uuid}", kind="event", title=session.title, start=session.starts_at,
        end=session.ends_at, url=f"/courses/{session.course.slug}/live-sessions/",
        context=course_titles.get(session.course_id) or session.course.title, description=session.description,
        location=session.join_url, sequence=session.sequence, modified_at=session.updated_at)


def _titles(sessions) -> dict[int, str]:
    """Course titles as last published (the draft's title is staff's business)."""
    titles = {}
    for s in sessions:
        version = s.course.published_version
        digest = (version.digest or {}) if version is not None else {}
        titles[s.course_id] = (digest.get("course") or {}).get("title") or s.course.title
    return titles


def _in_window(start: datetime, end: datetime):
    return (LiveSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("course__published_version").defer(
                "course__description", "course__published_version__snapshot", "course__published_version__changes"))


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    if not user.is_authenticated:
        return []
    courses = Enrollment.objects.filter(learner=user).exclude(status=Enrollment.Status.DROPPED).values("course_id")
    sessions = list(_in_window(start, end).filter(Q(course_id__in=courses) | Q(created_by=user)))
    titles = _titles(sessions)
    return [_entry(s, titles) for s in sessions]


def reminders(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    sessions = list(_in_window(start, end))
    if not sessions:
        return []
    learners: dict[int, list[int]] = {}
    for course_id, learner_id in Enrollment.objects.filter(
            course_id__in={s.course_id for s in sessions}, status=Enrollment.Status.ACTIVE).values_list(
            "course_id", "learner_id"):
        learners.setdefault(course_id, []).append(learner_id)
    titles = _titles(sessions)
    return [(_entry(s, titles), learners.get(s.course_id, [])) for s in sessions]
