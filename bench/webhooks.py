"""Benchmark: the Stripe webhook endpoint (verify signature + store the event + enqueue its task).

Serves the app as in production (gunicorn, DEBUG off, as config/devstack.py starts it) on
loopback, against throwaway embedded PostgreSQL (durable settings: fsync on) and Redis (the
Celery broker; no worker runs, so only the enqueue is measured), and POSTs invoice events
signed exactly as Stripe signs them (`t=<ts>,v1=<HMAC-SHA256 of "ts.payload">`) to
/billing/webhooks/stripe/ on the public host. Two phases:

- saturation: N keep-alive connections send back to back -> the most events/s it sustains;
- target rate: events sent on a fixed schedule at --rate/s (open loop; latency counted from
  the scheduled send, so a stall is not hidden) -> p50/p99 at that rate.

Prints the figures and whether the targets (>= 300 events/s, p99 <= 50 ms at 300/s) were met,
then checks every event was stored once and enqueued once. Run on demand (not in CI):
`make bench-webhooks` or `.venv/bin/python bench/webhooks.py [--duration 15 --connections 8
--workers 2 --threads 4 --rate 300]`. Uses DATABASE_URL / REDIS_URL when set.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "localhost"  # the platform domain (public schema)
PATH = "/billing/webhooks/stripe/"
SECRET = "whsec_bench_" + uuid.uuid4().hex
TARGET_RPS, TARGET_P99_MS = 300, 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def event_payload(n: int, run: str) -> bytes:
    """An `invoice.paid` event as Stripe sends it (about 1.4 KB), with a unique id."""
    now = int(time.time())
    invoice = {
        "id": f"in_bench_{run}_{n}", "object": "invoice", "customer": f"cus_bench_{n % 97}", "status": "paid",
        "subscription": f"sub_bench_{n % 97}", "billing_reason": "subscription_cycle", "currency": "usd",
        "amount_due": 4900, "amount_paid": 4900, "amount_remaining": 0, "attempt_count": 1, "attempted": True,
        "created": now, "period_start": now - 2592000, "period_end": now, "number": f"BENCH-{n:07d}",
        "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_bench/test_{run}_{n}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/acct_bench/test_{run}_{n}/pdf",
        "lines": {"object": "list", "has_more": False, "data": [{
            "id": f"il_bench_{n}", "object": "line_item", "amount": 4900, "currency": "usd",
            "description": "1 × EduCrowd Pro (at $49.00 / month)", "quantity": 1,
            "period": {"start": now - 2592000, "end": now},
            "price": {"id": "price_bench_pro_monthly", "object": "price", "currency": "usd", "unit_amount": 4900,
                      "recurring": {"interval": "month", "interval_count": 1}, "product": "prod_bench_pro"},
        }]},
        "metadata": {}, "subscription_details": {"metadata": {"tenant_id": str(n % 97), "plan": "pro",
                                                              "interval": "month"}},
        "status_transitions": {"finalized_at": now, "paid_at": now}, "total": 4900, "subtotal": 4900, "tax": None,
    }
    event = {"id": f"evt_bench_{run}_{n}", "object": "event", "api_version": "2024-06-20", "type": "invoice.paid",
             "created": now, "livemode": False, "pending_webhooks": 1,
             "request": {"id": None, "idempotency_key": None}, "data": {"object": invoice}}
    return json.dumps(event, separators=(",", ":")).encode()


def signed_request(payload: bytes) -> bytes:
    import stripe

    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET, int(time.time()))
    head = (f"POST {PATH} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Stripe-Signature: {header}\r\nUser-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload


class Connection:
    """One keep-alive HTTP/1.1 connection (the minimum of the protocol the endpoint's answers need)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def send(self, request: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, close = 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                close = True
        await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status


async def saturate(port: int, requests: list[bytes], connections: int, duration: float | None) -> dict:
    """Closed loop: each connection sends the next event as soon as the last one is answered
    (for `duration` seconds, or until the events run out)."""
    queue = iter(requests)
    latencies, statuses = [], []
    deadline = time.perf_counter() + duration if duration else float("inf")

    async def worker():
        conn = Connection(port)
        for request in queue:
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            statuses.append(await conn.send(request))
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {"sent": len(statuses), "rps": len(statuses) / elapsed, "latencies": latencies, "statuses": statuses}


async def at_rate(port: int, requests: list[bytes], rate: float, connections: int) -> dict:
    """Open loop: event i is due at start + i/rate; latency runs from when it was due."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(port))
    latencies, statuses = [], []
    start = time.perf_counter() + 0.05

    async def one(i: int, request: bytes):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        conn = await pool.get()  # none free: the wait counts, as the event would be waiting at Stripe
        try:
            statuses.append(await conn.send(request))
        finally:
            pool.put_nowait(conn)
        latencies.append((time.perf_counter() - due) * 1000)

    await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    elapsed = time.perf_counter() - start
    return {"sent": len(statuses), "rps": len(statuses) / elapsed, "latencies": latencies, "statuses": statuses}


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU of each process and its live children (this process: itself only, as the
    servers are its children), by label; {} without psutil."""
    try:
        import psutil
    except ImportError:
        return {}
    out = {}
    for label, pid in pids.items():
        try:
            proc = psutil.Process(pid)
            total = 0.0
            for p in [proc] if pid == os.getpid() else [proc, *proc.children(recursive=True)]:
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.NoSuchProcess:
                    pass
            out[label] = total
        except psutil.NoSuchProcess:
            out[label] = 0.0
    return out


def line(label: str, result: dict) -> str:
    lat = result["latencies"]
    errors = sum(1 for s in result["statuses"] if s != 200)
    return (f"{label:<34} {result['sent']:6d} events  {result['rps']:7.1f} events/s   "
            f"p50 {statistics.median(lat):6.1f} ms   p99 {percentile(lat, 99):6.1f} ms   max {max(lat):6.1f} ms   "
            f"non-200 {errors}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=15, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=8, help="concurrent deliveries (saturation phase)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (devstack: 2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (devstack: 4)")
    parser.add_argument("--rate", type=float, default=TARGET_RPS, help="events/s of the target-rate phase")
    args = parser.parse_args()

    from config.embedded import ensure_services

    data_dir = Path(tempfile.mkdtemp(prefix="educrowd-bench-webhooks-"))
    services = ensure_services(data_dir=data_dir)  # durable settings, as production runs PostgreSQL
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECRET_KEY="bench-secret-key-not-for-production",
                      ALLOWED_HOSTS="*", SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING",
                      PLATFORM_DOMAIN=HOST, STRIPE_WEBHOOK_SECRET=SECRET, STRIPE_SECRET_KEY="sk_test_bench_unused")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from billing.models import StripeEvent
    from tenants.services import public_tenant_ensure

    server = None
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        connection.close()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
             "--threads", str(args.threads), "--access-logfile", "/dev/null", "--error-logfile", "-",
             "--log-level", "warning"],
            cwd=ROOT, env=os.environ.copy(),
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        run = uuid.uuid4().hex[:8]
        counter = iter(range(10**9))

        def batch(count: int) -> list[bytes]:  # signed just before use: the signature is valid 5 minutes
            return [signed_request(event_payload(next(counter), run)) for _ in range(count)]

        asyncio.run(saturate(port, batch(500), args.connections, None))  # warm-up: imports, connections, caches
        pids = {"gunicorn": server.pid, "client": os.getpid()}
        pg_pid_file = Path(str(getattr(services.postgres, "data_dir", ""))) / "postmaster.pid"
        if services.postgres and pg_pid_file.exists():
            pids["postgres"] = int(pg_pid_file.read_text().split()[0])
        if services.redis and services.redis.process:
            pids["redis"] = services.redis.process.pid
        load = os.getloadavg()[0]
        requests = batch(int(args.duration * 2000))
        cpu_before = cpu_seconds(pids)
        sat = asyncio.run(saturate(port, requests, args.connections, args.duration))
        cpu_after = cpu_seconds(pids)
        rated = asyncio.run(at_rate(port, batch(int(args.duration * args.rate)), args.rate, args.connections))
        print(f"webhook endpoint: POST {PATH} (verify + store + enqueue), gunicorn {args.workers} workers x "
              f"{args.threads} threads, DEBUG off, loopback, {os.cpu_count()} CPUs shared with PostgreSQL, Redis "
              f"and this client; payload {len(event_payload(0, run))} bytes")
        print(f"machine load average before the run: {load:.1f} (anything above ~0.5 is other work sharing the CPUs)")
        print(line(f"saturation ({args.connections} connections)", sat))
        if cpu_after:
            per_event = {k: (cpu_after[k] - cpu_before[k]) * 1000 / max(sat["sent"], 1) for k in cpu_after}
            total = sum(per_event.values())
            print("CPU per event (saturation): " + ", ".join(f"{k} {v:.2f} ms" for k, v in per_event.items())
                  + f"; total {total:.2f} ms -> at most ~{(os.cpu_count() or 1) * 1000 / total:.0f} events/s on "
                  f"{os.cpu_count()} CPUs with nothing else running")
        print(line(f"at {args.rate:.0f} events/s (open loop)", rated))
        p99 = percentile(rated["latencies"], 99)
        met_rps = sat["rps"] >= TARGET_RPS and rated["rps"] >= 0.97 * args.rate
        met_p99 = p99 <= TARGET_P99_MS and args.rate >= TARGET_RPS
        print(f"target >= {TARGET_RPS} events/s: {'MET' if met_rps else 'MISSED'} ({sat['rps']:.0f} events/s sustained); "
              f"target p99 <= {TARGET_P99_MS:.0f} ms at {TARGET_RPS}/s: {'MET' if met_p99 else 'MISSED'} ({p99:.1f} ms)")

        sent = sum(1 for r in (sat, rated) for s in r["statuses"] if s == 200)
        stored = StripeEvent.objects.filter(stripe_id__startswith=f"evt_bench_{run}_").count()
        import redis

        queued = redis.Redis.from_url(os.environ["REDIS_URL"]).llen("celery")
        print(f"check: {sent} answered 200 (warm-up excluded), {stored} stored (warm-up included: {stored - sent}), "
              f"{queued} tasks enqueued on the broker")
        ok = stored >= sent and queued == stored
        if not ok:
            print("check FAILED: every answered event must be stored once and enqueued once")
        return 0 if ok else 1
    finally:
        if server:
            server.terminate()
            server.wait(10)
        from django.db import connection as conn

        conn.close()
        services.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
