"""Tenant isolation, walked over EVERY route of the tenant URLconf (new routes are covered
automatically): tenant B's session, B's API token and B's object ids must get nothing on
tenant A's host.
"""
from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from config import urls_tenant

PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


ROUTES = sorted(set(_routes(get_resolver(urls_tenant).url_patterns)))


def _fill(route: str, object_id: str) -> str:
    def repl(m):
        conv = m.group("conv")
        if conv == "uuid" or m.group("name") in {"public_id", "pk", "id"}:
            return object_id
        return "not-a-real-token"

    path = "/" + PARAM.sub(repl, route).lstrip("^").rstrip("$")
    return path.replace("\\Z", "")


def _has_object_param(route: str) -> bool:
    return any(m.group("conv") == "uuid" or m.group("name") in {"public_id", "pk", "id"} for m in PARAM.finditer(route))


@pytest.fixture
def b_world(site_b, admin_b):
    """B's logged-in admin client, its JWT, and the id of a B object (B's admin)."""
    client_b = site_b.client()
    response = client_b.post("/api/v1/auth/token", {"email": "admin@globex.test", "password": "correct-horse-battery-staple"},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    logged_in = site_b.client(admin_b)
    logged_in.get("/")  # materialise the session cookie on B's host
    return {
        "session": logged_in.cookies["sessionid"].value,
        "token": response.json()["access"],
        "object_id": str(admin_b.profile.public_id),
    }


def test_routes_were_found():
    assert any(r.startswith("api/v1/") for r in ROUTES) and any(r.startswith("manage/") for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_session_and_token_get_nothing_more_than_anonymous(route, method, site_a, b_world):
    path = _fill(route, b_world["object_id"])
    anonymous = getattr(site_a.client(), method)(path)

    with_session = site_a.client()
    with_session.cookies["sessionid"] = b_world["session"]
    by_session = getattr(with_session, method)(path)

    by_token = getattr(site_a.client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {b_world['token']}")

    for response in (anonymous, by_session, by_token):
        assert response.status_code < 500, (path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"admin@globex.test" not in body and b"Globex" not in body, path
    assert by_session.status_code == anonymous.status_code, path
    if path.startswith("/api/") and anonymous.status_code in (401, 403):
        assert by_token.status_code in (401, 403), path
    elif path.startswith("/api/") and route not in {"api/v1/auth/token", "api/v1/auth/token/refresh"} and anonymous.status_code == 200:
        # public API documents (schema, docs) stay public; a foreign token adds nothing or is refused
        assert by_token.status_code in (200, 401), path


@pytest.mark.parametrize("route", [r for r in ROUTES if _has_object_param(r)])
def test_own_admin_cannot_reach_foreign_object_ids(route, site_a, admin_a, b_world):
    client = site_a.client(admin_a)
    for object_id in (b_world["object_id"], str(uuid.uuid4())):
        path = _fill(route, object_id)
        response = client.get(path)
        if response.status_code == 405:  # a route without GET: try what it does accept
            allowed = [m.strip().lower() for m in response.get("Allow", "").split(",") if m.strip()]
            method = next(m for m in ("delete", "patch", "post", "put") if m in allowed)
            response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code == 404, (path, response.status_code)
