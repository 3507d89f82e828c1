"""Benchmark: how long a new institution takes to go live (schema, domain, admin, starter content).

Compares cloning the template schema with running every migration on a fresh schema.
Run on demand: `make bench` (or `.venv/bin/python bench/tenant_creation.py [N]`). Uses
DATABASE_URL / REDIS_URL when set, else throwaway embedded servers. Prints p50/p95.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(n: int = 20) -> None:
    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench", for_tests=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")  # a local benchmark: the dev SECRET_KEY is fine
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tenants import provisioning
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        template_ensure()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", [provisioning.TEMPLATE_SCHEMA]
            )
            tables = cursor.fetchone()[0]
        print(f"tenant schema: {tables} tables, {len(provisioning.tenant_migrations_on_disk())} migrations")

        def run(label: str, count: int) -> list[float]:
            timings = []
            for i in range(count):
                started = time.perf_counter()
                tenant_create(name=f"Bench {label} {i}", slug=f"b-{label}-{i}", admin_email=f"admin{i}@bench.test",
                              admin_password="bench-password-123", admin_first_name="B", admin_last_name="Ench")
                timings.append(time.perf_counter() - started)
            return timings

        run("warm", 2)  # first call takes the template's SQL script and warms caches
        copy = run("copy", n)

        def no_pg_dump(applied):
            raise OSError("disabled for the benchmark")

        real_script, provisioning.template_script = provisioning.template_script, no_pg_dump
        try:
            run("warmclone", 1)
            clone = run("clone", n)
        finally:
            provisioning.template_script = real_script
        real_disk = provisioning.tenant_migrations_on_disk
        provisioning.tenant_migrations_on_disk = lambda: real_disk() | {("bench", "forces_migrations")}
        try:
            migrate = run("migrate", max(5, n // 4))
        finally:
            provisioning.tenant_migrations_on_disk = real_disk
        print("(each: tenant row + schema + domain + admin user with an Argon2 hash + site settings, one transaction)")
        for label, values in (("copy (SQL)", copy), ("clone_schema", clone), ("migrations", migrate)):
            print(f"{label:>13}: n={len(values):<3} p50={statistics.median(values) * 1000:7.1f} ms  "
                  f"p95={percentile(values, 95) * 1000:7.1f} ms  max={max(values) * 1000:7.1f} ms")
        print(f"speed-up vs migrations (p50): copy {statistics.median(migrate) / statistics.median(copy):.1f}x, "
              f"clone_schema {statistics.median(migrate) / statistics.median(clone):.1f}x")
    finally:
        connection.close()
        services.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
