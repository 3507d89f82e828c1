"""Load benchmark: a course discussion thread with REPLIES replies (500) read by enrolled
learners, against the app served as in production (gunicorn, DEBUG off) on loopback. The page
shows the opening post and one page of 50 top-level replies with their answers (the thread's
first 50 top-level replies carry 50 answers between them, so 101 posts are rendered).
Prints req/s, p50/p99 latency and the queries per page, and checks the queries do not grow
with the replies (a 5-reply thread against the 500-reply one). Target: p99 ≤ 150 ms.

Run on demand: `make bench-discussion` (or `.venv/bin/python bench/discussion_thread.py`). Needs
Debian's `wrk`. Options: --duration 20 --connections 8 --workers N --threads N (default: as
platform/gunicorn.conf.py sizes the web process for this machine).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REPLIES = int(os.environ.get("BENCH_REPLIES", 500))
ANSWERS = 50  # of the REPLIES, answers to the first top-level replies (2 each)
LEARNERS = 20
HOST = "bench.localhost"


def seed() -> tuple[object, str, dict[str, str], list[str]]:
    """-> (tenant, course slug, {"small": thread uuid, "big": thread uuid}, learners' session keys)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import F
    from django_tenants.utils import tenant_context

    from lms.courses import services as cs
    from lms.courses.api import render_markdown
    from lms.discussions import selectors, services
    from lms.discussions.models import Post, Thread, Vote
    from tenant_apps.accounts.services import user_create
    from tenants.services import tenant_create

    tenant = tenant_create(name="Bench University", slug="bench", admin_email="admin@bench.test",
                           admin_password="bench-password-123")
    sessions, threads = [], {}
    with tenant_context(tenant):
        instructor = user_create(email="prof@bench.test", password="bench-password-123", role="instructor")
        course = cs.course_create(author=instructor, title="Discussions bench")
        lesson = cs.lesson_create(module=cs.module_create(course=course, title="M"), title="L")
        cs.item_create(lesson=lesson, kind="text", title="Reading", body="Read this.")
        cs.course_publish(course=course, author=instructor)
        course.refresh_from_db()
        learners = []
        for n in range(LEARNERS):
            learner = user_create(email=f"learner{n}@bench.test", role="learner", first_name=f"Learner{n}", last_name="Bench")
            cs.enrollment_create(course=course, learner=learner)
            learners.append(learner)
            session = SessionStore()
            session[SESSION_KEY] = str(learner.pk)
            session[BACKEND_SESSION_KEY] = "tenant_apps.accounts.backends.EmailBackend"
            session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
            session.save()
            sessions.append(session.session_key)
        staff = selectors.course_access(user=instructor, slug=course.slug)
        forum = services.forum_create(access=staff, title="General", allow_anonymous=True)
        body = "I think the **answer** is in chapter 3: see [the notes](https://example.org/notes).\n\n" + "More words. " * 30
        html = render_markdown(body, min_heading=3)
        for name, replies in (("small", 5), ("big", REPLIES)):
            access = selectors.course_access(user=learners[0], slug=course.slug)
            thread = services.thread_create(access=access, forum=forum, title=f"A {name} thread", body=body)
            answers = min(ANSWERS, replies // 10)
            tops = Post.objects.bulk_create([
                Post(thread=thread, course=course, author=learners[i % LEARNERS], body=body, body_html=html,
                     is_anonymous=i % 7 == 0) for i in range(replies - answers)])
            Post.objects.bulk_create([
                Post(thread=thread, course=course, author=learners[(i + 3) % LEARNERS], parent=tops[i // 2], body=body,
                     body_html=html) for i in range(answers)])
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + replies)
            Vote.objects.bulk_create([Vote(post=p, user=learners[1]) for p in tops[:20]])
            threads[name] = str(thread.uuid)
    return tenant, course.slug, threads, sessions


def queries_of(slug: str, thread_uuid: str, session_key: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.cookies["sessionid"] = session_key
    url = f"/learn/{slug}/discussions/threads/{thread_uuid}/"
    client.get(url)  # warm the routing and plan caches: count the page's own queries
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    connection.set_schema_to_public()
    if os.environ.get("BENCH_SQL"):
        print("\n".join(q["sql"][:160] for q in ctx.captured_queries))
    return len(ctx.captured_queries)


def profile(page: str, session_key: str, requests: int) -> None:
    """cProfile over `requests` in-process requests of the page: where the time goes."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies["sessionid"] = session_key
    client.get(page)
    started = time.perf_counter()
    for _ in range(requests):
        client.get(page)
    print(f"in-process: {(time.perf_counter() - started) * 1000 / requests:.1f} ms per request (not profiled)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(page)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_ROWS", 40)))
    connection.set_schema_to_public()


def _wait_until_served(port: int, page: str, session_key: str, timeout: float = 90) -> None:
    """gunicorn's workers boot slowly on a loaded machine: wait for the page to answer 200."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{page}",
                                             headers={"Host": HOST, "Cookie": f"sessionid={session_key}"})
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"the server did not serve {page} within {timeout:.0f}s")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", default="")
    parser.add_argument("--threads", default="")
    parser.add_argument("--profile", type=int, default=0, help="profile this many in-process requests, no load run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    from learner_load import run_wrk
    from stack import free_port

    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench-discussion", for_tests=True)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECRET_KEY="bench-secret-key-not-for-production",
                      ALLOWED_HOSTS="*", SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.services import public_tenant_ensure, template_ensure

    server = None
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        template_ensure()
        call_command("collectstatic", interactive=False, verbosity=0)
        started = time.perf_counter()
        _tenant, slug, threads, sessions = seed()
        print(f"seeded a thread with {REPLIES} replies ({ANSWERS} of them answers to replies) in "
              f"{time.perf_counter() - started:.0f}s")
        small, big = queries_of(slug, threads["small"], sessions[0]), queries_of(slug, threads["big"], sessions[0])
        print(f"queries per thread page: {big} ({REPLIES} replies) / {small} (5 replies) — "
              f"{'constant' if small == big else 'GROWS with the replies'}")
        page = f"/learn/{slug}/discussions/threads/{threads['big']}/"
        if args.profile:
            profile(page, sessions[0], args.profile)
            return
        port = free_port()
        env = {**os.environ, "PORT": str(port), "BIND": f"127.0.0.1:{port}", "ACCESS_LOG": "",
               **({"WEB_CONCURRENCY": args.workers} if args.workers else {}),
               **({"WEB_THREADS": args.threads} if args.threads else {})}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "platform/gunicorn.conf.py",
                                   "--log-level", "warning"], cwd=ROOT, env=env)
        _wait_until_served(port, page, sessions[0])
        run_wrk(port, page, sessions, 3, args.connections)  # warm-up
        load = os.getloadavg()[0]
        r = run_wrk(port, page, sessions, args.duration, args.connections)
        met = r["p99"] <= 150 and not r["errors"]
        print(f"thread page, {REPLIES} replies, enrolled learners: {r['rps']:.1f} req/s   p50 {r['p50']:.1f} ms   "
              f"p99 {r['p99']:.1f} ms   non-2xx {r['errors']}   — target p99 ≤ 150 ms: {'met' if met else 'MISSED'}")
        print(f"  (wrk connections: {args.connections}; load average before: {load:.2f}; DEBUG off, loopback)")
    finally:
        if server:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
        from django.db import connection

        connection.close()
        services.stop()


if __name__ == "__main__":
    main()
