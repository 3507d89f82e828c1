"""Reads for the operator console: institutions as operators see them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from billing.api import Plan, tenant_plan
from tenants.api import Domain, Tenant
from tenants.api import tenant_users_counts
from tenants.api import tenant_usage_cached


def tenant_list_for_console(*, query: str = "", status: str = "", plan_code: str = "") -> QuerySet[Tenant]:
    """Institutions (never the template nor the public row), searched by name, subdomain or domain."""
    tenants = (
        Tenant.objects.filter(is_template=False)
        .exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .select_related("subscription__plan")
        .prefetch_related("domains")
        .order_by("name", "slug")
    )
    query = (query or "").strip()
    if query:
        domain_match = Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=query)
        tenants = tenants.filter(Q(name__icontains=query) | Q(slug__icontains=query) | Q(Exists(domain_match)))
    if status:
        tenants = tenants.filter(status=status)
    if plan_code == "-":
        tenants = tenants.filter(Q(subscription__isnull=True) | Q(subscription__plan__isnull=True))
    elif plan_code:
        tenants = tenants.filter(subscription__plan__code=plan_code)
    return tenants


def tenant_get_for_console(*, uuid) -> Tenant | None:
    return tenant_list_for_console().filter(uuid=uuid).first()


def tenant_member_counts(tenants: Iterable[Tenant]) -> dict[str, int]:
    """Active members per schema for these institutions: one catalogue check, one count query."""
    schemas = [t.schema_name for t in tenants]
    if not schemas:
        return {}
    # A schema that is missing (e.g. dropped by hand) would fail the whole count query.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
        present = {row[0] for row in cursor.fetchall()}
    return tenant_users_counts([s for s in schemas if s in present])


def plan_list_for_console() -> QuerySet[Plan]:
    from django.db.models import Count

    return Plan.objects.annotate(tenant_count=Count("subscriptions", filter=Q(subscriptions__tenant__is_template=False)))


@dataclass(frozen=True)
class UsageRow:
    label: str
    used: int
    limit: int | None  # None: unlimited
    unit: str = ""  # "bytes": shown as a file size

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit

    @property
    def percent(self) -> int | None:
        return None if not self.limit else min(100, round(100 * self.used / self.limit))


@dataclass(frozen=True)
class TenantUsage:
    computed_at: datetime | None
    rows: list[UsageRow]


def tenant_usage_for_console(*, tenant: Tenant) -> TenantUsage | None:
    """The beat job's last usage snapshot of the institution next to its plan's limits (None: not taken yet)."""
    usage = tenant_usage_cached(schema_name=tenant.schema_name)
    if usage is None:
        return None
    plan = tenant_plan(tenant=tenant)
    try:
        computed_at = datetime.fromisoformat(usage.get("computed_at", ""))
    except (TypeError, ValueError):
        computed_at = None
    rows = [
        UsageRow("Active members", int(usage.get("members", 0)), None),
        UsageRow("Learners", int(usage.get("learners", 0)), plan.max_learners if plan else None),
    ]
    if "courses" in usage:
        rows.append(UsageRow("Courses", int(usage["courses"]), plan.max_courses if plan else None))
    if "storage_bytes" in usage:
        rows.append(UsageRow("Storage", int(usage["storage_bytes"]), plan.storage_mb * 1024 * 1024 if plan else None,
                             unit="bytes"))
    return TenantUsage(computed_at=computed_at, rows=rows)
