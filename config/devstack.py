"""`make run`: the whole platform on one machine, with embedded servers by default.

Starts PostgreSQL and Redis (embedded, data in .data/) unless DATABASE_URL / REDIS_URL name
servers, migrates every schema, loads the demo institutions, then runs the web server
(gunicorn on PORT), the WebSocket server (uvicorn on PORT+1, the bell's live socket; see
docs/decisions/0020), a Celery worker and Celery beat until Ctrl-C, which stops everything it started.
It turns DEBUG on (and so the dev SECRET_KEY) unless DEBUG is set; the settings default to off.
The process list mirrors platform/Procfile.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .embedded import DEFAULT_DATA_DIR, PROJECT_ROOT, ensure_services


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, check=True)


def child_env(port: int, base: dict | None = None) -> dict:
    """The environment of every process started: DEBUG on unless set, since this is the local
    development stack (the settings themselves default to DEBUG off). Pages point the bell's live
    socket at PORT+1 (REALTIME_WEBSOCKET_PORT) unless set."""
    env = dict(os.environ if base is None else base, DJANGO_SETTINGS_MODULE="config.settings", PORT=str(port),
               PYTHONUNBUFFERED="1")
    env.setdefault("DEBUG", "1")
    env.setdefault("REALTIME_WEBSOCKET_PORT", str(port + 1))
    return env


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    bind = os.environ.get("HOST", "127.0.0.1")
    started = time.monotonic()
    DEFAULT_DATA_DIR.mkdir(exist_ok=True)
    services = ensure_services()
    env = child_env(port)
    children: list[subprocess.Popen] = []

    def shutdown(*_args) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
        services.stop()

    try:
        _manage("migrate_platform", env=env)
        _manage("seed_demo", env=env)
        processes = {
            "web": [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"{bind}:{port}", "-w", "2",
                    "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5"],
            # WebSockets only (/ws/): the pages stay on gunicorn (docs/decisions/0020).
            "websockets": [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", bind,
                           "--port", env["REALTIME_WEBSOCKET_PORT"], "--no-access-log", "--lifespan", "off"],
            "worker": [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "INFO", "-c", "2",
                       "-Q", "celery,settlement"],
            "beat": [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
                     "-s", str(DEFAULT_DATA_DIR / "celerybeat-schedule")],
        }
        if not env.get("STRIPE_SECRET_KEY"):
            # No Stripe keys: payments go to the local simulator (billing/simulator.py; DEBUG only).
            processes["payments"] = [sys.executable, "-m", "billing.simulator"]
        for name, command in processes.items():
            children.append(subprocess.Popen(command, cwd=PROJECT_ROOT, env=env))
        sys.path.insert(0, str(PROJECT_ROOT))
        os.environ.update(env)
        import django

        django.setup()
        from tenants.management.commands.seed_demo import demo_summary

        print("\n" + "=" * 78, flush=True)
        print(f"EduCrowd is running (ready in {time.monotonic() - started:.1f}s). Ctrl-C stops everything.\n")
        print(demo_summary(port))
        if "payments" in processes:
            print(f"\n  Payments: local simulator at {os.environ.get('STRIPE_SIMULATOR_URL', 'http://127.0.0.1:8765')}"
                  " (test cards; no real money). Set STRIPE_SECRET_KEY to use Stripe.")
        print("\n  Sign up a new institution at the public site's “Start your institution”.")
        print("=" * 78 + "\n", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process exited; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        shutdown()


if __name__ == "__main__":
    sys.exit(main())
