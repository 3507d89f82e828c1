"""What every load bench starts with: the platform on embedded (or DATABASE_URL/REDIS_URL) services,
DEBUG off, migrated, with the template schema and static files, and a gunicorn on a free port.

    with bench_platform() as services:
        ...seed with the ORM...
        with gunicorn(workers=3) as port:
            wrk_run(port=port, ...)
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_ENV = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "bench-secret-key-not-for-production",
             "ALLOWED_HOSTS": "*", "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def bench_platform(env: dict | None = None):
    """Services up, Django set up (production settings) and the public schema + template ready; yields the services."""
    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench", for_tests=True)
    os.environ.update(BENCH_ENV, **(env or {}))
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.services import public_tenant_ensure, template_ensure

    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        template_ensure()
        call_command("collectstatic", interactive=False, verbosity=0)
        yield services
    finally:
        from django.db import connection

        connection.close()
        services.stop()


@contextmanager
def gunicorn(*, workers: int, args: list[str] | None = None, env: dict | None = None, settle: float = 3.0):
    """A gunicorn serving config.wsgi on a free loopback port (sync workers unless `args` say otherwise); yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning", *(args or [])],
        cwd=ROOT, env={**os.environ, **(env or {})},
    )
    try:
        time.sleep(settle)
        yield port
    finally:
        server.terminate()
        server.wait(10)
