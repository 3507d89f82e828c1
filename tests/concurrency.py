"""Real races against PostgreSQL: run one function in N threads released at the same instant.

Each thread uses its own database connection (Django's connections are per thread), so the
callers see committed data only. Tests that race therefore create their data in autocommit
mode (the `committed_db` fixture: `django_db_blocker.unblock()`, no test transaction) and
use unique names; they clean up what they made.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection


def race(fn: Callable[[int], Any], n: int, *, tenant=None, timeout: float = 60.0) -> list[Any]:
    """Call fn(i) for i in range(n) in n threads started together; each result or raised exception."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            if tenant is not None:
                connection.set_tenant(tenant)
            barrier.wait(timeout)
            results[i] = fn(i)
        except BaseException as exc:  # noqa: BLE001 - the caller asserts on what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    return results


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access without a test transaction: what a test writes is committed and seen by threads."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
