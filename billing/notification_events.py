"""The site-administration events of billing (plan and subscription), sent to an institution's
administrators through the notification service (tenants.api.notify: billing never imports tenant_apps)."""
from __future__ import annotations


def register() -> None:
    from tenants.api import notify_event_register

    billing_url = "https://example.org/manage/billing/"
    # the subscription itself is at stake: always emailed to the administrators
    notify_event_register("billing_payment_failed", title="Subscription payment failed", category="admin",
                          default="all", mandatory=True, audience="admin",
                          sample={"plan_name": "Pro", "grace_until": None, "billing_url": billing_url})
    notify_event_register("billing_trial_ending", title="Free trial ending", category="admin", default="all",
                          mandatory=True, audience="admin",
                          sample={"plan_name": "Pro", "trial_end": None, "billing_url": billing_url})
    notify_event_register("plan_limit_reached", title="Someone was turned away by a plan limit", category="admin",
                          default="all", audience="admin",
                          sample={"message": "The plan allows 50 learners.", "what": "by ada@example.org",
                                  "plan_name": "Free", "upgrade_url": "/manage/billing/", "limit": "learners"})
