"""Load benchmark: the public certificate verification page `/certificates/verify/<number>/` (the QR
target), read by anonymous visitors, against the app served as in production (gunicorn, DEBUG off)
on loopback. CERTIFICATES (200) certificates are really issued (each sealed with its signed
credential and status index), REVOKED (20) of them revoked; wrk rotates over all their numbers
plus unknown ones (404). Prints req/s, p50/p99, the queries of a page built (cache miss) and served
again, and the in-process time of a cache miss. Target: p99 ≤ 50 ms on 2 cores.

Run on demand: `make bench-certificate-verify` (or `.venv/bin/python bench/certificate_verify.py`).
Needs Debian's `wrk`. Options: --duration 20 --connections 16 --workers 3.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CERTIFICATES, REVOKED, UNKNOWN = int(os.environ.get("BENCH_CERTIFICATES", 200)), 20, 20
HOST = "verify.localhost"

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Host"] = "%s"})
end
"""


def seed(tenant, n: int, revoked: int) -> list[str]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from lms.certificates import services as certificate_services
    from lms.certificates.tests.helpers import build_world
    from lms.courses.models import Enrollment
    from tenant_apps.accounts.services import user_create

    with tenant_context(tenant):
        instructor = user_create(email=f"teacher@{tenant.slug}.test", password="bench-password-123", role="instructor")
        world = build_world(instructor=instructor, title="Verified Course", rules={
            "enabled": True, "min_completion_percent": 100})
        unusable = make_password(None)
        users = User.objects.bulk_create([User(username=f"v{i}@{tenant.slug}.test", email=f"v{i}@{tenant.slug}.test",
                                               first_name=f"Learner{i}", last_name="Verified", password=unusable)
                                          for i in range(n)])
        Enrollment.objects.bulk_create([Enrollment(course=world.course, learner=u, version=world.course.published_version,
                                                   progress_percent=100, completed_at=timezone.now()) for u in users])
        numbers = []
        for enrollment in (Enrollment.objects.select_related("version", "course", "learner")
                           .filter(course=world.course).order_by("id")):
            numbers.append(certificate_services.certificate_issue_for_enrollment(enrollment=enrollment).certificate.number)
        from lms.certificates.models import Certificate

        for number in numbers[:revoked]:
            certificate_services.certificate_revoke(certificate=Certificate.objects.get(number=number),
                                                    reason="Benchmark revocation", actor=instructor)
    return numbers


def run_wrk(port: int, paths: list[str], duration: int, connections: int) -> dict:
    from wrk import wrk_run

    return wrk_run(port=port, lua=LUA % (",".join(f'"{p}"' for p in paths), HOST), duration=duration,
                   connections=connections)


def page_queries(number: str) -> tuple[int, int, float]:
    """(queries of a page built on a cache miss, of the page served again, median ms of a miss in-process)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    cache.clear()
    with CaptureQueriesContext(connection) as built:
        first = client.get(f"/certificates/verify/{number}/")
    with CaptureQueriesContext(connection) as again:
        second = client.get(f"/certificates/verify/{number}/")
    assert first.status_code == second.status_code == 200, first.status_code
    misses = []
    for _ in range(50):
        cache.clear()
        started = time.perf_counter()
        client.get(f"/certificates/verify/{number}/")
        misses.append((time.perf_counter() - started) * 1000)
    connection.set_schema_to_public()
    return len(built.captured_queries), len(again.captured_queries), statistics.median(misses)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)  # 2 cores, PostgreSQL, Redis and wrk share them
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    from stack import bench_platform, gunicorn

    with bench_platform({"CREDENTIALS_ENCRYPTION_KEY": os.environ.get("CREDENTIALS_ENCRYPTION_KEY")
                         or "YmVuY2gta2V5LW5vdC1mb3ItcHJvZHVjdGlvbi0zMmI="}):
        from billing.models import Plan
        from tenants.models import Tenant
        from tenants.services import tenant_create

        plan, _ = Plan.objects.get_or_create(code="bench-verify", defaults={
            "name": "Bench verify", "price_amount": 0, "features": {"certificates": True}})
        slug = HOST.split(".")[0]
        if not Tenant.objects.filter(slug=slug).exists():
            tenant_create(name="Verify University", slug=slug, plan=plan, admin_email=f"admin@{slug}.test",
                          admin_password="bench-password-123")
        tenant = Tenant.objects.get(slug=slug)
        started = time.perf_counter()
        numbers = seed(tenant, CERTIFICATES, REVOKED)
        print(f"issued {len(numbers)} certificates (signed credentials), revoked {REVOKED}, "
              f"in {time.perf_counter() - started:.1f} s")
        built, again, miss_ms = page_queries(numbers[-1])
        print(f"queries per page: {built} built (cache miss) / {again} served again; a miss in-process: {miss_ms:.1f} ms")
        with gunicorn(workers=args.workers) as port:
            paths = [f"/certificates/verify/{n}/" for n in numbers]
            paths += [f"/certificates/verify/EC-{'UNKNOWN' + str(i).zfill(9)}/" for i in range(UNKNOWN)]
            run_wrk(port, paths, 3, args.connections)  # warm-up (fills the per-number cache, as a live site has)
            try:
                load = " ".join(f"{v:.2f}" for v in os.getloadavg())
            except OSError:
                load = "?"
            r = run_wrk(port, paths, args.duration, args.connections)
        met = r["p99"] <= 50
        print(f"/certificates/verify/<number>/ anonymous ({len(numbers) - REVOKED} valid, {REVOKED} revoked, {UNKNOWN} "
              f"unknown numbers): {r['rps']:.1f} req/s   p50 {r['p50']:.1f} ms   p99 {r['p99']:.1f} ms   "
              f"404s {r['non2xx']} (the unknown numbers)   — target p99 ≤ 50 ms: {'met' if met else 'MISSED'}")
        print(f"(gunicorn sync workers: {args.workers}, wrk connections: {args.connections}, DEBUG off, loopback; "
              f"load average before the run: {load} on {os.cpu_count()} cores)")

if __name__ == "__main__":
    main()
