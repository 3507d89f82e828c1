"""The audit log stays append-only, except for erasure's anonymisation and retention's purge."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tenant_apps.audit.models import AuditEntry
from tenants.api import audit_anonymise, audit_log, audit_purge

pytestmark = pytest.mark.django_db


def test_plain_updates_and_deletes_are_still_refused(site_a):
    with site_a:
        audit_log(action="x.test", actor=None)
        table = AuditEntry._meta.db_table
        for sql in (f'UPDATE "{table}" SET action = %s', f'DELETE FROM "{table}" WHERE action <> %s'):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, ["y"])


def test_anonymise_replaces_the_person_in_entries_by_and_about_them_only(site_a):
    ada, bob = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        audit_log(action="user.role_change", target=ada, actor=ada, before={"email": ada.email}, after={"role": "x"})
        audit_log(action="user.role_change", target=bob, actor=bob, before={"email": bob.email})
        changed = audit_anonymise(user_id=ada.pk, emails=[ada.email], pseudonym="retired-abc")
        assert changed == 1
        mine = AuditEntry.objects.get(target_id=str(ada.pk))
        assert (mine.actor_email, mine.actor_ip, mine.before) == ("retired-abc", None, {"email": "retired-abc"})
        assert ada.email not in mine.target_label
        assert AuditEntry.objects.get(target_id=str(bob.pk)).actor_email == bob.email
        assert audit_anonymise(user_id=ada.pk, emails=[ada.email], pseudonym="retired-abc") == 0  # re-runnable


def test_purge_deletes_only_what_is_older(site_a):
    with site_a:
        audit_log(action="x.old")
        cutoff = timezone.now() + timedelta(seconds=1)
        assert audit_purge(before=cutoff, dry_run=True) == AuditEntry.objects.count() >= 1
        kept = AuditEntry.objects.count()
        assert audit_purge(before=timezone.now() - timedelta(days=1)) == 0 and AuditEntry.objects.count() == kept
        assert audit_purge(before=cutoff) == kept and AuditEntry.objects.count() == 0


def test_after_maintenance_the_same_transaction_is_append_only_again(site_a):
    with site_a, transaction.atomic():
        audit_log(action="x.kept")
        audit_purge(before=timezone.now() - timedelta(days=1))
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{AuditEntry._meta.db_table}"')
