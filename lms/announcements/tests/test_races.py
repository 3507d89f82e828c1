"""Real races against PostgreSQL: beat sweeps running at once publish a due announcement exactly once."""
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.announcements import services
from lms.announcements.models import Announcement
from tests.concurrency import race

SWEEPS = 5


@pytest.fixture
def committed_site(committed_db):
    """site_a without the test transaction that the `db`-based fixture would open."""
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


@pytest.mark.parametrize("attempt", range(2))
def test_racing_beat_sweeps_publish_a_due_announcement_once(committed_site, fanout_in_process, attempt):
    from django.contrib.auth.models import User

    from lms.courses import services as course_services
    from lms.courses.models import Course

    site = committed_site
    instructor = site.make_user(role="instructor")
    with site:
        course = course_services.course_create(author=instructor, title=f"Race announcements {attempt}")
        announcement = services.announcement_create(author=instructor, course=course, title="Due soon",
                                                    publish_at=timezone.now() + timedelta(hours=1))
        Announcement.objects.filter(pk=announcement.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    try:
        results = race(lambda i: services.announcements_publish_due()["published"], SWEEPS, tenant=site.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert sorted(results) == [0] * (SWEEPS - 1) + [1]
        assert [kind for kind, _ in fanout_in_process] == ["fanout"]  # queued by the one winner only
        with site:
            assert Announcement.objects.get(pk=announcement.pk).published_at is not None
    finally:
        with site:
            Announcement.objects.filter(pk=announcement.pk).delete()
            Course.objects.filter(pk=course.pk).delete()
            User.objects.filter(pk=instructor.pk).delete()
