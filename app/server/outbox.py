"""A socket's outgoing messages: queued, written in order by one task, bounded in bytes.

A client that reads slowly (or never) must not grow the service's memory. What waits for it
is counted in bytes, the queue here plus what the transport holds, and when it passes the
budget the queue is dropped at once and the socket closed as too slow (4003).

Every close the service makes goes the same way: the close frame after the messages already
queued, then the client has ``close_grace`` seconds to read them and answer the close (the
service keeps reading and discarding until then, so a client still sending is never reset
with its frames unread and does see its close code); after that it is cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable

from aiohttp import WSMsgType, web

from app.protocol.errors import ErrorCode
from app.protocol.limits import CloseCode

log = logging.getLogger("huddle.server")


class SocketOutbox:
    """The :class:`~app.server.rooms.Outbox` of one WebSocket."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        transport: asyncio.BaseTransport | None,
        *,
        max_bytes: int,
        close_grace: float,
    ) -> None:
        self._ws = ws
        self._transport = transport
        self._max_bytes = max_bytes
        self._grace = close_grace
        self._queue: deque[bytes] = deque()
        self._queued_bytes = 0
        self._wakeup = asyncio.Event()
        self._close: tuple[int, str] | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._writer = asyncio.create_task(self._drain(), name="huddle-ws-writer")
        self.on_too_slow: Callable[[], None] | None = None
        """Called (soon, never from inside ``send``) when the client fell too far behind."""

    @property
    def pending_bytes(self) -> int:
        """Bytes waiting for this client: queued here and held by the transport."""
        return self._queued_bytes + self._transport_bytes()

    def _transport_bytes(self) -> int:
        transport = self._transport
        if transport is None or transport.is_closing():
            return 0
        return transport.get_write_buffer_size()  # type: ignore[attr-defined]

    def send(self, data: bytes) -> None:
        if self._close is not None:
            return
        if self._queued_bytes + len(data) + self._transport_bytes() > self._max_bytes:
            self._too_slow()
            return
        self._queue.append(data)
        self._queued_bytes += len(data)
        self._wakeup.set()

    def close(self, code: int, reason: str) -> None:
        """Close after everything already queued has been written."""
        if self._close is not None:
            return
        self._close = (code, reason)
        self._wakeup.set()
        self._start_deadline()

    def _too_slow(self) -> None:
        log.warning(
            "closing a client too slow to read: %d bytes waiting (limit %d)",
            self.pending_bytes,
            self._max_bytes,
        )
        self._close = (CloseCode.TOO_SLOW, ErrorCode.SEND_QUEUE_FULL.name)
        self._queue.clear()
        self._queued_bytes = 0
        # The writer may be waiting for the transport to drain, which may never happen.
        self._writer.cancel()
        self._writer = asyncio.create_task(self._close_ws(*self._close), name="huddle-ws-close")
        self._start_deadline()
        if self.on_too_slow is not None:
            asyncio.get_running_loop().call_soon(self.on_too_slow)

    def _start_deadline(self) -> None:
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().call_later(self._grace, self._cut_off)

    def _cut_off(self) -> None:
        """The grace period is over: drop whatever the client has not read."""
        if not self._writer.done():
            self._writer.cancel()
        if self._transport is not None and not self._ws.closed:
            log.info("cutting off a client that did not finish closing in %.0f s", self._grace)
        if self._transport is not None:
            self._transport.abort()  # type: ignore[attr-defined]

    async def _drain(self) -> None:
        ws = self._ws
        try:
            while True:
                while self._queue:
                    data = self._queue.popleft()
                    self._queued_bytes -= len(data)
                    await ws.send_frame(data, WSMsgType.TEXT)
                if self._close is not None:
                    await self._close_ws(*self._close)
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
        except (ConnectionError, RuntimeError):
            pass  # the socket went away; the reader loop notices and disconnects

    async def _close_ws(self, code: int, reason: str) -> None:
        # aiohttp's close() sends the close frame, then reads (discarding) until the client's
        # close arrives, and only then closes the transport.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._ws.close(code=code, message=reason.encode()[:120])

    async def stop(self) -> None:
        """The socket's reader ended: finish a close in progress (bounded by the grace
        period), else stop writing. Safe to call twice."""
        if self._close is None:
            self._close = (CloseCode.NORMAL, "")
            self._writer.cancel()
        elif not self._writer.done():
            self._start_deadline()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        if self._deadline is not None:
            self._deadline.cancel()
        self._queue.clear()
        self._queued_bytes = 0
