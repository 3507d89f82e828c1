"""The bell's live socket: `/ws/notifications/` pushes a person's new notifications to their pages."""
from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .groups import user_group
from .identity import NOT_SIGNED_IN, socket_identity


class NotificationConsumer(AsyncWebsocketConsumer):
    """Joins exactly one group, chosen here from the Host header's tenant and the session's user;
    what the client sends is ignored (it cannot subscribe to anything)."""

    groups: list[str] = []  # never the class-level auto-join: the group is picked in connect()

    async def connect(self) -> None:
        self.group = None
        identity = await database_sync_to_async(socket_identity)(self.scope)
        if identity is None:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        if identity.user_id is None:
            await self.accept()
            await self.close(code=NOT_SIGNED_IN)
            return
        self.group = user_group(schema_name=identity.schema_name, user_id=identity.user_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        return None

    async def user_push(self, event: dict) -> None:
        await self.send(text_data=json.dumps(event["payload"], separators=(",", ":")))
