"""A priced course goes on sale only once the institution has a charges-enabled Stripe account
(billing.api.sale_ready_check): publishing, pricing a published course and rolling back to a
priced version are refused with a clear message; free courses publish as before."""
import pytest
from django.core.exceptions import ValidationError

from billing import api as billing_api
from billing import webhooks
from billing.models import ConnectedAccount, StripeEvent
from billing.testing import connected_account_make, webhook_post
from lms.courses import services
from lms.courses.models import Course
from lms.courses.tests.factories import build_course, build_published_course
from lms.tracks import services as track_services
from tenant_apps.accounts.tests.manage_helpers import api_client, client_as, jwt_for, media_in_tmp, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]
MESSAGE = "Connect a Stripe account on the Billing page before selling courses"
API = "/api/v1/studio/courses"


@pytest.fixture
def instructor(site_a):
    return site_a.make_user(role="instructor")


def test_priced_course_is_refused_without_an_account_and_free_ones_publish(site_a, instructor):
    with site_a:
        free = build_published_course(author=instructor, title="Free for all")
        assert free.published_version is not None
        priced = build_course(author=instructor, title="Masterclass", price_amount=4900)
        with pytest.raises(billing_api.SaleNotReady, match=MESSAGE) as refused:
            services.course_publish(course=priced, author=instructor)
        assert isinstance(refused.value, ValidationError) and "/manage/billing/" in refused.value.messages[0]
        assert Course.objects.get(pk=priced.pk).published_version_id is None
        assert MESSAGE in " ".join(services.course_validate_for_publish(priced))
        connected_account_make(site_a.tenant, ready=False)  # onboarding started, not finished
        with pytest.raises(billing_api.SaleNotReady, match="onboarding not finished"):
            services.course_publish(course=priced, author=instructor)
        connected_account_make(site_a.tenant)
        assert services.course_validate_for_publish(priced) == []
        assert services.course_publish(course=priced, author=instructor).number == 1


def test_publish_is_allowed_once_account_updated_says_charges_are_enabled(site_a, admin_a, instructor, public_client,
                                                                          stripe_fake):
    assert site_a.client(admin_a).post("/manage/billing/connect").status_code == 302
    account_id = ConnectedAccount.objects.get(tenant=site_a.tenant).stripe_account_id
    with site_a:
        priced = build_course(author=instructor, title="Masterclass", price_amount=4900)
        with pytest.raises(billing_api.SaleNotReady):
            services.course_publish(course=priced, author=instructor)
    stripe_fake.account_onboard(account_id)
    webhook_post(public_client, stripe_fake.events_of("account.updated")[-1], source="connect")
    webhooks.event_process(StripeEvent.objects.get(type="account.updated").pk)
    with site_a:
        assert services.course_publish(course=priced, author=instructor).number == 1


def test_studio_page_shows_the_refusal_as_an_error(site_a, instructor):
    with site_a:
        priced = build_course(author=instructor, title="Masterclass", price_amount=4900)
    client = client_as(site_a, instructor)
    page = client.get(f"/studio/courses/{priced.slug}/publish/")
    assert page.status_code == 200 and MESSAGE in text(page)
    response = client.post(f"/studio/courses/{priced.slug}/publish/", {"change_note": "Go"})
    assert response.status_code == 400 and MESSAGE in text(response)
    with site_a:
        assert Course.objects.get(pk=priced.pk).published_version_id is None


def test_studio_api_answers_409_payouts_not_ready(site_a, instructor):
    with site_a:
        priced = build_course(author=instructor, title="Masterclass", price_amount=4900)
        free = build_published_course(author=instructor, title="Free one")
    client = api_client(site_a, jwt_for(site_a, instructor.email))
    check = client.get(f"{API}/{priced.slug}/publish").json()
    assert check["publishable"] is False and any(MESSAGE in p for p in check["problems"])
    response = client.post(f"{API}/{priced.slug}/publish", {"change_note": "Go"}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "payouts_not_ready" and body["message"].startswith(MESSAGE)
    # pricing a published course puts it on sale at once: refused the same way, nothing changed
    priced_now = client.patch(f"{API}/{free.slug}", {"price": "19.99"}, content_type="application/json")
    assert priced_now.status_code == 409 and priced_now.json()["code"] == "payouts_not_ready"
    with site_a:
        assert Course.objects.get(pk=free.pk).price_amount == 0
    assert client.patch(f"{API}/{free.slug}", {"title": "Free one, renamed"},
                        content_type="application/json").status_code == 200  # other details still save
    connected_account_make(site_a.tenant)
    assert client.post(f"{API}/{priced.slug}/publish", {"change_note": "Go"},
                       content_type="application/json").status_code == 201
    assert client.patch(f"{API}/{free.slug}", {"price": "19.99"}, content_type="application/json").status_code == 200


def test_studio_form_refuses_pricing_a_published_course_with_the_message(site_a, instructor):
    with site_a:
        course = build_published_course(author=instructor, title="Free one")
    client = client_as(site_a, instructor)
    edit = client.get(f"/studio/courses/{course.slug}/")
    form = edit.context["form"]
    data = {name: ("" if value is None else value) for name, value in
            ((name, form[name].value()) for name in form.fields) if name != "cover"}
    data |= {"price": "25", "price_currency": "USD", "tags": ", ".join(course.tags)}
    response = client.post(f"/studio/courses/{course.slug}/", data)
    assert response.status_code == 400 and MESSAGE in text(response)
    with site_a:
        assert Course.objects.get(pk=course.pk).price_amount == 0


def test_rollback_to_a_priced_version_needs_the_account_too(site_a, instructor):
    with site_a:
        account = connected_account_make(site_a.tenant)
        course = build_published_course(author=instructor, title="Was priced", price_amount=1500)
        services.course_details_save(course=course, price_amount=0)
        services.course_publish(course=course, author=instructor)
        ConnectedAccount.objects.filter(pk=account.pk).update(charges_enabled=False)  # Stripe disabled charges
        with pytest.raises(billing_api.SaleNotReady):
            services.course_rollback(course=course, version_number=1, author=instructor)
        course = Course.objects.get(pk=course.pk)
        assert course.price_amount == 0 and course.published_version.number == 2


def test_priced_track_cannot_be_published_without_an_account(site_a, instructor):
    with site_a:
        course = build_published_course(author=instructor, title="Inside the track")
        track = track_services.track_create(author=instructor, title="Paid path")
        track_services.track_add_course(track=track, course=course, actor=instructor)
        track.price_amount = 9900  # tracks are priced with learner payments; the rule is in place for them
        with pytest.raises(billing_api.SaleNotReady, match=MESSAGE):
            track_services.track_update(track=track, actor=instructor, is_published=True)
        connected_account_make(site_a.tenant)
        assert track_services.track_update(track=track, actor=instructor, is_published=True).is_published
        free = track_services.track_create(author=instructor, title="Free path")
        track_services.track_add_course(track=free, course=course, actor=instructor)
        ConnectedAccount.objects.filter(tenant=site_a.tenant).delete()
        assert track_services.track_update(track=free, actor=instructor, is_published=True).is_published
