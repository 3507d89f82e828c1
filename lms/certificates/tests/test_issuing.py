"""Issuing: automatic after grade/progress events and exactly once (repeated and concurrent
calls), by staff, in bulk with a report; numbers; email; immutability; revocation; reissue."""
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from lms.certificates import selectors, services
from lms.certificates.models import BulkIssueJob, Certificate, Revocation
from lms.certificates.tasks import certificate_auto_issue_task
from tenants.models import Tenant
from tests.concurrency import race

from .helpers import all_rules, build_world, complete_everything, enroll, essay_graded, fresh, quiz_graded

SIMPLE = {"enabled": True, "min_completion_percent": 0}


@pytest.fixture
def people(site_a):
    return site_a.make_user(role="instructor"), site_a.make_user(role="learner", first_name="Lea", last_name="Lovelace")


def _eligible_world(site, instructor, learner):
    with site:
        world = build_world(instructor=instructor, publish=False)
        services.course_rules_update(course=world.course, rules=all_rules(world), actor=instructor)
        from lms.courses import services as course_services

        course_services.course_publish(course=world.course, author=instructor)
        world.course.refresh_from_db()
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 10)
        quiz_graded(world, learner, 1, 7)
        essay_graded(world, learner, 18)
        complete_everything(world, enrollment)
        return world, fresh(enrollment)


@pytest.mark.django_db
def test_grade_and_progress_events_queue_a_check_and_the_check_issues_once(site_a, people, django_capture_on_commit_callbacks):
    instructor, learner = people
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world, enrollment = _eligible_world(site_a, instructor, learner)
    checks = [c for c in callbacks if c.__module__ == "lms.certificates.signals"]
    assert len(checks) >= 3  # progress saved (×4), quizzes graded (×2), the essay's grade posted: thin hooks, on commit
    with site_a:
        numbers = []
        for _ in range(5):  # the same event delivered again and again
            numbers += services.certificate_auto_issue(learner_id=learner.pk, course_id=world.course.pk)
        assert len(numbers) == 1
        certificate = Certificate.objects.get(learner=learner)
        assert certificate.number == numbers[0]
        assert re.fullmatch(r"EC-[A-Z2-7]{16}", certificate.number)
        assert certificate.learner_name == "Lea Lovelace" and certificate.subject_title == "Certified Course"
        assert certificate.grade_band == "B" and str(certificate.total_percent) == "86.67"  # (100 + 70 + 90) / 3
        assert [line["percent"] for line in certificate.breakdown] == ["100.00", "70.00", "90.00"]
    # the task is a thin wrapper: running it again changes nothing
    with site_a:
        assert certificate_auto_issue_task.apply(kwargs={"learner_id": learner.pk, "course_id": world.course.pk}).get() == []
        assert Certificate.objects.filter(learner=learner).count() == 1


@pytest.mark.django_db
def test_not_eligible_issues_nothing_and_says_why(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, rules=None, publish=False)
        services.course_rules_update(course=world.course, rules=all_rules(world), actor=instructor)
        from lms.courses import services as course_services

        course_services.course_publish(course=world.course, author=instructor)
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 10)
        result = services.certificate_issue_for_enrollment(enrollment=enrollment)
        assert result.certificate is None and not result.created
        assert "1 of 2 required quizzes passed" in result.eligibility.unmet
        assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_issue_sends_one_email_and_audits(site_a, people, django_capture_on_commit_callbacks):
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        with django_capture_on_commit_callbacks(execute=True):
            result = services.certificate_issue_for_enrollment(enrollment=enrollment)
            services.certificate_issue_for_enrollment(enrollment=enrollment)
        assert [m.to for m in mail.outbox] == [[learner.email]]
        assert result.certificate.number in mail.outbox[0].body
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="certificate.issue").count() == 1


@pytest.mark.django_db
def test_a_certificate_cannot_be_updated_by_the_orm_or_the_database(site_a, people):
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        certificate = services.certificate_issue_for_enrollment(enrollment=enrollment).certificate
        certificate.learner_name = "Somebody Else"
        with pytest.raises(ValueError):
            certificate.save()
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(grade_band="A+")
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE certificates_certificate SET learner_name = 'X' WHERE id = %s", [certificate.pk])
        assert Certificate.objects.get(pk=certificate.pk).learner_name == "Lea Lovelace"


@pytest.mark.django_db
def test_credential_columns_are_write_once(site_a, people):
    """Issue seals the credential and its status index in the same transaction; nothing changes them after."""
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        certificate = services.certificate_issue_for_enrollment(enrollment=enrollment).certificate
        stored = Certificate.objects.get(pk=certificate.pk)
        assert stored.credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        assert stored.status_list_index is not None
        assert stored.credential["credentialStatus"]["statusListIndex"] == str(stored.status_list_index % 131072)
        with pytest.raises(ValidationError):
            services.certificate_credential_attach(certificate=certificate, credential={"proof": "y"})
        with pytest.raises(ValidationError):
            services.certificate_credential_attach(certificate=certificate, status_list_index=7)
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(credential={"proof": "y"})
        assert Certificate.objects.get(pk=certificate.pk).credential == stored.credential


