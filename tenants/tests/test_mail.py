"""Email leaves through a Celery task enqueued on commit: the request never waits on SMTP and
a failing relay never turns a committed change into a 500."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import Invitation
from tenants.mail import mail_send
from tenants.tests.mail_backends import RefusingSmtpBackend


@pytest.mark.django_db
def test_mail_is_not_sent_before_commit_and_is_sent_after(site_a, django_capture_on_commit_callbacks, mailoutbox):
    with site_a, django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_send(template="signup_verify", to=["someone@acme.test"],
                  context={"user": {"email": "x@acme.test"}, "link": "http://x/", "tenant": {"name": "Acme"}, "hours": 48})
    assert mailoutbox == []  # nothing is delivered inside the transaction
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["someone@acme.test"]]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_failing_smtp_relay_does_not_turn_an_invitation_into_a_500(
    site_a, admin_a, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EMAIL_BACKEND = "tenants.tests.mail_backends.RefusingSmtpBackend"
    RefusingSmtpBackend.attempts = 0
    client = site_a.client(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/manage/invitations/", {"email": "smtp-down@example.test", "role": "learner"})
    assert response.status_code == 302, response.content[:500]
    with site_a:
        assert Invitation.objects.filter(email="smtp-down@example.test").exists()
    assert RefusingSmtpBackend.attempts > 1  # the task retried before giving up
    assert mailoutbox == []


@pytest.mark.django_db
def test_failing_smtp_relay_does_not_turn_a_password_reset_into_a_500(
    site_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tenants.tests.mail_backends.RefusingSmtpBackend"
    user = site_a.make_user("learner")
    with django_capture_on_commit_callbacks(execute=True):
        response = site_a.client().post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"


@pytest.mark.worker
def test_mail_is_delivered_by_a_real_worker(celery_worker, settings, django_db_blocker):
    """The worker runs config.settings with the file backend (.data/test/mail): the message
    must appear there, written by the worker, not in this process's locmem outbox."""
    settings.MAIL_DELIVER_EAGER = False
    marker = uuid.uuid4().hex
    to = f"worker-{marker}@acme.test"
    mail_dir = Path(django_settings.DATA_DIR) / "mail"
    with django_db_blocker.unblock():
        try:
            with schema_context("t_acme"):
                mail_send(template="signup_verify", to=[to],  # autocommit: on_commit runs at once
                          context={"user": {"email": "x@acme.test"}, "link": f"http://acme/{marker}/", "tenant": {"name": "Acme"}, "hours": 48})
        finally:
            connection.set_schema_to_public()
    deadline = time.monotonic() + 30
    found = []
    while time.monotonic() < deadline and not found:
        found = [p for p in mail_dir.glob("*.log") if marker in p.read_text(errors="replace")] if mail_dir.exists() else []
        time.sleep(0.3)
    assert found, f"no mail for {to} in {mail_dir}"
    for path in found:
        path.unlink()
