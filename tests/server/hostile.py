"""Hostile clients for the room service: raw sockets that misbehave on purpose.

A plain module (no pytest import): ``tests/server/test_hostile.py`` uses it, and so does
``python -m tests.server.hostile`` which measures what one non-reading socket and 2000
half-open requests cost a ``huddle-server`` process (the figures in ``docs/security.md``).
Every socket is on 127.0.0.0/8; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import resource
import socket
import struct
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from app.protocol import messages as m
from app.protocol.limits import PROTOCOL_VERSION
from app.server.tokens import mint_token

BIN = Path(sys.executable).parent
HOSTILE_SECRET = "hostile-test-secret-0123456789-abcdefghij"


# ------------------------------------------------------------------ the service as a process


async def start_cli_server(
    *args: str, secret: str = HOSTILE_SECRET, nofile: int | None = None
) -> tuple[asyncio.subprocess.Process, str]:
    """``huddle-server --port 0 ARGS`` as a process: (process, the URL it printed).

    ``nofile`` caps the process's open files (soft and hard), like a stock Debian account's
    1024, so a test can show what happens when descriptors run out.
    """

    def limit_files() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    proc = await asyncio.create_subprocess_exec(
        BIN / "huddle-server",
        "--port",
        "0",
        "--app-id",
        "1",
        "--log-level",
        "warning",
        *args,
        env={**os.environ, "HUDDLE_SECRET": secret},
        stdout=asyncio.subprocess.PIPE,
        # A file, not a pipe: a service logging faster than a test reads must never block.
        stderr=tempfile.TemporaryFile(),
        preexec_fn=limit_files,
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
    if not line.startswith("listening on "):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise RuntimeError(f"huddle-server did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


async def stop_process(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def host_port(url: str) -> tuple[str, int]:
    rest = url.split("://", 1)[1].split("/", 1)[0]
    host, port = rest.rsplit(":", 1)
    return host.strip("[]"), int(port)


def login_message(
    user: str, room: str, token: str, request_id: int = 1, app_id: int = 1
) -> m.Login:
    return m.Login(
        id=request_id,
        version=PROTOCOL_VERSION,
        app_id=app_id,
        room_id=room,
        user_id=user,
        user_name=user,
        token=token,
        user_update=False,
    )


# ------------------------------------------------------------------ a raw WebSocket client


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """One masked client frame (RFC 6455 5.2)."""
    header = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 1 << 16:
        header += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    return header + mask + _mask(payload, mask)


def _mask(payload: bytes, mask: bytes) -> bytes:
    if not payload:
        return b""
    key = int.from_bytes((mask * (len(payload) // 4 + 1))[: len(payload)], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(len(payload), "big")


class RawWs:
    """A WebSocket spoken by hand over one TCP socket, so a test controls every byte and
    when (or whether) it reads. ``rcvbuf`` shrinks the socket's receive buffer, so a client
    that stops reading stops the service's writes quickly."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.status = 0

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        origin: str | None = None,
        source: str = "127.0.0.1",
        rcvbuf: int | None = None,
        upgrade: bool = True,
    ) -> RawWs:
        host, port = host_port(url)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.bind((source, 0))
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
        ws = cls(reader, writer)
        if upgrade:
            await ws.handshake(host, port, origin)
        return ws

    async def handshake(self, host: str, port: int, origin: str | None) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /ws HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if origin is not None:
            lines.append(f"Origin: {origin}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 10)
        self.status = int(head.split(b" ", 2)[1])
        if self.status != 101:
            length = 0
            for line in head.decode(errors="replace").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            body = await asyncio.wait_for(self.reader.readexactly(length), 10)
            raise ConnectionRefusedError(
                f"upgrade refused: {head.decode(errors='replace')}{body.decode(errors='replace')}"
            )

    def send(self, message: m.ClientMessage | bytes, opcode: int = 0x1) -> None:
        data = message if isinstance(message, bytes) else m.encode(message)
        self.writer.write(client_frame(data, opcode))

    async def read_frame(self, timeout: float = 10.0) -> tuple[int, bytes]:
        """(opcode, payload) of the next frame from the service."""
        async with asyncio.timeout(timeout):
            b0, b1 = await self.reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
            return b0 & 0x0F, await self.reader.readexactly(n)

    async def next_message(self, timeout: float = 10.0) -> m.ServerMessage:
        """The next text frame as a message (pings answered; a close frame raises)."""
        while True:
            opcode, payload = await self.read_frame(timeout)
            if opcode == 0x1:
                return m.decode_server(payload)
            if opcode == 0x8:
                raise ConnectionResetError(f"closed {close_code(payload)}")
            if opcode == 0x9:
                self.send(payload, 0xA)

    async def until_closed(self, timeout: float = 20.0) -> tuple[list[m.ServerMessage], int | None]:
        """Read everything up to the close frame: (messages, close code); code None when the
        connection ended without one (a reset or a bare FIN)."""
        got: list[m.ServerMessage] = []
        try:
            async with asyncio.timeout(timeout):
                while True:
                    opcode, payload = await self.read_frame(timeout)
                    if opcode == 0x1:
                        got.append(m.decode_server(payload))
                    elif opcode == 0x8:
                        with contextlib.suppress(OSError):
                            self.send(payload[:2], 0x8)
                        return got, close_code(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            return got, None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.transport.abort()


def close_code(payload: bytes) -> int:
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


# ------------------------------------------------------------------ attacks


async def half_open(
    url: str, count: int, sources: list[str], *, batch: int = 400
) -> list[socket.socket]:
    """``count`` TCP connections that send half a request head and then nothing, spread over
    the ``sources`` addresses (all 127.x). Returns the sockets (close them after)."""
    host, port = host_port(url)
    loop = asyncio.get_running_loop()
    socks: list[socket.socket] = []
    partial = f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n".encode()

    gate = asyncio.Semaphore(batch)

    async def one(i: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        socks.append(sock)
        async with gate:
            try:
                sock.bind((sources[i % len(sources)], 0))
                async with asyncio.timeout(3):
                    await loop.sock_connect(sock, (host, port))
                    await loop.sock_sendall(sock, partial)
            except (OSError, TimeoutError):
                # Not let in (the service's accept queue was full): give up, as a client
                # would. Left open, the kernel would go on resending its SYN for two minutes
                # and connect long after, a socket the service never held (CI once saw one
                # still connecting 60 s on).
                sock.close()

    await asyncio.gather(*(one(i) for i in range(count)))
    return socks


def still_open(socks: list[socket.socket]) -> int:
    """How many of these sockets the service has not closed (no FIN/RST seen)."""
    alive = 0
    for sock in socks:
        try:
            data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            alive += 1
            continue
        except OSError:
            continue  # reset
        if data:  # an answer (e.g. 503) waiting to be read: the service has let go of it
            continue
        # b"": the service closed it
    return alive


async def try_login(
    url: str, user: str, secret: str = HOSTILE_SECRET, timeout: float = 10.0, app_id: int = 1
):
    """Log in with a real client; returns the reply, or the exception that stopped it."""
    token = mint_token(app_id=app_id, secret=secret, user_id=user, room_id="r")
    try:
        async with asyncio.timeout(timeout), aiohttp.ClientSession() as http:
            async with http.ws_connect(url) as ws:
                await ws.send_bytes(m.encode(login_message(user, "r", token, app_id=app_id)))
                msg = await ws.receive()
                return m.decode_server(msg.data)
    except Exception as exc:  # the figure reports what stopped it
        return exc


@contextlib.asynccontextmanager
async def http_client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def non_reading_victim(url: str, secret: str = HOSTILE_SECRET, app_id: int = 1) -> RawWs:
    """A logged-in publisher of stream ``victim`` whose socket then never reads."""
    victim = await RawWs.connect(url, rcvbuf=4096)
    token = mint_token(app_id=app_id, secret=secret, user_id="victim", room_id="r")
    victim.send(login_message("victim", "r", token, app_id=app_id))
    reply = await victim.next_message()
    assert isinstance(reply, m.LoginOk), reply
    victim.send(m.Publish(id=2, stream_id="victim"))
    assert isinstance(await victim.next_message(), m.Ok)
    return victim


async def flood_victim(
    url: str,
    *,
    sdp_bytes: int = 60_000,
    count: int = 4500,
    secret: str = HOSTILE_SECRET,
    app_id: int = 1,
) -> dict[str, int]:
    """A second client plays ``victim`` and relays big offers to it, as fast as the per-socket
    frame limit allows. Returns how many were relayed and how the player's requests ended."""
    token = mint_token(app_id=app_id, secret=secret, user_id="flooder", room_id="r")
    sdp = "v=0 " + "a" * sdp_bytes
    relayed = refused = 0
    async with aiohttp.ClientSession() as http, http.ws_connect(url, max_msg_size=0) as ws:
        await ws.send_bytes(m.encode(login_message("flooder", "r", token, app_id=app_id)))
        assert isinstance(m.decode_server((await ws.receive()).data), m.LoginOk)
        await ws.send_bytes(m.encode(m.Play(id=2, stream_id="victim")))
        play = m.decode_server((await ws.receive()).data)
        assert isinstance(play, m.PlayOk), play
        next_send = time.monotonic()
        for i in range(count):
            # At most 300 frames a second, under the 400 a socket may send: relayed, not refused.
            await asyncio.sleep(max(0.0, next_send - time.monotonic()))
            next_send = max(next_send + 1 / 300, time.monotonic())
            await ws.send_bytes(
                m.encode(m.Signal(id=10 + i, session_id=play.session_id, kind="offer", sdp=sdp))
            )
            while True:
                reply = m.decode_server((await ws.receive(timeout=10)).data)
                if getattr(reply, "id", None) == 10 + i:
                    break
            if isinstance(reply, m.Ok):
                relayed += 1
            else:
                refused += 1
                break
    return {"relayed": relayed, "refused": refused}


# ------------------------------------------------------------------ figures


async def measure_non_reading(args: argparse.Namespace) -> dict[str, object]:
    proc, url = await start_cli_server()
    try:
        async with http_client() as http:
            await http.get(url.replace("ws", "http", 1).removesuffix("/ws") + "/healthz")
        for i in range(3):  # warm up: the first logins allocate what every login needs
            await try_login(url, f"warm{i}")
        await asyncio.sleep(0.5)
        before = rss_mb(proc.pid)
        victim = await non_reading_victim(url)
        peak = before
        flood = asyncio.create_task(flood_victim(url, count=args.count))
        while not flood.done():
            peak = max(peak, rss_mb(proc.pid))
            await asyncio.sleep(0.1)
        result = flood.result()
        for _ in range(20):
            peak = max(peak, rss_mb(proc.pid))
            await asyncio.sleep(0.25)
        after = rss_mb(proc.pid)
        victim.close()
        return {
            "rss_before_mb": round(before, 1),
            "rss_peak_mb": round(peak, 1),
            "rss_5s_after_mb": round(after, 1),
            "cost_mb": round(peak - before, 1),
            **result,
        }
    finally:
        await stop_process(proc)


async def measure_half_open(args: argparse.Namespace) -> dict[str, object]:
    sources = [f"127.0.0.{2 + i}" for i in range(args.sources)]
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    proc, url = await start_cli_server(nofile=args.nofile)
    try:
        assert isinstance(await try_login(url, "before"), m.LoginOk)
        started = time.monotonic()
        socks = await half_open(url, args.count, sources)
        opened = time.monotonic() - started
        await asyncio.sleep(1.0)
        held = still_open(socks)
        logins, seconds = [], []
        for i in range(5):
            began = time.monotonic()
            logins.append(await try_login(url, f"real{i}", timeout=10))
            seconds.append(round(time.monotonic() - began, 2))
        ok = sum(isinstance(r, m.LoginOk) for r in logins)
        await asyncio.sleep(args.wait)
        held_later = still_open(socks)
        for sock in socks:
            sock.close()
        return {
            "half_open": args.count,
            "sources": len(sources),
            "server_nofile": args.nofile or hard,
            "seconds_to_open": round(opened, 1),
            "held_after_1s": held,
            f"held_after_{args.wait + 1:g}s": held_later,
            "real_logins_ok": f"{ok}/5",
            "login_seconds": seconds,
            "failures": sorted({type(r).__name__ for r in logins if not isinstance(r, m.LoginOk)}),
        }
    finally:
        await stop_process(proc)


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("what", choices=["non-reading", "half-open"])
    cli.add_argument("--count", type=int, default=0)
    cli.add_argument("--sources", type=int, default=1, help="source addresses 127.0.0.2..")
    cli.add_argument("--nofile", type=int, default=None, help="the service's open-file limit")
    cli.add_argument("--wait", type=float, default=12.0)
    args = cli.parse_args()
    if args.what == "non-reading":
        args.count = args.count or 4500
        result = asyncio.run(measure_non_reading(args))
    else:
        args.count = args.count or 2000
        result = asyncio.run(measure_half_open(args))
    print(json.dumps({"measure": args.what, **result}))


if __name__ == "__main__":
    main()
