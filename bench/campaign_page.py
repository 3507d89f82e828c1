"""Load benchmark: the public campaign page `/campaigns/<slug>/` read by anonymous visitors,
against the app served as in production (gunicorn, DEBUG off) on loopback, with a campaign of
BACKERS backers (2,000), COMMENTS comments (300), 10 updates, 8 tiers and 3 stretch goals.
Prints req/s, p50/p99 latency and the queries per page (first build and served again), and
checks the queries do not grow with the backers and comments. Target: ≥ 300 req/s at p99
≤ 100 ms on 2 cores.

Run on demand: `make bench-campaign` (or `.venv/bin/python bench/campaign_page.py`). Needs
Debian's `wrk`. Options: --duration 20 --connections 16 --workers 2,3 --threads 1,4 (default: as
platform/gunicorn.conf.py sizes the web process for this machine, as in production); --profile N.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BACKERS, COMMENTS = int(os.environ.get("BENCH_BACKERS", 2000)), int(os.environ.get("BENCH_COMMENTS", 300))
UPDATES, TIERS = 10, 8
HOST = "bench.localhost"


def seed(*, slug: str, backers: int, comments: int):
    """A live campaign with `backers` active pledges and `comments` comments; -> (tenant, campaign)."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from crowdfunding import services
    from crowdfunding.markdown import render_markdown
    from crowdfunding.models import CampaignUpdate, Comment, Pledge, StretchGoal
    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug="bench")
    with tenant_context(tenant):
        admin = User.objects.get(email="admin@bench.test")
        campaign = services.campaign_create(actor=admin, title=f"Clean wells ({slug})", slug=slug, goal_amount=10_000_000,
                                            pitch="Water for every classroom in the valley", story="## Why\n\n" + "Because. " * 80,
                                            deadline=timezone.now() + timedelta(days=20))
        campaign = services.campaign_publish(campaign=campaign, actor=admin)
        tiers = [services.tier_create(campaign=campaign, actor=admin, title=f"Reward {t}", minimum_amount=1000 * (t + 1),
                                      description="A thank-you " * 5, quantity_limit=500 if t % 2 else None)
                 for t in range(TIERS)]
        for g in range(3):
            StretchGoal.objects.create(campaign=campaign, amount=12_000_000 + g * 2_000_000, text=f"Stretch {g}")
        unusable = make_password(None)
        users = User.objects.bulk_create([User(username=f"{slug}-b{i}@bench.test", email=f"{slug}-b{i}@bench.test",
                                               first_name=f"Backer{i}", password=unusable) for i in range(backers)])
        Pledge.objects.bulk_create([Pledge(campaign=campaign, backer=u, amount=1500 + i, currency=campaign.currency,
                                           tier=tiers[i % TIERS], status=Pledge.Status.ACTIVE,
                                           stripe_payment_method_id="pm_bench") for i, u in enumerate(users)],
                                   batch_size=2000)
        for u in range(UPDATES):
            body = "We dug **another** well. " * 20
            CampaignUpdate.objects.create(campaign=campaign, title=f"Update {u}", body=body, body_html=render_markdown(body),
                                          author=admin, backers_only=u % 4 == 0)
        Comment.objects.bulk_create([Comment(campaign=campaign, author=users[i % len(users)] if users else admin,
                                             body=f"Comment {i}: good luck! " * 4) for i in range(comments)])
    return tenant, campaign


def queries_of(slug: str) -> tuple[int, int]:
    """(queries of the first anonymous request: body built; of the same page again: body from the cache)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client = Client(HTTP_HOST=HOST)
    client.get("/campaigns/")  # warm the routing and plan caches: count the page's own queries
    with CaptureQueriesContext(connection) as built:
        first = client.get(f"/campaigns/{slug}/")
    with CaptureQueriesContext(connection) as again:
        second = client.get(f"/campaigns/{slug}/")
    assert first.status_code == second.status_code == 200, (first.status_code, first.content[:300])
    connection.set_schema_to_public()
    if os.environ.get("BENCH_SQL"):
        print("\n".join(q["sql"][:160] for q in again.captured_queries))
    return len(built.captured_queries), len(again.captured_queries)


def cpu_seconds(root_pids: list[int]) -> float:
    """User + system CPU of these processes and their children (gunicorn's workers, PostgreSQL's backends)."""
    import psutil

    total = 0.0
    for pid in root_pids:
        try:
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def server_pids(services) -> dict[str, list[int]]:
    """PostgreSQL's postmaster and Redis (embedded), to charge their CPU to the page too."""
    pids: dict[str, list[int]] = {"PostgreSQL": [], "Redis": []}
    if services.postgres:
        for pidfile in Path(services.postgres.data_dir).rglob("postmaster.pid"):
            pids["PostgreSQL"].append(int(pidfile.read_text().split()[0]))
    if services.redis and services.redis.process:
        pids["Redis"].append(services.redis.process.pid)
    return pids


