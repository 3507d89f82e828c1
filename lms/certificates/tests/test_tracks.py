"""Track certificates: rules stored on the track (no versions), required courses and projects,
issued automatically when the last project step is accepted."""
import pytest

from lms.certificates import selectors, services
from lms.certificates.models import Certificate
from lms.tracks import services as track_services
from lms.tracks.models import StepSubmission

from .helpers import build_world, complete_everything, enroll

pytestmark = pytest.mark.django_db


def test_track_certificate_needs_the_course_completed_and_the_project_accepted(site_a, admin_a, django_capture_on_commit_callbacks):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Tia", last_name="Track")
    with site_a:
        world = build_world(instructor=instructor)
        track = track_services.track_create(author=admin_a, title="Data Track")
        course_item = track_services.track_add_course(track=track, course=world.course, actor=admin_a)
        project_item = track_services.track_add_project(track=track, title="Capstone", actor=admin_a)
        step = track_services.project_step_add(project=project_item.project, title="Report", instructions="",
                                               deliverable="text", actor=admin_a)
        track_services.track_update(track=track, actor=admin_a, is_published=True)
        services.track_rules_update(track=track, actor=admin_a, rules={
            "enabled": True, "min_completion_percent": 100, "courses": [{"uuid": str(course_item.uuid)}],
            "projects": [{"uuid": str(project_item.uuid)}]})
        track_services.track_enroll(track=track, learner=learner)
        enrollment = enroll(world, learner)
        result = selectors.track_eligibility(track=track, learner=learner)
        assert result.unmet == ["Completion 0 % (at least 100 % needed)", "0 of 1 required course completed",
                                "“Certified Course” is not completed yet", "0 of 1 required project accepted",
                                "“Capstone” is not accepted yet"]
        complete_everything(world, enrollment)  # 4 of 5 items: the course is not completed yet
        from lms.courses.models import Enrollment

        Enrollment.objects.filter(pk=enrollment.pk).update(status="completed", progress_percent=100)
        submission = track_services.step_submit(step=step, learner=learner, text="Done")
        assert services.certificate_auto_issue(learner_id=learner.pk, step_id=step.pk) == []
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            track_services.step_review(submission=StepSubmission.objects.get(pk=submission.pk), reviewer=admin_a,
                                       accepted=True)
        assert any(c.__module__ == "lms.certificates.signals" for c in callbacks)
        numbers = services.certificate_auto_issue(learner_id=learner.pk, step_id=step.pk)
        assert len(numbers) == 1
        certificate = Certificate.objects.get(number=numbers[0])
        assert certificate.subject_kind == "track" and certificate.subject_title == "Data Track"
        assert [line["kind"] for line in certificate.breakdown] == ["course", "project"]
        assert services.certificate_auto_issue(learner_id=learner.pk, step_id=step.pk) == []
        # tracks have no versions: changed rules are a new rule set (a learner could earn it once more)
        services.track_rules_update(track=track, actor=admin_a, rules={"enabled": True, "min_completion_percent": 50})
        assert selectors.track_rules(track=track)["min_completion_percent"] == 50


def _issued_track_certificate(site_a, admin_a):
    """A track with one course and one project, a learner who completed both: -> (track, certificate)."""
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Lou", last_name="Listed")
    with site_a:
        world = build_world(instructor=instructor)
        track = track_services.track_create(author=admin_a, title="Listed Track")
        course_item = track_services.track_add_course(track=track, course=world.course, actor=admin_a)
        project_item = track_services.track_add_project(track=track, title="Capstone", actor=admin_a)
        step = track_services.project_step_add(project=project_item.project, title="Report", instructions="",
                                               deliverable="text", actor=admin_a)
        track_services.track_update(track=track, actor=admin_a, is_published=True)
        services.track_rules_update(track=track, actor=admin_a, rules={
            "enabled": True, "courses": [{"uuid": str(course_item.uuid)}], "projects": [{"uuid": str(project_item.uuid)}]})
        track_services.track_enroll(track=track, learner=learner)
        from lms.courses.models import Enrollment

        enrollment = enroll(world, learner)
        Enrollment.objects.filter(pk=enrollment.pk).update(status="completed", progress_percent=100)
        submission = track_services.step_submit(step=step, learner=learner, text="Done")
        track_services.step_review(submission=StepSubmission.objects.get(pk=submission.pk), reviewer=admin_a, accepted=True)
        [number] = services.certificate_auto_issue(learner_id=learner.pk, step_id=step.pk)
        return track, Certificate.objects.get(number=number), learner


def test_track_staff_list_filters_revokes_and_hides_from_others(site_a, admin_a):
    track, certificate, learner = _issued_track_certificate(site_a, admin_a)
    staff = site_a.client(admin_a)
    url = f"/studio/tracks/{track.slug}/certificates/"
    page = staff.get(url)
    assert page.status_code == 200 and certificate.number in page.content.decode() and "Lou Listed" in page.content.decode()
    assert certificate.number not in staff.get(url, {"status": "revoked"}).content.decode()
    assert certificate.number not in staff.get(url, {"q": "nobody-such"}).content.decode()
    # a learner (even the holder) and a stranger to the track see no such page
    assert site_a.client(learner).get(url).status_code == 404
    assert site_a.client(site_a.make_user(role="instructor")).get(url).status_code == 404
    assert site_a.client(learner).post(f"{url}{certificate.number}/revoke", {"reason": "x"}).status_code == 404
    # a revoke without a reason is refused with a message and changes nothing
    staff.post(f"{url}{certificate.number}/revoke", {"reason": ""})
    with site_a:
        assert not Certificate.objects.filter(pk=certificate.pk, revocation__isnull=False).exists()
    assert staff.post(f"{url}{certificate.number}/revoke", {"reason": "Plagiarism"}).status_code == 302
    revoked = staff.get(url, {"status": "revoked"}).content.decode()
    assert certificate.number in revoked and "Plagiarism" in revoked
    assert staff.get(f"/studio/tracks/{track.slug}/certificates/EC-AAAAAAAAAAAAAAAA/revoke").status_code == 405
    assert staff.post(f"{url}EC-AAAAAAAAAAAAAAAA/revoke", {"reason": "x"}).status_code == 404
