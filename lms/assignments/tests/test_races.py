"""Real races against PostgreSQL: two graders saving the first grade of a submission at once."""
import pytest
from django.contrib.auth.models import User

from lms.assignments import services
from lms.assignments.models import Grade, Submission
from lms.courses import permissions as course_permissions
from lms.courses import services as course_services
from tests.concurrency import race


@pytest.fixture
def committed_site(committed_db):
    """site_a without the test transaction that the `db`-based fixture would open."""
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")

from .helpers import course_with_assignment

pytestmark = pytest.mark.usefixtures("media_in_tmp")


@pytest.mark.parametrize("attempt", range(3))
def test_two_graders_saving_the_first_grade_both_finish_with_one_grade(committed_site, attempt):
    site_a = committed_site
    instructor = site_a.make_user(role="instructor")
    ta = site_a.make_user(role="teaching_assistant")
    learner = site_a.make_user(role="learner")
    with site_a:
        course, assignment, _ = course_with_assignment(author=instructor, points=10)
        course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        course_services.enrollment_create(course=course, learner=learner)
        submission = services.submission_create(learner=learner, course=course, assignment_uuid=assignment.uuid,
                                                text="My essay")
    graders = [instructor.pk, ta.pk]
    try:
        def grade(i):
            return services.grade_save(submission=Submission.objects.get(pk=submission.pk),
                                       grader=User.objects.get(pk=graders[i]), points=5 + i, post=True)

        results = race(grade, 2, tenant=site_a.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        with site_a:
            assert Grade.objects.filter(submission_id=submission.pk).count() == 1
    finally:
        with site_a:
            from lms.courses.models import Enrollment

            Enrollment.objects.filter(course=course).delete()
            course.delete()
            User.objects.filter(pk__in=[instructor.pk, ta.pk, learner.pk]).delete()
