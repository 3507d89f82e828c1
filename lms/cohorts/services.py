"""Writes for cohorts and trainers: cohorts and their members, the trainer cap, assigning
learners to trainers (automatically on enrollment, by staff, when a trainer leaves, on request).

Every write that changes who trains whom locks the scope's row first (Scope.lock) and counts
inside that transaction: two assignments at the cap are serialised and the second one sees the
first. Balancing gives a learner to the trainer with the fewest learners that still has room;
when every trainer is full the learner stays unassigned (staff see them in the "unassigned" list).
"""
from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count

from tenants.api import audit_log

from .models import DEFAULT_MAX_LEARNERS, Cohort, CohortMember, TrainerAssignment, TrainerSetting
from .scopes import Scope


class TrainerFull(ValidationError):
    """The trainer already has as many learners as the cap allows (HTTP 409)."""


# --- the cap -------------------------------------------------------------------------------


def trainer_cap(scope: Scope) -> int:
    """The scope's own setting, else the institution's default row, else 20."""
    rows = {("scope" if not s.is_default else "default"): s.max_learners_per_trainer
            for s in TrainerSetting.objects.filter(**scope.rows) | TrainerSetting.objects.filter(is_default=True)}
    return rows.get("scope") or rows.get("default") or DEFAULT_MAX_LEARNERS


@transaction.atomic
def trainer_cap_set(*, scope: Scope | None, max_learners: int, actor: User | None) -> TrainerSetting:
    """Set the cap of one course or track, or (scope None) the institution's default. Learners
    above a lowered cap keep their trainer; the cap holds for new assignments."""
    if scope is None:
        setting = TrainerSetting.objects.select_for_update().filter(is_default=True).first() or TrainerSetting(is_default=True)
    else:
        scope.lock()
        setting = TrainerSetting.objects.filter(**scope.rows).first() or TrainerSetting(**scope.rows)
    setting.max_learners_per_trainer = max_learners
    setting.full_clean(validate_unique=False, validate_constraints=False)
    setting.save()
    audit_log(action="cohorts.trainer_cap", target=scope.obj if scope else None, actor=actor,
              after={"max_learners_per_trainer": max_learners})
    return setting


# --- loads and balancing -------------------------------------------------------------------


def _active_assignments(scope: Scope):
    return TrainerAssignment.objects.filter(**scope.rows, learner_id__in=scope.learner_ids())


def trainer_loads(scope: Scope, trainer_ids) -> dict[int, int]:
    """Current learners (still in the scope) per trainer id, 0 for trainers with none: one query."""
    counts = dict(_active_assignments(scope).filter(trainer_id__in=list(trainer_ids)).values("trainer_id")
                  .annotate(n=Count("id")).values_list("trainer_id", "n"))
    return {pk: counts.get(pk, 0) for pk in trainer_ids}


def _pick(loads: dict[int, int], cap: int, exclude: set[int] = frozenset()) -> int | None:
    """The trainer with the fewest learners and room left (ties: the lowest id, for a stable order)."""
    open_ = [(n, pk) for pk, n in loads.items() if n < cap and pk not in exclude]
    return min(open_)[1] if open_ else None


def _set_trainer(scope: Scope, learner_id: int, trainer_id: int | None, *, source: str, actor: User | None):
    if trainer_id is None:
        TrainerAssignment.objects.filter(**scope.rows, learner_id=learner_id).delete()
        return None
    assignment, created = TrainerAssignment.objects.get_or_create(
        **scope.rows, learner_id=learner_id,
        defaults={"trainer_id": trainer_id, "source": source, "assigned_by": actor})
    if not created and assignment.trainer_id != trainer_id:
        assignment.trainer_id, assignment.source, assignment.assigned_by = trainer_id, source, actor
        assignment.save(update_fields=["trainer", "source", "assigned_by", "assigned_at"])
    return assignment


