"""Each audited action writes its entry (tenant store or public store)."""
import pytest

from billing import services as billing_services
from lms.assignments import services as assignment_services
from lms.assignments.tests.conftest import make_world
from lms.courses import services as course_services
from shared_apps.audit.models import OperatorAuditEntry
from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.models import SiteSettings
from tenant_apps.audit.models import AuditEntry
from tenants import services as tenant_services


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _actions(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("action", flat=True))


def test_invitations_and_settings_are_audited(site_a, admin_a):
    with site_a:
        invitation = account_services.invitation_create(email="new-audit@acme.test", role="instructor", invited_by=admin_a,
                                                        base_url="http://acme.test")
        account_services.invitation_revoke(invitation=invitation, actor=admin_a)
        site = SiteSettings.objects.get(pk=1)
        account_services.site_settings_update(site=site, display_name="Acme Audited")
        assert _actions(target_label="new-audit@acme.test") == ["invitation.revoke", "invitation.create"]
        entry = AuditEntry.objects.get(action="site_settings.update")
        assert entry.diff == {"display_name": ("Acme Academy", "Acme Audited")}


def test_publish_rollback_unpublish_and_posted_grades_are_audited(site_a, media_in_tmp):
    w = make_world(site_a)
    with site_a:
        course_services.course_publish(course=w.course, author=w.instructor, change_note="v2")
        course_services.course_rollback(course=w.course, version_number=1, author=w.instructor)
        w.course.refresh_from_db()
        course_services.course_unpublish(course=w.course, author=w.instructor)
        assert _actions(target_type="courses.course", target_label=str(w.course))[:4] == ["course.unpublish", "course.rollback", "course.publish", "course.publish"]
        submission = assignment_services.submission_create(learner=w.learner, course=w.course, assignment_uuid=w.assignment.uuid,
                                                           text="essay")
        assignment_services.grade_save(submission=submission, grader=w.instructor, points="5", post=True)
        assignment_services.grade_save(submission=submission, grader=w.instructor, points="6", post=True, reason="regrade")
        changes = AuditEntry.objects.filter(action="grade.change", actor_id=w.instructor.pk)
        assert [e.diff.get("final_points") for e in changes] == [("5.00", "6.00"), (None, "5.00")]


def test_operator_plan_and_domain_changes_go_to_the_public_store(site_b):
    plan = billing_services.plan_create(code="audited", name="Audited", price_amount=100)
    billing_services.plan_update(plan=plan, price_amount=200)
    tenant_services.domain_add(tenant=site_b.tenant, domain="learn.globex-audit.example")
    domain = site_b.tenant.domains.get(domain="learn.globex-audit.example")
    tenant_services.domain_remove(domain=domain)
    billing_services.plan_delete(plan=plan)
    actions = list(OperatorAuditEntry.objects.values_list("action", flat=True)[:5])
    assert actions == ["plan.delete", "domain.remove", "domain.add", "plan.update", "plan.create"]
    assert OperatorAuditEntry.objects.get(action="plan.update").diff == {"price_amount": (100, 200)}
    assert OperatorAuditEntry.objects.get(action="domain.add").tenant_schema == site_b.tenant.schema_name
