"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from tenants.api import PlanLimitExceeded

from . import money
from .limits import (
    LEARNER_REFUSAL,
    feature_check,
    limit_check,
    limit_refusal_html,
    limit_refusal_notify,
    limit_refusal_plain,
)
from .models import Plan
from .money import Money
from .selectors import plan_list_available, tenant_plan
from .services import plan_create, plan_delete, plan_update, tenant_plan_change

__all__ = [
    "LEARNER_REFUSAL",
    "PlanLimitExceeded",
    "feature_check",
    "limit_check",
    "limit_refusal_html",
    "limit_refusal_notify",
    "limit_refusal_plain",
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
