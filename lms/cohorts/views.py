"""Cohort and trainer pages of a course's or a track's studio, and a trainer's "My learners".

Learners (no studio role) get 403; staff of other courses or tracks 404 (nothing to probe);
viewing needs a staff role on the course or track (teaching assistants too), changing needs
the right to edit it. Every change is a POST.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.courses import api as courses
from tenant_apps.accounts.api import Role, role_of

from . import selectors, services
from .forms import AssignForm, CapForm, CohortForm, MembersForm
from .scopes import Scope, scope_for

STUDIO_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)


def scope_or_refuse(user, kind: str, slug: str, *, manage: bool) -> Scope:
    """The course or track for a staff page: 403 for learners, 404 for staff it is not theirs."""
    if role_of(user) not in STUDIO_ROLES:
        raise PermissionDenied
    scope = scope_for(kind, slug)
    if scope is None or not scope.can_view(user):
        raise Http404("No such course or track")
    if manage and not scope.can_manage(user):
        raise PermissionDenied
    return scope


def _context(request, scope: Scope, section: str) -> dict:
    context = {"scope": scope, "section": section, "can_manage": scope.can_manage(request.user),
               "layout": "lms/cohorts/course_base.html" if scope.course is not None else "lms/cohorts/track_base.html"}
    if scope.course is not None:
        context |= {"course": scope.course, "caps": {"edit": courses.can_edit(request.user, scope.course),
                                                    "publish": courses.can_publish(request.user, scope.course)}}
    else:
        context["track"] = scope.track
    return context


def _overview_url(scope: Scope) -> str:
    return scope.studio_path + "cohorts/"


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render_overview(request, scope, *, cohort_form=None, assign_form=None, cap_form=None, status=200):
    context = _context(request, scope, "cohorts") | {
        "cohorts": selectors.cohort_list(scope), "overview": selectors.trainers_overview(scope),
        "cohort_form": cohort_form or CohortForm(), "assign_form": assign_form or AssignForm(),
        "cap_form": cap_form or CapForm(initial={"max_learners_per_trainer": services.trainer_cap(scope)}),
    }
    return render(request, "lms/cohorts/overview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def overview(request, kind, slug):
    """Cohorts, trainers with their learner counts, the cap, the unassigned learners; POST adds a cohort."""
    scope = scope_or_refuse(request.user, kind, slug, manage=request.method == "POST")
    if request.method == "GET":
        return _render_overview(request, scope)
    form = CohortForm(request.POST)
    if form.is_valid():
        try:
            cohort = services.cohort_create(scope=scope, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, f"Cohort “{cohort.name}” added.")
            return redirect(_overview_url(scope))
    return _render_overview(request, scope, cohort_form=form, status=400)


def _cohort_or_404(scope, cohort_uuid):
    cohort = selectors.cohort_get(scope, cohort_uuid)
    if cohort is None:
        raise Http404("No such cohort")
    return cohort


def _render_cohort(request, scope, cohort, *, form=None, members_form=None, status=200):
    context = _context(request, scope, "cohorts") | {
        "cohort": cohort, "members": selectors.cohort_members(cohort),
        "form": form or CohortForm(initial={"name": cohort.name, "starts_on": cohort.starts_on}),
        "members_form": members_form or MembersForm(),
    }
    return render(request, "lms/cohorts/cohort.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request, kind, slug, cohort_uuid):
    scope = scope_or_refuse(request.user, kind, slug, manage=request.method == "POST")
    cohort = _cohort_or_404(scope, cohort_uuid)
    if request.method == "GET":
        return _render_cohort(request, scope, cohort)
    form = CohortForm(request.POST)
    if form.is_valid():
        try:
            services.cohort_update(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, "Cohort saved.")
            return redirect(f"{_overview_url(scope)}{cohort.uuid}/")
    return _render_cohort(request, scope, cohort, form=form, status=400)


@login_required
@require_POST
def cohort_delete(request, kind, slug, cohort_uuid):
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    cohort = _cohort_or_404(scope, cohort_uuid)
    services.cohort_delete(cohort=cohort, actor=request.user)
    messages.success(request, f"Cohort “{cohort.name}” deleted; its learners keep their enrollment and trainer.")
    return redirect(_overview_url(scope))


@login_required
@require_POST
def cohort_members_add(request, kind, slug, cohort_uuid):
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    cohort = _cohort_or_404(scope, cohort_uuid)
    form = MembersForm(request.POST)
    if not form.is_valid():
        return _render_cohort(request, scope, cohort, members_form=form, status=400)
    learners, unknown = selectors.learners_by_emails(form.cleaned_emails())
    added, refused = services.cohort_members_add(cohort=cohort, learners=learners)
    problems = [f"No active account has the address {e}." for e in unknown] + [why for _u, why in refused]
    if problems:
        for problem in problems:
            form.add_error("emails", problem)
        return _render_cohort(request, scope, cohort, members_form=form, status=400)
    messages.success(request, f"{len(added)} learner{'s' if len(added) != 1 else ''} added to “{cohort.name}”.")
    return redirect(f"{_overview_url(scope)}{cohort.uuid}/")


@login_required
@require_POST
def cohort_member_remove(request, kind, slug, cohort_uuid, learner_id):
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    cohort = _cohort_or_404(scope, cohort_uuid)
    learner = selectors.learner_by_public_id(learner_id)
    if learner is None or not services.cohort_member_remove(cohort=cohort, learner=learner):
        raise Http404("Not in this cohort")
    messages.success(request, f"{learner.email} left “{cohort.name}”.")
    return redirect(f"{_overview_url(scope)}{cohort.uuid}/")


@login_required
@require_POST
def trainer_assign(request, kind, slug):
    """Give a learner to a trainer (or none); a trainer at the cap answers 409."""
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    form = AssignForm(request.POST)
    if form.is_valid():
        learner = selectors.learner_by_public_id(form.cleaned_data["learner"])
        trainer_id = form.cleaned_data["trainer"]
        trainer = selectors.learner_by_public_id(trainer_id) if trainer_id else None
        if learner is None:
            form.add_error("learner", "No such learner.")
        elif trainer_id and trainer is None:
            form.add_error("trainer", "No such trainer.")
        else:
            try:
                services.trainer_assign(scope=scope, learner=learner, trainer=trainer, actor=request.user)
            except services.TrainerFull as exc:
                form.add_error("trainer", exc.messages)
                return _render_overview(request, scope, assign_form=form, status=409)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, f"{learner.email} now has {'trainer ' + trainer.email if trainer else 'no trainer'}.")
                return redirect(_overview_url(scope))
    return _render_overview(request, scope, assign_form=form, status=400)


@login_required
@require_POST
def rebalance(request, kind, slug):
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    result = services.trainers_rebalance(scope=scope, actor=request.user)
    messages.success(request, f"Rebalanced: {result['moved']} learner(s) given a trainer, "
                              f"{result['unassigned']} still waiting for room.")
    return redirect(_overview_url(scope))


@login_required
@require_POST
def cap_set(request, kind, slug):
    scope = scope_or_refuse(request.user, kind, slug, manage=True)
    form = CapForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, scope, cap_form=form, status=400)
    services.trainer_cap_set(scope=scope, max_learners=form.cleaned_data["max_learners_per_trainer"], actor=request.user)
    messages.success(request, f"A trainer now takes at most {form.cleaned_data['max_learners_per_trainer']} learners here.")
    return redirect(_overview_url(scope))


@login_required
@require_GET
def my_learners(request, kind, slug):
    """The learners assigned to the signed-in trainer, with their progress."""
    scope = scope_or_refuse(request.user, kind, slug, manage=False)
    context = _context(request, scope, "my-learners") | {"rows": selectors.my_learners(scope, request.user)}
    return render(request, "lms/cohorts/my_learners.html", context)
