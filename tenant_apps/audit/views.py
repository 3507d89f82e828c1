"""The tenant admins' audit page under /manage/audit/: read-only, filterable, paginated."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tenants.api import AuditFilterForm, audit_actions, audit_entry_list, query_without_page
from tenant_apps.accounts.api import tenant_admin_required

from .models import AuditEntry


@tenant_admin_required
@require_GET
def audit_list(request):
    form = AuditFilterForm(request.GET)
    page = Paginator(audit_entry_list(model=AuditEntry, **form.filters()), 50).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "manage/audit.html", {"form": form, "page": page, "section": "audit",
                                                 "actions": audit_actions(model=AuditEntry),
                                                 "query": query_without_page(request)}, status=status)
