"""Writes for tracks: authoring, enrolling, project deliverables and their review."""
from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from billing import api as billing_api
from lms.courses import api as course_services
from lms.assignments.api import CONTENT_TYPES, safe_file_name, submission_file_check
from lms.courses.api import Course
from tenant_apps.accounts.api import Role, role_of
from tenants.api import model_checked

from . import permissions
from .models import Project, ProjectStep, StepSubmission, Track, TrackEnrollment, TrackItem

MAX_DELIVERABLE_BYTES = 25 * 1024 * 1024


def can_author_tracks(user: User) -> bool:
    """May create tracks (instructors and administrators); editing one needs its object permission."""
    return permissions.can_create_track(user)


def _require(user: User, perm: str, track: Track) -> None:
    if not permissions.has(user, perm, track):
        raise PermissionDenied("Only this track's staff can do this.")


@transaction.atomic
def track_create(*, author: User, title: str, description: str = "", free_order: bool = False) -> Track:
    if not can_author_tracks(author):
        raise PermissionDenied("Only instructors and administrators can create tracks.")
    base = slugify(title)[:70] or "track"
    slug, n = base, 2
    while Track.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    track = Track(slug=slug, title=title.strip(), description=description, free_order=free_order, created_by=author,
                  price_currency=billing_api.tenant_currency())
    model_checked(track)
    track.save()
    permissions.track_role_assign(track=track, user=author, track_role="instructor")
    return track


@transaction.atomic
def track_update(*, track: Track, actor: User, **fields) -> Track:
    _require(actor, permissions.EDIT, track)
    publishing = bool(fields.get("is_published")) and not track.is_published
    if "is_published" in fields and bool(fields["is_published"]) != track.is_published:
        _require(actor, permissions.PUBLISH, track)
    allowed = {"title", "description", "free_order", "is_published", "price_amount", "price_currency"}
    if "price_currency" in fields and fields["price_currency"] != track.price_currency:
        fields["price_currency"] = billing_api.price_currency_check(fields["price_currency"])
    pricing = "price_amount" in fields and int(fields["price_amount"] or 0) > 0 and track.is_published and track.price_amount == 0
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"unknown field {name}")
        setattr(track, name, value)
    if track.is_published and not track.items.exists():
        raise ValidationError("Add at least one course or project before publishing the track.")
    # Tracks are priced with learner payments (billing issue); a priced one goes on sale like a course.
    if (publishing or pricing) and track.price_amount > 0:
        billing_api.sale_ready_check(connection.tenant)
    model_checked(track)
    track.save()
    return track


