"""New-institution bootstrap: the steps other apps register to set up a fresh tenant.

The tenancy core provisions the schema and the domain and knows no product; what a new
institution needs inside (site settings and a first administrator, a plan subscription, demo
content for local runs) is a list of steps named in `settings.TENANT_BOOTSTRAP_STEPS`. Each
step is a callable taking one `TenantBootstrap`; they run in order, inside the provisioning
transaction (a failing step leaves no tenant, schema or domain) with the new tenant's schema
active. A step that writes to the public schema switches there itself.
See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TenantBootstrap:
    """What the person creating an institution asked for; steps read what concerns them."""

    tenant: Any  # tenants.models.Tenant
    admin_email: str
    admin_password: str | None
    admin_first_name: str = ""
    admin_last_name: str = ""
    plan_code: str | None = None
    demo: bool = False
    options: dict = field(default_factory=dict)
    # Re-run on an institution that exists (seed_demo's second run): steps only add what is missing.
    existing: bool = False


@functools.cache
def bootstrap_steps() -> tuple[Callable[[TenantBootstrap], None], ...]:
    return tuple(import_string(path) for path in settings.TENANT_BOOTSTRAP_STEPS)


def bootstrap_run(bootstrap: TenantBootstrap) -> None:
    """Run every registered step with the new tenant's schema active (call inside a transaction)."""
    for step in bootstrap_steps():
        connection.set_tenant(bootstrap.tenant)
        step(bootstrap)
    connection.set_schema_to_public()
