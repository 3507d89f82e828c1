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


def teardown(services, server, worker=None) -> None:
    from django.db import connection

    if worker is not None:
        worker.terminate()
        worker.wait(30)
    server.shutdown()
    connection.close()
    services.stop()