def _next_position(track: Track) -> int:
    return (track.items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def track_add_course(*, track: Track, course: Course, actor: User) -> TrackItem:
    _require(actor, permissions.EDIT, track)
    if course.published_version_id is None:
        raise ValidationError(f"“{course.title}” has no published version yet; publish it before adding it to a track.")
    if track.items.filter(course=course).exists():
        raise ValidationError(f"“{course.title}” is already in this track.")
    return TrackItem.objects.create(track=track, kind=TrackItem.Kind.COURSE, course=course, position=_next_position(track))


@transaction.atomic
def track_add_project(*, track: Track, title: str, description: str = "", actor: User) -> TrackItem:
    _require(actor, permissions.EDIT, track)
    project = Project(title=title.strip(), description=description)
    model_checked(project)
    project.save()
    return TrackItem.objects.create(track=track, kind=TrackItem.Kind.PROJECT, project=project, position=_next_position(track))


@transaction.atomic
def track_item_move(*, item: TrackItem, direction: str, actor: User) -> None:
    _require(actor, permissions.EDIT, item.track)
    course_services.move(obj=item, direction=direction, parent="track")


@transaction.atomic
def track_item_remove(*, item: TrackItem, actor: User) -> None:
    _require(actor, permissions.EDIT, item.track)
    if item.kind == TrackItem.Kind.PROJECT and StepSubmission.objects.filter(step__project=item.project).exists():
        raise ValidationError("Learners have submitted work for this project; it cannot be removed.")
    project = item.project
    item.delete()
    if project is not None:
        project.delete()


@transaction.atomic
def project_step_add(*, project: Project, title: str, instructions: str, deliverable: str, actor: User,
                     due_at: datetime | None = None) -> ProjectStep:
    _require(actor, permissions.EDIT, project.track_item.track)
    if deliverable not in ProjectStep.Deliverable.values:
        raise ValidationError({"deliverable": "Choose a link, text or a file."})
    position = (project.steps.aggregate(m=Max("position"))["m"] or 0) + 1
    step = ProjectStep(project=project, title=title.strip(), instructions=instructions, deliverable=deliverable,
                       position=position, due_at=due_at, due_changed_at=timezone.now() if due_at else None)
    model_checked(step)
    step.save()
    return step


_UNSET = object()


@transaction.atomic
def project_step_update(*, step: ProjectStep, actor: User, title: str | None = None, instructions: str | None = None,
                        due_at=_UNSET) -> ProjectStep:
    """Change a step's title, instructions or due date (None: no due date). A changed due date bumps
    `due_sequence`, so learners' calendar feeds move the event and reminders follow the new date."""
    step = ProjectStep.objects.select_for_update(of=("self",)).select_related("project__track_item__track").get(pk=step.pk)
    _require(actor, permissions.EDIT, step.project.track_item.track)
    if title is not None:
        step.title = title.strip()
    if instructions is not None:
        step.instructions = instructions
    if due_at is not _UNSET and due_at != step.due_at:
        step.due_at = due_at
        step.due_sequence += 1
        step.due_changed_at = timezone.now()
    model_checked(step)
    step.save()
    return step


class TrackPaymentRequired(Exception):
    """Joining a priced track: the learner buys it (billing checkout) and the payment joins them."""

    def __init__(self, track: Track):
        super().__init__(f"“{track.title}” is a paid track.")
        self.track = track


@transaction.atomic
def track_enroll(*, track: Track, learner: User, source: str = TrackEnrollment.Source.SELF) -> TrackEnrollment:
    if not track.is_published:
        raise ValidationError("This track is not open.")
    existing = TrackEnrollment.objects.filter(track=track, learner=learner).first()
    if existing is not None:
        # paid access outranks the rest; a scholarship seat outranks a free join
        upgrade = ((source == TrackEnrollment.Source.PAYMENT and existing.source != source)
                   or (source == TrackEnrollment.Source.SCHOLARSHIP and existing.source == TrackEnrollment.Source.SELF))
        if upgrade:
            existing.source = source
            existing.save(update_fields=["source"])
        return existing
    if source == TrackEnrollment.Source.SELF and not track.is_free:
        raise TrackPaymentRequired(track)
    return TrackEnrollment.objects.create(track=track, learner=learner, source=source)


@transaction.atomic
def track_start_course(*, item: TrackItem, learner: User):
    """Enroll the learner in an unlocked course of a track they follow."""
    from .selectors import track_states

    if item.kind != TrackItem.Kind.COURSE:
        raise ValidationError("Only courses are started this way.")
    if not TrackEnrollment.objects.filter(track=item.track, learner=learner).exists():
        raise ValidationError("Join the track first.")
    state = track_states(track=item.track, learner=learner)[item.pk]
    if state == "locked":
        raise ValidationError("Finish the previous item of the track first.")
    joined = TrackEnrollment.objects.filter(track=item.track, learner=learner).values_list("source", flat=True).first()
    if joined == TrackEnrollment.Source.PAYMENT:  # a bought track includes its courses, priced or not
        return course_services.enrollment_create(course=item.course, learner=learner, source="payment",
                                                 note=f"Track “{item.track.title}”")
    if joined == TrackEnrollment.Source.SCHOLARSHIP:  # so does a scholarship seat in the track
        return course_services.enrollment_create(course=item.course, learner=learner, source="scholarship",
                                                 note=f"Track “{item.track.title}” (scholarship)")
    return course_services.enrollment_create(course=item.course, learner=learner)


@transaction.atomic
def step_submit(*, step: ProjectStep, learner: User, url: str = "", text: str = "", file=None) -> StepSubmission:
    from .selectors import track_states

    item = step.project.track_item
    if not TrackEnrollment.objects.filter(track=item.track, learner=learner).exists():
        raise ValidationError("Join the track first.")
    if track_states(track=item.track, learner=learner)[item.pk] == "locked":
        raise ValidationError("This project is locked until you finish the previous item of the track.")
    if step.submissions.filter(learner=learner, status=StepSubmission.Status.ACCEPTED).exists():
        raise ValidationError("This step was already accepted.")
    if step.deliverable == ProjectStep.Deliverable.URL and not url:
        raise ValidationError({"url": "Give the link to your work."})
    if step.deliverable == ProjectStep.Deliverable.TEXT and not text.strip():
        raise ValidationError({"text": "Write your answer."})
    if step.deliverable == ProjectStep.Deliverable.FILE:
        if file is None:
            raise ValidationError({"file": "Choose a file."})
        try:  # checked by content, like assignment uploads: a renamed .exe is not a PDF
            kind = submission_file_check(file, allowed=list(CONTENT_TYPES), max_mb=MAX_DELIVERABLE_BYTES // (1024 * 1024))
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    submission = StepSubmission(step=step, learner=learner, url=url if step.deliverable == "url" else "",
                                text=text if step.deliverable == "text" else "")
    if file is not None and step.deliverable == ProjectStep.Deliverable.FILE:
        submission.file.save(f"{learner.pk}/{step.uuid}/{safe_file_name(file.name, kind)}", file, save=False)
    model_checked(submission)
    submission.save()
    return submission


@transaction.atomic
def step_review(*, submission: StepSubmission, reviewer: User, accepted: bool, feedback: str = "") -> StepSubmission:
    _require(reviewer, permissions.REVIEW, submission.step.project.track_item.track)
    submission.status = StepSubmission.Status.ACCEPTED if accepted else StepSubmission.Status.REVISE
    submission.feedback = feedback.strip()
    submission.reviewed_by = reviewer
    submission.reviewed_at = timezone.now()
    model_checked(submission)
    from . import unlocks  # accepting the last step grades the project: the next item may open

    track = submission.step.project.track_item.track
    before = unlocks.states_before(learner=submission.learner, tracks=[track]) if accepted else {}
    submission.save()
    if before:
        unlocks.unlocked_tell(learner=submission.learner, before=before)
    return submission


# --- track staff -------------------------------------------------------------------------------

TRACK_STAFF_ROLES = permissions.TRACK_ROLES


def track_staff_member(track: Track, public_id) -> User | None:
    """A member of the track's staff by profile public id (None when not on the staff)."""
    for user, _role in permissions.track_staff(track):
        if str(user.profile.public_id) == str(public_id):
            return user
    return None


@transaction.atomic
def track_staff_set(*, track: Track, user: User, track_role: str | None, actor: User) -> None:
    """Make `user` instructor or teaching assistant of the track (None removes them). The last
    instructor stays: a track always has someone who may edit it besides the administrators."""
    from tenants.api import audit_log

    if not permissions.has(actor, permissions.PUBLISH, track):
        raise PermissionDenied("Only the track's instructors and administrators can change its staff.")
    track = Track.objects.select_for_update().get(pk=track.pk)  # serialises staff changes of one track
    staff = dict(permissions.track_staff(track))
    before = staff.get(user)
    if track_role is not None and track_role not in permissions.TRACK_ROLE_PERMS:
        raise ValidationError({"track_role": "Choose instructor or teaching assistant."})
    if track_role is not None and role_of(user) not in (Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.TENANT_ADMIN):
        raise ValidationError({"email": f"{user.email} is not an instructor or teaching assistant of the institution."})
    if track_role is not None and track_role == "instructor" and role_of(user) == Role.TEACHING_ASSISTANT:
        raise ValidationError({"track_role": f"{user.email} is a teaching assistant of the institution and can only "
                                             "be a teaching assistant of the track."})
    if before == "instructor" and track_role != "instructor":
        instructors = [u for u, r in staff.items() if r == "instructor"]
        if instructors == [user]:
            raise ValidationError(f"{user.email} is the track's only instructor: add another instructor first.")
    if before == track_role:
        return
    if track_role is None:
        permissions.track_role_remove(track=track, user=user)
        from .signals import track_staff_removed

        track_staff_removed.send(sender=Track, track=track, user=user)
    else:
        permissions.track_role_assign(track=track, user=user, track_role=track_role)
    audit_log(action="track.staff_change", target=track, actor=actor,
              before={"user": user.email, "track_role": before}, after={"user": user.email, "track_role": track_role})


def track_staff_add(*, track: Track, email: str, track_role: str, actor: User) -> User:
    user = (User.objects.select_related("profile").filter(email__iexact=(email or "").strip(), is_active=True).first())
    if user is None:
        raise ValidationError({"email": "No active member of the institution has this email address."})
    track_staff_set(track=track, user=user, track_role=track_role, actor=actor)
    return user
