"""Every app declares the personal data it holds, and each area exports the right person's data."""
from __future__ import annotations

import pytest
from django.db import models

from tenant_apps.privacy import registry


def test_every_personal_field_of_every_tenant_model_is_declared_by_a_provider():
    gaps = registry.coverage_gaps()
    assert gaps == [], (
        "These fields look personal (a user foreign key, an email/name/IP field or a file) and no privacy "
        f"provider declares them; add them to the app's privacy.py (or privacy_not_personal with a reason): {gaps}")
    assert registry.unknown_declarations() == []


def test_the_walk_would_catch_an_undeclared_model():
    class Diary(models.Model):  # a model an app might add and forget
        owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
        contact_email = models.EmailField()
        attachment = models.FileField()
        mood = models.CharField(max_length=10)

        class Meta:
            app_label = "privacy"

    try:
        gaps = registry.coverage_gaps()
        assert {"privacy.Diary.owner", "privacy.Diary.contact_email", "privacy.Diary.attachment"} <= set(gaps)
        assert "privacy.Diary.mood" not in gaps
    finally:
        from django.apps import apps

        del apps.all_models["privacy"]["diary"]
        apps.clear_cache()


def test_areas_are_the_ones_people_are_promised():
    areas = {p.area for p in registry.providers()}
    assert {"profile", "enrollments", "progress", "quiz_attempts", "submissions", "grades", "payments", "pledges",
            "audit"} <= areas
    held = {p.area for p in registry.providers() if p.legal_hold}
    assert held == {"payments", "pledges"}


@pytest.mark.django_db
def test_each_area_exports_only_that_persons_records(site_a):
    from django.contrib.auth.models import User

    from tenants.api import audit_log

    me, other = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        User.objects.filter(pk=me.pk).update(first_name="Ada", last_name="Lovelace")
        me.refresh_from_db()
        audit_log(action="account.test", target=me, actor=me)
        audit_log(action="account.test", target=other, actor=other)
        parts = {p.area: p.export(me) for p in registry.providers()}
        others = {p.area: p.export(other) for p in registry.providers()}
    account = parts["profile"].records[0]
    assert (account["email"], account["first_name"], account["last_name"]) == (me.email, "Ada", "Lovelace")
    assert others["profile"].records[0]["email"] == other.email
    assert [r["action"] for r in parts["audit"].records] == ["account.test"]
    assert all(r["actor_email"] != other.email for r in parts["audit"].records)
