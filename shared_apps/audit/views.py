"""The operator console's audit page (public schema): read-only, filterable, paginated."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shared_apps.console.api import operator_required

from tenants.api import AuditFilterForm, audit_actions, audit_entry_list, query_without_page

from .models import OperatorAuditEntry


@operator_required
@require_GET
def console_audit_list(request):
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    tenant = (request.GET.get("tenant") or "")[:63]
    entries = audit_entry_list(model=OperatorAuditEntry, tenant=tenant, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "console/audit.html", {"form": form, "page": page, "actions": audit_actions(model=OperatorAuditEntry),
                                                  "query": query_without_page(request)}, status=status)

