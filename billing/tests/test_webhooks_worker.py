"""The webhook path through a real Celery worker (no test transaction: the worker must see the row)."""
import time

import pytest

from billing.models import StripeEvent
from billing.testing import webhook_post
from billing.tests.test_webhooks import _event


@pytest.mark.worker
def test_endpoint_to_real_worker_processes_the_stored_event(celery_worker, committed_db):
    """Verify + store + enqueue in the request; the event is processed by a real Celery worker."""
    from django.conf import settings as dj_settings
    from django.test import Client

    event = _event("evt_worker", type_="invoice.paid")
    event["data"]["object"] = {"id": "in_x", "object": "invoice", "customer": "cus_nobody"}
    try:
        response = webhook_post(Client(HTTP_HOST=dj_settings.PLATFORM_DOMAIN), event)
        assert response.status_code == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = StripeEvent.objects.get(stripe_id="evt_worker")
            if row.status != "pending":
                break
            time.sleep(0.2)
        assert (row.status, row.attempts) == ("done", 1)
    finally:
        StripeEvent.objects.filter(stripe_id="evt_worker").delete()
