"""Session fixtures that run real processes against the test database: a Celery worker and
the web app under gunicorn. They see committed data only, so tests that use them create
their data with `django_db_blocker.unblock()` (autocommit) rather than inside the test
transaction, and use unique names.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _free_port_now() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Where the local payment simulator listens when a test starts it (`payment_simulator`): fixed
# for the session, so the web server and worker (spawned earlier or later) all point at it.
SIMULATOR_PORT = _free_port_now()
# Where the WebSocket server (uvicorn, `live_server_with_ws` in tests/browser/conftest.py) listens:
# fixed for the session too, so the pages gunicorn renders point the bell's socket at it.
WEBSOCKET_PORT = _free_port_now()


def _child_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.pop("STRIPE_SECRET_KEY", None)  # no keys: DEBUG child processes talk to the simulator
    env.update(
        STRIPE_SIMULATOR_URL=f"http://127.0.0.1:{SIMULATOR_PORT}",
        REALTIME_WEBSOCKET_PORT=str(WEBSOCKET_PORT),
        CHANNEL_LAYER_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        DATABASE_URL=f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        EDUCROWD_TESTING="1",
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _log_dir() -> Path:
    path = ROOT / ".data" / "test" / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup):
    """A real Celery worker process (solo pool) consuming from the test Redis."""
    log = open(_log_dir() / "celery-worker.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-c", "1", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("celery worker exited at start; see .data/test/logs/celery-worker.log")
        try:
            if app.control.ping(timeout=0.5):
                break
        except Exception:  # noqa: BLE001 - broker not ready yet
            pass
        time.sleep(0.3)
    else:
        _stop(proc)
        raise RuntimeError("celery worker did not answer ping within 60s")
    yield proc
    _stop(proc)


@pytest.fixture(scope="session")
def live_server_port(django_db_setup) -> int:
    """The app served by gunicorn (as in production, DEBUG on for static files) on loopback."""
    port = _free_port()
    log = open(_log_dir() / "gunicorn.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
         "--timeout", "60", "--access-logfile", "-"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited at start; see .data/test/logs/gunicorn.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield port
    _stop(proc)


@pytest.fixture(scope="session")
def payment_simulator(live_server_port, celery_worker) -> str:
    """`python -m billing.simulator` on SIMULATOR_PORT, sending signed webhooks (each one twice)
    to the live server's public host, processed by the real worker; -> the simulator's URL."""
    log = open(_log_dir() / "payment-simulator.log", "w")
    env = _child_env() | {"SITE_PORT": str(live_server_port), "STRIPE_SIMULATOR_DUPLICATE_RATE": "1",
                          "STRIPE_SIMULATOR_DELAY": "0.02"}
    proc = subprocess.Popen([sys.executable, "-m", "billing.simulator"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the payment simulator exited at start; see .data/test/logs/payment-simulator.log")
        try:
            with socket.create_connection(("127.0.0.1", SIMULATOR_PORT), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{SIMULATOR_PORT}"
    _stop(proc)


class WorkerProcess:
    """A Celery worker the test owns (not the session's): started on chosen queues, killed with
    SIGKILL mid-task and started again, as a crashed machine would be."""

    def __init__(self, queues: str, name: str):
        self.queues, self.name, self.proc = queues, name, None
        self.log_path = _log_dir() / f"worker-{name}.log"

    def start(self) -> "WorkerProcess":
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-c", "1", "-Q", self.queues,
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"{self.name}-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack of the task in hand (acks_late: the broker redelivers it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


@pytest.fixture
def worker_process(django_db_setup):
    """`start(queues)` -> a WorkerProcess of this test; every one is stopped afterwards."""
    started: list[WorkerProcess] = []

    def start(queues: str, name: str = "owned") -> WorkerProcess:
        worker = WorkerProcess(queues, name).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
