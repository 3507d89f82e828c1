"""The bell's live socket against the real Redis channel layer (config.asgi.application, Channels'
WebsocketCommunicator): a signed-in person gets their notification once `notify()` commits, and
nobody joins a group of another person or institution.

The data is committed (the consumer reads sessions like a server would, outside any test
transaction), so each test makes its own people and deletes them afterwards.
"""
from __future__ import annotations

import secrets

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django_tenants.utils import tenant_context

from conftest import Site

CONTEXT = {"course": {"title": "Engines"}, "assignment_title": "Essay 1", "points": "8.00", "max_points": "10.00",
           "url": "https://example.org/"}


@pytest.fixture
def live(django_db_setup, django_db_blocker):
    """Committed people on both institutions; -> a namespace of sites, users and session cookies."""
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    made: list[tuple[Site, str]] = []
    with django_db_blocker.unblock():
        a = Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")
        b = Site(Tenant.objects.get(slug="globex"), f"globex.{settings.PLATFORM_DOMAIN}")

        def person(site: Site, role: str = "learner"):
            email = f"live-{role}-{secrets.token_hex(3)}-{tag}@{site.tenant.slug}.test"
            user = site.make_user(role=role, email=email)
            made.append((site, email))
            cookie = site.client(user).cookies[settings.SESSION_COOKIE_NAME].value
            return user, cookie

        yield {"a": a, "b": b, "person": person}
        for site, email in made:
            with tenant_context(site.tenant):
                User.objects.filter(username=email).delete()
        connection.set_schema_to_public()


def _socket(host: str, cookie: str | None = None, origin: str | None = None) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [(b"host", host.encode())]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    headers.append((b"origin", (origin or f"http://{host}").encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def _notify(site: Site, recipients, event: str = "feedback_posted") -> int:
    from tenant_apps.notifications.api import notify

    try:
        with tenant_context(site.tenant):
            return notify(event, recipients, CONTEXT, url="/learn/engines/")  # autocommit: on_commit runs now
    finally:
        connection.set_schema_to_public()


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


def test_signed_in_learner_receives_the_notification_once_notify_commits(live):
    learner, cookie = live["person"](live["a"])
    bystander, bystander_cookie = live["person"](live["a"])

    async def scenario():
        mine, theirs = _socket(live["a"].host, cookie), _socket(live["a"].host, bystander_cookie)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        # Whatever a client sends cannot subscribe it to anything.
        await theirs.send_json_to({"type": "group.add", "group": f"user.{live['a'].tenant.schema_name}.{learner.pk}"})
        await sync_to_async(_notify)(live["a"], [learner])
        message = await mine.receive_json_from(timeout=5)
        assert message["type"] == "notification.new"
        assert message["unread"] == 1
        assert message["notification"]["title"] == "Feedback and grade posted"
        assert "Essay 1" in message["notification"]["body"]
        assert message["notification"]["url"] == "/learn/engines/"
        assert message["badge_url"] == "/notifications/badge"
        assert await theirs.receive_nothing(timeout=0.5)  # another person of the same institution: nothing
        await sync_to_async(_notify)(live["a"], [learner])
        assert (await mine.receive_json_from(timeout=5))["unread"] == 2
        await mine.disconnect()
        await theirs.disconnect()

    run(scenario)


def test_anonymous_socket_is_closed_with_4401(live):
    async def scenario():
        for cookie in (None, "not-a-session-key"):
            socket = _socket(live["a"].host, cookie)
            connected, _ = await socket.connect()
            assert connected
            assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_a_session_of_one_institution_is_nobody_on_another_hosts_socket(live):
    learner, cookie = live["person"](live["a"])

    async def scenario():
        foreign = _socket(live["b"].host, cookie)
        assert (await foreign.connect())[0]
        assert await foreign.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
        # ... and a socket open on the right host still gets only its own institution's messages.
        home = _socket(live["a"].host, cookie)
        assert (await home.connect())[0]
        b_user, b_cookie = await sync_to_async(live["person"])(live["b"])
        b_socket = _socket(live["b"].host, b_cookie)
        assert (await b_socket.connect())[0]
        await sync_to_async(_notify)(live["a"], [learner])
        assert (await home.receive_json_from(timeout=5))["type"] == "notification.new"
        assert await b_socket.receive_nothing(timeout=0.5)
        await home.disconnect()
        await b_socket.disconnect()

    run(scenario)


def test_the_group_carries_the_schema_so_equal_user_ids_of_two_institutions_never_meet(live):
    from tenant_apps.realtime.api import user_group, user_publish

    a_user, a_cookie = live["person"](live["a"])
    b_user, b_cookie = live["person"](live["b"])
    a_schema, b_schema = live["a"].tenant.schema_name, live["b"].tenant.schema_name
    assert user_group(schema_name=a_schema, user_id=7) != user_group(schema_name=b_schema, user_id=7)
    with pytest.raises(ValueError):
        user_group(schema_name="public", user_id=1)

    async def scenario():
        b_socket = _socket(live["b"].host, b_cookie)
        assert (await b_socket.connect())[0]
        # A push to A's user with B's user's id lands in A's group only.
        await sync_to_async(user_publish)(b_user.pk, {"type": "notification.new", "unread": 9}, schema_name=a_schema)
        assert await b_socket.receive_nothing(timeout=0.5)
        await sync_to_async(user_publish)(b_user.pk, {"type": "notification.new", "unread": 3}, schema_name=b_schema)
        assert (await b_socket.receive_json_from(timeout=5))["unread"] == 3
        await b_socket.disconnect()

    run(scenario)


@pytest.mark.parametrize("host", ["nobody.localhost", "localhost", "tenant-template.localhost"])
def test_unknown_host_or_the_public_site_refuses_the_handshake(live, host):
    learner, cookie = live["person"](live["a"])

    async def scenario():
        connected, _ = await _socket(host, cookie).connect()
        assert not connected

    run(scenario)


def test_a_page_of_another_site_cannot_open_the_socket_with_the_cookie(live):
    learner, cookie = live["person"](live["a"])

    async def scenario():
        for origin in ("http://evil.example", f"http://{live['b'].host}"):
            connected, _ = await _socket(live["a"].host, cookie, origin=origin).connect()
            assert not connected
        # The same host on another port (the socket's own port in development) is the same site.
        socket = _socket(live["a"].host, cookie, origin=f"http://{live['a'].host}:8000")
        assert (await socket.connect())[0]
        await socket.disconnect()

    run(scenario)


def test_a_fan_out_reaches_each_person_with_their_own_count_in_one_publish(live):
    people = [live["person"](live["a"]) for _ in range(5)]

    async def scenario():
        sockets = [_socket(live["a"].host, cookie) for _, cookie in people]
        for s in sockets:
            assert (await s.connect())[0]
        await sync_to_async(_notify)(live["a"], [user for user, _ in people])
        for s in sockets:
            message = await s.receive_json_from(timeout=5)
            assert message["unread"] == 1
            assert await s.receive_nothing(timeout=0.1)  # exactly one each
            await s.disconnect()

    run(scenario)
