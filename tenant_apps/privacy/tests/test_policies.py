"""Policies and consent: versions, the consent prompt (pages and API), sign-up and invitation
acceptance, optional consents honoured by the mailer, admin figures and CSV, the announcement email."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.selectors import site_settings_get
from tenant_apps.privacy import consent, policies
from tenant_apps.privacy.models_policies import ConsentChoice, ConsentRecord, PolicyDocument
from tenants.api import mail_send

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "N3w-Passw0rd-long!"
pytestmark = pytest.mark.django_db


def _publish(site, *, kind="privacy", summary="We now keep access logs for 90 days.", effective_at=None,
             reconsent=True, actor=None):
    with site:
        draft = policies.policy_draft_create(kind=kind, title="Privacy policy", body="# Privacy\n\nNew **rules**.",
                                             summary=summary, reconsent=reconsent, created_by=actor)
        return policies.policy_publish(document=draft, effective_at=effective_at, actor=actor)


def _api(site, user):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST=site.host)
    with site:
        client.force_authenticate(user)
    return client


def _jwt(site, user) -> str:
    from tenants.api import tokens_for

    with site:
        return tokens_for(user)["access"]


# --- defaults ---------------------------------------------------------------------------------

def test_a_new_institution_starts_with_the_platform_defaults_as_version_1(site_a):
    with site_a:
        docs = {d.kind: d for d in policies.policy_current_all()}
    assert set(docs) == {"privacy", "terms"}
    assert docs["privacy"].version == 1 and docs["privacy"].platform_default and not docs["privacy"].reconsent
    assert "Acme Academy" in docs["privacy"].body
    page = site_a.client().get("/privacy/policy")
    assert page.status_code == 200 and b"Acme Academy" in page.content and b"Version 1" in page.content
    assert site_a.client().get("/privacy/terms").status_code == 200


def test_the_policy_page_shows_the_current_version_sanitised_and_its_history(site_a, admin_a):
    with site_a:
        draft = policies.policy_draft_create(kind="privacy", title="Privacy", summary="Safer",
                                             body="Hello <script>alert(1)</script> [x](javascript:alert(1))",
                                             created_by=admin_a)
        policies.policy_publish(document=draft, effective_at=None, actor=admin_a)
    page = site_a.client().get("/privacy/policy").content.decode()
    assert "Version 2" in page and "<script>" not in page and "javascript:" not in page
    with site_a:
        v1 = PolicyDocument.objects.get(kind="privacy", version=1)
    old = site_a.client().get(f"/privacy/versions/{v1.public_id}")
    assert old.status_code == 200 and b"not the current version" in old.content


def test_drafts_are_not_public_and_published_versions_are_immutable(site_a, admin_a):
    with site_a:
        draft = policies.policy_draft_create(kind="terms", title="Terms", body="x", summary="", created_by=admin_a)
    assert site_a.client().get(f"/privacy/versions/{draft.public_id}").status_code == 404
    published = _publish(site_a, kind="terms", actor=admin_a)
    admin = site_a.client(admin_a)
    response = admin.post(f"/manage/privacy/policies/{published.public_id}/", {
        "kind": "terms", "title": "Changed", "body": "changed", "summary": ""})
    assert response.status_code == 302
    api = _api(site_a, admin_a)
    assert api.patch(f"/api/v1/manage/privacy/policies/{published.public_id}", {"title": "Changed"},
                     format="json").status_code == 409
    assert api.post(f"/api/v1/manage/privacy/policies/{published.public_id}/publish", {}, format="json").status_code == 409
    with site_a:
        published.refresh_from_db()
        assert published.title == "Privacy policy" and published.body.startswith("# Privacy")


def test_a_version_cannot_take_effect_in_the_past_or_before_a_scheduled_one(site_a, admin_a):
    _publish(site_a, effective_at=timezone.now() + timedelta(days=10), actor=admin_a)
    api = _api(site_a, admin_a)
    draft = api.post("/api/v1/manage/privacy/policies", {"kind": "privacy", "title": "P", "body": "b"},
                     format="json").json()
    past = api.post(f"/api/v1/manage/privacy/policies/{draft['id']}/publish",
                    {"effective_at": (timezone.now() - timedelta(days=1)).isoformat()}, format="json")
    assert past.status_code == 400 and "past" in str(past.json())
    earlier = api.post(f"/api/v1/manage/privacy/policies/{draft['id']}/publish", {}, format="json")
    assert earlier.status_code == 400 and "cannot take effect earlier" in str(earlier.json())


# --- consent required after a new version -------------------------------------------------------

def test_consent_required_after_a_new_version_for_pages_then_accept_lets_through(site_a, admin_a):
    learner = site_a.make_user("learner")
    client = site_a.client(learner)
    assert client.get("/accounts/profile/").status_code == 200  # v1 (platform default) asks nobody
    published = _publish(site_a, actor=admin_a)
    response = client.get("/accounts/profile/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/privacy/consent?next=%2Faccounts%2Fprofile%2F%3Ftab%3D1"
    prompt = client.get(response["Location"])
    assert prompt.status_code == 200 and b"We now keep access logs for 90 days." in prompt.content
    # exempt: the policy pages, logout
    assert client.get("/privacy/policy").status_code == 200
    # staff too
    assert site_a.client(admin_a).get("/manage/users/").status_code == 302
    accepted = client.post("/privacy/consent", {"next": "/accounts/profile/"}, HTTP_USER_AGENT="TestBrowser/1.0",
                           REMOTE_ADDR="203.0.113.7")
    assert accepted.status_code == 302 and accepted["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    with site_a:
        record = ConsentRecord.objects.get(user=learner, document=published)
    assert (record.ip, record.user_agent, record.source) == ("203.0.113.7", "TestBrowser/1.0", "prompt")


def test_consent_required_after_a_new_version_for_the_api_then_accept_lets_through(site_a, admin_a):
    learner = site_a.make_user("learner")
    from django.test import Client

    api = Client(HTTP_HOST=site_a.host, HTTP_AUTHORIZATION=f"Bearer {_jwt(site_a, learner)}")
    assert api.get("/api/v1/me").status_code == 200
    published = _publish(site_a, actor=admin_a)
    refused = api.get("/api/v1/me")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "consent_required" and body["detail"]
    assert [(d["public_id"], d["version"]) for d in body["documents"]] == [(str(published.public_id), 2)]
    current = api.get("/api/v1/privacy/policies").json()["results"]
    assert {(d["kind"], d["consent_required"]) for d in current} == {("privacy", True), ("terms", False)}
    bad = api.post("/api/v1/privacy/consents", {"documents": ["00000000-0000-0000-0000-000000000000"]},
                   content_type="application/json")
    assert bad.status_code == 404
    ok = api.post("/api/v1/privacy/consents", {"documents": [str(published.public_id)]}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["consent_required"] is False
    assert api.get("/api/v1/me").status_code == 200


def test_a_token_the_api_refuses_gets_401_not_consent_required(site_a, admin_a):
    from django.test import Client

    learner = site_a.make_user("learner")
    token = _jwt(site_a, learner)
    _publish(site_a, actor=admin_a)
    with site_a:
        account_services.user_sign_out_everywhere(user=learner)  # the token is revoked
    api = Client(HTTP_HOST=site_a.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me").status_code == 401


def test_a_scheduled_version_asks_nobody_until_it_takes_effect(site_a, admin_a):
    learner = site_a.make_user("learner")
    client = site_a.client(learner)
    scheduled = _publish(site_a, effective_at=timezone.now() + timedelta(hours=1), actor=admin_a)
    assert client.get("/accounts/profile/").status_code == 200
    with site_a:
        PolicyDocument.objects.filter(pk=scheduled.pk).update(effective_at=timezone.now() - timedelta(seconds=1))
    cache.clear()  # in real time the state's cache expires when the scheduled version takes effect
    assert client.get("/accounts/profile/").status_code == 302


def test_a_minor_version_does_not_ask_again(site_a, admin_a):
    learner = site_a.make_user("learner")
    _publish(site_a, reconsent=False, actor=admin_a)
    assert site_a.client(learner).get("/accounts/profile/").status_code == 200


def test_the_check_is_cached_per_person_and_version(site_a, admin_a, django_assert_max_num_queries):
    learner = site_a.make_user("learner")
    _publish(site_a, actor=admin_a)
    with site_a:
        assert consent.consent_missing(user=learner)
        with django_assert_max_num_queries(0):
            assert consent.consent_missing(user=learner)


def test_another_institutions_new_version_asks_nothing_here(site_a, site_b, admin_b):
    learner = site_a.make_user("learner")
    _publish(site_b, actor=admin_b)
    assert site_a.client(learner).get("/accounts/profile/").status_code == 200


# --- sign-up and invitation -------------------------------------------------------------------

SIGNUP = {"first_name": "Lin", "last_name": "Learner", "email": "lin@example.test", "password1": NEW_PASSWORD,
          "password2": NEW_PASSWORD}


def _open_self_registration(site, capture):
    with site, capture(execute=True):
        account_services.site_settings_update(site=site_settings_get(), allow_self_registration=True)


def test_sign_up_without_ticking_acceptance_is_a_form_error(site_a, django_capture_on_commit_callbacks):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    response = site_a.client().post("/accounts/signup/", SIGNUP)
    assert response.status_code == 400
    assert "Please accept the privacy policy and the terms of use" in response.content.decode()
    with site_a:
        assert not User.objects.filter(username="lin@example.test").exists()


def test_sign_up_records_consent_to_the_current_versions(site_a, django_capture_on_commit_callbacks):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = site_a.client().post("/accounts/signup/", {**SIGNUP, "accept_policies": "on"},
                                        HTTP_USER_AGENT="SignupAgent", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    with site_a:
        records = ConsentRecord.objects.filter(user__username="lin@example.test").select_related("document")
        assert {(r.document.kind, r.document.version, r.source, r.ip, r.user_agent) for r in records} == {
            ("privacy", 1, "signup", "198.51.100.4", "SignupAgent"), ("terms", 1, "signup", "198.51.100.4", "SignupAgent")}


def test_invitation_acceptance_requires_and_records_consent(site_a, admin_a, django_capture_on_commit_callbacks,
                                                            mailoutbox):
    published = _publish(site_a, kind="terms", actor=admin_a)
    with site_a, django_capture_on_commit_callbacks(execute=True):
        account_services.invitation_create(email="ivy@example.test", role="learner", invited_by=admin_a,
                                           base_url=f"http://{site_a.host}/")
    link = next(w for w in mailoutbox[-1].body.split() if "/accounts/invitation/" in w).split(site_a.host, 1)[1]
    form = {"first_name": "Ivy", "last_name": "I", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client = site_a.client()
    refused = client.post(link, form)
    assert refused.status_code == 400 and b"Please accept the privacy policy" in refused.content
    accepted = client.post(link, {**form, "accept_policies": "on"})
    assert accepted.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200  # accepted v2 of the terms already: no prompt
    with site_a:
        kinds = set(ConsentRecord.objects.filter(user__username="ivy@example.test", source="invitation")
                    .values_list("document__kind", "document__version"))
    assert kinds == {("privacy", 1), ("terms", published.version)}


# --- optional consents and the mailer -------------------------------------------------------------

def test_optional_consents_are_revocable_from_the_profile_and_kept_as_history(site_a):
    learner = site_a.make_user("learner")
    client = site_a.client(learner)
    assert b"Send me news and offers by email" in client.get("/accounts/profile/").content
    assert client.post("/privacy/choices", {"marketing_email": "on", "next": "/accounts/profile/"}).status_code == 302
    api = _api(site_a, learner)
    assert api.get("/api/v1/privacy/me/preferences").json() == {"marketing_email": True, "analytics": False}
    assert api.put("/api/v1/privacy/me/preferences", {"marketing_email": False, "analytics": True},
                   format="json").json() == {"marketing_email": False, "analytics": True}
    with site_a:
        history = list(ConsentChoice.objects.filter(user=learner).order_by("id").values_list("purpose", "granted"))
    assert history == [("marketing_email", True), ("marketing_email", False), ("analytics", True)]


def test_marketing_mail_goes_only_to_those_who_consented(site_a, django_capture_on_commit_callbacks, mailoutbox):
    """The tenancy core's mailer (category "marketing") asks this app's consent records."""
    yes, no, silent = (site_a.make_user("learner") for _ in range(3))
    context = {"tenant": {"name": "Acme"}, "user": {"email": "x@acme.test"}, "link": "http://x/", "hours": 1}
    with site_a:
        consent.choices_update(user=yes, marketing_email=True)
        consent.choices_update(user=no, marketing_email=True)
        consent.choices_update(user=no, marketing_email=False)
        with django_capture_on_commit_callbacks(execute=True):
            for person in (yes, no, silent):
                mail_send(template="signup_verify", to=[person.email.upper()], category="marketing", context=context)
            mail_send(template="signup_verify", to=[silent.email], context=context)
    assert [m.to for m in mailoutbox] == [[yes.email.upper()], [silent.email]]


def test_a_marketing_notification_emails_only_those_who_consented(
        site_a, monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    """notify() of an event in the "marketing" category: the email only to consenting people
    (the bell is not marketing); the same event's templates, re-registered as marketing for the test."""
    from tenant_apps.notifications import registry
    from tenant_apps.notifications.api import notify
    from tenant_apps.notifications.models import Notification

    monkeypatch.setitem(registry._EVENTS, "policy_new_version", registry.EventType(
        key="policy_new_version", title="News", category="marketing", default="all"))
    yes, no, silent = (site_a.make_user("learner") for _ in range(3))
    with site_a:
        consent.choices_update(user=yes, marketing_email=True)
        consent.choices_update(user=no, marketing_email=True)
        consent.choices_update(user=no, marketing_email=False)
        with django_capture_on_commit_callbacks(execute=True):
            notify("policy_new_version", [yes, no, silent], {"document": PolicyDocument.objects.first()})
        in_app = set(Notification.objects.filter(event_key="policy_new_version").values_list("user_id", flat=True))
    assert [m.to for m in mailoutbox] == [[yes.email]]
    assert "Stop news and offers emails" in mailoutbox[0].body
    assert in_app == {yes.pk, no.pk, silent.pk}


