from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lms.courses import permissions, selectors, services
from lms.courses.models import ContentItem, Course, CourseVersion, Enrollment
from lms.courses.tests.factories import build_course, build_published_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(site_a):
    return site_a.make_user(role="instructor")


@pytest.fixture
def learner(site_a):
    return site_a.make_user(role="learner")


def test_publish_refuses_incomplete_courses_and_writes_nothing(site_a, instructor):
    with site_a:
        course = services.course_create(author=instructor, title="Empty")
        with pytest.raises(ValidationError, match="at least one module"):
            services.course_publish(course=course, author=instructor)
        module = services.module_create(course=course, title="M1")
        with pytest.raises(ValidationError, match="has no lessons"):
            services.course_publish(course=course, author=instructor)
        lesson = services.lesson_create(module=module, title="L1")
        services.item_create(lesson=lesson, kind="video", title="Clip")
        with pytest.raises(ValidationError, match="has no address or file"):
            services.course_publish(course=course, author=instructor)
        assert CourseVersion.objects.filter(course=course).count() == 0
        assert Course.objects.get(pk=course.pk).published_version is None


def test_publish_freezes_a_numbered_version_and_learners_keep_theirs(site_a, instructor, learner):
    with site_a:
        course = build_published_course(author=instructor)
        enrollment = services.enrollment_create(course=course, learner=learner)
        assert enrollment.version.number == 1
        item = ContentItem.objects.filter(lesson__module__course=course).first()
        services.item_update(item=item, title="Reading 1 (revised)")
        assert "Reading 1 (revised)" not in str(course.published_version.snapshot)  # drafts never leak
        v2 = services.course_publish(course=course, author=instructor, change_note="Fix typo")
        assert v2.number == 2 and v2.changes["items_changed"] == ["Reading 1 (revised)"]
        enrollment.refresh_from_db()
        assert enrollment.version.number == 1
        services.enrollment_move_to_version(enrollment=enrollment)
        assert enrollment.version.number == 2


def test_rollback_publishes_old_content_as_new_version_and_resets_draft(site_a, instructor):
    with site_a:
        course = build_published_course(author=instructor)
        lesson = course.modules.first().lessons.first()
        services.item_create(lesson=lesson, kind="link", title="Extra", url="https://example.org/")
        services.course_publish(course=course, author=instructor)
        v3 = services.course_rollback(course=course, version_number=1, author=instructor)
        assert v3.number == 3 and v3.rolled_back_from == 1
        assert v3.changes["items_removed"] == ["Extra"]
        assert not ContentItem.objects.filter(lesson__module__course=course, title="Extra").exists()
        assert services.snapshot_item_uuids(v3.snapshot) == services.snapshot_item_uuids(
            course.versions.get(number=1).snapshot)


def test_teaching_assistant_cannot_publish(site_a, instructor):
    ta = site_a.make_user(role="teaching_assistant")
    with site_a:
        course = build_course(author=instructor)
        permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        assert permissions.can_grade(ta, course) and not permissions.can_edit(ta, course)
        with pytest.raises(ValidationError, match="cannot publish"):
            services.course_publish(course=course, author=ta)


def test_unpublish_hides_from_catalog_but_keeps_enrollments(site_a, instructor, learner):
    with site_a:
        course = build_published_course(author=instructor)
        services.enrollment_create(course=course, learner=learner)
        assert course in selectors.course_list_catalog()
        services.course_unpublish(course=course, author=instructor)
        assert course not in selectors.course_list_catalog()
        assert Enrollment.objects.filter(course=course, learner=learner).exists()


def test_enrollment_rules_capacity_window_payment(site_a, instructor, learner, payouts_ready):
    other = site_a.make_user(role="learner")
    with site_a:
        full = build_published_course(author=instructor, title="Tiny", capacity=1)
        services.enrollment_create(course=full, learner=learner)
        with pytest.raises(ValidationError, match="is full"):
            services.enrollment_create(course=full, learner=other)
        later = build_published_course(author=instructor, title="Later",
                                       enrollment_opens_at=timezone.now() + timedelta(days=2))
        with pytest.raises(ValidationError, match="Enrollment opens"):
            services.enrollment_create(course=later, learner=learner)
        staff = services.enrollment_create(course=later, learner=learner, source="staff", enrolled_by=instructor,
                                           note="scholarship")
        assert staff.note == "scholarship"
        paid = build_published_course(author=instructor, title="Paid", price_amount=1999)
        with pytest.raises(services.PaymentRequired):
            services.enrollment_create(course=paid, learner=learner)
        draft = build_course(author=instructor, title="Draft only")
        with pytest.raises(ValidationError, match="not open"):
            services.enrollment_create(course=draft, learner=learner)


def test_progress_completes_course_and_drop_keeps_records(site_a, instructor, learner):
    with site_a:
        course = build_published_course(author=instructor, items=2)
        enrollment = services.enrollment_create(course=course, learner=learner)
        uuids = services.snapshot_item_uuids(enrollment.version.snapshot)
        services.progress_item_complete(enrollment=enrollment, item_uuid=uuids[0])
        enrollment.refresh_from_db()
        assert enrollment.progress_percent == 50 and enrollment.status == "active"
        assert str(enrollment.last_item_uuid) == uuids[0]  # the player resumes here
        services.progress_item_visit(enrollment=enrollment, item_uuid=uuids[1], time_spent_seconds=30)
        services.progress_item_complete(enrollment=enrollment, item_uuid=uuids[1])
        enrollment.refresh_from_db()
        assert enrollment.progress_percent == 100 and enrollment.status == "completed"
        with pytest.raises(ValidationError):
            services.progress_item_complete(enrollment=enrollment, item_uuid="00000000-0000-0000-0000-000000000000")
        services.enrollment_drop(enrollment=enrollment)
        again = services.enrollment_create(course=course, learner=learner)
        assert again.pk == enrollment.pk and again.item_progress.count() == 2


def test_publish_writes_a_small_digest_for_lists(site_a, instructor):
    with site_a:
        course = build_published_course(author=instructor, title="Digest me", items=2, tags=["x"])
        version = course.published_version
        assert version.digest["course"]["title"] == "Digest me" and version.digest["course"]["tags"] == ["x"]
        assert [i["uuid"] for i in version.digest["items"]] == services.snapshot_item_uuids(version.snapshot)
        assert all("body" not in i for i in version.digest["items"])
        assert version.digest["assignments"] == []
