"""Real races against PostgreSQL: more learners than seats enrolling in a course at the same instant."""
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from lms.courses import services
from lms.courses.models import Course, Enrollment
from tests.concurrency import race

from .factories import build_published_course

SEATS = 3


@pytest.fixture
def committed_site(committed_db):
    """site_a without the test transaction that the `db`-based fixture would open."""
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


@pytest.mark.parametrize("attempt", range(3))
def test_learners_racing_for_the_last_seats_fill_the_course_exactly(committed_site, attempt):
    site_a = committed_site
    instructor = site_a.make_user(role="instructor")
    learners = [site_a.make_user(role="learner") for _ in range(SEATS + 5)]
    with site_a:
        course = build_published_course(author=instructor, title=f"Seats {attempt}", capacity=SEATS)
    try:
        def enroll(i):
            return services.enrollment_create(course=Course.objects.get(pk=course.pk),
                                              learner=User.objects.get(pk=learners[i].pk))

        results = race(enroll, len(learners), tenant=site_a.tenant)
        enrolled = [r for r in results if isinstance(r, Enrollment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(enrolled) == SEATS, results
        assert len(refused) == 5, results  # nothing else: no database error, no deadlock
        assert all("is full" in " ".join(r.messages) for r in refused), results
        with site_a:
            assert Enrollment.objects.filter(course_id=course.pk).count() == SEATS
    finally:
        with site_a:
            Enrollment.objects.filter(course_id=course.pk).delete()
            Course.objects.filter(pk=course.pk).delete()
            User.objects.filter(pk__in=[instructor.pk, *[u.pk for u in learners]]).delete()
