"""The public "forgot password" form: one answer for members and non-members, bounded per IP."""
from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_reset_answers_members_and_non_members_alike_in_similar_time(
    site_a, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.PASSWORD_RESET_THROTTLE_PER_IP = 1000
    member = site_a.make_user("learner")
    client = site_a.client()
    client.post("/accounts/password/reset/", {"email": "warm-up@acme.test"})  # first-request costs
    timings = {"member": [], "stranger": []}
    answers = {}
    for _ in range(5):
        for who, email in (("member", member.email), ("stranger", "nobody-here@acme.test")):
            with django_capture_on_commit_callbacks(execute=False):  # time the request, not the delivery
                started = time.perf_counter()
                response = client.post("/accounts/password/reset/", {"email": email})
                timings[who].append(time.perf_counter() - started)
            answers[who] = (response.status_code, response["Location"], _page(response))
    assert answers["member"] == answers["stranger"] == (302, "/accounts/password/reset/sent/", "")
    member_t, stranger_t = sorted(timings["member"])[2], sorted(timings["stranger"])[2]  # medians
    # The stand-in path renders the same email: no early return that a stopwatch could see.
    assert stranger_t > member_t * 0.5, timings
    assert stranger_t < member_t * 2 + 0.01, timings


def test_reset_form_is_throttled_per_ip_with_a_message(site_a, settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.PASSWORD_RESET_THROTTLE_PER_IP = 3
    client = site_a.client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post("/accounts/password/reset/", {"email": "admin@acme.test"},
                               REMOTE_ADDR="203.0.113.7").status_code == 302
        response = client.post("/accounts/password/reset/", {"email": "admin@acme.test"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert len(mailoutbox) == 3
    # Another client is not affected.
    assert client.post("/accounts/password/reset/", {"email": "admin@acme.test"},
                       REMOTE_ADDR="203.0.113.8").status_code == 302


def test_reset_link_is_a_mandatory_notification_never_in_the_bell(site_a, django_capture_on_commit_callbacks, mailoutbox):
    """Through the notification service: emailed even to someone who unsubscribed from account emails,
    with no unsubscribe link; a person who also wants it in the bell gets a line without the link."""
    from tenant_apps.notifications import services as notifications
    from tenant_apps.notifications.models import Notification

    member = site_a.make_user("learner")
    with site_a:
        notifications.email_unsubscribe(user=member, category="account")
        notifications.preference_set(user=member, event_key="password_reset", choice="all")
    with django_capture_on_commit_callbacks(execute=True):
        assert site_a.client().post("/accounts/password/reset/", {"email": member.email}).status_code == 302
    assert [m.to for m in mailoutbox] == [[member.email]]
    message = mailoutbox[0]
    assert "Reset your" in message.subject and "/accounts/reset/" in message.body
    assert "Stop " not in message.body and "List-Unsubscribe" not in message.extra_headers
    with site_a:
        bell = Notification.objects.get(user=member, event_key="password_reset")
    assert "/accounts/reset/" not in bell.body and "emailed" in bell.body
