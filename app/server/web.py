"""The room service over HTTP: ``GET /ws`` (WebSocket) and ``GET /healthz``.

A thin aiohttp shell around :class:`~app.server.rooms.RoomService`: it reads frames, hands
them to the service, and writes what the service sends through one queue and writer task per
socket, so a slow reader never blocks the others. :class:`RoomServer` runs it on a host and
port, for the ``huddle-server`` command, the desktop app's embedded service and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import WSMsgType, web

from app import __version__
from app.protocol.limits import HARD_FRAME_BYTES, CloseCode

from .rooms import RoomService, ServiceConfig, Session

log = logging.getLogger("huddle.server")

SERVICE_KEY = web.AppKey("service", RoomService)
SOCKETS_KEY = web.AppKey("sockets", set[web.WebSocketResponse])
SWEEPER_KEY = web.AppKey("sweeper", asyncio.Task[None])

SEND_QUEUE_LIMIT = 4096
"""Messages waiting for one slow client before it is disconnected (close 4003)."""


class _SocketOutbox:
    """Queues a session's outgoing frames; one writer task drains them in order."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self._ws = ws
        self._queue: asyncio.Queue[bytes | tuple[int, str]] = asyncio.Queue(SEND_QUEUE_LIMIT)
        self._writer = asyncio.create_task(self._drain(), name="huddle-ws-writer")
        self._closer: asyncio.Task[bool] | None = None
        self._closing = False

    def send(self, data: bytes) -> None:
        if self._closing:
            return
        try:
            self._queue.put_nowait(data)
        except asyncio.QueueFull:
            log.warning("send queue full; closing a slow client")
            self._close_now(CloseCode.TOO_SLOW, "too slow")

    def close(self, code: int, reason: str) -> None:
        """Close after everything already queued has been written."""
        if self._closing:
            return
        try:
            self._queue.put_nowait((code, reason))
            self._closing = True
        except asyncio.QueueFull:
            self._close_now(code, reason)

    def _close_now(self, code: int, reason: str) -> None:
        self._closing = True
        self._writer.cancel()
        self._closer = asyncio.create_task(self._ws.close(code=code, message=reason.encode()[:120]))

    async def _drain(self) -> None:
        ws = self._ws
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, tuple):
                    code, reason = item
                    await ws.close(code=code, message=reason.encode()[:120])
                    return
                await ws.send_frame(item, WSMsgType.TEXT)
        except (ConnectionError, RuntimeError):
            pass  # the socket went away; the reader loop notices and disconnects

    async def stop(self) -> None:
        self._closing = True
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        if self._closer is not None:
            await self._closer


async def _ws_handler(request: web.Request) -> web.WebSocketResponse:
    service = request.app[SERVICE_KEY]
    ws = web.WebSocketResponse(max_msg_size=HARD_FRAME_BYTES, autoping=True)
    await ws.prepare(request)
    request.app[SOCKETS_KEY].add(ws)
    outbox = _SocketOutbox(ws)
    session: Session = service.connect(outbox, peer=request.remote or "")
    try:
        async for msg in ws:
            if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                service.handle_frame(session, msg.data)
            elif msg.type == WSMsgType.ERROR:
                log.info("socket error from %s: %s", request.remote, ws.exception())
                break
    finally:
        service.disconnect(session, "socket closed", resumable=True)
        await outbox.stop()
        request.app[SOCKETS_KEY].discard(ws)
    return ws


async def _healthz(request: web.Request) -> web.Response:
    stats = request.app[SERVICE_KEY].stats()
    return web.json_response({"status": "ok", "version": __version__, **stats})


async def _start_sweeper(app: web.Application) -> None:
    service = app[SERVICE_KEY]
    period = min(1.0, service.config.heartbeat_timeout / 4)

    async def sweep() -> None:
        while True:
            await asyncio.sleep(period)
            try:
                service.sweep()
            except Exception:
                log.exception("heartbeat sweep failed")

    app[SWEEPER_KEY] = asyncio.create_task(sweep(), name="huddle-heartbeat-sweeper")


async def _stop_sweeper(app: web.Application) -> None:
    task = app[SWEEPER_KEY]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _close_sockets(app: web.Application) -> None:
    """On shutdown every client is told GOING_AWAY, so engines know to reconnect."""
    for ws in list(app[SOCKETS_KEY]):
        await ws.close(code=CloseCode.GOING_AWAY, message=b"server shutdown")


def create_app(config: ServiceConfig, service: RoomService | None = None) -> web.Application:
    """The aiohttp application of the room service."""
    app = web.Application()
    app[SERVICE_KEY] = service or RoomService(config)
    app[SOCKETS_KEY] = set()
    app.router.add_get("/ws", _ws_handler)
    app.router.add_get("/healthz", _healthz)
    app.on_startup.append(_start_sweeper)
    app.on_shutdown.append(_close_sockets)
    app.on_cleanup.append(_stop_sweeper)
    return app


class RoomServer:
    """The room service listening on ``host:port`` (port 0 picks a free one).

    Use ``async with RoomServer(config) as server:`` or ``await start()`` / ``await stop()``;
    ``url`` is the WebSocket URL clients connect to once started.
    """

    def __init__(self, config: ServiceConfig, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self.host = host
        self.port = port
        self.app = create_app(config)
        self._runner: web.AppRunner | None = None

    @property
    def service(self) -> RoomService:
        return self.app[SERVICE_KEY]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}/ws"

    @property
    def http_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            return
        runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        sockets = site._server.sockets if site._server else ()  # type: ignore[union-attr]
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("listening on %s", self.url)

    async def stop(self) -> None:
        """Close every socket with GOING_AWAY and stop listening. Safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> RoomServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
