"""Retention: policies within the platform's bounds, a dry run that removes nothing, the real
run that removes what is past its period, each run audited; pages and API for administrators."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tenant_apps.audit.models import AuditEntry
from tenant_apps.privacy import retention
from tenant_apps.privacy.models_retention import RetentionPolicy, RetentionRun
from tenants.api import audit_log

pytestmark = pytest.mark.django_db


def _age(entries, days: int) -> None:
    """Back-date audit entries (the table is append-only: done as the database owner in the test)."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        cursor.execute(f'UPDATE "{table}" SET created_at = %s WHERE id = ANY(%s)',
                       [timezone.now() - timedelta(days=days), [e.pk for e in entries]])
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')


def test_dry_run_reports_and_the_real_run_removes_only_what_is_past_its_period(site_a, admin_a):
    with site_a:
        old = [audit_log(action="user.sign_in") for _ in range(3)]
        recent = audit_log(action="user.sign_in")
        _age(old, 120)
        _age([recent], 30)
        dry = retention.retention_run(dry_run=True, actor=admin_a)
        assert dry.report["audit"]["count"] == 3 and dry.report["audit"]["applied"] is False
        assert AuditEntry.objects.filter(pk__in=[e.pk for e in old]).count() == 3  # nothing went
        real = retention.retention_run(dry_run=False, trigger=RetentionRun.Trigger.NIGHTLY)
        assert real.report["audit"]["count"] == 3 and real.report["audit"]["applied"] is True
        assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
        assert AuditEntry.objects.filter(pk=recent.pk).exists()
        # each run is itself audited (and those entries are new, so they stay)
        assert AuditEntry.objects.filter(action="privacy.retention_dry_run").exists()
        assert AuditEntry.objects.filter(action="privacy.retention_run", target_id=str(real.public_id)).exists()


def test_a_longer_period_keeps_more_and_a_switched_off_category_is_only_reported(site_a, admin_a):
    with site_a:
        old = [audit_log(action="user.sign_in")]
        _age(old, 120)
        retention.policy_set(actor=admin_a, category="audit", days=365)
        assert retention.retention_run(dry_run=False).report["audit"]["count"] == 0
        retention.policy_set(actor=admin_a, category="audit", days=90, enabled=False)
        run = retention.retention_run(dry_run=False)
        assert (run.report["audit"]["count"], run.report["audit"]["applied"]) == (1, False)
        assert AuditEntry.objects.filter(pk=old[0].pk).exists()


def test_policies_stay_within_the_platform_bounds(site_a, admin_a, settings):
    from django.core.exceptions import ValidationError

    with site_a:
        with pytest.raises(ValidationError, match="between 30 and 3650"):
            retention.policy_set(actor=admin_a, category="audit", days=7)
        settings.PRIVACY_RETENTION_BOUNDS = {"audit": {"min": 60, "max": 400, "default": 120}}
        audit = next(p for p in retention.policies_get() if p.category.key == "audit")
        assert (audit.days, audit.min_days, audit.max_days) == (120, 60, 400)
        assert not RetentionPolicy.objects.exists()


def test_the_nightly_task_runs_in_every_institution(site_a, site_b):
    with site_a:
        old = [audit_log(action="user.sign_in")]
        _age(old, 200)
    with site_b:
        kept = [audit_log(action="user.sign_in")]
    for site in (site_a, site_b):
        with site:
            retention.retention_nightly_for_tenant.run()
    with site_a:
        assert not AuditEntry.objects.filter(pk=old[0].pk).exists()
        assert RetentionRun.objects.filter(trigger="nightly", dry_run=False).count() == 1
    with site_b:
        assert AuditEntry.objects.filter(pk=kept[0].pk).exists()


def test_staff_page_dry_run_and_policy_form(site_a, admin_a):
    staff = site_a.client(admin_a)
    page = staff.get("/manage/privacy/retention/")
    assert page.status_code == 200 and "Audit and access logs" in page.content.decode()
    bad = staff.post("/manage/privacy/retention/policies", {"category": "audit", "days": "5", "enabled": "on"})
    assert bad.status_code == 400 and "between 30 and 3650" in bad.content.decode()
    assert staff.post("/manage/privacy/retention/policies", {"category": "audit", "days": "180", "enabled": "on"}).status_code == 302
    assert staff.post("/manage/privacy/retention/policies", {"category": "nope", "days": "180"}).status_code == 404
    run = staff.post("/manage/privacy/retention/dry-run")
    assert run.status_code == 302
    report = staff.get(run["Location"]).content.decode()
    assert "Dry run: what would go" in report and "180 days" in report
    learner = site_a.client(site_a.make_user("learner"))
    assert learner.get("/manage/privacy/retention/").status_code == 403


def test_api(site_a, admin_a):
    api = site_a.client(admin_a)
    policies = api.get("/api/v1/manage/privacy/retention").json()
    assert {p["category"] for p in policies} >= {"audit"}
    assert api.put("/api/v1/manage/privacy/retention", {"category": "audit", "days": 10},
                   content_type="application/json").status_code == 400
    assert api.put("/api/v1/manage/privacy/retention", {"category": "nope", "days": 100},
                   content_type="application/json").status_code == 400
    changed = api.put("/api/v1/manage/privacy/retention", {"category": "audit", "days": 200, "enabled": True},
                      content_type="application/json")
    assert changed.status_code == 200 and changed.json()["days"] == 200
    made = api.post("/api/v1/manage/privacy/retention/runs", {"dry_run": True}, content_type="application/json")
    assert made.status_code == 201 and made.json()["dry_run"] is True
    assert api.get(f"/api/v1/manage/privacy/retention/runs/{made.json()['id']}").json()["report"]["audit"]["days"] == 200
    learner = site_a.client(site_a.make_user("learner"))
    assert learner.get("/api/v1/manage/privacy/retention").status_code == 403
