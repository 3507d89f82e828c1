"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from . import money
from .models import Plan
from .money import Money
from .selectors import plan_list_available, tenant_plan
from .services import plan_create, plan_delete, plan_update, tenant_plan_change

__all__ = [
    "Money",
    "Plan",
    "money",
    "plan_create",
    "plan_delete",
    "plan_list_available",
    "plan_update",
    "tenant_plan",
    "tenant_plan_change",
]
