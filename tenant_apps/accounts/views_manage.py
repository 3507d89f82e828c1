"""Tenant-admin pages: members, invitations, CSV import, site settings.

Members are addressed by Profile.public_id, never by primary key. Every change is a POST that
redirects with a message on success, or answers 400 with the form's errors.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.api import PlanLimitExceeded, limit_refusal_html

from . import selectors, services
from .decorators import tenant_admin_required
from .forms_manage import ActiveForm, InvitationForm, RoleForm, SiteSettingsForm, UserFilterForm, UserImportForm
from .roles import Role, role_of

USERS_PER_PAGE = 25


def _add_service_errors(form, exc: ValidationError, *, user=None) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it; a plan
    limit as a form-wide error with the way to the Billing page."""
    if isinstance(exc, PlanLimitExceeded):
        form.add_error(None, limit_refusal_html(exc, user=user))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _member_or_404(public_id):
    member = selectors.user_get_by_public_id(public_id=public_id)
    if member is None:
        raise Http404("No such member")
    return member


# --- members -------------------------------------------------------------------------------


@tenant_admin_required
@require_GET
def user_list(request):
    form = UserFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.user_list(**filters), USERS_PER_PAGE).get_page(request.GET.get("page"))
    for member in page.object_list:
        role = role_of(member)  # from the prefetched groups
        member.role_label = Role(role).label if role else "—"
    context = {"form": form, "page": page, "filtered": any(filters.values()), "section": "users"}
    # The filter form swaps only the results table when HTMX is on; the full page otherwise.
    partial = request.htmx and request.htmx.target == "user-results" and not request.htmx.history_restore_request
    response = render(request, "manage/_user_table.html" if partial else "manage/users.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _render_detail(request, member, *, role_form=None, active_errors=(), reset_errors=(), status=200):
    role = role_of(member)
    context = {
        "member": member,
        "member_role": Role(role).label if role else "—",
        "role_form": role_form or RoleForm(initial={"role": role}),
        "active_errors": list(active_errors),
        "reset_errors": list(reset_errors),
        "is_self": member.pk == request.user.pk,
        "section": "users",
    }
    return render(request, "manage/user_detail.html", context, status=status)


@tenant_admin_required
@require_GET
def user_detail(request, public_id):
    return _render_detail(request, _member_or_404(public_id))


@tenant_admin_required
@require_POST
def user_role(request, public_id):
    member = _member_or_404(public_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        try:
            services.user_set_role(user=member, role=role, actor=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"{member.email} is now {Role(role).label.lower()}.")
            if member.pk == request.user.pk and role != Role.TENANT_ADMIN:
                return redirect("home")  # no longer allowed on these pages
            return redirect("manage:user-detail", public_id=public_id)
    return _render_detail(request, member, role_form=form, status=400)


@tenant_admin_required
@require_POST
def user_active(request, public_id):
    member = _member_or_404(public_id)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, member, active_errors=["Choose active or inactive."], status=400)
    active = form.cleaned_data["active"]
    try:
        services.user_set_active(user=member, active=active, actor=request.user)
    except PlanLimitExceeded as exc:
        return _render_detail(request, member, active_errors=[limit_refusal_html(exc, user=request.user)], status=400)
    except ValidationError as exc:
        return _render_detail(request, member, active_errors=exc.messages, status=400)
    messages.success(request, f"{member.email} was {'reactivated' if active else 'deactivated'}.")
    return redirect("manage:user-detail", public_id=public_id)


@tenant_admin_required
@require_POST
def user_password_reset(request, public_id):
    member = _member_or_404(public_id)
    try:
        services.user_password_reset_by_admin(user=member, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        return _render_detail(request, member, reset_errors=exc.messages, status=400)
    messages.success(request, f"A link to choose a new password was sent to {member.email}.")
    return redirect("manage:user-detail", public_id=public_id)


# --- invitations ---------------------------------------------------------------------------


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    form = InvitationForm(request.POST) if request.method == "POST" else InvitationForm()
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                confirm_role_change=request.POST.get("confirm_role_change") == "yes",
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        except services.InvitationRoleChange as change:
            # Say so and ask: the confirmation step shows old → new role and resends with confirmation.
            return render(request, "manage/invitation_confirm.html", {
                "change": change, "old_role": Role(change.old_role).label, "new_role": Role(change.new_role).label,
                "section": "invitations",
            }, status=409)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("manage:invitations")
    context = {
        "form": form, "invitations": selectors.invitation_list_open(), "now": timezone.now(),
        "invitation_days": settings.INVITATION_MAX_AGE.days, "section": "invitations",
    }
    return render(request, "manage/invitations.html", context, status=400 if form.errors else 200)


@tenant_admin_required
@require_POST
def invitation_revoke(request, public_id):
    invitation = selectors.invitation_get_open(public_id=public_id)
    if invitation is None:
        raise Http404("No such invitation")
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation for {invitation.email} was revoked; its link no longer works.")
    return redirect("manage:invitations")


# --- CSV import ----------------------------------------------------------------------------


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def user_import(request):
    form = UserImportForm(request.POST, request.FILES) if request.method == "POST" else UserImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            user_import = services.user_import_create(upload=form.cleaned_data["file"], created_by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"Import of {user_import.original_name} started.")
            return redirect("manage:user-import-status", public_id=user_import.public_id)
    context = {"form": form, "imports": selectors.user_import_list()[:10], "section": "import"}
    return render(request, "manage/user_import.html", context, status=400 if form.errors else 200)


def _import_or_404(public_id):
    user_import = selectors.user_import_get(public_id=public_id)
    if user_import is None:
        raise Http404("No such import")
    return user_import


@tenant_admin_required
@require_GET
def user_import_status(request, public_id):
    return render(request, "manage/user_import_status.html", {"imp": _import_or_404(public_id), "section": "import"})


@tenant_admin_required
@require_GET
def user_import_progress(request, public_id):
    """The progress fragment the status page polls; it drops its polling once the import is finished."""
    return render(request, "manage/_import_progress.html", {"imp": _import_or_404(public_id)})


@tenant_admin_required
@require_GET
def user_import_rejected(request, public_id):
    user_import = _import_or_404(public_id)
    # The BOM lets spreadsheet programs recognise UTF-8.
    body = "\ufeff" + selectors.user_import_rejected_csv(user_import=user_import)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{str(user_import.public_id)[:8]}.csv"'
    return response


# --- site settings -------------------------------------------------------------------------


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def site_settings(request):
    current = selectors.site_settings_get()
    if request.method == "POST":
        form = SiteSettingsForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.site_settings_change(
                    logo_upload=data["logo"] or None, remove_logo=data["remove_logo"],
                    display_name=data["display_name"], primary_color=data["primary_color"],
                    allow_self_registration=data["allow_self_registration"], time_zone=data["time_zone"],
                    messaging_learner_to_learner=data["messaging_learner_to_learner"],
                )
            except ValidationError as exc:
                _add_service_errors(form, exc, user=request.user)
            else:
                messages.success(request, "Settings saved.")
                return redirect("manage:settings")
    else:
        form = SiteSettingsForm(initial={
            "display_name": current.display_name, "primary_color": current.primary_color,
            "allow_self_registration": current.allow_self_registration, "time_zone": request.tenant.time_zone,
            "messaging_learner_to_learner": current.messaging_learner_to_learner,
        })
    return render(request, "manage/settings.html", {"form": form, "has_logo": bool(current.logo), "section": "settings"},
                  status=400 if form.errors else 200)
