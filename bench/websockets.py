"""WebSocket benchmark: SOCKETS (1,000) signed-in people each hold the bell's live socket open on
ONE uvicorn process (config.asgi, DEBUG off, loopback); one notification to all of them is pushed
and the time until every socket has received it is printed. Target: ≤ 2 s on 2 cores.

Two figures per round: the transport alone (`tenant_apps.realtime.api.users_publish` of 1,000
messages, the path a fan-out takes after commit) and end to end (`notify()` of an in-app event to
the 1,000: rows written, the commit, unread counts, the pushes). The clients run in this process,
the server in its own, as a browser and the server would.

Run on demand: `make bench-websockets` (or `.venv/bin/python bench/websockets.py`). Options:
--sockets 1000 --rounds 3.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's name would shadow the `websockets` package: take bench/ off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
HOST = "wsbench.localhost"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(count: int) -> tuple[object, list[tuple[int, str]]]:
    """`count` learners of the bench institution, each with a session; -> (tenant, [(user id, session key)])."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug="wsbench")
    with tenant_context(tenant):
        unusable = make_password(None)
        users = User.objects.bulk_create([User(username=f"p{i}@wsbench.test", email=f"p{i}@wsbench.test",
                                               first_name=f"P{i}", password=unusable) for i in range(count)])
        users = list(User.objects.filter(username__endswith="@wsbench.test", username__startswith="p").order_by("pk"))
        store, expires, rows, out = SessionStore(), timezone.now() + timezone.timedelta(days=1), [], []
        backend = settings.AUTHENTICATION_BACKENDS[0]
        for user in users:
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
            rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
            out.append((user.pk, key))
        Session.objects.bulk_create(rows, batch_size=1000)
    return tenant, out


async def open_sockets(port: int, sessions: list[tuple[int, str]], *, at_once: int = 100) -> list:
    import websockets

    gate = asyncio.Semaphore(at_once)

    async def one(key: str):
        async with gate:
            return await websockets.connect(
                f"ws://{HOST}:{port}/ws/notifications/", host="127.0.0.1", port=port,  # the Host header names the tenant
                open_timeout=60, ping_interval=None, max_queue=None, origin=f"http://{HOST}",
                additional_headers={"Cookie": f"sessionid={key}"})

    return await asyncio.gather(*(one(key) for _, key in sessions))


def cpu_of(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


async def round_trip(sockets: list, send) -> tuple[float, float, int]:
    """Start `send` (sync, in a thread); -> (seconds until the last socket got its message, seconds
    `send` took, sockets that got one)."""
    loop = asyncio.get_running_loop()
    arrived: list[float] = []

    async def wait(ws):
        await asyncio.wait_for(ws.recv(), timeout=30)
        arrived.append(time.perf_counter())

    waiters = [asyncio.create_task(wait(ws)) for ws in sockets]
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    sent = await loop.run_in_executor(None, send)
    results = await asyncio.gather(*waiters, return_exceptions=True)
    got = sum(1 for r in results if not isinstance(r, BaseException))
    return (max(arrived) - started if arrived else float("inf")), sent - started, got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.sockets + 256)), hard))

    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench", for_tests=True)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECRET_KEY="bench-secret-key-not-for-production",
                      ALLOWED_HOSTS="*", SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING",
                      CHANNEL_LAYER_PREFIX=f"bench-ws-{os.getpid()}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from billing.models import Plan
    from tenant_apps.notifications.api import notify
    from tenant_apps.realtime.api import users_publish
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    server = None
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        template_ensure()
        plan = Plan.objects.create(code="wsbench", name="Bench", price_amount=0, max_learners=100_000, features={})
        tenant_create(name="Socket University", slug="wsbench", plan=plan, admin_email="admin@wsbench.test",
                      admin_password="bench-password-123")
        tenant, sessions = seed(args.sockets)
        connection.set_schema_to_public()
        connection.close()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-access-log", "--lifespan", "off", "--log-level", "warning",
                                   "--workers", "1"], cwd=ROOT, env=dict(os.environ))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        user_ids = [uid for uid, _ in sessions]

        def transport():
            with tenant_context(tenant):
                users_publish([(uid, {"type": "notification.new", "unread": 1, "notification": {"title": "Hello"}})
                               for uid in user_ids])
            return time.perf_counter()

        def end_to_end():
            with tenant_context(tenant):
                notify("welcome", user_ids, {})
            connection.close()
            return time.perf_counter()

        async def run() -> None:
            started = time.perf_counter()
            sockets = await open_sockets(port, sessions)
            print(f"{len(sockets)} sockets open on one uvicorn process in {time.perf_counter() - started:.1f}s "
                  f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
            for r in range(args.rounds):
                for name, send in (("users_publish", transport), ("notify()", end_to_end)):
                    load, server_cpu = os.getloadavg()[0], cpu_of(server.pid)
                    total, sending, got = await round_trip(sockets, send)
                    server_cpu = cpu_of(server.pid) - server_cpu
                    met = got == len(sockets) and total <= 2.0
                    print(f"round {r + 1} {name:>13}: delivered to {got}/{len(sockets)} in {total:.3f}s "
                          f"(the send itself {sending:.3f}s; uvicorn CPU {server_cpu:.2f}s; load average {load:.1f})"
                          f" — target ≤ 2 s: {'met' if met else 'MISSED'}")
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)

        asyncio.run(run())
    finally:
        if server:
            server.terminate()
            server.wait(10)
        connection.close()
        services.stop()


if __name__ == "__main__":
    main()
