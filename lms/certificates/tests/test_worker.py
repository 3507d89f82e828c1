"""Through a real Celery worker: a learner's grade and progress events queue checks on commit and
the worker issues exactly one certificate; a bulk issue runs to "done" with its report."""
import time

import pytest
from django.contrib.auth.models import User

from lms.certificates import services
from lms.certificates.models import BulkIssueJob, Certificate
from tenants.models import Tenant

from .helpers import all_rules, build_world, complete_everything, enroll, essay_graded, quiz_graded


@pytest.fixture
def committed_site(committed_db):
    from django.conf import settings

    from conftest import Site

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


def _wait(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.usefixtures("media_in_tmp")
def test_events_issue_one_certificate_through_the_worker_and_bulk_runs(committed_site, celery_worker):
    site = committed_site
    instructor = site.make_user(role="instructor")
    learner = site.make_user(role="learner", first_name="Wanda", last_name="Worker")
    other = site.make_user(role="learner", first_name="Otto", last_name="Other")
    course = None
    try:
        with site:
            world = build_world(instructor=instructor, publish=False)
            course = world.course
            services.course_rules_update(course=course, rules=all_rules(world), actor=instructor)
            from lms.courses import services as course_services

            course_services.course_publish(course=course, author=instructor)
            course.refresh_from_db()
            enrollment = enroll(world, learner)
            enroll(world, other)
            quiz_graded(world, learner, 0, 10)
            quiz_graded(world, learner, 1, 10)
            essay_graded(world, learner, 20)  # the grade posted: one check queued (more from progress below)
            complete_everything(world, enrollment)

        def issued():
            with site:
                return Certificate.objects.filter(learner=learner).exists()

        assert _wait(issued), "the worker did not issue the certificate"
        time.sleep(2)  # the other queued checks of the same learner run too: still one certificate
        with site:
            assert Certificate.objects.filter(learner=learner).count() == 1
            assert not Certificate.objects.filter(learner=other).exists()
            job = services.bulk_issue_start(course=course, actor=instructor)

        def done():
            with site:
                return BulkIssueJob.objects.get(pk=job.pk).status == "done"

        assert _wait(done), "the bulk job did not finish"
        with site:
            report = BulkIssueJob.objects.get(pk=job.pk).report
            assert [r["name"] for r in report["already"]] == ["Wanda Worker"]
            assert [r["name"] for r in report["not_eligible"]] == ["Otto Other"]
    finally:
        with site:
            from lms.courses.models import Enrollment

            User.objects.filter(pk__in=[learner.pk, other.pk]).delete()
            if course is not None:
                Enrollment.objects.filter(course=course).delete()
                course.delete()
            User.objects.filter(pk=instructor.pk).delete()
