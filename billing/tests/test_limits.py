"""Plan limits where they bite: learners (invitation, CSV import, sign-up, enrollment), staff seats,
courses, storage, custom domains (tests in the console's), API access; canceled plans fall back
to the free plan; nothing over a limit is hidden."""
from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.api import PlanLimitExceeded, limit_check
from billing.models import Plan, Subscription
from lms.courses.models import Course, Enrollment
from lms.courses.tests.factories import build_course, build_published_course
from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.models import SiteSettings
from tenant_apps.accounts.roles import Role, role_of
from tenant_apps.accounts.selectors import learner_count
from tenant_apps.accounts.tests.manage_helpers import api_client, client_as, csv_file, jwt_for, media_in_tmp, png_bytes  # noqa: F401
from tenants.storage import STORAGE_USED_KEY

pytestmark = pytest.mark.django_db

BILLING = "/manage/billing/"


def _text(response) -> str:
    return unescape(response.content.decode())


def _on_plan(site, **limits) -> Plan:
    """Put the site on a tight plan (inside the test's transaction: rolled back afterwards)."""
    fields = {"max_learners": None, "max_courses": None, "max_staff": None, "storage_mb": 1024,
              "features": {"api_access": True}} | limits
    plan = Plan.objects.create(code=f"tight-{Plan.objects.count()}", name="Tight", price_amount=900, **fields)
    Subscription.objects.filter(tenant=site.tenant).update(plan=plan, status=Subscription.Status.ACTIVE)
    return plan


def _learners(site) -> int:
    with site:
        return learner_count()


def _fill_learners(site, upto: int) -> None:
    while _learners(site) < upto:
        site.make_user("learner")


def _refusal(response, *, limit: str, status: int = 402) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["limit"] == limit and body["upgrade_url"] == BILLING, body
    assert body["code"] == ("plan_feature_required" if status == 403 else "plan_limit_reached")
    assert body["message"]
    return body


# --- the check itself --------------------------------------------------------------------------

def test_no_plan_means_no_limits_and_trialing_or_past_due_keep_the_plan(site_a):
    _fill_learners(site_a, 2)
    plan = _on_plan(site_a, max_learners=2)
    with site_a:
        with pytest.raises(PlanLimitExceeded) as refused:
            limit_check("learners")
        assert refused.value.limit == "learners" and "Tight" in refused.value.message and "2" in refused.value.message
        for status in (Subscription.Status.TRIALING, Subscription.Status.PAST_DUE):
            Subscription.objects.filter(tenant=site_a.tenant).update(status=status)
            with pytest.raises(PlanLimitExceeded):
                limit_check("learners")
        Subscription.objects.filter(tenant=site_a.tenant).update(plan=None)
        limit_check("learners")  # no plan: nothing is limited
        assert plan.max_learners == 2


def test_canceled_subscription_falls_back_to_the_free_plans_limits(site_a):
    Plan.objects.filter(code="starter").update(sort_order=9)  # the free plan below is the fallback
    Plan.objects.create(code="free-test", name="Free Test", price_amount=0, max_learners=1, sort_order=0)
    _on_plan(site_a, max_learners=None)
    _fill_learners(site_a, 1)
    site_a.make_user("learner")  # the paid plan has no learner limit
    Subscription.objects.filter(tenant=site_a.tenant).update(status=Subscription.Status.CANCELED)
    with site_a, pytest.raises(PlanLimitExceeded) as refused:
        account_services.user_create(email="late@example.org", role=Role.LEARNER)
    assert "Free Test" in refused.value.message


# --- learners ----------------------------------------------------------------------------------

def test_invitation_over_the_learner_limit_is_a_form_error_with_upgrade_link_and_an_api_402(site_a, admin_a):
    _fill_learners(site_a, 2)
    _on_plan(site_a, max_learners=2)
    client = client_as(site_a, admin_a)
    response = client.post("/manage/invitations/", {"email": "new@example.org", "role": Role.LEARNER})
    assert response.status_code == 400
    html = response.content.decode()
    assert "includes 2 learners" in _text(response) and f'<a href="{BILLING}">' in html
    api = api_client(site_a, jwt_for(site_a, admin_a.email))
    _refusal(api.post("/api/v1/invitations", {"email": "new@example.org", "role": "learner"},
                      content_type="application/json"), limit="learners")
    # Staff invitations count against staff seats, not learners.
    response = client.post("/manage/invitations/", {"email": "teacher@example.org", "role": Role.INSTRUCTOR})
    assert response.status_code == 302
    with site_a:
        assert not User.objects.filter(username="new@example.org").exists()