def test_new_policy_version_is_a_mandatory_notification(site_a, admin_a, django_capture_on_commit_callbacks, mailoutbox):
    """Through the notification service: cannot be turned off, no unsubscribe link, in the bell too."""
    from django.core.exceptions import ValidationError

    from tenant_apps.notifications.models import Notification
    from tenant_apps.notifications.services import preference_set

    learner = site_a.make_user("learner")
    published = _publish(site_a, actor=admin_a)
    with site_a:
        with pytest.raises(ValidationError):
            preference_set(user=learner, event_key="policy_new_version", choice="off")
        PolicyDocument.objects.filter(pk=published.pk).update(effective_at=timezone.now() - timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert policies.policy_announce_due() == 1
        bell = Notification.objects.get(user=learner, event_key="policy_new_version")
    mine = [m for m in mailoutbox if m.to == [learner.email]]
    assert len(mine) == 1 and f"version {published.version}" in mine[0].body
    assert "Stop " not in mine[0].body and "List-Unsubscribe" not in mine[0].extra_headers
    assert bell.url == "/privacy/policy" and f"version {published.version}" in bell.body


# --- admins: acceptance rate, CSV ----------------------------------------------------------------

def test_acceptance_rate_per_version(site_a, admin_a):
    with site_a:
        active = User.objects.filter(is_active=True).count()
    people = [site_a.make_user("learner") for _ in range(3)]
    published = _publish(site_a, actor=admin_a)
    with site_a:
        consent.consent_accept(user=people[0], documents=[published], source="prompt")
        consent.consent_accept(user=people[1], documents=[published], source="prompt")
    stats = _api(site_a, admin_a).get("/api/v1/manage/privacy/stats").json()["results"]
    row = next(r for r in stats if r["id"] == str(published.public_id))
    assert (row["accepted"], row["active_members"]) == (2, active + 3)
    assert row["acceptance_rate"] == round(2 / (active + 3), 4)
    page = site_a.client(admin_a)
    with site_a:
        consent.consent_accept(user=admin_a, documents=[published], source="prompt")
    html = page.get("/manage/privacy/policies/").content.decode()
    assert f"3 / {active + 3}" in html and f"{round(3 / (active + 3) * 100, 1)} %" in html


def test_consent_records_csv_is_spreadsheet_safe_and_audited(site_a, admin_a):
    learner = site_a.make_user("learner", first_name="=cmd", last_name="Evil")
    published = _publish(site_a, actor=admin_a)
    with site_a:
        ConsentRecord.objects.create(user=learner, document=published, accepted_at=timezone.now(), ip="192.0.2.1",
                                     user_agent="@agent", source="prompt")
        consent.consent_accept(user=admin_a, documents=[published], source="prompt")
    client = site_a.client(admin_a)
    response = client.get("/manage/privacy/consents.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["accepted_at", "user_email", "user_name", "document", "version", "source", "ip", "user_agent"]
    mine = [r for r in rows[1:] if r[1] == learner.email]
    assert mine == [[mine[0][0], learner.email, "'=cmd Evil", "privacy", "2", "prompt", "192.0.2.1", "'@agent"]]
    assert any(r[1] == admin_a.email for r in rows[1:])
    from tenant_apps.audit.models import AuditEntry

    with site_a:
        assert AuditEntry.objects.filter(action="privacy.consents_export", actor_id=admin_a.pk).exists()
        assert AuditEntry.objects.filter(action="privacy.policy_publish", target_id=str(published.public_id)).exists()
    learner_client = site_a.client(site_a.make_user("learner"))
    assert learner_client.get("/manage/privacy/consents.csv").status_code in (302, 403)


def test_admin_pages_draft_edit_publish(site_a, admin_a):
    client = site_a.client(admin_a)
    assert client.get("/manage/privacy/policies/").status_code == 200
    assert client.get("/manage/privacy/policies/new?kind=terms").status_code == 200
    created = client.post("/manage/privacy/policies/new", {"kind": "terms", "title": "Terms 2", "body": "New terms",
                                                           "summary": "Shorter", "reconsent": "on"})
    assert created.status_code == 302
    path = created["Location"]
    assert client.post(path, {"kind": "terms", "title": "Terms two", "body": "New terms!", "summary": "Shorter",
                              "reconsent": "on"}).status_code == 302
    publish = client.post(path + "publish", {"effective_at": ""})
    assert publish.status_code == 302
    with site_a:
        doc = PolicyDocument.objects.get(kind="terms", version=2)
    assert (doc.title, doc.body) == ("Terms two", "New terms!")


# --- the announcement email ---------------------------------------------------------------------

def test_new_version_email_is_sent_once_when_it_takes_effect(site_a, admin_a, django_capture_on_commit_callbacks,
                                                               mailoutbox):
    scheduled = _publish(site_a, effective_at=timezone.now() + timedelta(hours=2), actor=admin_a)
    with site_a:
        inactive = site_a.make_user("learner")
        User.objects.filter(pk=inactive.pk).update(is_active=False)
        active = set(User.objects.filter(is_active=True).values_list("email", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            assert policies.policy_announce_due(base_url="http://acme.localhost") == 0  # not in effect yet
        PolicyDocument.objects.filter(pk=scheduled.pk).update(effective_at=timezone.now() - timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert policies.policy_announce_due(base_url="http://acme.localhost") == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert policies.policy_announce_due(base_url="http://acme.localhost") == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(active)
    assert inactive.email not in {m.to[0] for m in mailoutbox}
    message = mailoutbox[0]
    assert "version 2" in message.subject.lower() or "privacy policy" in message.subject.lower()
    assert "We now keep access logs for 90 days." in message.body
    assert "http://acme.localhost/privacy/consent" in message.body


def test_consents_area_exports_only_that_persons_history(site_a, admin_a):
    from tenant_apps.privacy.registry import provider_get

    me, other = site_a.make_user("learner"), site_a.make_user("learner")
    published = _publish(site_a, actor=admin_a)
    with site_a:
        consent.consent_accept(user=me, documents=[published], source="prompt")
        consent.consent_accept(user=other, documents=[published], source="prompt")
        consent.choices_update(user=me, analytics=True)
        part = provider_get("consents").export(me)
    kinds = [(r["kind"], r.get("document__version") or r.get("purpose")) for r in part.records]
    assert kinds == [("policy_accepted", 2), ("optional_consent", "analytics")]
