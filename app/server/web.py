"""The room service over HTTP: ``GET /ws`` (WebSocket), ``GET /healthz``, ``GET /proof``.

A thin aiohttp shell around :class:`~app.server.rooms.RoomService`: it reads frames, hands
them to the service, and writes what the service sends through one byte-bounded outbox per
socket (``outbox.py``), so a slow reader never blocks the others nor grows memory.
:class:`RoomServer` runs it on a host and port, behind the connection guard (``guard.py``) and
optionally TLS, for the ``huddle-server`` command, the desktop app's embedded service and the
tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

from aiohttp import WSMsgType, web

from app import __version__
from app.protocol.limits import HARD_FRAME_BYTES, CloseCode
from app.protocol.proof import PROOF_PATH

from .guard import (
    GUARD_KEY,
    LISTEN_BACKLOG,
    ConnectionGuard,
    GuardConfig,
    guard_middleware,
    proof_handler,
)
from .media import MediaRouter
from .outbox import SocketOutbox
from .pages import DevTokens, PageConfig, add_page_routes
from .rooms import RoomService, ServiceConfig, Session

log = logging.getLogger("huddle.server")

SERVICE_KEY = web.AppKey("service", RoomService)
SOCKETS_KEY = web.AppKey("sockets", set[web.WebSocketResponse])
SWEEPER_KEY = web.AppKey("sweeper", asyncio.Task[None])
SFU_KEY = web.AppKey("sfu", MediaRouter)


async def _ws_handler(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE_KEY]
    guard = request.app[GUARD_KEY]
    if (refusal := guard.refuse_origin(request)) is not None:
        return refusal
    # No permessage-deflate: a zlib context per socket costs memory the byte budget does not
    # see, for messages that are small JSON.
    ws = web.WebSocketResponse(max_msg_size=HARD_FRAME_BYTES, autoping=True, compress=False)
    await ws.prepare(request)
    request.app[SOCKETS_KEY].add(ws)
    outbox = SocketOutbox(
        ws,
        request.transport,
        max_bytes=guard.config.max_outbox_bytes,
        close_grace=guard.config.close_grace,
    )
    session: Session = service.connect(outbox, peer=request.remote or "")
    outbox.on_too_slow = lambda: service.disconnect(session, "too slow")
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
    service = request.app[SERVICE_KEY]
    # With an SFU and none of its nodes reachable the service still signals, but no media
    # flows: "degraded" and 503, so a load balancer or a monitor notices.
    status = "ok" if service.healthy else "degraded"
    body = {"status": status, "version": __version__, **service.stats()}
    return web.json_response(body, status=200 if service.healthy else 503)


async def _start_sfu(app: web.Application) -> None:
    if SFU_KEY in app:
        await app[SFU_KEY].start()


async def _stop_sfu(app: web.Application) -> None:
    if SFU_KEY in app:
        await app[SFU_KEY].close()


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
    """On shutdown every client is told GOING_AWAY, so engines know to reconnect; one that
    does not read is cut off after the grace period."""
    grace = app[GUARD_KEY].config.close_grace

    async def close(ws: web.WebSocketResponse) -> None:
        try:
            async with asyncio.timeout(grace):
                await ws.close(code=CloseCode.GOING_AWAY, message=b"server shutdown")
        except (TimeoutError, ConnectionError, RuntimeError):
            pass

    await asyncio.gather(*(close(ws) for ws in list(app[SOCKETS_KEY])))


def create_app(
    config: ServiceConfig,
    service: RoomService | None = None,
    *,
    guard: ConnectionGuard | None = None,
    dev_tokens: DevTokens = "off",
    host: str = "127.0.0.1",
    sfu: MediaRouter | None = None,
) -> web.Application:
    """The aiohttp application of the room service (and the browser's page and SDK).
    ``sfu`` (started and closed with the app) routes the media of ``sfu`` rooms, e.g.
    :class:`~app.server.janus.JanusRouter`."""
    app = web.Application(middlewares=[guard_middleware])
    app[SERVICE_KEY] = service or RoomService(config, sfu=sfu)
    app[GUARD_KEY] = guard or ConnectionGuard()
    if sfu is not None:
        app[SFU_KEY] = sfu
        app.on_startup.append(_start_sfu)
        app.on_cleanup.append(_stop_sfu)
    app[SOCKETS_KEY] = set()
    app.router.add_get("/ws", _ws_handler)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get(PROOF_PATH, proof_handler(config.secret))
    # The browser: the web app, the SDK, development tokens (app/server/pages.py).
    add_page_routes(app, PageConfig(config.app_id, config.secret, dev_tokens, host))
    app.on_startup.append(_start_sweeper)
    app.on_shutdown.append(_close_sockets)
    app.on_cleanup.append(_stop_sweeper)
    return app


class RoomServer:
    """The room service listening on ``host:port`` (port 0 picks a free one).

    Use ``async with RoomServer(config) as server:`` or ``await start()`` / ``await stop()``;
    ``url`` is the WebSocket URL clients connect to once started. With ``ssl_context`` it
    serves ``wss://`` and ``https://``.
    """

    def __init__(
        self,
        config: ServiceConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        guard: GuardConfig | None = None,
        ssl_context: ssl.SSLContext | None = None,
        dev_tokens: DevTokens = "off",
        sfu: MediaRouter | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.guard = ConnectionGuard(guard)
        self.app = create_app(config, guard=self.guard, dev_tokens=dev_tokens, host=host, sfu=sfu)
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None

    @property
    def service(self) -> RoomService:
        return self.app[SERVICE_KEY]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'wss' if self.ssl_context else 'ws'}://{host}:{self.port}/ws"

    @property
    def http_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.ssl_context else 'http'}://{host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            return
        # aiohttp's keep-alive timer also runs before the first request, so it is the limit
        # on sending a request head (a half-open request is closed when it fires).
        runner = web.AppRunner(
            self.app,
            handle_signals=False,
            access_log=None,
            keepalive_timeout=self.guard.config.handshake_timeout,
        )
        await runner.setup()
        assert runner.server is not None
        loop = asyncio.get_running_loop()
        try:
            # The guard counts each connection, then starts TLS and hands it to aiohttp.
            self._listener = await loop.create_server(
                self.guard.protocol_factory(runner.server, self.ssl_context),
                self.host,
                self.port,
                reuse_address=True,
                backlog=LISTEN_BACKLOG,
            )
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        sockets = self._listener.sockets
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self.guard.listening_on(self.host, self.port, tls=self.ssl_context is not None)
        log.info("listening on %s", self.url)

    async def stop(self) -> None:
        """Close every socket with GOING_AWAY and stop listening. Safe to call twice."""
        runner, self._runner = self._runner, None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if runner is not None:
            await runner.cleanup()
        self.guard.abort_all()  # what aiohttp never had: connections still in TLS handshake
        if listener is not None:
            await listener.wait_closed()

    async def __aenter__(self) -> RoomServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