@pytest.mark.usefixtures("media_in_tmp")
def test_csv_import_reports_rows_over_the_limit_and_keeps_the_rest(site_a, admin_a, django_capture_on_commit_callbacks):
    _fill_learners(site_a, 1)
    _on_plan(site_a, max_learners=2)
    body = ("email,first_name,last_name,role\n"
            "one@example.org,One,L,learner\n"       # row 2: the last free place
            "two@example.org,Two,L,learner\n"       # row 3: over the limit
            "ian@example.org,Ian,I,instructor\n"    # row 4: staff, not a learner
            "three@example.org,Three,L,learner\n")  # row 5: over the limit
    with site_a:
        user_import = account_services.user_import_create(upload=csv_file(body), created_by=admin_a)
    with site_a, django_capture_on_commit_callbacks(execute=True):
        result = account_services.user_import_process(user_import_id=user_import.pk, base_url="http://acme.test/")
    assert result.status == result.Status.DONE and result.created_count == 2
    assert [(r["row"], r["email"]) for r in result.rejected_rows] == [(3, "two@example.org"), (5, "three@example.org")]
    assert all("includes 2 learners" in r["reason"] for r in result.rejected_rows)
    with site_a:
        assert set(User.objects.filter(username__in=["one@example.org", "ian@example.org", "two@example.org"])
                   .values_list("username", flat=True)) == {"one@example.org", "ian@example.org"}


