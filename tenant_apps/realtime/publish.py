"""Sending to people's open sockets from sync code (requests after commit, Celery tasks).

All messages of one call go out in a single event-loop run on one Redis connection, the PUBLISHes
pipelined, so a fan-out to thousands costs a few round trips, not one event loop and one round trip
per person.
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
PIPELINE_SIZE = 500


async def _send_all(layer, batch: list[tuple[str, dict]]) -> int:
    try:
        return await _publish_pipelined(layer, batch)
    except _NotPubSub:
        pass
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(group: str, message: dict) -> None:
        async with gate:
            await layer.group_send(group, message)

    results = await asyncio.gather(*(one(g, m) for g, m in batch), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        logger.warning("%d of %d live pushes failed: %r", len(failed), len(batch), failed[0])
    return len(batch) - len(failed)


class _NotPubSub(Exception):
    pass


async def _publish_pipelined(layer, batch: list[tuple[str, dict]]) -> int:
    """channels-redis' pub/sub layer publishes one group at a time under a lock (one round trip
    each: ~5 s for 1,000 on a busy 2-core machine); the same PUBLISHes, pipelined per shard, take
    one round trip per PIPELINE_SIZE. Uses the layer's own naming, shards and serializer."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    if not isinstance(layer, RedisPubSubChannelLayer):
        raise _NotPubSub
    loop_layer = layer._get_layer()
    by_shard: dict[int, tuple[object, list[tuple[str, bytes]]]] = {}
    for group, message in batch:
        channel = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(channel)
        by_shard.setdefault(id(shard), (shard, []))[1].append((channel, layer.serialize(message)))
    for shard, items in by_shard.values():
        shard._ensure_redis()
        for start in range(0, len(items), PIPELINE_SIZE):
            pipe = shard._redis.pipeline(transaction=False)
            for channel, data in items[start:start + PIPELINE_SIZE]:
                pipe.publish(channel, data)
            await pipe.execute()
    return len(batch)


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
