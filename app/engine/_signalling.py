"""One WebSocket to the room service: requests with replies, events to a callback.

A connection lives from ``connect()`` until the socket closes; the engine makes a new one to
reconnect. Replies are matched to requests by ``id``; everything else goes to ``on_event`` in
arrival order. When the socket closes for any reason but ``close()``, pending requests fail
with CONNECTION_LOST and ``on_closed(close_code)`` is called once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import ssl
from collections.abc import Callable

import aiohttp
from yarl import URL

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import HARD_FRAME_BYTES
from app.protocol.proof import service_proves

from .errors import HuddleError, RequestTimeoutError, ServerConnectionError

log = logging.getLogger("huddle.engine")


class Signalling:
    def __init__(
        self,
        url: str,
        *,
        on_event: Callable[[m.ServerMessage], None],
        on_closed: Callable[[int | None], None],
        request_timeout: float,
        ca_file: str | None = None,
        proof_secret: bytes | None = None,
    ) -> None:
        self.url = url
        self._ca_file = ca_file
        self._proof_secret = proof_secret
        self._on_event = on_event
        self._on_closed = on_closed
        self._timeout = request_timeout
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[m.ServerMessage]] = {}
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False

    def _ssl(self) -> ssl.SSLContext | bool:
        """TLS verification for ``wss://``: the given CA file, else the system's."""
        if self._ca_file is None:
            return True
        try:
            return ssl.create_default_context(cafile=self._ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ServerConnectionError(
                ErrorCode.TLS_CERTIFICATE_INVALID,
                f"The CA file {self._ca_file!r} could not be read ({exc}).",
            ) from None

    async def connect(self) -> None:
        """Open the socket; raises ServerConnectionError (SERVER_UNREACHABLE, or
        TLS_CERTIFICATE_INVALID, or LOCAL_SERVICE_UNPROVEN)."""
        ssl_context = self._ssl()
        self._http = aiohttp.ClientSession()
        try:
            async with asyncio.timeout(self._timeout):
                if self._proof_secret is not None:
                    await self._check_proof()
                self._ws = await self._http.ws_connect(
                    self.url, max_msg_size=HARD_FRAME_BYTES, autoping=True, ssl=ssl_context
                )
        except ServerConnectionError:
            await self._close_http()
            raise
        except aiohttp.ClientConnectorCertificateError as exc:
            await self._close_http()
            raise ServerConnectionError(
                ErrorCode.TLS_CERTIFICATE_INVALID,
                f"The TLS certificate of {self.url} could not be verified "
                f"({exc.certificate_error}); give the CA file that signed it.",
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            await self._close_http()
            reason = str(exc) or type(exc).__name__
            raise ServerConnectionError(
                ErrorCode.SERVER_UNREACHABLE,
                f"The room service at {self.url} could not be reached ({reason}).",
            ) from exc
        except asyncio.CancelledError:  # a login given up: no session left open behind it
            await self._close_http()
            raise
        self._reader = asyncio.create_task(self._read(), name="huddle-signalling-reader")

    async def _check_proof(self) -> None:
        """Before any token goes out: the service must prove it holds the local secret."""
        assert self._http is not None and self._proof_secret is not None
        url = URL(self.url)
        scheme = "https" if url.scheme == "wss" else "http"
        port = url.port or (443 if scheme == "https" else 80)
        base = f"{scheme}://{url.raw_authority}"
        if not await service_proves(
            self._http, base, port, self._proof_secret, timeout=self._timeout
        ):
            raise ServerConnectionError(
                ErrorCode.LOCAL_SERVICE_UNPROVEN,
                f"{ErrorCode.LOCAL_SERVICE_UNPROVEN.message} ({self.url})",
            )

    def next_id(self) -> int:
        return next(self._ids)

    async def request(self, message: m.ClientMessage) -> m.ServerMessage:
        """Send a request and wait for its reply; an ``error`` reply raises HuddleError."""
        ws = self._ws
        if ws is None or ws.closed:
            raise ServerConnectionError(ErrorCode.CONNECTION_LOST)
        future: asyncio.Future[m.ServerMessage] = asyncio.get_running_loop().create_future()
        self._pending[message.id] = future
        try:
            await ws.send_bytes(m.encode(message))
            async with asyncio.timeout(self._timeout):
                reply = await future
        except TimeoutError as exc:
            raise RequestTimeoutError(
                ErrorCode.REQUEST_TIMEOUT,
                f"The room service did not answer a {type(message).__name__.lower()} "
                f"request within {self._timeout:g} s.",
            ) from exc
        except (ConnectionError, aiohttp.ClientError, RuntimeError) as exc:
            raise ServerConnectionError(ErrorCode.CONNECTION_LOST) from exc
        finally:
            self._pending.pop(message.id, None)
        if isinstance(reply, m.Error):
            raise HuddleError(ErrorCode.from_wire(reply.code), reply.message)
        return reply

    async def _read(self) -> None:
        ws = self._ws
        assert ws is not None
        try:
            async for frame in ws:
                if frame.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    continue
                try:
                    message = m.decode_server(frame.data)
                except m.DecodeError as exc:
                    log.warning("unreadable frame from the room service: %s", exc)
                    continue
                if isinstance(message, m.ServerReply):
                    future = self._pending.get(message.id) if message.id is not None else None
                    if future is not None and not future.done():
                        future.set_result(message)
                    elif isinstance(message, m.Error) and message.id is None:
                        log.warning("the room service says: %s", message.message)
                    else:  # the request gave up waiting (timeout, logout) before this came
                        log.debug("late reply to request %s", message.id)
                    continue
                try:
                    self._on_event(message)
                except Exception:
                    log.exception("handling %s failed", type(message).__name__)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ServerConnectionError(ErrorCode.CONNECTION_LOST))
            code = ws.close_code
            if not self._closing:
                log.info("signalling closed by the other end (code %s)", code)
                self._on_closed(code)
                # Nobody calls close() on a socket the other end closed: free its session here.
                await self._close_http()

    async def close(self) -> None:
        """Close the socket without reporting it. Safe to call twice."""
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._close_http()

    async def _close_http(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.close()
