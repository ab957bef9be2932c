"""The room service's defences below the protocol: connections, handshakes and origins.

:class:`ConnectionGuard` sits between the listening socket and aiohttp. Every TCP connection
is counted, in total and per client address, from the moment it is accepted (before a TLS
handshake, before a request head): when a cap is reached, the oldest connection of that
address (or of all) that has not yet sent a complete request head is dropped to make room,
and only when none is left is the newcomer refused (503, TOO_MANY_CONNECTIONS). So a flood of
half-open requests can hold at most the caps' worth of sockets, and a real client, which sends
its request at once, still gets in. A request head must arrive within ``handshake_timeout``
(aiohttp's keep-alive timer, which also runs before the first request; the TLS handshake has
the same limit).

``/ws`` accepts browser pages only from allowed origins (``Origin`` header): the service's own
origin and any given with ``--allow-origin``. Clients that send no ``Origin`` (the desktop app,
the bot, the SDK) are not browsers and are let through: they need a token anyway.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import resource
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from app.protocol import proof
from app.protocol.errors import ErrorCode

log = logging.getLogger("huddle.server")

LISTEN_BACKLOG = 128
"""Connections waiting to be accepted; asyncio accepts up to this many at a time."""
EARLY_BYTES = 64 * 1024
"""Bytes a TLS client may send before its connection reaches aiohttp (a request head)."""
REFUSED_LINGERING = 64
"""Refused connections kept open at once to read the client's request (so the 503 is not
lost to a reset); beyond this, a refused connection is cut at once."""
REFUSED_LINGER_SECONDS = 1.0
FILES_RESERVED = 2 * LISTEN_BACKLOG + REFUSED_LINGERING
"""Open files kept free below the limit: an evicted connection's descriptor is released one
loop turn later, so a burst of accepts must fit beside the capped ones (else accept() fails
and asyncio stops accepting for a second), plus logs and the like."""


@dataclass(kw_only=True)
class GuardConfig:
    """Limits on connections and what each may cost; the defaults suit one service process."""

    max_connections: int = 10_000
    """TCP connections open at once (further capped by the process's open-file limit)."""
    max_connections_per_ip: int = 256
    """TCP connections open at once from one client address. 0: no per-address cap."""
    handshake_timeout: float = 10.0
    """Seconds to complete a TLS handshake and a request head, and to idle between requests."""
    max_outbox_bytes: int = 1 << 20
    """Bytes waiting to be sent to one socket (queued and in the transport's buffer) before
    it is closed as too slow (4003)."""
    close_grace: float = 5.0
    """Seconds a socket the service closes has to read its last messages and the close frame
    before it is cut off."""
    allow_origins: list[str] = field(default_factory=list)
    """Browser origins allowed on ``/ws`` besides the service's own (``https://host[:port]``;
    ``*`` allows any)."""

    def __post_init__(self) -> None:
        for name in ("max_connections", "max_outbox_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_connections_per_ip < 0:
            raise ValueError(
                f"max_connections_per_ip must be 0 (no cap) or more, got "
                f"{self.max_connections_per_ip}"
            )
        for name in ("handshake_timeout", "close_grace"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        self.allow_origins = [normalize_origin(o) for o in self.allow_origins]


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, no trailing slash; ``*`` stays ``*``."""
    origin = origin.strip().rstrip("/").lower()
    if origin != "*" and not origin.startswith(("http://", "https://")):
        raise ValueError(f"an origin looks like https://host[:port], got {origin!r}")
    return origin


def coded_body(code: ErrorCode, message: str | None = None) -> str:
    return json.dumps({"code": int(code), "name": code.name, "message": message or code.message})


class _Connection(asyncio.Protocol):
    """One accepted TCP connection: counted by the guard, then handed to aiohttp."""

    def __init__(
        self,
        guard: ConnectionGuard,
        make_handler: Callable[[], asyncio.Protocol],
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self._guard = guard
        self._make_handler = make_handler
        self._ssl = ssl_context
        self.inner: asyncio.Protocol | None = None
        self.transport: asyncio.BaseTransport | None = None
        self.ip = ""
        self.established = False
        self.counted = False
        self.refused = False
        self._tls: asyncio.Task[None] | None = None
        self._early: list[bytes] = []
        """Decrypted bytes that arrived with the end of the TLS handshake, before aiohttp
        had the connection."""

    # The transport's calls, passed on to aiohttp once it has the connection.

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.ip = client_address(peer[0] if isinstance(peer, tuple) and peer else "")
        if not self._guard._admit(self):
            return
        if self._ssl is None:
            self._hand_over(transport)
        else:
            # Counted before the handshake: a TLS client that never finishes is evicted
            # like a plain one that never sends its request.
            transport.pause_reading()  # type: ignore[attr-defined]
            self._tls = asyncio.ensure_future(self._start_tls(transport))

    async def _start_tls(self, raw: asyncio.BaseTransport) -> None:
        loop = asyncio.get_running_loop()
        try:
            tls = await loop.start_tls(
                raw,  # type: ignore[arg-type]
                self,
                self._ssl,  # type: ignore[arg-type]
                server_side=True,
                ssl_handshake_timeout=self._guard.config.handshake_timeout,
            )
        except (OSError, ssl.SSLError, TimeoutError, ConnectionError, RuntimeError) as exc:
            log.debug("TLS handshake from %s failed: %s", self.ip, exc)
            raw.abort()  # type: ignore[attr-defined]
            self._guard._release(self)
            return
        if tls is None or raw.is_closing():
            self._guard._release(self)
            return
        self.transport = tls
        self._hand_over(tls)

    def _hand_over(self, transport: asyncio.BaseTransport) -> None:
        self.inner = self._make_handler()
        self._guard._by_handler[self.inner] = self
        self.inner.connection_made(transport)
        early, self._early = self._early, []
        for data in early:
            if self.inner is None:
                break
            self.inner.data_received(data)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)
        elif self._tls is not None and not self.refused:
            self._early.append(data)
            if sum(map(len, self._early)) > EARLY_BYTES:
                self.abort()
        # else: refused (answered already), the request is read and dropped

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.refused:
            self.refused = False
            self._guard._lingering -= 1
        self._guard._release(self)
        if self._tls is not None and not self._tls.done():
            self._tls.cancel()
        inner, self.inner = self.inner, None
        if inner is not None:
            self._guard._by_handler.pop(inner, None)
            inner.connection_lost(exc)

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()  # type: ignore[attr-defined]


class ConnectionGuard:
    """Counts connections, enforces the caps and the origin allow-list."""

    def __init__(self, config: GuardConfig | None = None) -> None:
        self.config = config or GuardConfig()
        self.max_connections = self.config.max_connections
        self._all: dict[_Connection, None] = {}
        """Every counted connection, oldest first."""
        self._pending: dict[_Connection, None] = {}
        """Connections that have not sent a complete request head yet, oldest first."""
        self._by_ip: dict[str, dict[_Connection, None]] = {}
        self._by_handler: dict[object, _Connection] = {}
        self._own_origins: set[str] = set()
        self._same_host = True
        self.evicted = 0
        self.refused = 0
        self._lingering = 0

    # ------------------------------------------------------------ listening

    def protocol_factory(
        self, make_handler: Callable[[], Any], ssl_context: ssl.SSLContext | None = None
    ) -> Callable[[], asyncio.Protocol]:
        """What ``loop.create_server`` calls per connection (give it no ``ssl``: the guard
        starts TLS itself, after counting the connection)."""
        self.max_connections = _within_open_files(self.config.max_connections)
        return lambda: _Connection(self, make_handler, ssl_context)

    def listening_on(self, host: str, port: int, *, tls: bool) -> None:
        """Learn the service's own origin(s) once its address is known."""
        scheme = "https" if tls else "http"
        default = 443 if tls else 80
        if host in ("", "0.0.0.0", "::"):
            # Any address: the own origin is whatever host the page was loaded from.
            self._same_host = True
            self._own_origins = set()
            return
        self._same_host = False
        hosts = {host}
        if _is_loopback(host):
            hosts |= {"127.0.0.1", "localhost", "::1"}
        origins = set()
        for name in hosts:
            shown = f"[{name}]" if ":" in name else name
            origins.add(f"{scheme}://{shown}:{port}".lower())
            if port == default:
                origins.add(f"{scheme}://{shown}".lower())
        self._own_origins = origins

    def abort_all(self) -> None:
        for conn in list(self._all):
            conn.abort()

    def stats(self) -> dict[str, int]:
        return {
            "tcp_connections": len(self._all),
            "tcp_pending": len(self._pending),
            "tcp_evicted": self.evicted,
            "tcp_refused": self.refused,
        }

    # ------------------------------------------------------------ counting

    def _admit(self, conn: _Connection) -> bool:
        per_ip = self.config.max_connections_per_ip
        same_ip = self._by_ip.get(conn.ip, {})
        if per_ip and len(same_ip) >= per_ip and not self._evict_pending(same_ip):
            return self._refuse(conn, f"{per_ip} connections from {conn.ip} are open")
        if len(self._all) >= self.max_connections and not self._evict_pending(self._pending):
            return self._refuse(conn, f"{self.max_connections} connections are open")
        conn.counted = True
        self._all[conn] = None
        self._pending[conn] = None
        self._by_ip.setdefault(conn.ip, {})[conn] = None
        return True

    def _evict_pending(self, among: dict[_Connection, None]) -> bool:
        """Drop the oldest connection in ``among`` with no request yet; False if none."""
        for victim in among:
            if not victim.established:
                log.info("dropping a connection from %s that sent no request", victim.ip)
                self.evicted += 1
                self._release(victim)
                victim.abort()
                return True
        return False

    def _refuse(self, conn: _Connection, why: str) -> bool:
        self.refused += 1
        if self.refused % 100 == 1:
            log.warning("refusing connections from %s: %s (%d so far)", conn.ip, why, self.refused)
        body = coded_body(ErrorCode.TOO_MANY_CONNECTIONS).encode()
        transport: Any = conn.transport
        if conn._ssl is not None or self._lingering >= REFUSED_LINGERING:
            transport.abort()  # no plain-text answer on a TLS port; no lingering past the cap
            return False
        transport.write(
            b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nRetry-After: 5\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        # Send the answer and a FIN, read (and drop) the request until the client closes:
        # closing with its request unread would reset the connection and lose the answer.
        transport.write_eof()
        conn.refused = True
        self._lingering += 1
        asyncio.get_running_loop().call_later(REFUSED_LINGER_SECONDS, transport.abort)
        return False

    def _release(self, conn: _Connection) -> None:
        if not conn.counted:
            return
        conn.counted = False
        self._all.pop(conn, None)
        self._pending.pop(conn, None)
        same_ip = self._by_ip.get(conn.ip)
        if same_ip is not None:
            same_ip.pop(conn, None)
            if not same_ip:
                del self._by_ip[conn.ip]

    def request_started(self, request: web.BaseRequest) -> None:
        """A complete request head arrived on this connection: it is no longer evictable."""
        conn = self._by_handler.get(request.protocol)
        if conn is not None and not conn.established:
            conn.established = True
            self._pending.pop(conn, None)

    # ------------------------------------------------------------ origins

    def origin_allowed(self, request: web.BaseRequest) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: the desktop app, the bot, the SDK
        origin = origin.strip().rstrip("/").lower()
        allowed = self.config.allow_origins
        if "*" in allowed or origin in allowed or origin in self._own_origins:
            return True
        if self._same_host:
            scheme = "https" if request.secure else "http"
            return origin == f"{scheme}://{request.host}".lower()
        return False

    def refuse_origin(self, request: web.BaseRequest) -> web.Response | None:
        """A 403 for a browser page from a foreign origin, else None."""
        if self.origin_allowed(request):
            return None
        origin = request.headers.get("Origin", "")[:200]
        log.warning("refused /ws from origin %r (%s)", origin, request.remote)
        return web.Response(
            status=403,
            text=coded_body(
                ErrorCode.ORIGIN_NOT_ALLOWED,
                f"{ErrorCode.ORIGIN_NOT_ALLOWED.message} Got origin {origin!r}.",
            ),
            content_type="application/json",
        )


@web.middleware
async def guard_middleware(request: web.Request, handler: Callable[..., Any]) -> Any:
    guard = request.app.get(GUARD_KEY)
    if guard is not None:
        guard.request_started(request)
    return await handler(request)


GUARD_KEY = web.AppKey("guard", ConnectionGuard)


def proof_handler(secret: bytes) -> Callable[[web.Request], Any]:
    """``GET /proof?nonce=HEX``: prove this service holds ``secret`` (see app.protocol.proof)."""

    async def handle(request: web.Request) -> web.Response:
        nonce = request.query.get("nonce", "")
        if not proof.valid_nonce(nonce):
            return web.Response(
                status=400,
                text=coded_body(
                    ErrorCode.BAD_MESSAGE, "The nonce must be 32 to 128 lower-case hex digits."
                ),
                content_type="application/json",
            )
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        port = sockname[1] if isinstance(sockname, tuple) and len(sockname) > 1 else 0
        return web.json_response({"proof": proof.answer(secret, nonce, port)})

    return handle


def _within_open_files(wanted: int) -> int:
    """``wanted`` connections, or fewer if the process may not open that many files."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    room = max(16, soft - FILES_RESERVED)
    if room < wanted:
        log.info("at most %d connections: the open-file limit is %d", room, soft)
    return min(wanted, room)


def client_address(ip: str) -> str:
    """What the per-address cap counts by: the IPv4 address (also when mapped into IPv6), or
    the IPv6 /64, since one host is usually given a whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return ip


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
