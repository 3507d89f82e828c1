"""Browser-test fixtures: the site under gunicorn plus its WebSocket server (the bell's live socket)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest

from tests.fixtures_live import ROOT, WEBSOCKET_PORT, _child_env, _log_dir, _stop


@dataclass(frozen=True)
class LiveServers:
    http_port: int
    ws_port: int

    def base(self, slug: str = "acme") -> str:
        return f"http://{slug}.localhost:{self.http_port}"


@pytest.fixture(scope="session")
def live_server_with_ws(live_server_port) -> LiveServers:
    """`live_server_port` (gunicorn) and uvicorn serving config.asgi's `/ws/` on WEBSOCKET_PORT, as
    `make run` does: pages rendered by gunicorn open the bell's socket there."""
    log = open(_log_dir() / "uvicorn.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port",
         str(WEBSOCKET_PORT), "--lifespan", "off"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("uvicorn exited at start; see .data/test/logs/uvicorn.log")
        try:
            with socket.create_connection(("127.0.0.1", WEBSOCKET_PORT), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield LiveServers(http_port=live_server_port, ws_port=WEBSOCKET_PORT)
    _stop(proc)
