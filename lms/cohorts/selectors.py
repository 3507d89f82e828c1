"""Reads for cohorts and trainers: who trains whom, the staff's overview, a trainer's learners."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.functions import Lower

from lms.courses import api as courses
from lms.tracks import api as tracks

from .models import Cohort, CohortMember, TrainerAssignment
from .scopes import Scope
from .services import trainer_cap, trainer_loads


def my_learner_ids(trainer: User, course: courses.Course | None = None, *, track: tracks.Track | None = None) -> set[int]:
    """Ids of the learners assigned to `trainer` in the course (or track): one query."""
    scope = Scope(course=course, track=track)
    return set(TrainerAssignment.objects.filter(**scope.rows, trainer=trainer).values_list("learner_id", flat=True))


def trainer_of(learner: User, course: courses.Course | None = None, *, track: tracks.Track | None = None) -> User | None:
    """The learner's trainer in the course (or track), if they have one who is still active."""
    scope = Scope(course=course, track=track)
    found = TrainerAssignment.objects.filter(**scope.rows, learner=learner).select_related("trainer").first()
    return found.trainer if found and found.trainer.is_active else None


def cohort_list(scope: Scope):
    return Cohort.objects.filter(**scope.rows).annotate(member_count=Count("members"))


def cohort_get(scope: Scope, cohort_uuid) -> Cohort | None:
    return cohort_list(scope).filter(uuid=cohort_uuid).select_related("course", "track").first()


def cohort_members(cohort: Cohort):
    return (CohortMember.objects.filter(cohort=cohort).select_related("learner__profile")
            .order_by("learner__last_name", "learner__first_name", "learner__email"))


@dataclass
class TrainerRow:
    trainer: User
    learners: int


@dataclass
class Overview:
    cap: int
    trainers: list[TrainerRow]
    unassigned: list[User]
    learners: list[User] = field(default_factory=list)  # everyone in the scope, for the assign form


def trainers_overview(scope: Scope) -> Overview:
    """The trainers with their loads, the cap, the unassigned learners (a fixed number of queries)."""
    trainers = scope.trainers()
    loads = trainer_loads(scope, [t.pk for t in trainers])
    learners = list(User.objects.filter(pk__in=scope.learner_ids()).select_related("profile")
                    .order_by("last_name", "first_name", "email"))
    assigned = set(TrainerAssignment.objects.filter(**scope.rows).values_list("learner_id", flat=True))
    return Overview(cap=trainer_cap(scope), trainers=[TrainerRow(t, loads[t.pk]) for t in trainers],
                    unassigned=[u for u in learners if u.pk not in assigned], learners=learners)


@dataclass
class LearnerRow:
    learner: User
    cohort: str
    progress_percent: int | None
    status: str
    since: object


def my_learners(scope: Scope, trainer: User) -> list[LearnerRow]:
    """The trainer's learners in the scope with their progress and cohort: four queries whatever their number."""
    ids = TrainerAssignment.objects.filter(**scope.rows, trainer=trainer).values("learner_id")
    cohorts = dict(CohortMember.objects.filter(cohort__in=Cohort.objects.filter(**scope.rows), learner_id__in=ids)
                   .values_list("learner_id", "cohort__name"))
    if scope.course is not None:
        enrollments = (courses.Enrollment.objects.filter(course=scope.course, learner_id__in=ids)
                       .select_related("learner__profile").order_by("learner__last_name", "learner__first_name", "learner__email"))
        return [LearnerRow(e.learner, cohorts.get(e.learner_id, ""), e.progress_percent, e.get_status_display(), e.created_at)
                for e in enrollments]
    joined = (tracks.TrackEnrollment.objects.filter(track=scope.track, learner_id__in=ids)
              .select_related("learner__profile").order_by("learner__last_name", "learner__first_name", "learner__email"))
    return [LearnerRow(e.learner, cohorts.get(e.learner_id, ""), None, "Following", e.created_at) for e in joined]


def learner_by_public_id(public_id) -> User | None:
    return User.objects.select_related("profile").filter(profile__public_id=public_id).first()


def learners_by_emails(emails: list[str]) -> tuple[list[User], list[str]]:
    """Accounts for the given addresses, and the addresses no account has."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    found = list(User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted, is_active=True)
                 .select_related("profile")) if wanted else []
    return found, sorted(wanted - {u.email.lower() for u in found})
