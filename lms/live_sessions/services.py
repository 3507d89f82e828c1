"""Writes: schedule, move, cancel a live session (course editors only); enrolled learners are told on commit."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lms.courses.api import Course, Enrollment, can_edit
from tenants.api import audit_log, model_checked

from .models import LiveSession

MAX_LENGTH = timedelta(hours=12)
EDITABLE = ("title", "starts_at", "ends_at", "join_url", "description")


def _check(session: LiveSession) -> None:
    errors = {}
    if not (session.title or "").strip():
        errors["title"] = "Give the session a title."
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        elif session.ends_at - session.starts_at > MAX_LENGTH:
            errors["ends_at"] = "A session lasts at most 12 hours."
    if not (session.join_url or "").lower().startswith("https://"):
        errors["join_url"] = "The join link must be an https:// address."
    if errors:
        raise ValidationError(errors)
    session.title = session.title.strip()
    model_checked(session)


def _require(actor: User, course: Course) -> None:
    if not can_edit(actor, course):
        raise PermissionDenied("Only the course's editors schedule live sessions.")


def _announce(session: LiveSession, *, moved: bool) -> None:
    """Tell the course's active learners, after commit (a rolled-back change tells nobody)."""
    from tenant_apps.accounts.api import user_time_zone
    from tenant_apps.notifications.api import notify_each

    session_id = session.pk

    def send() -> None:
        fresh = LiveSession.objects.select_related("course").filter(pk=session_id).first()
        if fresh is None:
            return
        learners = [e.learner for e in Enrollment.objects.filter(
            course_id=fresh.course_id, status=Enrollment.Status.ACTIVE).select_related("learner")]
        context = {
            "session": {"title": fresh.title, "starts_at": fresh.starts_at, "ends_at": fresh.ends_at,
                        "join_url": fresh.join_url},
            "course": {"title": _course_title(fresh.course)}, "moved": moved,
            "path": f"/courses/{fresh.course.slug}/live-sessions/",
        }
        institution_zone = timezone.get_current_timezone_name()
        # each learner reads the time in their own zone (else the institution's)
        notify_each("live_session_scheduled",
                    [(u, context | {"time_zone": user_time_zone(u) or institution_zone}) for u in learners],
                    url=context["path"])

    transaction.on_commit(send)


def _course_title(course: Course) -> str:
    version = course.published_version
    digest = (version.digest or {}) if version is not None else {}
    return (digest.get("course") or {}).get("title") or course.title


@transaction.atomic
def live_session_create(*, course: Course, actor: User, title: str, starts_at: datetime, ends_at: datetime,
                        join_url: str, description: str = "") -> LiveSession:
    _require(actor, course)
    session = LiveSession(course=course, title=title, starts_at=starts_at, ends_at=ends_at, join_url=join_url.strip(),
                          description=description, created_by=actor)
    _check(session)
    session.save()
    audit_log(action="live_session.create", target=session, actor=actor,
              after={"course": course.slug, "title": session.title, "starts_at": session.starts_at.isoformat()})
    if session.ends_at > timezone.now():
        _announce(session, moved=False)
    return session


@transaction.atomic
def live_session_update(*, session: LiveSession, actor: User, **fields) -> LiveSession:
    """Change any of EDITABLE; new times bump the sequence (calendars move the event) and tell the learners."""
    session = LiveSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    _require(actor, session.course)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    before = (session.starts_at, session.ends_at)
    for name, value in fields.items():
        setattr(session, name, value.strip() if name == "join_url" else value)
    _check(session)
    moved = (session.starts_at, session.ends_at) != before
    if moved:
        session.sequence += 1
    session.save()
    audit_log(action="live_session.update", target=session, actor=actor,
              before={"starts_at": before[0].isoformat(), "ends_at": before[1].isoformat()},
              after={"starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat()})
    if moved and session.ends_at > timezone.now():
        _announce(session, moved=True)
    return session


@transaction.atomic
def live_session_delete(*, session: LiveSession, actor: User) -> None:
    _require(actor, session.course)
    audit_log(action="live_session.delete", target=session, actor=actor, before={"title": session.title})
    session.delete()