@transaction.atomic
def trainer_auto_assign(*, scope: Scope, learner: User) -> TrainerAssignment | None:
    """A learner joined: keep the trainer they had (coming back) if there is room, else give
    them the least loaded trainer with room; None (unassigned) when every trainer is full."""
    scope.lock()
    trainers = {t.pk: t for t in scope.trainers() if t.pk != learner.pk}
    existing = TrainerAssignment.objects.filter(**scope.rows, learner=learner).first()
    cap = trainer_cap(scope)
    loads = trainer_loads(scope, trainers)
    if existing is not None and existing.trainer_id in trainers:
        if loads[existing.trainer_id] <= cap:  # their own place is counted in the load
            return existing
        loads[existing.trainer_id] -= 1
    chosen = _pick(loads, cap)
    return _set_trainer(scope, learner.pk, chosen, source=TrainerAssignment.Source.AUTO, actor=None)


@transaction.atomic
def trainer_assign(*, scope: Scope, learner: User, trainer: User | None, actor: User) -> TrainerAssignment | None:
    """Staff give a learner of the scope to a trainer of the scope (None: unassign).
    TrainerFull when the trainer is at the cap."""
    scope.lock()
    if not scope.learner_ids().filter(learner_id=learner.pk).exists():
        raise ValidationError({"learner": f"{learner.email} is not a learner of “{scope.obj.title}”."})
    if trainer is not None:
        if trainer.pk not in {t.pk for t in scope.trainers()}:
            raise ValidationError({"trainer": f"{trainer.email} is not on the staff of “{scope.obj.title}”."})
        if trainer.pk == learner.pk:
            raise ValidationError({"trainer": "A learner cannot be their own trainer."})
        current = TrainerAssignment.objects.filter(**scope.rows, learner=learner).values_list("trainer_id", flat=True).first()
        if current == trainer.pk:
            return TrainerAssignment.objects.get(**scope.rows, learner=learner)
        cap = trainer_cap(scope)
        if trainer_loads(scope, [trainer.pk])[trainer.pk] >= cap:
            raise TrainerFull(f"{trainer.get_full_name() or trainer.email} already has {cap} learners, "
                              "the most a trainer takes here.", code="trainer_full")
    assignment = _set_trainer(scope, learner.pk, trainer.pk if trainer else None,
                              source=TrainerAssignment.Source.MANUAL, actor=actor)
    audit_log(action="cohorts.trainer_assign", target=scope.obj, actor=actor,
              after={"learner": learner.email, "trainer": trainer.email if trainer else None})
    return assignment


def _redistribute(scope: Scope, learner_ids: list[int], *, exclude: set[int], actor: User | None) -> dict[str, int]:
    trainers = [t.pk for t in scope.trainers() if t.pk not in exclude]
    cap = trainer_cap(scope)
    loads = trainer_loads(scope, trainers)
    moved = unassigned = 0
    for learner_id in learner_ids:
        chosen = _pick(loads, cap, exclude={learner_id})
        _set_trainer(scope, learner_id, chosen, source=TrainerAssignment.Source.REBALANCE, actor=actor)
        if chosen is None:
            unassigned += 1
        else:
            loads[chosen] += 1
            moved += 1
    return {"moved": moved, "unassigned": unassigned}


@transaction.atomic
def trainer_left(*, scope: Scope, trainer: User, actor: User | None = None) -> dict[str, int]:
    """A trainer left the staff (or the institution): their learners go to the remaining
    trainers within the cap; those that do not fit stay unassigned."""
    scope.lock()
    learner_ids = list(_active_assignments(scope).filter(trainer=trainer).order_by("assigned_at", "id")
                       .values_list("learner_id", flat=True))
    TrainerAssignment.objects.filter(**scope.rows, trainer=trainer).delete()  # dropped learners' rows too
    result = _redistribute(scope, learner_ids, exclude={trainer.pk}, actor=actor)
    if learner_ids:
        audit_log(action="cohorts.trainer_left", target=scope.obj, actor=actor,
                  after={"trainer": trainer.email, **result})
    return result