@pytest.mark.django_db
def test_revoke_then_verification_says_revoked_and_reissue_links_the_new_number(site_a, people, django_capture_on_commit_callbacks):
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        certificate = services.certificate_issue_for_enrollment(enrollment=enrollment).certificate
        assert selectors.certificate_verify(number=certificate.number).status == "valid"  # now cached
        with pytest.raises(ValidationError):
            services.certificate_revoke(certificate=certificate, reason="  ", actor=instructor)
        outsider = site_a.make_user(role="instructor")
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(certificate=certificate, reason="x", actor=outsider)
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_revoke(certificate=certificate, reason="Academic misconduct", actor=instructor)
        result = selectors.certificate_verify(number=certificate.number.lower())
        assert result.status == "revoked" and result.revocation_reason == "Academic misconduct"
        with pytest.raises(ValidationError):
            services.certificate_revoke(certificate=certificate, reason="again", actor=instructor)
        with pytest.raises(DatabaseError), transaction.atomic():
            Revocation.objects.filter(certificate=certificate).update(reason="changed")
        # a revoked certificate is not issued again automatically
        assert services.certificate_auto_issue(learner_id=learner.pk, course_id=world.course.pk) == []
        with django_capture_on_commit_callbacks(execute=True):
            new = services.certificate_reissue(certificate=certificate, actor=instructor, reason="Name corrected")
        assert new.number != certificate.number and new.replaces_id == certificate.pk
        assert selectors.certificate_verify(number=certificate.number).replaced_by == new.number
        assert selectors.certificate_verify(number=new.number).status == "valid"
        with pytest.raises(ValidationError):
            services.certificate_reissue(certificate=certificate, actor=instructor)
        assert selectors.certificate_verify(number="EC-NOPE").status == "unknown"


@pytest.mark.django_db
def test_verification_hits_the_database_at_most_twice_then_not_at_all(site_a, people, django_assert_max_num_queries):
    """On a miss: the certificate and its bit in the published status list; then the cache."""
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        number = services.certificate_issue_for_enrollment(enrollment=enrollment).certificate.number
        with django_assert_max_num_queries(2):
            selectors.certificate_verify(number=number)
        with django_assert_max_num_queries(0):
            selectors.certificate_verify(number=number)


@pytest.mark.django_db
def test_staff_issue_and_bulk_issue_report(site_a, people):
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    slow = site_a.make_user(role="learner", first_name="Sam", last_name="Slow")
    had = site_a.make_user(role="learner", first_name="Hana", last_name="Had")
    with site_a:
        slow_enrollment = enroll(world, slow)
        had_enrollment = enroll(world, had)
        staff = services.certificate_issue_for_enrollment(enrollment=had_enrollment, source="staff",
                                                          issued_by=instructor, allow_ineligible=True)
        assert staff.created and staff.certificate.source == "staff"
        with pytest.raises(PermissionDenied):
            services.certificate_issue_for_enrollment(enrollment=slow_enrollment, issued_by=slow)
        job = services.bulk_issue_start(course=world.course, actor=instructor)
        job = services.bulk_issue_run(job_id=job.pk)
        assert job.status == BulkIssueJob.Status.DONE and job.processed == job.total == 3 and job.percent == 100
        assert [r["name"] for r in job.report["issued"]] == ["Lea Lovelace"]
        assert [r["name"] for r in job.report["already"]] == ["Hana Had"]
        (not_eligible,) = job.report["not_eligible"]
        assert not_eligible["name"] == "Sam Slow" and "0 of 2 required quizzes passed" in not_eligible["reasons"]
        assert services.bulk_issue_run(job_id=job.pk).report == job.report  # done: running again changes nothing


@pytest.fixture
def committed_site(committed_db):
    from django.conf import settings

    from conftest import Site

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


@pytest.mark.usefixtures("media_in_tmp")
def test_concurrent_auto_issue_calls_issue_one_certificate(committed_site):
    site_a = committed_site
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Rae", last_name="Race")
    world, _ = _eligible_world(site_a, instructor, learner)
    try:
        results = race(lambda i: services.certificate_auto_issue(learner_id=learner.pk, course_id=world.course.pk),
                       4, tenant=site_a.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        # Exactly one certificate in all: the threads' calls, and (in a full run, where an earlier
        # test's Celery worker is still consuming) the auto-issue task the grade event queued.
        with site_a:
            assert Certificate.objects.filter(learner=learner).count() == 1
        assert sum(len(r) for r in results) <= 1
    finally:
        with site_a:
            from lms.courses.models import Enrollment

            User.objects.filter(pk=learner.pk).delete()
            Enrollment.objects.filter(course=world.course).delete()
            world.course.delete()
            User.objects.filter(pk=instructor.pk).delete()


@pytest.mark.django_db
def test_database_refuses_a_second_certificate_for_the_same_rule_set(site_a, people):
    instructor, learner = people
    world, enrollment = _eligible_world(site_a, instructor, learner)
    with site_a:
        certificate = services.certificate_issue_for_enrollment(enrollment=enrollment).certificate
        fields = {f.attname: getattr(certificate, f.attname) for f in Certificate._meta.concrete_fields
                  if f.attname not in ("id", "uuid", "number")}
        with pytest.raises(IntegrityError), transaction.atomic():
            Certificate.objects.create(number=services.number_make(), **fields)