def test_self_sign_up_over_the_limit_gets_a_plain_message_and_admins_are_told(site_a, mailoutbox,
                                                                                django_capture_on_commit_callbacks):
    with site_a:
        SiteSettings.objects.update_or_create(pk=1, defaults={"display_name": "Acme", "allow_self_registration": True})
        from tenant_apps.accounts.selectors import site_settings_cache_clear

        site_settings_cache_clear()
    _fill_learners(site_a, 1)
    _on_plan(site_a, max_learners=1)
    form = {"first_name": "Sam", "last_name": "Self", "email": "sam@example.org",
            "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9", "accept_policies": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(site_a, None).post("/accounts/signup/", form)
    assert response.status_code == 400
    assert "This site cannot take new learners right now; its administrators have been told." in _text(response)
    assert BILLING not in response.content.decode()  # a newcomer gets no upgrade link
    with site_a:
        assert not User.objects.filter(username="sam@example.org").exists()
    assert [m.to for m in mailoutbox] == [["admin@acme.test"]] and "limit" in mailoutbox[0].subject


def test_enrollment_is_refused_while_over_the_learner_limit_and_nothing_is_hidden(site_a, admin_a):
    instructor = site_a.make_user("instructor")
    with site_a:
        course = build_published_course(author=instructor, title="Open Course")
    enrolled = site_a.make_user("learner")
    with site_a:
        from lms.courses import services as course_services

        course_services.enrollment_create(course=course, learner=enrolled)
    _fill_learners(site_a, 3)
    newcomer = site_a.make_user("learner")
    _on_plan(site_a, max_learners=2)  # a downgrade: 4 learners on a plan for 2

    response = client_as(site_a, newcomer).post(f"/courses/{course.slug}/enroll", follow=True)
    assert "new enrollments are paused" not in _text(response)  # learners get the plain sentence
    assert "This site cannot take new learners right now; its administrators have been told." in _text(response)
    api = api_client(site_a, jwt_for(site_a, newcomer.email))
    _refusal(api.post(f"/api/v1/courses/{course.slug}/enroll"), limit="learners")
    with site_a:
        assert not Enrollment.objects.filter(learner=newcomer).exists()
        # What exists stays: the enrolled learner keeps the course, every learner is still listed.
        assert Enrollment.objects.filter(learner=enrolled, status=Enrollment.Status.ACTIVE).exists()
    listed = client_as(site_a, admin_a).get("/manage/users/?role=learner")
    assert newcomer.email in _text(listed) and enrolled.email in _text(listed)
    dashboard = client_as(site_a, enrolled).get(f"/courses/{course.slug}/")
    assert dashboard.status_code == 200 and "Open Course" in _text(dashboard)


# --- staff seats -------------------------------------------------------------------------------

def test_role_change_to_instructor_over_the_staff_seats_is_refused(site_a, admin_a):
    learner = site_a.make_user("learner")
    with site_a:
        staff_now = User.objects.filter(is_active=True, groups__name__in=[
            Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT]).distinct().count()
    _on_plan(site_a, max_staff=staff_now)
    client = client_as(site_a, admin_a)
    response = client.post(f"/manage/users/{learner.profile.public_id}/role", {"role": Role.INSTRUCTOR})
    assert response.status_code == 400
    assert f"includes {staff_now} staff seat" in _text(response) and f'href="{BILLING}"' in response.content.decode()
    api = api_client(site_a, jwt_for(site_a, admin_a.email))
    _refusal(api.patch(f"/api/v1/users/{learner.profile.public_id}", {"role": "teaching_assistant"},
                       content_type="application/json"), limit="staff")
    with site_a:
        assert role_of(User.objects.get(pk=learner.pk)) == Role.LEARNER
        with pytest.raises(PlanLimitExceeded):
            account_services.user_create(email="ta@example.org", role=Role.TEACHING_ASSISTANT)
        # Moving between staff roles takes no new seat, and learners are not staff.
        account_services.user_create(email="x@example.org", role=Role.LEARNER)
    Plan.objects.filter(subscriptions__tenant=site_a.tenant).update(max_staff=staff_now + 1)
    teacher = site_a.make_user("instructor")
    with site_a:
        account_services.user_set_role(user=teacher, role=Role.TEACHING_ASSISTANT, actor=admin_a)
        assert role_of(teacher) == Role.TEACHING_ASSISTANT


# --- courses -----------------------------------------------------------------------------------

def test_course_creation_over_the_limit_is_refused_on_the_page_and_the_api(site_a, admin_a):
    with site_a:
        build_course(author=admin_a, title="First")
        existing = Course.objects.count()
    _on_plan(site_a, max_courses=existing)
    client = client_as(site_a, admin_a)
    response = client.post("/studio/courses/new/", {"title": "One Too Many", "slug": "", "summary": ""})
    assert response.status_code == 400
    assert f"includes {existing} course" in _text(response) and f'href="{BILLING}"' in response.content.decode()
    api = api_client(site_a, jwt_for(site_a, admin_a.email))
    _refusal(api.post("/api/v1/studio/courses", {"title": "Via API"}, content_type="application/json"), limit="courses")
    with site_a:
        assert Course.objects.count() == existing
    # Nothing over the limit is hidden: the existing courses are all still in the studio.
    Plan.objects.filter(subscriptions__tenant=site_a.tenant).update(max_courses=0)
    listing = client.get("/studio/")
    assert listing.status_code == 200 and "First" in _text(listing)


# --- storage -----------------------------------------------------------------------------------

def _storage_nearly_full(site, *, free_bytes: int) -> None:
    with site:
        cache.set(STORAGE_USED_KEY, 1024 * 1024 - free_bytes, 3600)


@pytest.mark.usefixtures("media_in_tmp")
def test_upload_past_storage_is_a_form_error_and_an_api_402_and_nothing_is_stored(site_a, admin_a):
    instructor = admin_a
    with site_a:
        course = build_course(author=instructor, title="Covered", slug="covered")
    _on_plan(site_a, storage_mb=1)
    image = png_bytes()
    _storage_nearly_full(site_a, free_bytes=len(image) - 1)
    client = client_as(site_a, instructor)
    details = {"title": "Covered", "slug": "covered", "summary": "", "description": "", "level": "beginner",
               "estimated_minutes": "", "tags": "", "capacity": "", "enrollment_opens_at": "",
               "enrollment_closes_at": "", "visibility": "listed", "price": "0", "price_currency": "USD"}
    response = client.post("/studio/courses/covered/", details | {"cover": SimpleUploadedFile("c.png", image)})
    assert response.status_code == 400, response.status_code
    assert "does not fit" in _text(response) and f'href="{BILLING}"' in response.content.decode()
    api = api_client(site_a, jwt_for(site_a, instructor.email))
    _refusal(api.post("/api/v1/studio/courses/covered/cover", {"file": SimpleUploadedFile("c.png", image)}),
             limit="storage")
    with site_a:
        assert not Course.objects.get(pk=course.pk).cover
        assert not default_storage.exists("course-covers")
    # With room for it, the same upload is stored and the running total grows by its size.
    _storage_nearly_full(site_a, free_bytes=len(image) + 100)
    response = client.post("/studio/courses/covered/", details | {"cover": SimpleUploadedFile("c.png", image)})
    assert response.status_code == 302
    with site_a:
        assert Course.objects.get(pk=course.pk).cover
        assert cache.get(STORAGE_USED_KEY) == 1024 * 1024 - 100


@pytest.mark.usefixtures("media_in_tmp")
def test_every_stored_file_is_checked_and_the_running_total_follows_saves_and_deletes(site_a, admin_a):
    _on_plan(site_a, storage_mb=1)
    with site_a:
        assert cache.get(STORAGE_USED_KEY) is None
        name = default_storage.save("probe/a.bin", ContentFile(b"x" * 1000))
        assert cache.get(STORAGE_USED_KEY) == 1000  # counted from the store once, then kept up to date
        default_storage.delete(name)
        assert cache.get(STORAGE_USED_KEY) == 0
        with pytest.raises(PlanLimitExceeded) as refused:
            default_storage.save("probe/big.bin", ContentFile(b"x" * (1024 * 1024 + 1)))
        assert refused.value.limit == "storage" and not default_storage.exists("probe/big.bin")
    # The CSV import's stored upload goes through the same check: a form error, not a 500.
    _storage_nearly_full(site_a, free_bytes=10)
    response = client_as(site_a, admin_a).post("/manage/users/import/", {
        "file": csv_file("email,first_name,last_name,role\nz@example.org,Z,Z,learner\n")})
    assert response.status_code == 400 and "does not fit" in _text(response)


# --- API access --------------------------------------------------------------------------------

def test_api_answers_403_on_a_plan_without_api_access_and_works_with_it(site_a, admin_a, public_client):
    api = api_client(site_a, jwt_for(site_a, admin_a.email))
    assert api.get("/api/v1/me").status_code == 200
    _on_plan(site_a, features={})
    body = _refusal(api.get("/api/v1/me"), limit="api_access", status=403)
    assert body["feature"] == "api_access" and "API access" in body["message"]
    _refusal(api_client(site_a).post("/api/v1/auth/token", {"email": admin_a.email, "password": "x"},
                                     content_type="application/json"), limit="api_access", status=403)
    # The schema and docs stay readable (they describe the API, hold no data); pages are not affected.
    assert api.get("/api/v1/schema/").status_code == 200
    assert client_as(site_a, admin_a).get("/manage/users/").status_code == 200
    Plan.objects.filter(subscriptions__tenant=site_a.tenant).update(features={"api_access": True})
    assert api.get("/api/v1/me").status_code == 200


@pytest.mark.usefixtures("media_in_tmp")
def test_learner_submission_past_storage_is_refused_plainly_on_the_page_and_402_on_the_api(
        site_a, mailoutbox, django_capture_on_commit_callbacks):
    from lms.assignments.models import Submission
    from lms.assignments.tests.conftest import make_world
    from lms.assignments.tests.helpers import PDF_BYTES, pdf_upload

    w = make_world(site_a, allowed_file_types=["pdf"])
    _on_plan(site_a, storage_mb=1)
    _storage_nearly_full(site_a, free_bytes=len(PDF_BYTES) - 1)
    page = f"/learn/{w.slug}/assignment/{w.assignment.uuid}/submit"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(site_a, w.learner).post(page, {"file": pdf_upload()})
    assert response.status_code == 400
    assert "This site cannot store more files right now; its administrators have been told." in _text(response)
    assert BILLING not in response.content.decode()
    assert [m.to for m in mailoutbox] == [["admin@acme.test"]]
    api = api_client(site_a, jwt_for(site_a, w.learner.email))
    _refusal(api.post(f"/api/v1/me/assignments/{w.assignment.uuid}/submissions", {"file": pdf_upload()}),
             limit="storage")
    with site_a:
        assert not Submission.objects.filter(learner=w.learner).exists()
        assert not default_storage.exists("assignments")


def test_branding_removal_hides_powered_by_on_plans_that_include_it(site_a):
    from django.core.cache import cache

    from billing.models import Plan, Subscription

    assert "Powered by EduCrowd" in site_a.client().get("/accounts/login/").content.decode()
    plan = Plan.objects.create(code="white-label", name="White label", price_amount=9900,
                               features={"branding_removal": True, "api_access": True})
    Subscription.objects.filter(tenant=site_a.tenant).update(plan=plan)
    cache.clear()
    assert "Powered by EduCrowd" not in site_a.client().get("/accounts/login/").content.decode()
