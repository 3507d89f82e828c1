"""The notification service: channels by preference, mandatory events, one-click unsubscribe, digest, bell, API."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from tenant_apps.notifications import selectors, services
from tenant_apps.notifications.models import DigestItem, EmailUnsubscribe, Notification, NotificationPreference

PUBLISHED: list[tuple[int, dict]] = []


def record_publish(user_id: int, message: dict) -> None:  # the realtime hook, as the socket app would be called
    PUBLISHED.append((user_id, message))


CONTEXT = {"course": {"title": "Engines"}, "assignment_title": "Essay 1", "points": "8.00", "max_points": "10.00",
           "url": "https://example.org/"}


@pytest.fixture
def people(site_a):
    names = ("all", "in_app", "email", "digest", "off", "bystander")
    return {n: site_a.make_user("learner") for n in names}


def _send(site, capture, event, recipients, context=CONTEXT, **kwargs):
    with site, capture(execute=True):
        return services.notify(event, recipients, context, **kwargs)


def test_each_choice_delivers_on_exactly_its_channels(site_a, people, django_capture_on_commit_callbacks):
    with site_a:
        for choice in ("in_app", "email", "digest", "off"):
            services.preference_set(user=people[choice], event_key="feedback_posted", choice=choice)
    recipients = [people[n] for n in ("all", "in_app", "email", "digest", "off")]
    mail.outbox.clear()
    reached = _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", recipients, url="/courses/x/")
    assert reached == 4
    with site_a:
        in_app = set(Notification.objects.filter(event_key="feedback_posted").values_list("user_id", flat=True))
        digest = set(DigestItem.objects.values_list("user_id", flat=True))
        n = Notification.objects.get(user=people["all"])
        assert n.url == "/courses/x/" and "Essay 1" in n.body and "8.00 / 10.00" in n.body
    assert in_app == {people["all"].pk, people["in_app"].pk, people["digest"].pk}
    assert digest == {people["digest"].pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["all"].email, people["email"].email])
    assert all("Essay 1" in m.body and "Essay 1" in m.alternatives[0][0] for m in mail.outbox)


def test_user_ids_are_accepted_and_an_unknown_event_is_refused(site_a, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    assert _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [people["all"].pk]) == 1
    assert [m.to for m in mail.outbox] == [[people["all"].email]]
    with site_a, pytest.raises(LookupError):
        services.notify("no_such_event", [people["all"]], {})


def test_a_mandatory_event_cannot_be_turned_off_and_always_emails(site_a, people, django_capture_on_commit_callbacks):
    with site_a:
        with pytest.raises(ValidationError):
            services.preference_set(user=people["off"], event_key="payment_receipt", choice="off")
        with pytest.raises(ValidationError):
            services.preference_set(user=people["off"], event_key="payment_receipt", choice="in_app")
        # a row that somehow says "off" (older choices) is not obeyed either
        NotificationPreference.objects.create(user=people["off"], event_key="payment_receipt", choice="off")
        EmailUnsubscribe.objects.create(user=people["off"], category="payments")
    mail.outbox.clear()
    _send(site_a, django_capture_on_commit_callbacks, "payment_receipt", [people["off"]],
          {"order": {"number": "ORD-1", "description": "Engines"}, "total": "€1.00", "receipt_url": "x", "product_url": "y"})
    assert [m.to for m in mail.outbox] == [[people["off"].email]]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # a receipt has no unsubscribe


def test_an_address_without_account_gets_only_the_email(site_a, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    _send(site_a, django_capture_on_commit_callbacks, "invitation", ["new-person@example.org"],
          {"invitation": {"get_role_display": "Learner"}, "link": "https://acme/accounts/invitation/T/", "inviter": None})
    assert [m.to for m in mail.outbox] == [["new-person@example.org"]]
    assert "https://acme/accounts/invitation/T/" in mail.outbox[0].body


def _unsubscribe_link(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://") or header.startswith("<http://")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in message.body and url in message.alternatives[0][0]
    return re.sub(r"^https?://[^/]+", "", url)


def test_one_click_unsubscribe_works_without_login_and_only_for_its_category(
        site_a, site_b, people, django_capture_on_commit_callbacks):
    user = people["all"]
    with site_a:
        services.preference_set(user=user, event_key="welcome", choice="all")
    mail.outbox.clear()
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user])
    path = _unsubscribe_link(mail.outbox[0])
    anonymous = Client(HTTP_HOST=site_a.host)
    page = anonymous.get(path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    with site_a:
        assert not EmailUnsubscribe.objects.filter(user=user).exists()  # GET only asks
    # the same link on another institution's host, or altered, is worth nothing
    assert Client(HTTP_HOST=site_b.host).post(path, "List-Unsubscribe=One-Click",
                                             content_type="application/x-www-form-urlencoded").status_code == 404
    assert anonymous.post(path[:-3] + "xx/", "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded").status_code == 404
    done = Client(HTTP_HOST=site_a.host, enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    with site_a:
        assert list(EmailUnsubscribe.objects.filter(user=user).values_list("category", flat=True)) == ["course"]
    mail.outbox.clear()
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user, people["in_app"]])
    _send(site_a, django_capture_on_commit_callbacks, "welcome", [user], {})
    # course mail stops for this person only; their account mail still goes; the bell still rings
    assert [m.subject for m in mail.outbox if user.email in m.to] == ["Welcome to " + site_a.tenant.name]
    assert [m.to for m in mail.outbox if "Feedback" in m.subject] == [[people["in_app"].email]]
    with site_a:
        assert Notification.objects.filter(user=user, event_key="feedback_posted").count() == 2


def test_digest_is_sent_once_a_day_with_everything_pending(site_a, people, django_capture_on_commit_callbacks):
    user = people["digest"]
    with site_a:
        services.preference_set(user=user, event_key="feedback_posted", choice="digest")
    mail.outbox.clear()
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user], {**CONTEXT, "assignment_title": "First"})
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user], {**CONTEXT, "assignment_title": "Second"})
    assert mail.outbox == []
    today = timezone.localdate()
    with site_a, django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send_for_tenant(day=today) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "First" in mail.outbox[0].body and "Second" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with site_a, django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send_for_tenant(day=today) == 0  # the job again: nothing more
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user], {**CONTEXT, "assignment_title": "Third"})
    with site_a, django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send_for_tenant(day=today) == 0  # once per day: it waits for tomorrow
        assert services.digest_send_for_tenant(day=today + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2 and "Third" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_bell_badge_list_and_mark_read(site_a, people, django_capture_on_commit_callbacks):
    user, other = people["all"], people["bystander"]
    client = site_a.client(user)
    with site_a:
        cache.delete(selectors.unread_cache_key(user.pk))
    assert 'id="notification-badge"' in client.get("/notifications/").content.decode()
    assert selectors_count(site_a, user) == 0  # cached as 0 now
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user], url="/courses/")
    _send(site_a, django_capture_on_commit_callbacks, "quiz_graded", [user, other],
          {"course": {"title": "Engines"}, "quiz_title": "Week 1", "score": 1, "max_score": 2, "url": "x"})
    assert selectors_count(site_a, user) == 2  # the cache was dropped on commit
    badge = client.get("/notifications/badge")
    assert badge.status_code == 200 and 'hx-trigger="every 30s"' in badge.content.decode() and ">2<" in badge.content.decode()
    page = client.get("/notifications/").content.decode()
    assert 'id="notification-list"' in page and "Week 1" in page
    with site_a:
        first = Notification.objects.filter(user=user).order_by("id").first()
        others = Notification.objects.get(user=other)
    assert client.post(f"/notifications/{others.public_id}/read").status_code == 404  # not theirs
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/notifications/{first.public_id}/read", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/courses/"
    assert selectors_count(site_a, user) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/notifications/read-all").status_code == 302
    assert selectors_count(site_a, user) == 0 and selectors_count(site_a, other) == 1


def selectors_count(site, user) -> int:
    with site:
        return selectors.unread_count(user=user)


def test_preferences_page_saves_choices(site_a, people):
    user = people["all"]
    client = site_a.client(user)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and "pref_feedback_posted" in page.content.decode()
    assert client.post("/notifications/preferences/", {"pref_feedback_posted": "digest"}).status_code == 302
    assert client.post("/notifications/preferences/", {"pref_payment_receipt": "off"}).status_code == 400
    with site_a:
        assert dict(NotificationPreference.objects.filter(user=user).values_list("event_key", "choice")) == {
            "feedback_posted": "digest"}


def test_api_list_count_read_and_preferences(site_a, people, django_capture_on_commit_callbacks):
    user = people["all"]
    _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [user, people["bystander"]])
    client = site_a.client(user)
    listed = client.get("/api/v1/me/notifications").json()
    assert len(listed) == 1 and listed[0]["event"] == "feedback_posted" and listed[0]["read_at"] is None
    assert client.get("/api/v1/me/notifications/unread-count").json() == {"unread": 1}
    with django_capture_on_commit_callbacks(execute=True):
        read = client.post(f"/api/v1/me/notifications/{listed[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.get("/api/v1/me/notifications/unread-count").json() == {"unread": 0}
    with site_a:
        foreign = Notification.objects.get(user=people["bystander"]).public_id
    assert client.post(f"/api/v1/me/notifications/{foreign}/read").status_code == 404
    assert client.post("/api/v1/me/notifications/read-all").json() == {"marked": 0}
    prefs = client.get("/api/v1/me/notification-preferences").json()
    assert {p["event"] for p in prefs} >= {"welcome", "invitation", "enrollment_paid", "enrollment_scholarship",
                                          "enrollment_staff", "feedback_posted", "quiz_graded", "certificate_issued",
                                          "payment_receipt", "pledge_collected", "pledge_failed", "export_ready",
                                          "erasure_done"}
    ok = client.patch("/api/v1/me/notification-preferences", {"preferences": {"quiz_graded": "off"}},
                      content_type="application/json")
    assert ok.status_code == 200 and next(p for p in ok.json() if p["event"] == "quiz_graded")["choice"] == "off"
    for bad in ({"preferences": {"quiz_graded": "loud"}}, {"preferences": {"nope": "off"}},
                {"preferences": {"erasure_done": "off"}}, {}):
        assert client.patch("/api/v1/me/notification-preferences", bad, content_type="application/json").status_code == 400


def test_staff_preview_renders_every_template(site_a, people):
    from tenant_apps.notifications.registry import event_types

    admin = site_a.make_user("tenant_admin")
    page = site_a.client(admin).get("/manage/notifications/preview/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "missing template" not in body
    for event in event_types():
        assert f'id="preview-{event.key}"' in body
    assert site_a.client(admin).get("/manage/notifications/preview/?event=nope").status_code == 404
    assert site_a.client(people["all"]).get("/manage/notifications/preview/").status_code == 403


def test_live_publish_hook_is_called_after_commit_and_missing_hook_is_a_no_op(
        site_a, people, django_capture_on_commit_callbacks):
    PUBLISHED.clear()
    with override_settings(NOTIFICATIONS_REALTIME_PUBLISH=f"{__name__}.record_publish"):
        with site_a, django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.notify("feedback_posted", [people["in_app"]], CONTEXT)
        assert PUBLISHED == []  # nothing before commit
        for callback in callbacks:
            callback()
    assert [(uid, m["type"]) for uid, m in PUBLISHED] == [(people["in_app"].pk, "notification.new")]
    assert PUBLISHED[0][1]["badge_url"] == "/notifications/badge"
    with override_settings(NOTIFICATIONS_REALTIME_PUBLISH="tenant_apps.no_such_module.publish"):
        assert _send(site_a, django_capture_on_commit_callbacks, "feedback_posted", [people["all"]]) == 1


def test_preferences_page_lists_each_persons_events_by_category_with_mandatory_ones_always_emailed(site_a, people):
    learner_page = site_a.client(people["all"]).get("/notifications/preferences/").content.decode()
    admin_page = site_a.client(site_a.make_user("tenant_admin")).get("/notifications/preferences/").content.decode()
    for key in ("password_reset", "email_verify", "erasure_requested", "policy_new_version", "project_unlocked",
                "campaign_update", "deadline_extended", "pledge_authenticate", "campaign_failed"):
        assert f'name="pref_{key}"' in learner_page and f'name="pref_{key}"' in admin_page
    for key in ("billing_payment_failed", "billing_trial_ending", "plan_limit_reached"):  # administrators only
        assert f'name="pref_{key}"' not in learner_page and f'name="pref_{key}"' in admin_page
    row = re.search(r'<tr><td><label for="id_pref_password_reset">.*?</tr>', learner_page, re.S).group(0)
    assert "always emailed" in row and 'value="off"' not in row and 'value="in_app"' not in row
    row = re.search(r'<tr><td><label for="id_pref_campaign_update">.*?</tr>', learner_page, re.S).group(0)
    assert "always emailed" not in row and 'value="off"' in row
    assert learner_page.index(">Account<") < learner_page.index(">Courses<") < learner_page.index(">Privacy<")
