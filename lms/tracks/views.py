"""Track pages: learners follow tracks and hand in project work; staff build tracks and review."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from billing.api import PlanLimitExceeded, buy_url, limit_refusal_html, money
from lms.courses.api import render_markdown
from lms.courses.api import Course

from . import permissions, selectors, services
from .models import Project, ProjectStep, StepSubmission, Track, TrackEnrollment, TrackItem


def _errors(request, exc: ValidationError) -> None:
    if isinstance(exc, PlanLimitExceeded):  # an upload past the plan's storage, an enrollment over its learners
        messages.error(request, limit_refusal_html(exc, user=request.user))
        return
    for message in exc.messages:
        messages.error(request, message)


def _staff(request) -> None:
    if not request.user.is_authenticated:
        raise Http404
    if not permissions.is_studio_member(request.user):
        raise PermissionDenied


def _track_for(request, slug: str, perm: str) -> Track:
    """A track this user has `perm` on; any other (or none) is a 404, so tracks cannot be probed."""
    return get_object_or_404(permissions.tracks_user_can(request.user, perm), slug=slug)


# --- learners ------------------------------------------------------------------------------


def track_list(request):
    return render(request, "lms/tracks/list.html", {"tracks": selectors.track_list_published()})


def track_detail(request, slug):
    track = get_object_or_404(Track, slug=slug, is_published=True)
    items = selectors.track_items(track)
    states = selectors.track_states(track=track, learner=request.user, items=items)
    joined = request.user.is_authenticated and TrackEnrollment.objects.filter(track=track, learner=request.user).exists()
    return render(request, "lms/tracks/detail.html", {
        "track": track, "description": render_markdown(track.description), "joined": joined,
        "price_label": money.price_label(track.price_amount, track.price_currency),
        "rows": [(item, states[item.pk]) for item in items],
    })


@login_required
@require_POST
def track_join(request, slug):
    track = get_object_or_404(Track, slug=slug, is_published=True)
    try:
        services.track_enroll(track=track, learner=request.user)
    except services.TrackPaymentRequired:
        return redirect(buy_url("track", str(track.uuid)))
    messages.success(request, f"You joined “{track.title}”.")
    return redirect("tracks:detail", slug=slug)


@login_required
@require_POST
def track_start_course(request, slug, item_uuid):
    item = get_object_or_404(TrackItem, uuid=item_uuid, track__slug=slug, track__is_published=True)
    try:
        services.track_start_course(item=item, learner=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("tracks:detail", slug=slug)
    except Exception as exc:  # paid courses: the course page explains how to enroll
        from lms.courses.api import PaymentRequired

        if not isinstance(exc, PaymentRequired):
            raise
        messages.error(request, str(exc))
        return redirect("tracks:detail", slug=slug)
    messages.success(request, f"You are enrolled in “{item.course.title}”.")
    return redirect("tracks:detail", slug=slug)


def _project_for(slug, project_uuid) -> tuple[Track, TrackItem]:
    item = get_object_or_404(
        TrackItem.objects.select_related("track", "project"), project__uuid=project_uuid, track__slug=slug,
        track__is_published=True,
    )
    return item.track, item


@login_required
def project_detail(request, slug, project_uuid):
    track, item = _project_for(slug, project_uuid)
    state = selectors.track_states(track=track, learner=request.user)[item.pk]
    steps = list(item.project.steps.all())
    mine = {}
    for sub in StepSubmission.objects.filter(learner=request.user, step__in=steps).order_by("submitted_at"):
        mine[sub.step_id] = sub  # latest wins
    return render(request, "lms/tracks/project.html", {
        "track": track, "project": item.project, "state": state, "description": render_markdown(item.project.description),
        "steps": [(step, mine.get(step.id)) for step in steps],
        "joined": TrackEnrollment.objects.filter(track=track, learner=request.user).exists(),
    })


@login_required
@require_POST
def step_submit(request, slug, project_uuid, step_uuid):
    track, item = _project_for(slug, project_uuid)
    step = get_object_or_404(ProjectStep, uuid=step_uuid, project=item.project)
    try:
        services.step_submit(step=step, learner=request.user, url=request.POST.get("url", "").strip(),
                             text=request.POST.get("text", ""), file=request.FILES.get("file"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Submitted “{step.title}”.")
    return redirect("tracks:project", slug=slug, project_uuid=project_uuid)


@login_required
def submission_file(request, submission_uuid):
    submission = StepSubmission.objects.filter(uuid=submission_uuid).first()
    if submission is None or not submission.file:
        raise Http404
    track = submission.step.project.track_item.track
    if submission.learner_id != request.user.pk and not permissions.has(request.user, permissions.REVIEW, track):
        raise Http404
    try:
        return FileResponse(submission.file.open("rb"), as_attachment=True,
                            filename=submission.file.name.rsplit("/", 1)[-1])
    except FileNotFoundError as exc:
        raise Http404 from exc


# --- staff ---------------------------------------------------------------------------------


def studio_list(request):
    _staff(request)
    if request.method == "POST":
        if not services.can_author_tracks(request.user):
            raise PermissionDenied
        try:
            track = services.track_create(author=request.user, title=request.POST.get("title", ""),
                                          description=request.POST.get("description", ""))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("tracks:studio-edit", slug=track.slug)
    return render(request, "lms/tracks/studio_list.html", {
        "tracks": permissions.tracks_user_can(request.user), "can_create": services.can_author_tracks(request.user)})


def _price_fields(data, track) -> dict:
    """The price as typed (49.00) in the currency chosen -> minor units; absent fields keep the price."""
    from decimal import Decimal, InvalidOperation

    if "price" not in data:
        return {}
    currency = (data.get("price_currency") or track.price_currency).strip()[:3]
    text = (data.get("price") or "0").strip() or "0"
    try:
        amount = money.to_minor(Decimal(text), currency)
    except (InvalidOperation, ValueError):
        raise ValidationError("Enter the price as a number such as 49.00 (0 for free).") from None
    return {"price_amount": amount, "price_currency": currency}


def studio_edit(request, slug):
    _staff(request)
    track = _track_for(request, slug, permissions.EDIT)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "details":
                services.track_update(track=track, actor=request.user, title=request.POST.get("title", track.title),
                                      description=request.POST.get("description", ""),
                                      free_order=bool(request.POST.get("free_order")),
                                      is_published=bool(request.POST.get("is_published")),
                                      **_price_fields(request.POST, track))
            elif action == "add_course":
                course = Course.objects.filter(slug=request.POST.get("course", "")).first()
                if course is None:
                    raise ValidationError("Choose a course.")
                services.track_add_course(track=track, course=course, actor=request.user)
            elif action == "add_project":
                services.track_add_project(track=track, title=request.POST.get("title", "") or "Project",
                                           description=request.POST.get("description", ""), actor=request.user)
            elif action in ("up", "down", "remove"):
                item = get_object_or_404(TrackItem, track=track, uuid=request.POST.get("item", ""))
                if action == "remove":
                    services.track_item_remove(item=item, actor=request.user)
                else:
                    services.track_item_move(item=item, direction=action, actor=request.user)
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as exc:
            _errors(request, exc)
            track.refresh_from_db()
        else:
            messages.success(request, "Saved.")
        return redirect("tracks:studio-edit", slug=slug)
    return render(request, "lms/tracks/studio_edit.html", {
        "track": track, "items": selectors.track_items(track),
        "price": money.from_minor(track.price_amount, track.price_currency),
        "courses": Course.objects.filter(published_version__isnull=False).order_by("title"),
        "can_manage_staff": permissions.has(request.user, permissions.PUBLISH, track),
    })


DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class StepDueForm(forms.Form):
    """A step's due date in the editor's time zone (blank: no due date)."""

    due_at = forms.DateTimeField(required=False, label="Due", input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))


def _due_from(request) -> object:
    form = StepDueForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Enter the due date as a date and time, or leave it blank.")
    return form.cleaned_data["due_at"]


def studio_project(request, slug, project_uuid):
    _staff(request)
    track = _track_for(request, slug, permissions.EDIT)
    project = get_object_or_404(Project, uuid=project_uuid, track_item__track=track)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "due":
                step = get_object_or_404(ProjectStep, project=project, uuid=_uuid_or_404(request.POST.get("step", "")))
                services.project_step_update(step=step, actor=request.user, due_at=_due_from(request))
                done = "Due date saved."
            else:
                services.project_step_add(project=project, title=request.POST.get("title", ""),
                                          instructions=request.POST.get("instructions", ""),
                                          deliverable=request.POST.get("deliverable", ""), actor=request.user,
                                          due_at=_due_from(request))
                done = "Step added."
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, done)
        return redirect("tracks:studio-project", slug=slug, project_uuid=project_uuid)
    return render(request, "lms/tracks/studio_project.html", {
        "track": project.track_item.track, "project": project,
        "steps": [(step, StepDueForm(initial={"due_at": step.due_at}, auto_id=f"due-{step.uuid}-%s"))
                  for step in project.steps.all()],
        "deliverables": ProjectStep.Deliverable.choices, "due_form": StepDueForm(auto_id="s-%s"),
    })


def _uuid_or_404(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def studio_review(request):
    _staff(request)
    return render(request, "lms/tracks/review.html", {"submissions": selectors.submissions_to_review(reviewer=request.user)})


@require_POST
def studio_review_submission(request, submission_uuid):
    _staff(request)
    submission = get_object_or_404(selectors.submissions_reviewable_by(reviewer=request.user), uuid=submission_uuid)
    try:
        services.step_review(submission=submission, reviewer=request.user,
                             accepted=request.POST.get("decision") == "accept", feedback=request.POST.get("feedback", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "Review saved.")
    return redirect("tracks:studio-review")


# --- track staff (instructors and administrators manage; others 404 like every track studio page) ---

class TrackStaffForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=150)
    track_role = forms.ChoiceField(label="Track role", choices=list(permissions.TRACK_ROLES.items()))


def _render_track_staff(request, track, *, form=None, status=200):
    return render(request, "lms/tracks/studio_staff.html", {
        "track": track, "staff": permissions.track_staff(track), "form": form or TrackStaffForm(),
        "roles": permissions.TRACK_ROLES,
    }, status=status)


@require_http_methods(["GET", "POST"])
def studio_staff(request, slug):
    _staff(request)
    track = _track_for(request, slug, permissions.PUBLISH)
    if request.method == "GET":
        return _render_track_staff(request, track)
    form = TrackStaffForm(request.POST)
    if form.is_valid():
        try:
            user = services.track_staff_add(track=track, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            role = permissions.TRACK_ROLES[form.cleaned_data["track_role"]].lower()
            messages.success(request, f"{user.email} is now {role} of this track.")
            return redirect("tracks:studio-staff", slug=track.slug)
    return _render_track_staff(request, track, form=form, status=400)


@require_POST
def studio_staff_remove(request, slug, public_id):
    _staff(request)
    track = _track_for(request, slug, permissions.PUBLISH)
    member = services.track_staff_member(track, public_id)
    if member is None:
        raise Http404("Not on this track's staff")
    try:
        services.track_staff_set(track=track, user=member, track_role=None, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("tracks:studio-staff", slug=track.slug)
    messages.success(request, f"{member.email} is no longer on this track's staff.")
    if not permissions.tracks_user_can(request.user, permissions.VIEW).filter(pk=track.pk).exists():
        return redirect("tracks:studio-list")
    return redirect("tracks:studio-staff", slug=track.slug)
