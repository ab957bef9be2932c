"""A bare WebSocket client speaking the protocol, for testing the service without the engine."""

from __future__ import annotations

import asyncio
import itertools

import aiohttp
import msgspec

from app.protocol import messages as m
from app.protocol.limits import PROTOCOL_VERSION


class WsClient:
    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._session = session
        self.ws = ws
        self._ids = itertools.count(1)
        self._inbox: asyncio.Queue[m.ServerMessage | None] = asyncio.Queue()
        self.events: list[m.ServerMessage] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str) -> WsClient:
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(url, autoping=True)
        return cls(session, ws)

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                await self._inbox.put(m.decode_server(frame.data))
        await self._inbox.put(None)

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    def next_id(self) -> int:
        return next(self._ids)

    async def send_raw(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def request(self, message: m.ClientMessage, timeout: float = 3.0) -> m.ServerMessage:
        """Send a request and return its reply; events met on the way are kept in ``events``."""
        await self.ws.send_bytes(m.encode(message))
        return await self.reply_to(message.id, timeout)

    async def reply_to(self, request_id: int | None, timeout: float = 3.0) -> m.ServerMessage:
        async with asyncio.timeout(timeout):
            while True:
                msg = await self._inbox.get()
                if msg is None:
                    raise ConnectionError(f"socket closed with {self.ws.close_code}")
                if getattr(msg, "id", "no id") == request_id:
                    return msg
                self.events.append(msg)

    async def next_event(self, kind: type, timeout: float = 3.0):
        """The next event of this type (events already buffered first)."""
        for i, msg in enumerate(self.events):
            if isinstance(msg, kind):
                return self.events.pop(i)
        async with asyncio.timeout(timeout):
            while True:
                msg = await self._inbox.get()
                if msg is None:
                    raise ConnectionError(f"socket closed with {self.ws.close_code}")
                if isinstance(msg, kind):
                    return msg
                self.events.append(msg)

    async def drain(self, wait: float = 0.2) -> list[m.ServerMessage]:
        """Collect every event that arrives within ``wait`` seconds."""
        await asyncio.sleep(wait)
        while not self._inbox.empty():
            msg = self._inbox.get_nowait()
            if msg is not None:
                self.events.append(msg)
        got, self.events = self.events, []
        return got

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        async with asyncio.timeout(timeout):
            await self._reader
        return self.ws.close_code

    async def login(
        self,
        room_id: str,
        user_id: str,
        token: str,
        *,
        app_id: int,
        user_update: bool = True,
        user_name: str = "",
        media: m.MediaMode | None = None,
    ) -> m.ServerMessage:
        return await self.request(
            m.Login(
                id=self.next_id(),
                version=PROTOCOL_VERSION,
                app_id=app_id,
                room_id=room_id,
                user_id=user_id,
                user_name=user_name or user_id,
                token=token,
                user_update=user_update,
                media=media,
            )
        )

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        await self._session.close()


def raw(message: m.ClientMessage) -> str:
    return msgspec.json.encode(message).decode()
