"""Retention of inactive learner accounts (through the erasure pipeline) and of payment records
kept under legal hold (released when the hold ends): dry run vs real run, what is skipped, the
other institution untouched, the pages and API showing both categories."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from tenant_apps.privacy import retention
from tenant_apps.privacy.models import ErasureRequest, LegalHold

pytestmark = pytest.mark.django_db

YEARS_AGO = timezone.timedelta(days=4 * 365)


def _inactive(site, role: str = "learner", **extra) -> User:
    """An account that joined and last signed in four years ago."""
    user = site.make_user(role, **extra)
    with site:
        long_ago = timezone.now() - YEARS_AGO
        User.objects.filter(pk=user.pk).update(date_joined=long_ago, last_login=long_ago)
        user.refresh_from_db()
    return user


def _report(run) -> dict:
    return run.report["inactive_accounts"]


def _live_campaign(admin, tag: str):
    from crowdfunding import services as crowd

    return crowd.campaign_publish(campaign=crowd.campaign_create(
        actor=admin, title=f"Drive {tag}", pitch="Help", story="Story", goal_amount=100_000,
        deadline=timezone.now() + timedelta(days=30)), actor=admin)


def test_inactive_learners_dry_run_reports_and_the_real_run_starts_their_erasure(
        site_a, site_b, admin_a, django_capture_on_commit_callbacks):
    from crowdfunding import services as crowd
    from lms.courses import services as course_services
    from tenant_apps.privacy import erasure
    from tenant_apps.privacy.retention_accounts import retention_hold_set

    gone = _inactive(site_a)
    also_gone = _inactive(site_a)
    signed_in_lately = _inactive(site_a)
    learning_lately = _inactive(site_a)
    held = _inactive(site_a)
    erasing = _inactive(site_a)
    pledging = _inactive(site_a)
    staff = [_inactive(site_a, role) for role in ("instructor", "teaching_assistant", "tenant_admin")]
    superuser = _inactive(site_a)
    other_tenant = _inactive(site_b)
    with site_a:
        User.objects.filter(pk=signed_in_lately.pk).update(last_login=timezone.now() - timedelta(days=10))
        User.objects.filter(pk=superuser.pk).update(is_superuser=True)
        instructor = site_a.make_user("instructor")
        course = course_services.course_create(author=instructor, title=f"Course {secrets.token_hex(3)}")
        lesson = course_services.lesson_create(module=course_services.module_create(course=course, title="M"), title="L")
        course_services.item_create(lesson=lesson, kind="text", title="Reading", body="Read me")
        course_services.course_publish(course=course, author=instructor, change_note="v1")
        course_services.enrollment_create(course=course, learner=learning_lately)  # activity now
        retention_hold_set(user=held, actor=admin_a, reason="disputed grade")
        erasure.erasure_request_create(user=erasing)
        # an open pledge (made long ago) on a live campaign: something may still be charged
        pledge = crowd.pledge_create(backer=pledging, campaign=_live_campaign(admin_a, secrets.token_hex(3)),
                                     amount=2_000)
        type(pledge).objects.filter(pk=pledge.pk).update(created_at=timezone.now() - YEARS_AGO)

        mail.outbox.clear()
        dry = retention.retention_run(dry_run=True, actor=admin_a)
        report = _report(dry)
        assert (report["count"], report["applied"], report["days"]) == (2, False, 1095)
        detail = report["detail"]
        # (the recent sign-in is filtered out by the query; the enrollment was found through lms' provider)
        assert detail["skipped_recent_activity"] == 1 and detail["skipped_open_pledge"] == 1
        assert detail["accounts_held_by_an_administrator"] == 1
        # pseudonymous examples: the profiles' ids, never an address or a name
        assert str(gone.profile.public_id) in detail["examples"]
        assert "@" not in str(dry.report)
        # the dry run changed nothing
        assert not ErasureRequest.objects.filter(reason="retention").exists()
        assert User.objects.get(pk=gone.pk).is_active and mail.outbox == []

        with django_capture_on_commit_callbacks(execute=True):
            real = retention.retention_run(dry_run=False)
        assert (_report(real)["count"], _report(real)["applied"]) == (2, True)
        started = ErasureRequest.objects.filter(reason="retention")
        assert set(started.values_list("user_id", flat=True)) == {gone.pk, also_gone.pk}
        request = started.get(user=gone)
        assert (request.requested_by, request.by_self, request.status) == (None, False, ErasureRequest.Status.COOLING_OFF)
        assert timedelta(days=13) < request.scheduled_for - timezone.now() <= timedelta(days=14)
        assert not User.objects.get(pk=gone.pk).is_active  # locked, like any request
        sent = {m.to[0]: m for m in mail.outbox}
        assert set(sent) == {gone.email, also_gone.email}
        assert "/privacy/erasure/cancel/" in sent[gone.email].body and "not been used" in sent[gone.email].body
        untouched = [signed_in_lately, learning_lately, held, pledging, superuser, *staff]
        assert not ErasureRequest.objects.filter(user__in=untouched).exists()
        assert ErasureRequest.objects.filter(user=erasing).count() == 1

        # the next night finds nothing new: their erasure is under way
        assert _report(retention.retention_run(dry_run=True))["count"] == 0
    with site_b:
        assert not ErasureRequest.objects.exists()
        assert User.objects.get(pk=other_tenant.pk).is_active


def test_cancelling_a_retention_erasure_counts_as_activity(site_a, django_capture_on_commit_callbacks):
    from tenant_apps.privacy import erasure

    learner = _inactive(site_a)
    with site_a:
        with django_capture_on_commit_callbacks(execute=True):
            assert _report(retention.retention_run(dry_run=False))["count"] == 1
        request = ErasureRequest.objects.get(user=learner, reason="retention")
        erasure.erasure_cancel(request=request, actor=None)
        assert User.objects.get(pk=learner.pk).is_active
        assert _report(retention.retention_run(dry_run=True))["count"] == 0


def test_a_longer_period_or_a_switched_off_category_keeps_inactive_accounts(site_a, admin_a):
    learner = _inactive(site_a)
    with site_a:
        retention.policy_set(actor=admin_a, category="inactive_accounts", days=3000)
        assert _report(retention.retention_run(dry_run=False))["count"] == 0
        retention.policy_set(actor=admin_a, category="inactive_accounts", days=365, enabled=False)
        run = retention.retention_run(dry_run=False)
        assert (_report(run)["count"], _report(run)["applied"]) == (1, False)
        assert not ErasureRequest.objects.filter(user=learner).exists()


def test_inactive_accounts_bounds(site_a, admin_a):
    from django.core.exceptions import ValidationError

    with site_a:
        with pytest.raises(ValidationError, match="between 180 and 3650"):
            retention.policy_set(actor=admin_a, category="inactive_accounts", days=30)


# --- payment records under legal hold -------------------------------------------------------------

def _erased_buyer(site, admin, django_capture_on_commit_callbacks):
    """A learner with a paid, partly refunded order (in the ledger) and a collected pledge, erased
    through the real pipeline: their records are under legal hold."""
    from billing.commerce import ledger
    from billing.commerce.models import Order, Refund
    from crowdfunding import services as crowd
    from crowdfunding.models import Pledge
    from tenant_apps.privacy import erasure

    tag = secrets.token_hex(3)
    learner = site.make_user("learner")
    with site:
        order = Order.objects.create(
            number=f"R-7{secrets.randbelow(10**5):05d}", buyer=learner, buyer_email=learner.email, buyer_name="Lee Buyer",
            status=Order.Status.PARTIALLY_REFUNDED, product_kind="course", product_ref="x", description="Course",
            currency="USD", subtotal_amount=2500, total_amount=2500, refunded_amount=500,
            stripe_payment_intent_id=f"pi_{tag}", paid_at=timezone.now())
        ledger.charge_record(order=order, reference=order.stripe_payment_intent_id, total=2500, application_fee=125,
                             processor_fee=103)
        refund = Refund.objects.create(order=order, amount=500, status=Refund.Status.SUCCEEDED, created_by=admin,
                                       reason="Lee asked", stripe_refund_id=f"re_{tag}")
        ledger.refund_record(order=order, reference=refund.stripe_refund_id, amount=500, application_fee_refunded=25)
        pledge = crowd.pledge_create(backer=learner, campaign=_live_campaign(admin, tag), amount=3_000)
        Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.COLLECTED, collected_at=timezone.now(),
                                                   stripe_customer_id=f"cus_{tag}", stripe_payment_intent_id=f"pi_p{tag}",
                                                   status_note="Collected from Lee", order_number=order.number)
        request = erasure.erasure_request_create(user=learner, actor=admin)
        ErasureRequest.objects.filter(pk=request.pk).update(scheduled_for=timezone.now() - timedelta(seconds=1))
        erasure.erasure_start_due()
        with django_capture_on_commit_callbacks(execute=True):
            erasure.erasure_run(request_id=request.pk)
        request.refresh_from_db()
        assert request.status == ErasureRequest.Status.DONE, request.error
    return request, order, refund, pledge


def _age_holds(request, *, years: int) -> None:
    past = timezone.now() - timedelta(days=365 * years)
    LegalHold.objects.filter(request=request).update(created_at=past, held_until=past + timedelta(days=7 * 365 + 2))


def test_payment_holds_that_ended_are_released_and_the_ledger_stays_balanced(
        site_a, site_b, admin_a, admin_b, django_capture_on_commit_callbacks):
    from billing.commerce import ledger
    from billing.commerce.models import LedgerEntry, LedgerTransaction, Order, Refund
    from crowdfunding.models import Pledge

    request, order, refund, pledge = _erased_buyer(site_a, admin_a, django_capture_on_commit_callbacks)
    recent, recent_order, *_ = _erased_buyer(site_a, admin_a, django_capture_on_commit_callbacks)
    foreign, foreign_order, *_ = _erased_buyer(site_b, admin_b, django_capture_on_commit_callbacks)
    with site_b:
        _age_holds(foreign, years=8)
    with site_a:
        _age_holds(request, years=8)
        held = LegalHold.objects.filter(request=request).count()
        assert held == 3  # the order, its refund, the collected pledge
        amounts = sorted(LedgerEntry.objects.filter(transaction__order=order).values_list("amount", flat=True))

        dry = retention.retention_run(dry_run=True, actor=admin_a)
        assert (dry.report["payments"]["count"], dry.report["payments"]["applied"]) == (held, False)
        assert dry.report["payments"]["detail"] == {"commerce.Order": 1, "commerce.Refund": 1, "crowdfunding.Pledge": 1}
        assert LegalHold.objects.filter(request=request).count() == held  # nothing went
        assert Order.objects.get(pk=order.pk).stripe_payment_intent_id

        real = retention.retention_run(dry_run=False)
        assert (real.report["payments"]["count"], real.report["payments"]["applied"]) == (held, True)
        assert not LegalHold.objects.filter(request=request).exists()
        assert LegalHold.objects.filter(request=recent).count() == 3  # its hold has years to run
        released = Order.objects.get(pk=order.pk)
        assert (released.buyer_name, released.buyer_email, released.stripe_payment_intent_id) == ("", "released@invalid", "")
        assert (released.total_amount, released.refunded_amount, released.number) == (2500, 500, order.number)
        assert (Refund.objects.get(pk=refund.pk).reason, Refund.objects.get(pk=refund.pk).stripe_refund_id) == ("", "")
        kept = Pledge.objects.get(pk=pledge.pk)
        assert (kept.stripe_customer_id, kept.stripe_payment_intent_id, kept.status_note, kept.amount) == ("", "", "", 3000)
        # the ledger keeps every amount, without the processor's reference, and still balances
        assert sorted(LedgerEntry.objects.filter(transaction__order=order).values_list("amount", flat=True)) == amounts
        assert all(r.startswith("released-") for r in
                   LedgerTransaction.objects.filter(order=order).values_list("reference", flat=True))
        assert LedgerTransaction.objects.filter(order=recent_order, reference__startswith="pi_").exists()
        assert ledger.unbalanced_transactions() == []
        assert real.report["payments"]["detail"]["orders_released"] == 1
        # a second run finds nothing more
        assert retention.retention_run(dry_run=False).report["payments"]["count"] == 0
    with site_b:
        assert LegalHold.objects.filter(request=foreign).count() == 3
        assert Order.objects.get(pk=foreign_order.pk).stripe_payment_intent_id.startswith("pi_")


def test_a_hold_is_kept_while_the_institutions_period_is_longer(site_a, admin_a, django_capture_on_commit_callbacks):
    request, *_ = _erased_buyer(site_a, admin_a, django_capture_on_commit_callbacks)
    with site_a:
        _age_holds(request, years=8)  # its recorded date passed, but the institution now keeps 10 years
        retention.policy_set(actor=admin_a, category="payments", days=3650)
        assert retention.retention_run(dry_run=False).report["payments"]["count"] == 0
        assert LegalHold.objects.filter(request=request).count() == 3


def test_payments_bounds_and_new_holds_follow_the_institutions_period(site_a, admin_a):
    from django.core.exceptions import ValidationError

    from tenant_apps.privacy import erasure

    with site_a:
        with pytest.raises(ValidationError, match="between 2557 and 3653"):
            retention.policy_set(actor=admin_a, category="payments", days=365)
        retention.policy_set(actor=admin_a, category="payments", days=3000)
        assert (erasure.retention_until() - timezone.now()).days in (2999, 3000)


# --- pages and API ------------------------------------------------------------------------------------

def test_the_retention_page_and_api_show_the_new_categories(site_a, admin_a):
    staff = site_a.client(admin_a)
    page = staff.get("/manage/privacy/retention/").content.decode()
    assert "Inactive learner accounts" in page and "Payment records of erased people" in page
    assert 'id="policy-inactive_accounts"' in page and 'id="policy-payments"' in page
    policies = {p["category"]: p for p in staff.get("/api/v1/manage/privacy/retention").json()}
    assert {"audit", "inactive_accounts", "payments"} <= set(policies)
    changed = staff.put("/api/v1/manage/privacy/retention", {"category": "inactive_accounts", "days": 730},
                        content_type="application/json")
    assert changed.status_code == 200 and changed.json()["days"] == 730
    assert staff.put("/api/v1/manage/privacy/retention", {"category": "payments", "days": 100},
                     content_type="application/json").status_code == 400
    run = staff.post("/manage/privacy/retention/dry-run")
    report = staff.get(run["Location"]).content.decode()
    assert 'data-category="inactive_accounts"' in report and 'data-category="payments"' in report


def test_admins_hold_a_member_from_retention_on_the_page_and_through_the_api(site_a, admin_a):
    from tenant_apps.privacy.models_retention import RetentionHold

    member = site_a.make_user("learner")
    with site_a:
        public_id = member.profile.public_id
    staff = site_a.client(admin_a)
    page = f"/manage/privacy/users/{public_id}/exports"
    assert 'data-hold="off"' in staff.get(page).content.decode()
    assert staff.post(f"/manage/privacy/users/{public_id}/retention-hold", {"action": "hold", "reason": "Dispute"}).status_code == 302
    assert 'data-hold="on"' in staff.get(page).content.decode()
    with site_a:
        assert RetentionHold.objects.get(user=member).reason == "Dispute"
    api = f"/api/v1/manage/privacy/users/{public_id}/retention-hold"
    assert staff.get(api).json()["held"] is True
    assert staff.delete(api).json()["held"] is False
    assert staff.put(api, {"reason": "Alumnus"}, content_type="application/json").json() == {
        "held": True, "reason": "Alumnus", "since": staff.get(api).json()["since"]}
    learner = site_a.client(site_a.make_user("learner"))
    assert learner.get(api).status_code == 403
    assert learner.post(f"/manage/privacy/users/{public_id}/retention-hold", {"action": "release"}).status_code == 403
    with site_a:
        assert RetentionHold.objects.filter(user=member).exists()
