"""Load benchmark: logged-in learners hitting the dashboard and the catalog of one
institution with realistic data, against the app served as in production (gunicorn,
DEBUG off) on loopback. Prints req/s, p50/p99 latency and queries per page.

Run on demand (not in CI): `make bench-load` or `.venv/bin/python bench/learner_load.py`.
Needs Debian's `wrk` (apt-get install wrk). Uses throwaway embedded PostgreSQL/Redis unless
DATABASE_URL / REDIS_URL are set. Options: --duration 20 --connections 16 --workers 3.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURSES, MODULES, LESSONS, ITEMS = int(os.environ.get("BENCH_COURSES", 40)), 5, 4, 3
LEARNERS, ENROLLMENTS_EACH = int(os.environ.get("BENCH_LEARNERS", 300)), 4
PAGES = os.environ.get("BENCH_PAGES", "/dashboard/,/courses/").split(",")


def seed() -> tuple[object, list[str]]:
    """One institution with COURSES courses and LEARNERS learners with some progress; returns session keys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import tenant_context

    from lms.courses import services as cs
    from tenant_apps.accounts.services import user_create
    from tenants.services import tenant_create

    tenant = tenant_create(name="Bench University", slug="bench", admin_email="admin@bench.test",
                           admin_password="bench-password-123")
    sessions = []
    with tenant_context(tenant):
        instructor = user_create(email="prof@bench.test", password="bench-password-123", role="instructor")
        courses = []
        for c in range(COURSES):
            course = cs.course_create(author=instructor, title=f"Course {c:02d}: Topic {c}", summary="A course " * 10,
                                      tags=["bench", f"t{c % 5}"])
            for m in range(MODULES):
                module = cs.module_create(course=course, title=f"Module {m}")
                for lesson_no in range(LESSONS):
                    lesson = cs.lesson_create(module=module, title=f"Lesson {m}.{lesson_no}")
                    for i in range(ITEMS):
                        cs.item_create(lesson=lesson, kind="text", title=f"Reading {i}", body="Lorem ipsum " * 40)
            cs.course_publish(course=course, author=instructor)
            courses.append(course)
        for n in range(LEARNERS):
            learner = user_create(email=f"learner{n}@bench.test", role="learner")
            for k in range(ENROLLMENTS_EACH):
                enrollment = cs.enrollment_create(course=courses[(n + k * 7) % COURSES], learner=learner)
                for uuid in cs.snapshot_item_uuids(enrollment.version.snapshot)[: (n % 10)]:
                    cs.progress_item_complete(enrollment=enrollment, item_uuid=uuid)
            session = SessionStore()
            session[SESSION_KEY] = str(learner.pk)
            session[BACKEND_SESSION_KEY] = "tenant_apps.accounts.backends.EmailBackend"
            session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
            session.save()
            sessions.append(session.session_key)
    return tenant, sessions


def queries_per_page(tenant, session_key: str) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="bench.localhost")
    client.cookies["sessionid"] = session_key
    from django_tenants.utils import tenant_context

    from lms.courses import dashboard_cache

    counts = {}
    for page in PAGES:
        client.get(page)  # warm caches as a real server would be
        with CaptureQueriesContext(connection) as cached:
            response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        with tenant_context(tenant):
            dashboard_cache.content_changed()  # the page body must be built again
        with CaptureQueriesContext(connection) as built:
            client.get(page)
        counts[page] = f"{len(built.captured_queries)} built / {len(cached.captured_queries)} cached"
    return counts


LUA = """
local sessions = {%s}
local n = 0
request = function()
  n = n + 1
  local s = sessions[(n %% #sessions) + 1]
  return wrk.format("GET", "%s", {["Host"] = "bench.localhost", ["Cookie"] = "sessionid=" .. s})
end
"""


def run_wrk(port: int, page: str, sessions: list[str], duration: int, connections: int) -> dict:
    from wrk import wrk_run

    figures = wrk_run(port=port, lua=LUA % (",".join(f'"{s}"' for s in sessions), page), duration=duration,
                      connections=connections)
    return {"rps": figures["rps"], "p50": figures["p50"], "p99": figures["p99"], "errors": figures["non2xx"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)  # 2 cores, PostgreSQL and wrk share them
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    from stack import bench_platform, gunicorn

    with bench_platform():
        started = time.perf_counter()
        tenant, sessions = seed()
        print(f"seeded {COURSES} courses x {MODULES * LESSONS * ITEMS} items, {LEARNERS} learners "
              f"x {ENROLLMENTS_EACH} enrollments in {time.perf_counter() - started:.0f}s")
        counts = queries_per_page(tenant, sessions[0])
        with gunicorn(workers=args.workers) as port:
            for page in PAGES:
                run_wrk(port, page, sessions, 3, args.connections)  # warm-up
                r = run_wrk(port, page, sessions, args.duration, args.connections)
                print(f"{page:<12} {r['rps']:7.1f} req/s   p50 {r['p50']:6.1f} ms   p99 {r['p99']:6.1f} ms   "
                      f"queries/page {counts[page]}   non-2xx {r['errors']}")
        print(f"(gunicorn sync workers: {args.workers}, wrk connections: {args.connections}, DEBUG off, loopback; "
              f"{len(sessions)} learners rotate, each page body is built on a learner's first request and "
              f"then served from the per-learner cache until something it shows changes)")

if __name__ == "__main__":
    main()