def profile(slug: str, requests: int) -> None:
    """cProfile over `requests` in-process anonymous requests of the page (cache warm): where the time goes."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.get(f"/campaigns/{slug}/")
    started = time.perf_counter()
    for _ in range(requests):
        client.get(f"/campaigns/{slug}/")
    print(f"in-process: {(time.perf_counter() - started) * 1000 / requests:.2f} ms per request (not profiled)")
    started = time.perf_counter()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(f"/campaigns/{slug}/")
    profiler.disable()
    print(f"in-process: {(time.perf_counter() - started) * 1000 / requests:.1f} ms per request (profiled)")
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_ROWS", 35)))
    connection.set_schema_to_public()


def _wait_for_page(port: int, page: str, seconds: float = 60) -> None:
    """Until the server answers the page (uvicorn's worker processes start slower than gunicorn's)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{page}", headers={"Host": HOST}), timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    # Empty: as platform/gunicorn.conf.py sizes it for this machine; "2,3": each in turn.
    parser.add_argument("--workers", default="")
    parser.add_argument("--threads", default="")
    parser.add_argument("--profile", type=int, default=0, help="profile this many in-process requests, no load run")
    # uvicorn: the same page under ASGI (config.asgi, WEB_CONCURRENCY processes), for docs/decisions/0020.
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "uvicorn"])
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    from learner_load import run_wrk
    from stack import bench_platform, free_port

    server = None
    with bench_platform() as services:
        from billing.models import Plan
        from tenants.services import tenant_create

        try:
            plan = Plan.objects.create(code="bench", name="Bench", price_amount=0, features={"crowdfunding": True})
            tenant_create(name="Bench University", slug="bench", plan=plan, admin_email="admin@bench.test",
                          admin_password="bench-password-123")
            started = time.perf_counter()
            seed(slug="small", backers=20, comments=5)
            seed(slug="wells", backers=BACKERS, comments=COMMENTS)
            print(f"seeded a campaign with {BACKERS} backers, {COMMENTS} comments, {UPDATES} updates, {TIERS} tiers "
                  f"in {time.perf_counter() - started:.0f}s")
            small, big = queries_of("small"), queries_of("wells")
            print(f"queries per page: {big[0]} built / {big[1]} served again (20 backers, 5 comments: {small[0]} / {small[1]})"
                  f" — {'constant' if small == big else 'GROWS with backers/comments'}")
            if args.profile:
                profile("wells", args.profile)
                return
            page = "/campaigns/wells/"
            for workers in args.workers.split(","):
                for threads in args.threads.split(","):
                    port = free_port()
                    # the production configuration (platform/gunicorn.conf.py), sized by the same variables
                    env = {**os.environ, "PORT": str(port), "BIND": f"127.0.0.1:{port}", "ACCESS_LOG": "",
                           **({"WEB_CONCURRENCY": workers} if workers else {}), **({"WEB_THREADS": threads} if threads else {})}
                    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "platform/gunicorn.conf.py",
                                               "--log-level", "warning", "--print-config"], cwd=ROOT, env=env,
                                              stdout=subprocess.PIPE, text=True)
                    config = {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in server.communicate()[0].splitlines())}
                    if args.server == "uvicorn":
                        config = {"worker_class": "uvicorn (ASGI)", "workers": workers or str(os.cpu_count() + 1),
                                  "threads": "- (sync views in one thread per process)"}
                        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "config.asgi:application", "--host",
                                                   "127.0.0.1", "--port", str(port), "--workers", config["workers"],
                                                   "--no-access-log", "--log-level", "warning", "--lifespan", "off"],
                                                  cwd=ROOT, env=env)
                    else:
                        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "platform/gunicorn.conf.py",
                                                   "--log-level", "warning"], cwd=ROOT, env=env)
                    time.sleep(3)
                    _wait_for_page(port, page)
                    run_wrk(port, page, [""], 3, args.connections)  # warm-up
                    load = os.getloadavg()[0]
                    roots = {"web": [server.pid], **server_pids(services)}
                    before = {name: cpu_seconds(pids) for name, pids in roots.items()}
                    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    r = run_wrk(port, page, [""], args.duration, args.connections)
                    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    spent = {name: cpu_seconds(pids) - before[name] for name, pids in roots.items()}
                    spent["wrk"] = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
                    served = r["rps"] * args.duration
                    met = r["rps"] >= 300 and r["p99"] <= 100 and not r["errors"]
                    print(f"{page} anonymous: {r['rps']:.1f} req/s   p50 {r['p50']:.1f} ms   p99 {r['p99']:.1f} ms   "
                          f"non-2xx {r['errors']}   — target ≥ 300 req/s at p99 ≤ 100 ms: {'met' if met else 'MISSED'}")
                    print(f"  (gunicorn {config.get('worker_class')} workers: {config.get('workers')}, threads: "
                          f"{config.get('threads')}; wrk connections: {args.connections}; load average before: {load:.2f}; "
                          f"DEBUG off, loopback)")
                    per = {name: seconds * 1000 / served for name, seconds in spent.items()} if served else {}
                    if per:
                        total = sum(per.values())
                        print("  CPU per request: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in per.items())
                              + f" = {total:.2f} ms: 2 idle cores serve at most {2000 / total:.0f} req/s")
                    server.terminate()
                    try:
                        server.wait(10)
                    except subprocess.TimeoutExpired:  # uvicorn's supervisor waits on open keep-alive connections
                        server.kill()
                        server.wait(10)
                    server = None
        finally:
            if server:  # an error left one running
                server.terminate()
                server.wait(10)

if __name__ == "__main__":
    main()
