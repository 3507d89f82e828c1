"""Pages of the data export: "Your data" (request, progress, download) and the tenant admin's
export for one member. Another person's export and a missing one answer the same 404; an
expired one answers 410 to its owner."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenant_apps.accounts.api import tenant_admin_required

from . import export as exports
from .members import member_or_404
from .registry import providers


def _page(request, *, error: str = "", status: int = 200):
    items = exports.export_list_for_user(user=request.user)
    return render(request, "privacy/index.html", {
        "exports": items, "areas": providers(), "error": error, "polling": any(e.is_open for e in items),
    }, status=status)


@login_required
@require_GET
def privacy_home(request):
    return _page(request)


@login_required
@require_POST
def export_create(request):
    try:
        exports.export_request(user=request.user, requested_by=request.user)
    except exports.ExportBusy as exc:
        return _page(request, error=exc.messages[0], status=409)
    messages.success(request, "Your export is being prepared. We will email you when it is ready.")
    return redirect("privacy:home")


def _serve(request, export):
    """The ZIP of a downloadable export (audited), or 410 once it has expired."""
    if export.is_expired:
        return render(request, "privacy/export_gone.html", {"export": export}, status=410)
    if not export.is_downloadable or not export.file_name:
        raise Http404("No such export")
    exports.export_download_record(export=export, actor=request.user)
    name = f"{connection.tenant.slug}-data-export-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
    return FileResponse(default_storage.open(export.file_name, "rb"), as_attachment=True, filename=name,
                        content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
def export_download(request, export_id):
    """GET: the emailed link (its token must match); POST: the button on "Your data" (CSRF)."""
    export = exports.export_get_for_owner(user=request.user, public_id=export_id)
    if export is None or (request.method == "GET" and not exports.export_token_matches(export, request.GET.get("token", ""))):
        raise Http404("No such export")
    return _serve(request, export)


# --- tenant admins -------------------------------------------------------------------------------

@tenant_admin_required
@require_http_methods(["GET", "POST"])
def member_exports(request, public_id):
    member = member_or_404(public_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            exports.export_request(user=member, requested_by=request.user)
        except exports.ExportBusy as exc:
            error, status = exc.messages[0], 409
        else:
            messages.success(request, f"An export of {member.email}'s data is being prepared; {member.email} is emailed "
                                      "when it is ready, and you can download it here.")
            return redirect("privacy_manage:member-exports", public_id=public_id)
    items = exports.export_list_for_user(user=member)
    from .models_retention import RetentionHold

    return render(request, "privacy/manage/member_exports.html", {
        "member": member, "exports": items, "error": error, "polling": any(e.is_open for e in items), "section": "users",
        "retention_hold": RetentionHold.objects.filter(user=member).first(),
    }, status=status)


@tenant_admin_required
@require_POST
def member_retention_hold(request, public_id):
    """Keep a member out of the inactive-accounts retention (or release them); audited."""
    from .retention_accounts import retention_hold_clear, retention_hold_set

    member = member_or_404(public_id)
    if request.POST.get("action") == "release":
        retention_hold_clear(user=member, actor=request.user)
        messages.success(request, f"{member.email} is no longer held from retention.")
    else:
        reason = request.POST.get("reason", "").replace("\x00", "").strip()[:300]
        retention_hold_set(user=member, actor=request.user, reason=reason)
        messages.success(request, f"{member.email} is held: the inactive-accounts retention leaves this account alone.")
    return redirect("privacy_manage:member-exports", public_id=public_id)


@tenant_admin_required
@require_POST
def member_export_download(request, export_id):
    """Only the admin who ran an export for somebody else downloads it here (audited)."""
    export = exports.export_get_for_requester(admin=request.user, public_id=export_id)
    if export is None:
        raise Http404("No such export")
    return _serve(request, export)
