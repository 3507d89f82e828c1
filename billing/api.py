"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import Plan
from .selectors import plan_list_available, tenant_plan
from .services import (
    amount_to_minor_units,
    minor_units_to_amount,
    plan_create,
    plan_delete,
    plan_update,
    tenant_plan_change,
)

__all__ = [
    "Plan",
    "amount_to_minor_units",
    "minor_units_to_amount",
    "plan_create",
    "plan_delete",
    "plan_list_available",
    "plan_update",
    "tenant_plan",
    "tenant_plan_change",
]
