"""Staff pages: /manage/privacy/retention — the policies, a dry run on demand, the runs' reports."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from tenant_apps.accounts.api import tenant_admin_required

from . import retention
from .models_retention import RetentionRun


class PolicyForm(forms.Form):
    category = forms.SlugField(max_length=32)
    days = forms.IntegerField(min_value=1, max_value=100_000)
    enabled = forms.BooleanField(required=False)


def _page(request, *, errors: dict | None = None, status: int = 200):
    return render(request, "privacy/manage/retention.html", {
        "section": "privacy", "policies": retention.policies_get(), "runs": retention.runs_recent(),
        "errors": errors or {},
    }, status=status)


@require_safe
@tenant_admin_required
def retention_page(request):
    return _page(request)


@require_POST
@tenant_admin_required
def policy_save(request):
    form = PolicyForm(request.POST)
    category = request.POST.get("category", "")[:32]
    if not form.is_valid():
        return _page(request, errors={category: "Enter a number of days."}, status=400)
    try:
        retention.policy_set(actor=request.user, category=category, days=form.cleaned_data["days"],
                             enabled=form.cleaned_data["enabled"])
    except ValidationError as exc:
        if "category" in getattr(exc, "message_dict", {}):
            raise Http404("No such category") from exc
        return _page(request, errors={category: " ".join(exc.messages)}, status=400)
    messages.success(request, "Retention policy saved.")
    return redirect("privacy_manage:retention")


@require_POST
@tenant_admin_required
def dry_run(request):
    run = retention.retention_run(dry_run=True, actor=request.user)
    return redirect("privacy_manage:retention-run", run.public_id)


@require_safe
@tenant_admin_required
def run_detail(request, public_id):
    run = RetentionRun.objects.filter(public_id=public_id).select_related("actor").first()
    if run is None:
        raise Http404("No such run")
    return render(request, "privacy/manage/retention_run.html", {"section": "privacy", "run": run})
