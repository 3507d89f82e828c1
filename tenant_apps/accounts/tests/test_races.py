"""Real races against PostgreSQL: two administrators demoting or deactivating each other at once."""
import uuid

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tenant_apps.accounts import services
from tenant_apps.accounts.roles import Role, role_of
from tests.concurrency import race


@pytest.fixture
def committed_site(committed_db):
    """site_a without the test transaction that the `db`-based fixture would open."""
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")




def _two_lone_admins(site):
    """Two admins who are the institution's only active ones (the fixture admin is set aside)."""
    tag = uuid.uuid4().hex[:8]
    with site:
        first = services.user_create(email=f"race-a-{tag}@x.test", role=Role.TENANT_ADMIN)
        second = services.user_create(email=f"race-b-{tag}@x.test", role=Role.TENANT_ADMIN)
        User.objects.filter(username="admin@acme.test").update(is_active=False)
    return first, second


def _restore(site, *users):
    with site:
        User.objects.filter(username="admin@acme.test").update(is_active=True)
        User.objects.filter(pk__in=[u.pk for u in users]).delete()


def _outcome(site, results, users):
    with site:
        admins = [u for u in User.objects.filter(pk__in=[u.pk for u in users], is_active=True) if role_of(u) == Role.TENANT_ADMIN]
    errors = [r for r in results if isinstance(r, BaseException)]
    return admins, errors


@pytest.mark.parametrize("attempt", range(3))
def test_two_admins_demoting_each_other_leave_one_admin(committed_site, attempt):
    site_a = committed_site
    first, second = _two_lone_admins(site_a)
    pairs = [(first.pk, second.pk), (second.pk, first.pk)]
    try:
        def demote(i):
            actor_pk, target_pk = pairs[i]
            return services.user_set_role(user=User.objects.get(pk=target_pk), role=Role.LEARNER,
                                          actor=User.objects.get(pk=actor_pk))

        results = race(demote, 2, tenant=site_a.tenant)
        admins, errors = _outcome(site_a, results, [first, second])
        assert len(admins) == 1, results
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
        assert "at least one active administrator" in str(errors[0])
    finally:
        _restore(site_a, first, second)


@pytest.mark.parametrize("attempt", range(3))
def test_two_admins_deactivating_each_other_leave_one_admin(committed_site, attempt):
    site_a = committed_site
    first, second = _two_lone_admins(site_a)
    pairs = [(first.pk, second.pk), (second.pk, first.pk)]
    try:
        def deactivate(i):
            actor_pk, target_pk = pairs[i]
            return services.user_set_active(user=User.objects.get(pk=target_pk), active=False,
                                            actor=User.objects.get(pk=actor_pk))

        results = race(deactivate, 2, tenant=site_a.tenant)
        admins, errors = _outcome(site_a, results, [first, second])
        assert len(admins) == 1, results
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    finally:
        _restore(site_a, first, second)


def test_an_audited_action_commits_its_audit_row_with_it(committed_site):
    """Seen from another connection once the action's transaction commits."""
    from tenant_apps.audit.models import AuditEntry

    site = committed_site
    first, second = _two_lone_admins(site)
    with site:
        User.objects.filter(username="admin@acme.test").update(is_active=True)
    try:
        with site:
            services.user_set_role(user=second, role=Role.LEARNER, actor=first)
        [seen] = race(lambda i: list(AuditEntry.objects.filter(action="user.role_change", target_id=str(second.pk))
                                     .values_list("actor_email", flat=True)), 1, tenant=site.tenant)
        assert seen == [first.email]
    finally:
        _restore(site, first, second)
