"""What the payment benchmarks share: embedded services + the payment simulator, a selling
institution (tenant with a ready Connect account), and a real Celery worker."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(*, slug_prefix: str):
    """Start services and Django with the simulator; -> (services, simulator server, fake, tenant)."""
    sys.path.insert(0, str(ROOT))
    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench", for_tests=True)
    sim_port = free_port()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.pop("STRIPE_SECRET_KEY", None)
    os.environ["STRIPE_SIMULATOR_URL"] = f"http://127.0.0.1:{sim_port}"
    import django

    django.setup()
    from django.core.management import call_command

    from billing import simulator
    from billing.models import ConnectedAccount
    from tenants.models import Tenant
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    server, fake = simulator.serve(host="127.0.0.1", port=sim_port, sender=None, debug=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    template_ensure()
    slug = f"{slug_prefix}{int(time.time())}"
    tenant_create(name=f"Bench {slug_prefix}", slug=slug, admin_email=f"admin@{slug}.test",
                  admin_password="bench-password-123", admin_first_name="B", admin_last_name="Ench")
    tenant = Tenant.objects.get(slug=slug)
    ConnectedAccount.objects.create(tenant=tenant, stripe_account_id=f"acct_{slug}", charges_enabled=True,
                                    payouts_enabled=True, details_submitted=True)
    return services, server, fake, tenant


def worker_start(*, queues: str, processes: int = 2) -> subprocess.Popen:
    """A real worker (prefork) on `queues`, answering ping before it is returned."""
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork",
                               "-c", str(processes), "-Q", queues, "--loglevel=WARNING", "--without-gossip",
                               "--without-mingle", "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"],
                              cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    from config.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if time.monotonic() > deadline:
            raise RuntimeError("worker did not start")
    return worker


def cpu_seconds(services) -> dict[str, float]:
    """CPU seconds used so far by this benchmark's processes: this one (the simulator's threads
    run here), the worker and its pool, PostgreSQL (backends that ended are counted in the
    postmaster's children time) and Redis. Linux only: read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            procs[int(entry)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / tick)  # ppid, u+s+cu+cs
    roots = {os.getpid(): "bench + simulator"}
    if services.postgres:
        try:
            roots[int((services.postgres.data_dir / "postmaster.pid").read_text().split()[0])] = "postgres"
        except (OSError, ValueError, IndexError):
            pass
    if services.redis and services.redis.process:
        roots[services.redis.process.pid] = "redis"
    group = dict(roots)
    for _ in range(4):  # children, grandchildren (the worker's pool, postgres backends)
        for pid, (ppid, _) in procs.items():
            if ppid in group and pid not in group:
                group[pid] = "worker" if group[ppid] == "bench + simulator" else group[ppid]
    out: dict[str, float] = {}
    for pid, name in group.items():
        if pid in procs:
            out[name] = out.get(name, 0.0) + procs[pid][1]
    return out


def cpu_used(before: dict[str, float], after: dict[str, float]) -> str:
    """'worker 12.0 s, postgres 3.1 s, ...': CPU seconds between two `cpu_seconds` readings."""
    used = {name: after[name] - before.get(name, 0.0) for name in after}
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(used.items(), key=lambda kv: -kv[1]))


def teardown(services, server, worker=None) -> None:
    from django.db import connection

    if worker is not None:
        worker.terminate()
        worker.wait(30)
    server.shutdown()
    connection.close()
    services.stop()
