""""Resend the verification email" of a pending public sign-up (/start/resend/)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core import mail

from billing.models import Plan
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

EMAIL = "peter@initech.test"
SAME_ANSWER = "we have sent a new confirmation link to that address"


def _text(response) -> str:
    return unescape(response.content.decode())


def _without_csrf(text: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", text)


def _sign_up(public_client, capture, **overrides):
    data = {
        "name": "Initech University", "slug": "initech", "admin_first_name": "Peter", "admin_last_name": "Gibbons",
        "admin_email": "Peter@Initech.Test", "admin_password": "violet-harbour-ninety-kites",
        "plan": Plan.objects.get(code="pro").pk,
    } | overrides
    with capture(execute=True):
        response = public_client.post("/start/", data)
    assert response.status_code == 200, response.content
    return response


def _links(email: str = EMAIL) -> list[str]:
    return [re.search(r"http://[^\s]+/start/verify/[^\s]+/", m.body).group(0)
            for m in mail.outbox if email in [t.lower() for t in m.to]]


def _resend(public_client, capture, email: str, **extra):
    with capture(execute=True):
        return public_client.post("/start/resend/", {"email": email}, **extra)


def test_pending_page_offers_the_resend(public_client, django_capture_on_commit_callbacks):
    page = _text(_sign_up(public_client, django_capture_on_commit_callbacks))
    assert "Resend the verification email" in page
    assert 'action="/start/resend/"' in page and f'value="{EMAIL}"' in page
    form = public_client.get("/start/resend/")
    assert form.status_code == 200 and 'name="email"' in form.content.decode()


def test_resend_mails_a_new_link_that_activates(public_client, django_capture_on_commit_callbacks):
    _sign_up(public_client, django_capture_on_commit_callbacks)
    first = _links()
    assert len(first) == 1
    response = _resend(public_client, django_capture_on_commit_callbacks, "  PETER@initech.test ")
    assert response.status_code == 200
    assert SAME_ANSWER in _text(response)
    links = _links()
    assert len(links) == 2 and links[1] != links[0]
    message = mail.outbox[-1]
    assert "Initech University" in message.subject + message.body
    assert "expires in" in message.body

    response = public_client.get(urlsplit(links[1]).path)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == "initech.localhost"
    assert Tenant.objects.get(slug="initech").status == Tenant.Status.ACTIVE
    # The earlier link was still valid, but one link has activated the institution: it is void now.
    used = public_client.get(urlsplit(links[0]).path)
    assert used.status_code == 400 and "already been used" in _text(used)


def test_earlier_link_still_works_after_a_resend(public_client, django_capture_on_commit_callbacks):
    _sign_up(public_client, django_capture_on_commit_callbacks)
    _resend(public_client, django_capture_on_commit_callbacks, EMAIL)
    first, _second = _links()
    assert public_client.get(urlsplit(first).path).status_code == 302
    assert Tenant.objects.get(slug="initech").status == Tenant.Status.ACTIVE


def test_unknown_email_gets_the_same_answer_and_no_mail(public_client, django_capture_on_commit_callbacks):
    _sign_up(public_client, django_capture_on_commit_callbacks)
    known = _resend(public_client, django_capture_on_commit_callbacks, EMAIL)
    sent = len(mail.outbox)
    unknown = _resend(public_client, django_capture_on_commit_callbacks, "nobody@nowhere.test")
    assert unknown.status_code == known.status_code == 200
    assert _without_csrf(_text(unknown).replace("nobody@nowhere.test", EMAIL)) == _without_csrf(_text(known))
    assert len(mail.outbox) == sent


def test_active_institution_gets_no_mail(public_client, django_capture_on_commit_callbacks):
    # acme is active; its admin's address gets the same answer and nothing is sent.
    response = _resend(public_client, django_capture_on_commit_callbacks, "admin@acme.test")
    assert response.status_code == 200 and SAME_ANSWER in _text(response)
    assert mail.outbox == []
    # Nor once a pending one has been activated.
    _sign_up(public_client, django_capture_on_commit_callbacks)
    public_client.get(urlsplit(_links()[0]).path)
    mail.outbox.clear()
    response = _resend(public_client, django_capture_on_commit_callbacks, EMAIL)
    assert response.status_code == 200 and SAME_ANSWER in _text(response)
    assert mail.outbox == []


def test_resend_is_throttled_per_address(public_client, django_capture_on_commit_callbacks, settings):
    settings.SIGNUP_RESEND_PER_EMAIL = 2
    settings.SIGNUP_RESEND_PER_IP = 100
    _sign_up(public_client, django_capture_on_commit_callbacks)
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert _resend(public_client, django_capture_on_commit_callbacks, EMAIL, REMOTE_ADDR=ip).status_code == 200
    sent = len(mail.outbox)
    response = _resend(public_client, django_capture_on_commit_callbacks, EMAIL, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many verification emails have been requested recently" in _text(response)
    assert len(mail.outbox) == sent


def test_resend_is_throttled_per_client_ip_for_unknown_addresses_too(public_client, django_capture_on_commit_callbacks,
                                                                     settings):
    settings.SIGNUP_RESEND_PER_IP = 2
    for n in range(2):
        assert _resend(public_client, django_capture_on_commit_callbacks, f"x{n}@nowhere.test",
                       REMOTE_ADDR="10.0.0.1").status_code == 200
    response = _resend(public_client, django_capture_on_commit_callbacks, "x9@nowhere.test", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Too many verification emails" in _text(response)
    assert _resend(public_client, django_capture_on_commit_callbacks, "x9@nowhere.test",
                   REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.parametrize("email", ["", "not-an-email", "x" * 150 + "@a.test"])
def test_bad_email_is_a_form_error(public_client, email):
    response = public_client.post("/start/resend/", {"email": email})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mail.outbox == []
