"""Benchmark: learner payments end to end, and receipt PDFs.

1. Fulfilment: N paid orders (default 1,000) on one institution, paid at the payment simulator
   (the project's fake Stripe served over loopback), their `checkout.session.completed`
   events verified + stored + enqueued by the real webhook view, then processed by a real
   Celery worker (prefork, 2 processes) that re-reads each session and payment intent through
   the gateway, writes the ledger and enrolls. Timed from the first delivery until every
   order is paid and enrolled. Target: 1,000 in ≤ 30 s on 2 cores.
2. Receipt PDF (WeasyPrint) rendering: p50/p95 over 50 renders. Target: p50 ≤ 150 ms.

Run on demand: `make bench-payments` (or `.venv/bin/python bench/payments.py [N]`). Uses
DATABASE_URL / REDIS_URL when set, else throwaway embedded servers.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def main(n: int = 1000) -> None:
    from payments_common import setup, teardown, worker_start

    services, server, fake, tenant = setup(slug_prefix="pay")
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from billing.commerce import services as commerce
    from billing.commerce.models import Order
    from billing.commerce.receipts import receipt_pdf
    from billing.stripe_fake import CARD_SUCCEEDS
    from billing.testing import signature_header
    from lms.courses.models import Enrollment
    from lms.courses.tests.factories import build_published_course
    from tenant_apps.accounts.services import user_create

    worker = None
    slug = tenant.slug
    try:
        with tenant_context(tenant):
            author = user_create(email=f"author@{slug}.test", password="bench-password-123", role="instructor")
            course = build_published_course(author=author, title="Bench course", price_amount=4900)
            unusable = make_password(None)
            User.objects.bulk_create([User(username=f"l{i}@{slug}.test", email=f"l{i}@{slug}.test", password=unusable)
                                      for i in range(n)])
            buyers = list(User.objects.filter(username__startswith="l", username__endswith=f"@{slug}.test"))
            started = time.perf_counter()
            for buyer in buyers:
                order, url = commerce.order_start(buyer=buyer, kind="course", ref=str(course.uuid),
                                                  success_url="https://bench/ok", cancel_url="https://bench/no")
                assert fake.checkout_pay(url.rstrip("/").rsplit("/", 1)[-1], CARD_SUCCEEDS)["outcome"] == "succeeded"
            placing = time.perf_counter() - started
        connection.set_schema_to_public()
        events = [json.dumps(e) for e in fake.events_of("checkout.session.completed")]
        print(f"placed and paid {len(buyers)} orders at the simulator in {placing:.1f} s")

        worker = worker_start(queues="celery")
        client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        started = time.perf_counter()
        for payload in events:
            response = client.post("/billing/webhooks/stripe/", data=payload, content_type="application/json",
                                   HTTP_STRIPE_SIGNATURE=signature_header(payload))
            assert response.status_code == 200, response.content
        delivered = time.perf_counter() - started
        with tenant_context(tenant):
            while True:
                paid = Order.objects.filter(status="paid").count()
                if paid >= n or time.perf_counter() - started > 300:
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            enrolled = Enrollment.objects.filter(course=course, source="payment").count()
            order = Order.objects.filter(status="paid").first()
            print(f"fulfilment: {paid}/{n} orders paid, {enrolled} enrolled, in {elapsed:.1f} s end to end "
                  f"(deliveries took {delivered:.1f} s; {n / elapsed:.0f} orders/s) — target ≤ 30 s for 1,000: "
                  f"{'met' if elapsed <= 30 * n / 1000 and paid >= n else 'MISSED'}")
            receipt_pdf(order)  # warm fonts
            timings = []
            for _ in range(50):
                t = time.perf_counter()
                receipt_pdf(order)
                timings.append(time.perf_counter() - t)
        p50 = statistics.median(timings) * 1000
        print(f"receipt PDF: n=50 p50={p50:.0f} ms p95={percentile(timings, 95) * 1000:.0f} ms — target p50 ≤ 150 ms: "
              f"{'met' if p50 <= 150 else 'MISSED'}")
    finally:
        teardown(services, server, worker)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
