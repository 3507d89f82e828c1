"""The refusal a plan limit raises, known to the tenancy core so every caller can recognise it.

Plans belong to `billing` (which defines the checks); the core only knows the shape of the
refusal, so the API error handler (tenants/rest_api/errors.py) and the storage backends can
answer it without importing billing. It is a django ValidationError, so a service caller that
already turns ValidationError into a form error or a 400 never lets it become a 500.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError

LIMIT_REACHED = "plan_limit_reached"
FEATURE_REQUIRED = "plan_feature_required"


class PlanLimitExceeded(ValidationError):
    """A new addition the institution's plan does not allow.

    `limit`: learners | staff | courses | storage (code "plan_limit_reached"), or a plan
    feature such as custom_domain | api_access (code "plan_feature_required").
    `upgrade_url`: the institution's Billing page, where an administrator changes plan.
    """

    def __init__(self, message: str, *, limit: str, code: str = LIMIT_REACHED, upgrade_url: str = "/manage/billing/",
                 plan_name: str = ""):
        super().__init__(message, code=code)
        self.limit = limit
        self.upgrade_url = upgrade_url
        self.plan_name = plan_name

    @property
    def is_feature(self) -> bool:
        return self.code == FEATURE_REQUIRED

    def as_json(self) -> dict:
        body = {"message": self.message, "code": self.code, "limit": self.limit, "upgrade_url": self.upgrade_url}
        if self.is_feature:
            body["feature"] = self.limit
        return body

    # ValidationError pickles/copies by its message only; keep the extra fields when Django
    # deep-copies form errors.
    def __reduce__(self):
        return (_rebuild, (self.message, self.limit, self.code, self.upgrade_url, self.plan_name))


def _rebuild(message, limit, code, upgrade_url, plan_name):
    return PlanLimitExceeded(message, limit=limit, code=code, upgrade_url=upgrade_url, plan_name=plan_name)