@transaction.atomic
def trainers_rebalance(*, scope: Scope, actor: User | None) -> dict[str, int]:
    """Staff's "rebalance": learners whose trainer is no longer on the staff (or active) and
    unassigned learners are given to the least loaded trainers with room. Learners whose trainer
    is still here keep them."""
    scope.lock()
    trainer_ids = {t.pk for t in scope.trainers()}
    stale = _active_assignments(scope).exclude(trainer_id__in=trainer_ids)
    waiting = list(stale.order_by("assigned_at", "id").values_list("learner_id", flat=True))
    stale.delete()
    assigned = set(TrainerAssignment.objects.filter(**scope.rows).values_list("learner_id", flat=True))
    waiting += [pk for pk in scope.learner_ids().order_by("learner_id").values_list("learner_id", flat=True)
                if pk not in assigned and pk not in waiting]
    result = _redistribute(scope, waiting, exclude=set(), actor=actor)
    audit_log(action="cohorts.rebalance", target=scope.obj, actor=actor, after=result)
    return result


# --- cohorts -------------------------------------------------------------------------------


def _cohort_clean(cohort: Cohort) -> None:
    cohort.name = (cohort.name or "").strip()
    if not cohort.name:
        raise ValidationError({"name": "Give the cohort a name."})
    if len(cohort.name) > 120:
        raise ValidationError({"name": "The name is too long (120 characters at most)."})
    taken = Cohort.objects.filter(**{k: v for k, v in (("course", cohort.course), ("track", cohort.track)) if v},
                                  name__iexact=cohort.name).exclude(pk=cohort.pk)
    if taken.exists():
        raise ValidationError({"name": f"There is already a cohort named “{cohort.name}”."})


def _save(cohort: Cohort) -> Cohort:
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as exc:  # the same name taken by a concurrent request
        raise ValidationError({"name": f"There is already a cohort named “{cohort.name}”."}) from exc
    return cohort


@transaction.atomic
def cohort_create(*, scope: Scope, name: str, starts_on: datetime.date | None = None, actor: User | None) -> Cohort:
    cohort = Cohort(**scope.rows, name=name, starts_on=starts_on, created_by=actor)
    _cohort_clean(cohort)
    _save(cohort)
    audit_log(action="cohorts.create", target=scope.obj, actor=actor, after={"cohort": cohort.name})
    return cohort


_UNSET = object()


@transaction.atomic
def cohort_update(*, cohort: Cohort, name: str | None = None, starts_on=_UNSET, actor: User | None) -> Cohort:
    if name is not None:
        cohort.name = name
    if starts_on is not _UNSET:
        cohort.starts_on = starts_on
    _cohort_clean(cohort)
    return _save(cohort)


@transaction.atomic
def cohort_delete(*, cohort: Cohort, actor: User | None) -> None:
    audit_log(action="cohorts.delete", target=cohort.course or cohort.track, actor=actor, before={"cohort": cohort.name})
    cohort.delete()


@transaction.atomic
def cohort_members_add(*, cohort: Cohort, learners: list[User]) -> tuple[list[User], list[tuple[User, str]]]:
    """Add learners of the cohort's course or track; a learner is in one cohort of a scope at a
    time (adding moves them). -> (added, [(learner, why not), ...])."""
    scope = Scope(course=cohort.course, track=cohort.track)
    enrolled = set(scope.learner_ids().filter(learner_id__in=[u.pk for u in learners]).values_list("learner_id", flat=True))
    added, refused = [], []
    for learner in learners:
        if learner.pk not in enrolled:
            refused.append((learner, f"{learner.email} is not enrolled in “{scope.obj.title}”."))
            continue
        CohortMember.objects.filter(cohort__in=Cohort.objects.filter(**scope.rows), learner=learner).exclude(
            cohort=cohort).delete()
        CohortMember.objects.get_or_create(cohort=cohort, learner=learner)
        added.append(learner)
    return added, refused


@transaction.atomic
def cohort_member_remove(*, cohort: Cohort, learner: User) -> bool:
    deleted, _ = CohortMember.objects.filter(cohort=cohort, learner=learner).delete()
    return bool(deleted)
