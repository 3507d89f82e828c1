"""Webhook intake: signed and recent or refused; stored once by Stripe id; processed by the task."""
import json
import time

import pytest
from django.core.management import call_command

from billing import webhooks
from billing.models import StripeEvent
from billing.testing import signature_header, webhook_post, webhook_url
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def _event(event_id="evt_1", type_="test.thing", **extra):
    return {"id": event_id, "object": "event", "type": type_, "created": int(time.time()), "livemode": False,
            "data": {"object": {"id": "obj_1", "object": "thing", "metadata": {}}}, **extra}


@pytest.fixture
def recorded():
    seen = []

    @webhooks.webhook_handler("test.thing")
    def handler(row, obj):
        seen.append((row.stripe_id, obj["id"]))
        if obj.get("fail"):
            raise RuntimeError("handler failed")
        return "t_example"

    yield seen
    webhooks._HANDLERS["test.thing"].remove(handler)


def test_signed_event_is_stored_and_processed_once(public_client, recorded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = webhook_post(public_client, _event())
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    row = StripeEvent.objects.get(stripe_id="evt_1")
    assert (row.status, row.source, row.type) == ("pending", "platform", "test.thing")
    assert len(callbacks) == 1  # enqueue after commit
    assert webhooks.event_process(row.pk) == "done"
    assert webhooks.event_process(row.pk) == "done"
    row.refresh_from_db()
    assert recorded == [("evt_1", "obj_1")] and row.tenant_schema == "t_example" and row.attempts == 1


def test_duplicate_delivery_is_answered_200_and_changes_nothing(public_client, recorded):
    webhook_post(public_client, _event())
    again = webhook_post(public_client, _event(type_="other.type"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert StripeEvent.objects.get(stripe_id="evt_1").type == "test.thing"


@pytest.mark.parametrize("how", ["forged", "stale", "missing", "wrong-endpoint"])
def test_forged_stale_or_missing_signature_is_400_with_no_effect(public_client, how):
    payload = json.dumps(_event())
    headers = {
        "forged": signature_header(payload, secret="whsec_attacker"),
        "stale": signature_header(payload, timestamp=int(time.time()) - 301),
        "missing": None,
        "wrong-endpoint": signature_header(payload, source="connect"),
    }[how]
    extra = {"HTTP_STRIPE_SIGNATURE": headers} if headers else {}
    response = public_client.post(webhook_url("platform"), data=payload, content_type="application/json", **extra)
    assert response.status_code == 400 and "signature" in response.json()["detail"]
    assert not StripeEvent.objects.exists()


def test_connect_events_go_to_their_own_endpoint_with_their_own_secret(public_client):
    response = webhook_post(public_client, _event(account="acct_123"))
    assert response.status_code == 200
    row = StripeEvent.objects.get()
    assert (row.source, row.account) == ("connect", "acct_123")


def test_signed_garbage_is_400(public_client):
    payload = json.dumps(["not", "an", "event"])
    response = public_client.post(webhook_url(), data=payload, content_type="application/json",
                                  HTTP_STRIPE_SIGNATURE=signature_header(payload))
    assert response.status_code == 400 and not StripeEvent.objects.exists()


def test_tenant_host_has_no_webhook_endpoint(site_a):
    from django.test import Client

    payload = json.dumps(_event())
    response = Client(HTTP_HOST=site_a.host).post(webhook_url(), data=payload, content_type="application/json",
                                                  HTTP_STRIPE_SIGNATURE=signature_header(payload))
    assert response.status_code == 404


def test_get_is_405(public_client):
    assert public_client.get(webhook_url()).status_code == 405


def test_failing_handler_marks_failed_then_reprocess_command_recovers(public_client, recorded):
    event = _event()
    event["data"]["object"]["fail"] = True
    webhook_post(public_client, event)
    row = StripeEvent.objects.get()
    assert webhooks.event_process(row.pk) == "failed"
    row.refresh_from_db()
    assert "handler failed" in row.last_error
    StripeEvent.objects.filter(pk=row.pk).update(payload=_event())  # e.g. a fixed handler or data
    call_command("stripe_events_reprocess", "--failed")
    row.refresh_from_db()
    assert row.status == "done" and row.attempts == 2 and row.last_error == ""


def test_event_without_handler_is_ignored(public_client):
    webhook_post(public_client, _event(type_="unknown.kind"))
    assert webhooks.event_process(StripeEvent.objects.get().pk) == "ignored"


def test_sweep_processes_events_left_pending(public_client, recorded, settings):
    settings.STRIPE_EVENT_SWEEP_AFTER_SECONDS = 0
    webhook_post(public_client, _event())
    assert webhooks.stripe_events_sweep() == 1
    assert StripeEvent.objects.get().status == "done"


def _pools_reset(app) -> None:
    """Make the app look up its connection pools again for the current broker URL. Nothing is
    closed: kombu keeps one pool per URL, and the real broker's pool must stay usable."""
    app._pool = None
    app.amqp._producer_pool = None


def test_broker_down_still_stores_and_answers_200(public_client, recorded, django_capture_on_commit_callbacks):
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_connection_retry_on_startup, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there: the broker is down
    app.conf.broker_transport_options = {"max_retries": 0}
    _pools_reset(app)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = webhook_post(public_client, _event())
    finally:
        app.conf.broker_url, app.conf.broker_connection_retry_on_startup, app.conf.broker_transport_options = saved
        _pools_reset(app)
    assert len(callbacks) == 1
    assert response.status_code == 200
    assert StripeEvent.objects.get().status == "pending"  # beat's sweep will process it


def test_same_event_five_times_concurrently_stores_one_row(committed_db, recorded):
    from django.conf import settings as dj_settings
    from django.test import Client

    payload = json.dumps(_event("evt_race"))
    header = signature_header(payload)
    try:
        answers = race(lambda i: Client(HTTP_HOST=dj_settings.PLATFORM_DOMAIN).post(
            webhook_url(), data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header).status_code, 5)
        assert answers == [200] * 5
        assert StripeEvent.objects.filter(stripe_id="evt_race").count() == 1
    finally:
        # The module's django_db mark keeps this thread in the test transaction (rolled back): delete
        # the row the racing threads committed from a connection of its own.
        race(lambda i: StripeEvent.objects.filter(stripe_id="evt_race").delete(), 1)


def test_signed_event_with_a_nul_escape_is_400_not_500(public_client):
    payload = json.dumps(_event(note="a\u0000b"))
    assert "\\u0000" in payload
    response = public_client.post(webhook_url(), data=payload, content_type="application/json",
                                  HTTP_STRIPE_SIGNATURE=signature_header(payload))
    assert response.status_code == 400 and not StripeEvent.objects.exists()


def test_stored_payload_is_the_event_as_sent(public_client):
    event = _event(amount=4900, nested={"a": [1, 2, {"b": None}]})
    webhook_post(public_client, event)
    row = StripeEvent.objects.get()
    assert row.payload == event and row.attempts == 0 and row.last_error == "" and row.received_at is not None
