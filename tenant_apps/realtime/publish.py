"""Sending to people's open sockets from sync code (requests after commit, Celery tasks).

All messages of one call go out in a single event-loop run (one Redis connection, the PUBLISHes
pipelined by concurrency), so a fan-out to thousands costs one round of work, not one loop each.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from .groups import user_group

logger = logging.getLogger(__name__)
PUSH = "user.push"  # the consumer's handler (NotificationConsumer.user_push)
CONCURRENCY = 100


async def _send_all(layer, batch: list[tuple[str, dict]]) -> int:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(group: str, message: dict) -> None:
        async with gate:
            await layer.group_send(group, message)

    results = await asyncio.gather(*(one(g, m) for g, m in batch), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        logger.warning("%d of %d live pushes failed: %r", len(failed), len(batch), failed[0])
    return len(batch) - len(failed)


def users_publish(messages: Iterable[tuple[int, dict]], *, schema_name: str | None = None) -> int:
    """Push each (user_id, message) to that person's sockets on this institution (the active schema
    unless given); -> how many were handed to the channel layer. Best effort: nobody listening is fine."""
    schema = schema_name or connection.schema_name
    batch = [(user_group(schema_name=schema, user_id=uid), {"type": PUSH, "payload": message})
             for uid, message in messages]
    layer = get_channel_layer()
    if not batch or layer is None:
        return 0
    return async_to_sync(_send_all)(layer, batch)


def user_publish(user_id: int, message: dict, *, schema_name: str | None = None) -> None:
    """Push `message` (JSON-serialisable) to one person's open pages on this institution."""
    users_publish([(user_id, message)], schema_name=schema_name)


# The notification service sends a whole commit's notifications through this in one go.
user_publish.many = users_publish
