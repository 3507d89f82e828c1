"""The audit log: same transaction as the action, append-only, both stores."""
import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from shared_apps.audit.models import OperatorAuditEntry
from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.roles import Role
from tenant_apps.audit.models import AuditEntry
from tenants import services as tenant_services


def test_role_change_is_audited_with_its_actor(site_a, admin_a):
    member = site_a.make_user(role="learner")
    with site_a:
        account_services.user_set_role(user=member, role=Role.INSTRUCTOR, actor=admin_a)
        entry = AuditEntry.objects.get(action="user.role_change", target_id=str(member.pk))
    assert (entry.actor_id, entry.actor_email) == (admin_a.pk, admin_a.email)
    assert entry.diff == {"role": ("learner", "instructor")}
    assert entry.tenant_schema == site_a.tenant.schema_name


def test_an_action_failing_after_auditing_leaves_no_audit_row(site_a, admin_a):
    member = site_a.make_user(role="learner")
    with site_a:
        with pytest.raises(RuntimeError), transaction.atomic():
            account_services.user_set_role(user=member, role=Role.INSTRUCTOR, actor=admin_a)
            raise RuntimeError("the action fails after its audit row was written")
        assert not AuditEntry.objects.filter(action="user.role_change", actor_id=admin_a.pk).exists()


def test_audit_rows_refuse_update_and_delete_in_the_model_and_the_database(site_a, admin_a):
    member = site_a.make_user(role="learner")
    with site_a:
        account_services.user_set_active(user=member, active=False, actor=admin_a)
        entry = AuditEntry.objects.get(action="user.deactivate")
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()
        for sql in ("UPDATE tenant_audit_auditentry SET action = 'x'", "DELETE FROM tenant_audit_auditentry"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        assert AuditEntry.objects.filter(pk=entry.pk, action="user.deactivate").exists()


def test_operator_actions_go_to_the_public_store(site_b):
    tenant_services.tenant_suspend(tenant=site_b.tenant, reason="unpaid")
    tenant_services.tenant_reactivate(tenant=site_b.tenant)
    actions = list(OperatorAuditEntry.objects.filter(tenant_schema=site_b.tenant.schema_name).values_list("action", flat=True))
    assert actions[:2] == ["tenant.reactivate", "tenant.suspend"]
    with site_b:
        assert not AuditEntry.objects.filter(action__startswith="tenant.").exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_operatorauditentry")


def test_sign_in_and_failed_sign_in_are_audited_with_the_ip(site_a):
    member = site_a.make_user(role="learner", email="signin@acme.test")
    client = site_a.client()
    client.post("/accounts/login/", {"username": "signin@acme.test", "password": "wrong-password"}, REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/login/", {"username": "signin@acme.test", "password": "correct-horse-battery-staple"}, REMOTE_ADDR="203.0.113.7")
    with site_a:
        failed = AuditEntry.objects.get(action="auth.login_failed", target_label="signin@acme.test")
        ok = AuditEntry.objects.get(action="auth.login", actor_id=member.pk)
    assert failed.actor_ip == ok.actor_ip == "203.0.113.7"
    assert failed.actor_id is None


def test_x_forwarded_for_is_ignored_unless_behind_our_proxy(site_a, settings):
    site_a.make_user(role="learner", email="xff@acme.test")
    client = site_a.client()
    client.post("/accounts/login/", {"username": "xff@acme.test", "password": "nope"}, REMOTE_ADDR="203.0.113.8",
                HTTP_X_FORWARDED_FOR="198.51.100.1")
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    client.post("/accounts/login/", {"username": "xff@acme.test", "password": "nope"}, REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.9")
    with site_a:
        ips = sorted(AuditEntry.objects.filter(action="auth.login_failed", target_label="xff@acme.test").values_list("actor_ip", flat=True))
    assert ips == ["198.51.100.9", "203.0.113.8"]
