"""Scholarship campaigns: the goal follows the seats; seats open on success (plus one per extra seat's
worth collected), once; staff award them into LMS enrollments with source "scholarship"; learners
apply once; pages and API; the foreign institution sees none of it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crowdfunding import scholarships, services, settlement
from crowdfunding.models import Campaign, Pledge, ScholarshipApplication, ScholarshipSeat
from crowdfunding.tests.helpers import deadline_pass, pledge_active
from lms.courses.models import Enrollment
from lms.courses.tests.factories import build_published_course
from tenant_apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _course(site, admin, *, price=2_500, **fields):
    from billing.testing import connected_account_make

    connected_account_make(site.tenant)  # priced courses are published once the institution takes payments
    with site:
        return build_published_course(author=admin, title=fields.pop("title", "Data Science 101"), price_amount=price,
                                      **fields)


def _scholarship(admin, course, *, seats=3, seat_amount=None, live=True, **extra) -> Campaign:
    campaign = services.campaign_create(actor=admin, title=extra.pop("title", "Ten seats for data science"),
                                        pitch="Open the course to those who cannot pay",
                                        deadline=timezone.now() + timedelta(days=30), seat_kind="course",
                                        seat_ref=str(course.uuid), seat_amount=seat_amount, seats_wanted=seats, **extra)
    return services.campaign_publish(campaign=campaign, actor=admin) if live else campaign


def _succeeded(site, admin, course, *, seats=3, pledges=(2_500, 2_500, 2_500), seat_amount=None) -> Campaign:
    with site:
        campaign = _scholarship(admin, course, seats=seats, seat_amount=seat_amount)
        for amount in pledges:
            pledge_active(campaign=campaign, backer=site.make_user("learner"), amount=amount)
        deadline_pass(campaign)
        campaign = services.campaign_conclude(campaign=campaign)
    return campaign


# --- set-up --------------------------------------------------------------------------------------------

def test_goal_is_seats_times_the_price_or_a_custom_amount(site_a, admin_a):
    course = _course(site_a, admin_a, price=2_500)
    with site_a:
        campaign = _scholarship(admin_a, course, seats=4, live=False)
        assert (campaign.goal_amount, campaign.seat_amount, campaign.seat_title) == (10_000, 2_500, "Data Science 101")
        custom = _scholarship(admin_a, course, seats=3, seat_amount=4_000, live=False, title="Custom")
        assert custom.goal_amount == 12_000
        with pytest.raises(ValidationError, match="goal is seats"):
            _scholarship(admin_a, course, seats=3, live=False, goal_amount=5_000, title="Typed goal")
        with pytest.raises(ValidationError, match="change the seats instead"):
            services.campaign_update(campaign=campaign, actor=admin_a, goal_amount=50_000)
        # the seats change the goal; live, it may only rise
        campaign = scholarships.campaign_seats_set(campaign=campaign, actor=admin_a, seat_kind="course",
                                                   seat_ref=str(course.uuid), seats_wanted=6)
        assert campaign.goal_amount == 15_000
        campaign = services.campaign_publish(campaign=campaign, actor=admin_a)
        with pytest.raises(ValidationError, match="cannot be lowered"):
            scholarships.campaign_seats_set(campaign=campaign, actor=admin_a, seat_kind="course",
                                            seat_ref=str(course.uuid), seats_wanted=5)
        assert scholarships.campaign_seats_set(campaign=campaign, actor=admin_a, seat_kind="course",
                                               seat_ref=str(course.uuid), seats_wanted=8).goal_amount == 20_000


def test_free_unpublished_or_unknown_targets_are_refused(site_a, admin_a):
    free = _course(site_a, admin_a, price=0, title="Free course")
    with site_a:
        from lms.courses.tests.factories import build_course

        draft = build_course(author=admin_a, title="Draft only")
        with pytest.raises(ValidationError, match="enter the amount one seat costs"):
            _scholarship(admin_a, free, live=False)
        assert _scholarship(admin_a, free, seat_amount=1_000, live=False, title="Free+").goal_amount == 3_000
        with pytest.raises(ValidationError, match="published course or track"):
            _scholarship(admin_a, draft, live=False)
        with pytest.raises(ValidationError, match="not something a campaign can fund"):
            services.campaign_create(actor=admin_a, title="x", pitch="p", deadline=timezone.now() + timedelta(days=3),
                                     seat_kind="spaceship", seat_ref="1", seats_wanted=1)


# --- seats ---------------------------------------------------------------------------------------------

def test_success_opens_the_seats_wanted_once_and_failure_none(site_a, admin_a):
    course = _course(site_a, admin_a)
    campaign = _succeeded(site_a, admin_a, course, seats=3, pledges=(5_000, 4_000))  # 9,000 >= 7,500
    with site_a:
        assert campaign.state == Campaign.State.SUCCESSFUL and campaign.seats_opened == 3
        assert list(ScholarshipSeat.objects.filter(campaign=campaign).values_list("number", "state")) == [
            (1, "available"), (2, "available"), (3, "available")]
        # again (the beat re-running, a second conclude): no extra seat
        services.campaign_conclude(campaign=campaign)
        assert scholarships.seats_open(campaign=campaign, count=3) == 3
        assert ScholarshipSeat.objects.filter(campaign=campaign).count() == 3
        assert AuditEntry.objects.filter(action="campaign.seats_opened", target_id=str(campaign.public_id)).count() == 1

        failed = _scholarship(admin_a, course, seats=3, title="Too ambitious")
        pledge_active(campaign=failed, backer=site_a.make_user("learner"), amount=2_500)
        deadline_pass(failed)
        failed = services.campaign_conclude(campaign=failed)
        assert failed.state == Campaign.State.FAILED and failed.seats_opened == 0
        assert not ScholarshipSeat.objects.filter(campaign=failed).exists()


@pytest.fixture
def saved_cards(stripe_fake):
    from billing import gateway

    def card(card: str, email: str) -> tuple[str, str]:
        customer = gateway.customer_create(email=email, name=email, metadata={}, idempotency=f"cus-{email}")
        session = gateway.checkout_session_create(params={
            "mode": "setup", "customer": customer.id, "success_url": "https://acme/ok", "cancel_url": "https://acme/no"},
            idempotency=f"setup-{email}")
        assert stripe_fake.checkout_pay(session.id, card)["outcome"] == "succeeded"
        intent = gateway.checkout_session_retrieve(session.id).setup_intent
        return customer.id, gateway.setup_intent_retrieve(intent).payment_method
    return card


def test_settlement_opens_a_stretch_seat_per_seat_worth_collected(site_a, admin_a, stripe_fake, saved_cards,
                                                                  django_capture_on_commit_callbacks):
    """3 seats of 10.00 wanted; 57.00 pledged but one card declines: 47.00 collected -> 4 seats, not 5."""
    from billing.stripe_fake import CARD_DECLINED, CARD_SUCCEEDS
    course = _course(site_a, admin_a)
    cards = [(CARD_SUCCEEDS, 2_000), (CARD_SUCCEEDS, 1_500), (CARD_SUCCEEDS, 1_200), (CARD_DECLINED, 1_000)]
    backers = [site_a.make_user("learner") for _ in cards]
    with site_a:
        campaign = _scholarship(admin_a, course, seats=3, seat_amount=1_000)
        for backer, (card, amount) in zip(backers, cards):
            customer, method = saved_cards(card, backer.email)
            Pledge.objects.create(campaign=campaign, backer=backer, amount=amount, currency="USD",
                                  status=Pledge.Status.ACTIVE, stripe_customer_id=customer,
                                  stripe_payment_method_id=method)
        deadline_pass(campaign)
        with django_capture_on_commit_callbacks(execute=False):
            settlement.campaigns_close_due()
        assert Campaign.objects.get(pk=campaign.pk).seats_opened == 3  # on success: the seats wanted
        settlement.settlement_run.run(campaign.pk, inline=True)
        campaign.refresh_from_db()
        assert campaign.state == Campaign.State.SETTLED and campaign.seats_opened == 4
        assert scholarships.collected_total(campaign) == 4_700
        settlement.settlement_run.run(campaign.pk, inline=True)  # again: nothing more
        scholarships.seats_open_for_collected(campaign_id=campaign.pk)
        assert ScholarshipSeat.objects.filter(campaign=campaign).count() == 4


# --- awarding ------------------------------------------------------------------------------------------

def test_award_enrolls_with_source_scholarship_once_audited_and_emailed(site_a, admin_a,
                                                                        django_capture_on_commit_callbacks):
    course = _course(site_a, admin_a)
    campaign = _succeeded(site_a, admin_a, course)
    learner, other = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a, django_capture_on_commit_callbacks(execute=True):
        seat, second = ScholarshipSeat.objects.filter(campaign=campaign).order_by("number")[:2]
        seat = scholarships.seat_award_by_email(seat=seat, email=learner.email.upper(), actor=admin_a)
        enrollment = Enrollment.objects.get(course=course, learner=learner)
        assert enrollment.source == "scholarship" and enrollment.status == "active" and enrollment.enrolled_by == admin_a
        assert (seat.state, seat.awarded_to, seat.enrollment_ref) == ("awarded", learner, str(enrollment.uuid))
        with pytest.raises(ValidationError, match="already been awarded") as refused:
            scholarships.seat_award(seat=seat, learner=other, actor=admin_a)
        assert refused.value.code == "already_awarded"
        with pytest.raises(ValidationError, match="already holds a seat"):
            scholarships.seat_award(seat=second, learner=learner, actor=admin_a)
        with pytest.raises(ValidationError, match="No active member"):
            scholarships.seat_award_by_email(seat=second, email="nobody@nowhere.test", actor=admin_a)
        assert not Enrollment.objects.filter(course=course, learner=other).exists()
        assert AuditEntry.objects.filter(action="scholarship.award", target_id=str(campaign.public_id)).count() == 1
    assert [m.to for m in mail.outbox if "scholarship seat" in m.subject] == [[learner.email]]


def test_a_refused_enrollment_leaves_the_seat_available(site_a, admin_a):
    course = _course(site_a, admin_a, capacity=1)
    campaign = _succeeded(site_a, admin_a, course)
    first, second = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        from lms.courses.services import enrollment_create

        enrollment_create(course=course, learner=first, source="staff")  # the only place is taken
        seat = ScholarshipSeat.objects.filter(campaign=campaign).first()
        with pytest.raises(ValidationError, match="is full"):
            scholarships.seat_award(seat=seat, learner=second, actor=admin_a)
        seat.refresh_from_db()
        assert seat.state == "available" and seat.awarded_to is None
        with pytest.raises(ValidationError, match="already enrolled"):
            scholarships.seat_award(seat=seat, learner=first, actor=admin_a)
        assert ScholarshipSeat.objects.get(pk=seat.pk).state == "available"


def test_track_seat_joins_the_track_with_its_courses(site_a, admin_a):
    from lms.tracks import services as track_services
    from lms.tracks.models import TrackEnrollment

    course = _course(site_a, admin_a, price=0, title="Inside the track")
    with site_a:
        track = track_services.track_create(author=admin_a, title="Data track")
        item = track_services.track_add_course(track=track, course=course, actor=admin_a)
        track_services.track_update(track=track, actor=admin_a, is_published=True, price_amount=9_000)
        campaign = services.campaign_create(actor=admin_a, title="Track seats", pitch="p", seat_kind="track",
                                            seat_ref=str(track.uuid), seats_wanted=2,
                                            deadline=timezone.now() + timedelta(days=3))
        assert campaign.goal_amount == 18_000
        campaign = services.campaign_publish(campaign=campaign, actor=admin_a)
        pledge_active(campaign=campaign, backer=site_a.make_user("learner"), amount=18_000)
        deadline_pass(campaign)
        services.campaign_conclude(campaign=campaign)
        learner = site_a.make_user("learner")
        scholarships.seat_award(seat=campaign.seats.first(), learner=learner, actor=admin_a)
        assert TrackEnrollment.objects.get(track=track, learner=learner).source == "scholarship"
        enrollment = track_services.track_start_course(item=item, learner=learner)
        assert enrollment.source == "scholarship"


# --- applications --------------------------------------------------------------------------------------

def test_learner_applies_once_and_staff_pick_or_decline(site_a, admin_a):
    course = _course(site_a, admin_a)
    with site_a:
        campaign = _scholarship(admin_a, course, seats=1)
    applicant, declined = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        application = scholarships.scholarship_apply(campaign=campaign, applicant=applicant, motivation="I want to learn.")
        with pytest.raises(ValidationError, match="already applied") as twice:
            scholarships.scholarship_apply(campaign=campaign, applicant=applicant, motivation="Again")
        assert twice.value.code == "already_applied"
        with pytest.raises(ValidationError, match="At most 2000"):
            scholarships.scholarship_apply(campaign=campaign, applicant=declined, motivation="x" * 2001)
        other = scholarships.scholarship_apply(campaign=campaign, applicant=declined, motivation="Me too")
        with pytest.raises(PermissionDenied):
            scholarships.application_decide(application=application, actor=applicant, decision="award")
        pledge_active(campaign=campaign, backer=site_a.make_user("learner"), amount=2_500)
        deadline_pass(campaign)
        services.campaign_conclude(campaign=campaign)
        application = scholarships.application_decide(application=application, actor=admin_a, decision="award")
        assert application.state == "awarded" and application.seat.awarded_to == applicant
        assert Enrollment.objects.get(course=course, learner=applicant).source == "scholarship"
        with pytest.raises(ValidationError, match="Every seat"):
            scholarships.application_decide(application=other, actor=admin_a, decision="award")
        assert scholarships.application_decide(application=other, actor=admin_a, decision="reject").state == "rejected"
        with pytest.raises(ValidationError, match="has been decided"):
            scholarships.application_decide(application=other, actor=admin_a, decision="award")
        # every seat is taken: no more applications
        with pytest.raises(ValidationError, match="not taking scholarship applications"):
            scholarships.scholarship_apply(campaign=Campaign.objects.get(pk=campaign.pk),
                                           applicant=site_a.make_user("learner"), motivation="Late")


# --- pages ---------------------------------------------------------------------------------------------

def test_staff_pages_set_up_award_and_decide_learner_gets_403(site_a, admin_a):
    course = _course(site_a, admin_a)
    with site_a:
        campaign = services.campaign_create(actor=admin_a, title="Plain", pitch="p", goal_amount=1_000,
                                            deadline=timezone.now() + timedelta(days=3))
    client = site_a.client(admin_a)
    page = f"/manage/campaigns/{campaign.slug}/scholarships/"
    assert "Fund seats in a course or track" in client.get(page).content.decode()
    assert "Scholarship seats" in client.get(f"/manage/campaigns/{campaign.slug}/").content.decode()
    bad = client.post(page, {"target": f"course:{course.uuid}", "seats_wanted": "0"})
    assert bad.status_code == 400
    saved = client.post(page, {"target": f"course:{course.uuid}", "seat_amount": "", "seats_wanted": "2"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with site_a:
        campaign.refresh_from_db()
        assert (campaign.goal_amount, campaign.seats_wanted) == (5_000, 2)
        campaign = services.campaign_publish(campaign=campaign, actor=admin_a)
    assert "2 seats" in client.get("/manage/campaigns/").content.decode()
    # a learner applies on the public page
    learner = site_a.make_user("learner")
    lclient = site_a.client(learner)
    public = lclient.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "funds <strong>2 seats</strong>" in public and "Apply for a seat" in public
    assert "2 seats in Data Science 101" in site_a.client().get("/campaigns/").content.decode()
    apply_url = f"/campaigns/{campaign.slug}/scholarship/"
    assert lclient.post(apply_url, {"motivation": "Please"}).status_code == 302
    again = lclient.post(apply_url, {"motivation": "Please again"})
    assert again.status_code == 409 and "already applied" in again.content.decode()
    assert "My scholarship applications" in lclient.get("/campaigns/my-pledges/").content.decode()
    backer = site_a.make_user("learner")
    with site_a:
        pledge_active(campaign=campaign, backer=backer, amount=5_000)
        deadline_pass(campaign)
        services.campaign_conclude(campaign=campaign)
        seat = campaign.seats.order_by("number").first()
        application = ScholarshipApplication.objects.get(campaign=campaign)
    # learners cannot award or decide, nor see the staff page
    assert lclient.get(page).status_code == 403
    assert lclient.post(page + f"seats/{seat.public_id}/award", {"email": learner.email}).status_code == 403
    assert lclient.post(page + f"applications/{application.public_id}/decide", {"decision": "award"}).status_code == 403
    # staff pick the applicant, then award the other seat by email
    assert client.post(page + f"applications/{application.public_id}/decide", {"decision": "award"}).status_code == 302
    with site_a:
        seat = campaign.seats.get(state="available")
    other = site_a.make_user("learner")
    assert client.post(page + f"seats/{seat.public_id}/award", {"email": other.email}).status_code == 302
    twice = client.post(page + f"seats/{seat.public_id}/award", {"email": site_a.make_user("learner").email})
    assert twice.status_code == 409 and "already been awarded" in twice.content.decode()
    with site_a:
        assert set(Enrollment.objects.filter(course=course, source="scholarship").values_list("learner", flat=True)) == {
            learner.pk, other.pk}
    # the backer sees what their money opened
    bclient = site_a.client(backer)
    assert "Your pledge helped open 2 seats in Data Science 101" in bclient.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "Your pledge helped open 2 seats in Data Science 101" in bclient.get("/campaigns/my-pledges/").content.decode()
    assert "Awarded a seat" in lclient.get("/campaigns/my-pledges/").content.decode()


def test_api_seats_award_apply_and_applications(site_a, admin_a):
    course = _course(site_a, admin_a)
    client = site_a.client(admin_a)
    deadline = (timezone.now() + timedelta(days=20)).isoformat()
    created = client.post("/api/v1/campaigns", {"title": "API seats", "pitch": "p", "deadline": deadline,
                                                "seat_kind": "course", "seat_ref": str(course.uuid), "seats_wanted": 2},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["goal_amount"] == 5_000 and body["scholarship"]["seats_wanted"] == 2
    assert body["scholarship"]["seat_title"] == "Data Science 101"
    missing = client.post("/api/v1/campaigns", {"title": "No goal", "pitch": "p", "deadline": deadline},
                          content_type="application/json")
    assert missing.status_code == 400 and "goal_amount" in missing.json()["errors"]
    slug = body["slug"]
    patched = client.patch(f"/api/v1/campaigns/{slug}", {"seats_wanted": 3}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["goal_amount"] == 7_500
    client.post(f"/api/v1/campaigns/{slug}/state", {"action": "publish"}, content_type="application/json")
    learner = site_a.make_user("learner")
    lclient = site_a.client(learner)
    applied = lclient.post(f"/api/v1/campaigns/{slug}/scholarships/applications", {"motivation": "Me"},
                           content_type="application/json")
    assert applied.status_code == 201 and applied.json()["state"] == "pending"
    again = lclient.post(f"/api/v1/campaigns/{slug}/scholarships/applications", {"motivation": "Me"},
                         content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_applied"
    assert [a["id"] for a in lclient.get("/api/v1/me/scholarship-applications").json()] == [applied.json()["id"]]
    assert lclient.get(f"/api/v1/campaigns/{slug}/scholarships/applications").status_code == 404
    assert client.get(f"/api/v1/campaigns/{slug}/scholarships/applications").json()[0]["applicant"] == learner.email
    with site_a:
        campaign = Campaign.objects.get(slug=slug)
        pledge_active(campaign=campaign, backer=site_a.make_user("learner"), amount=7_500)
        deadline_pass(campaign)
        services.campaign_conclude(campaign=campaign)
    seats = client.get(f"/api/v1/campaigns/{slug}/scholarships/seats").json()
    assert [s["number"] for s in seats] == [1, 2, 3] and {s["state"] for s in seats} == {"available"}
    assert lclient.get(f"/api/v1/campaigns/{slug}/scholarships/seats").status_code == 404
    award = f"/api/v1/campaigns/{slug}/scholarships/seats/{seats[0]['id']}/award"
    assert lclient.post(award, {"email": learner.email}, content_type="application/json").status_code == 404
    awarded = client.post(award, {"email": learner.email}, content_type="application/json")
    assert awarded.status_code == 200 and awarded.json()["awarded_to"] == learner.email
    assert awarded.json()["application"] == applied.json()["id"]  # the pending application is answered
    twice = client.post(award, {"email": site_a.make_user("learner").email}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_awarded"
    with site_a:
        assert Enrollment.objects.get(course=course, learner=learner).source == "scholarship"


def test_foreign_institution_sees_no_seats_nor_applications(site_a, site_b, admin_a, admin_b):
    course = _course(site_a, admin_a)
    campaign = _succeeded(site_a, admin_a, course)
    with site_a:
        seat = campaign.seats.first()
    b = site_b.client(admin_b)
    base = f"/manage/campaigns/{campaign.slug}/scholarships/"
    assert b.get(base).status_code == 404
    assert b.post(base + f"seats/{seat.public_id}/award", {"email": "admin@globex.test"}).status_code == 404
    assert b.get(f"/api/v1/campaigns/{campaign.slug}/scholarships/seats").status_code == 404
    assert b.post(f"/campaigns/{campaign.slug}/scholarship/", {"motivation": "x"}).status_code == 404
    with site_a:
        assert ScholarshipSeat.objects.get(pk=seat.pk).state == "available"
