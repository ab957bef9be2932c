"""Hostile clients against a real room service on 127.0.0.1 (#13).

Each case is what an attacker tried: a socket that never reads, half-open requests by the
thousand, foreign web pages, sockets that never log in, weak secrets, long-lived and replayed
tokens, token guessing, floods; and the authorization cases that already held, so they keep
holding. Every loop is bounded; behaviour is asserted, never durations.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import time
import warnings

import aiohttp
import jwt
import pytest

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import MAX_FRAME_BYTES, CloseCode
from app.server import RoomServer, ServiceConfig, mint_token
from app.server.guard import GuardConfig
from tests.conftest import APP_ID, SECRET
from tests.helpers import until
from tests.server import hostile
from tests.server.hostile import RawWs
from tests.wsclient import WsClient

pytestmark = [pytest.mark.timeout(240), pytest.mark.slow]  # services: not in tests/run --fast


class Client(WsClient):
    async def login(self, room_id: str, user_id: str, token: str, **kw) -> m.ServerMessage:
        return await super().login(room_id, user_id, token, app_id=APP_ID, **kw)


def config(**kw) -> ServiceConfig:
    return ServiceConfig(
        app_id=APP_ID, secret=SECRET, heartbeat_interval=0.5, heartbeat_timeout=20.0, **kw
    )


@contextlib.asynccontextmanager
async def service(guard: GuardConfig | None = None, **kw):
    async with RoomServer(config(**kw), guard=guard) as running:
        yield running


def token(user: str, room: str | None = None, **kw) -> str:
    return mint_token(app_id=APP_ID, secret=SECRET, user_id=user, room_id=room, **kw)


async def healthz(server: RoomServer) -> dict:
    async with aiohttp.ClientSession() as http, http.get(f"{server.http_url}/healthz") as r:
        return await r.json()


def raise_own_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"this test needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


# ------------------------------------------------------------------ memory


async def test_a_non_reading_socket_costs_the_service_under_20_mb() -> None:
    """One logged-in socket that never reads, sent 60 KB offers as fast as allowed: the
    service drops it once its byte budget is full, and its memory stays within 20 MB."""
    proc, url = await hostile.start_cli_server()
    try:
        for i in range(3):  # the first logins allocate what every login needs
            assert isinstance(await hostile.try_login(url, f"warm{i}"), m.LoginOk)
        await asyncio.sleep(0.5)
        before = hostile.rss_mb(proc.pid)
        victim = await hostile.non_reading_victim(url)
        flood = asyncio.create_task(hostile.flood_victim(url, count=1000))
        peak = before
        async with asyncio.timeout(120):
            while not flood.done():
                peak = max(peak, hostile.rss_mb(proc.pid))
                await asyncio.sleep(0.05)
        result = flood.result()
        peak = max(peak, hostile.rss_mb(proc.pid))
        # The victim was dropped: the flooder's relays then found no play session.
        assert result["refused"] == 1 and result["relayed"] < 1000, result
        assert peak - before < 20, f"RSS {before:.1f} -> {peak:.1f} MB ({result})"
        victim.close()
    finally:
        await hostile.stop_process(proc)


async def test_a_slow_reader_is_closed_too_slow_and_told_so_when_it_reads() -> None:
    guard = GuardConfig(max_outbox_bytes=256 * 1024, close_grace=60)
    async with service(guard) as server:
        victim = await hostile.non_reading_victim(server.url, SECRET.decode(), APP_ID)
        flood = await hostile.flood_victim(
            server.url, count=300, secret=SECRET.decode(), app_id=APP_ID
        )
        assert flood["refused"] == 1, flood
        # The victim's session is gone; the flooder's, whose socket just closed, is kept for a
        # resume.
        stats = await healthz(server)
        assert (stats["users"], stats["detached"]) == (1, 1), stats
        # Reading now, it finds what was sent before the budget ran out, then its close code.
        _messages, code = await victim.until_closed()
        assert code == CloseCode.TOO_SLOW
        victim.close()


# ------------------------------------------------------------------ connections


async def test_2000_half_open_requests_leave_real_logins_working() -> None:
    """2000 connections from 8 addresses send half a request head and wait, against a service
    with 1024 open files (a stock account's limit, which the CLI cannot raise): they hold at
    most what the open-file limit leaves, are closed after the handshake timeout, and real
    logins keep working throughout."""
    raise_own_file_limit(2000 + 512)
    proc, url = await hostile.start_cli_server("--handshake-timeout", "3", nofile=1024)
    socks = []
    try:
        sources = [f"127.0.0.{2 + i}" for i in range(8)]
        socks = await hostile.half_open(url, 2000, sources)
        for i in range(3):
            reply = None
            for _attempt in range(3):  # a client retries, as the engine does
                reply = await hostile.try_login(url, f"real{i}", timeout=20)
                if isinstance(reply, m.LoginOk):
                    break
            assert isinstance(reply, m.LoginOk), reply
        # Every half-open request is closed by the service, none left holding a socket.
        async with asyncio.timeout(60):
            while hostile.still_open(socks):
                await asyncio.sleep(0.5)
    finally:
        for sock in socks:
            sock.close()
        await hostile.stop_process(proc)


async def test_one_address_holds_at_most_its_cap_and_a_real_client_from_it_gets_in() -> None:
    raise_own_file_limit(1024)
    guard = GuardConfig(max_connections_per_ip=50, handshake_timeout=30)
    async with service(guard) as server:
        socks = await hostile.half_open(server.url, 300, ["127.0.0.1"])
        try:
            await until(lambda: hostile.still_open(socks) <= 50, timeout=30)
            assert server.guard.stats()["tcp_connections"] <= 50
            # The newcomer from the same address evicts the oldest that sent nothing.
            client = await Client.connect(server.url)
            assert isinstance(await client.login("r", "alice", token("alice")), m.LoginOk)
            await client.close()
        finally:
            for sock in socks:
                sock.close()


async def test_established_connections_are_not_evicted_and_an_overflow_is_told_503() -> None:
    guard = GuardConfig(max_connections_per_ip=3)
    async with service(guard) as server:
        clients = [await Client.connect(server.url) for _ in range(3)]
        for i, client in enumerate(clients):
            assert isinstance(await client.login("r", f"u{i}", token(f"u{i}")), m.LoginOk)
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(server.url)
        assert refused.value.status == 503
        for client in clients:  # still logged in, still answered
            assert isinstance(
                await client.request(m.Heartbeat(id=client.next_id())), m.HeartbeatAck
            )
            await client.close()


async def test_a_socket_that_never_logs_in_is_closed_heartbeats_or_not() -> None:
    async with service(login_timeout=1.0) as server:
        idle = await Client.connect(server.url)
        member = await Client.connect(server.url)
        assert isinstance(await member.login("r", "alice", token("alice")), m.LoginOk)
        async with asyncio.timeout(30):
            while idle.close_code is None and not idle.ws.closed:
                with contextlib.suppress(ConnectionError, TimeoutError):
                    await idle.request(m.Heartbeat(id=idle.next_id()), timeout=1)
                await asyncio.sleep(0.2)
        assert await idle.wait_closed() == CloseCode.LOGIN_TIMEOUT
        told = [e for e in await idle.drain(0) if isinstance(e, m.Error)]
        assert [e.code for e in told] == [ErrorCode.LOGIN_TIMEOUT]
        assert isinstance(await member.request(m.Heartbeat(id=member.next_id())), m.HeartbeatAck)
        assert (await healthz(server))["connections"] == 1
        await idle.close()
        await member.close()


# ------------------------------------------------------------------ origins


async def test_ws_refuses_foreign_origins_and_accepts_its_own() -> None:
    guard = GuardConfig(allow_origins=["https://app.example.com"])
    async with service(guard) as server:
        own = f"http://127.0.0.1:{server.port}"
        for origin in (None, own, f"http://localhost:{server.port}", "https://app.example.com"):
            ws = await RawWs.connect(server.url, origin=origin)
            assert ws.status == 101, origin
            ws.close()
        for origin in (
            "http://evil.example",
            f"http://127.0.0.1:{server.port + 1}",
            f"https://127.0.0.1:{server.port}",
            "null",
        ):
            with pytest.raises(ConnectionRefusedError) as refused:
                await RawWs.connect(server.url, origin=origin)
            assert " 403 " in str(refused.value) and "ORIGIN_NOT_ALLOWED" in str(refused.value)
        await until(lambda: server.service.stats()["connections"] == 0)


# ------------------------------------------------------------------ secrets and tokens


def test_a_short_secret_is_refused_with_how_to_make_one() -> None:
    with pytest.raises(ValueError, match="openssl rand -hex 32"):
        ServiceConfig(app_id=1, secret=b"s")
    with pytest.raises(ValueError, match="at least 32"):
        ServiceConfig(app_id=1, secret=b"x" * 31)


async def test_a_token_living_longer_than_allowed_is_refused() -> None:
    ten_years = 10 * 365 * 24 * 3600
    async with service() as server:
        client = await Client.connect(server.url)
        reply = await client.login("r", "alice", token("alice", ttl=ten_years))
        assert isinstance(reply, m.Error) and reply.code == ErrorCode.TOKEN_LIFETIME_TOO_LONG
        assert "24 hours" in reply.message
        assert isinstance(await client.login("r", "alice", token("alice")), m.LoginOk)
        await client.close()
    async with service(max_token_lifetime=None) as server:  # the operator allowed any
        client = await Client.connect(server.url)
        assert isinstance(await client.login("r", "a", token("a", ttl=ten_years)), m.LoginOk)
        await client.close()


async def test_single_use_tokens_log_in_once() -> None:
    async with service(single_use_tokens=True) as server:
        once = token("alice")
        first = await Client.connect(server.url)
        assert isinstance(await first.login("r", "alice", once), m.LoginOk)
        await first.close()
        again = await Client.connect(server.url)
        reply = await again.login("r", "alice", once)
        assert isinstance(reply, m.Error) and reply.code == ErrorCode.TOKEN_ALREADY_USED
        assert isinstance(await again.login("r", "alice", token("alice")), m.LoginOk)
        await again.close()


async def test_guessing_tokens_is_flooding() -> None:
    async with service() as server:
        ws = await RawWs.connect(server.url)
        forged = mint_token(app_id=APP_ID, secret="s" * 32, user_id="alice")
        for i in range(300):
            ws.send(hostile.login_message("alice", "r", forged, i + 1, app_id=APP_ID))
        messages, code = await ws.until_closed()
        assert code == CloseCode.POLICY_VIOLATION
        refusals = [x for x in messages if x.code == ErrorCode.TOKEN_BAD_SIGNATURE]
        assert 0 < len(refusals) <= 51
        assert [x.id for x in refusals] == list(range(1, len(refusals) + 1))
        assert messages[-1].code == ErrorCode.FLOODING
        ws.close()


async def test_refusals_keep_the_request_id() -> None:
    async with service() as server:
        client = await Client.connect(server.url)
        assert isinstance(await client.login("r", "alice", token("alice")), m.LoginOk)
        big = m.SendBroadcast(id=77, message="x" * (MAX_FRAME_BYTES + 10))
        await client.send_raw(m.encode(big))
        reply = await client.reply_to(77)
        assert reply.code == ErrorCode.FRAME_TOO_LARGE
        # 420 heartbeats at once: past 400 a second each is refused, with its own id.
        for i in range(420):
            await client.send_raw(m.encode(m.Heartbeat(id=1000 + i)))
        replies = [await client.reply_to(1000 + i) for i in range(420)]
        limited = [r for r in replies if isinstance(r, m.Error)]
        assert limited and {r.code for r in limited} == {ErrorCode.RATE_LIMITED}
        await client.close()


async def test_a_frame_flood_is_told_flooding_and_closed_1008_not_reset() -> None:
    async with service() as server:
        for _ in range(3):
            ws = await RawWs.connect(server.url)

            async def flood(ws: RawWs = ws) -> None:
                for _ in range(3000):
                    try:
                        ws.send(b"junk")
                        await ws.writer.drain()
                    except ConnectionError:
                        return

            sender = asyncio.create_task(flood())
            messages, code = await ws.until_closed()
            sender.cancel()
            assert code == CloseCode.POLICY_VIOLATION
            assert messages[-1].code == ErrorCode.FLOODING
            ws.close()
        assert (await healthz(server))["connections"] == 0


# ------------------------------------------------------------------ authorization (held already)


async def test_authorization_holds() -> None:
    # No resume grace: closed clients leave at once, so the end shows nothing is left over.
    async with service(resume_grace=0) as server:
        pub, player, other, stranger = [await Client.connect(server.url) for _ in range(4)]
        await pub.login("r1", "pub", token("pub"))
        await player.login("r1", "player", token("player"))
        await other.login("r1", "other", token("other"))
        await stranger.login("r2", "stranger", token("stranger"))
        await pub.request(m.Publish(id=pub.next_id(), stream_id="cam"))
        play = await player.request(m.Play(id=player.next_id(), stream_id="cam"))
        assert isinstance(play, m.PlayOk)

        # Cross-room relay and other people's play sessions: no such session for them.
        for intruder in (stranger, other):
            for request in (
                m.Signal(id=intruder.next_id(), session_id=play.session_id, kind="offer", sdp="x"),
                m.StopPlay(id=intruder.next_id(), session_id=play.session_id),
            ):
                reply = await intruder.request(request)
                assert reply.code == ErrorCode.PLAY_SESSION_NOT_FOUND
        # A stream in another room cannot be played; another's stream cannot be stopped.
        reply = await stranger.request(m.Play(id=stranger.next_id(), stream_id="cam"))
        assert reply.code == ErrorCode.STREAM_NOT_FOUND
        reply = await other.request(m.Unpublish(id=other.next_id(), stream_id="cam"))
        assert reply.code == ErrorCode.NOT_STREAM_OWNER

        # Forged user IDs, no publish privilege, unsigned and wrongly signed tokens.
        forger = await Client.connect(server.url)
        for login_as, tok, code in [
            ("pub", token("mallory"), ErrorCode.TOKEN_USER_ID_MISMATCH),
            ("pub", _unsigned("pub"), ErrorCode.TOKEN_MALFORMED),
            ("pub", _other_algorithm("pub"), ErrorCode.TOKEN_MALFORMED),
            ("pub", mint_token(app_id=APP_ID, secret="s", user_id="pub"), None),
        ]:
            reply = await forger.login("r1", login_as, tok)
            assert isinstance(reply, m.Error), reply
            assert code is None or reply.code == code, reply
        viewer = await Client.connect(server.url)
        await viewer.login("r1", "viewer", token("viewer", can_publish=False))
        reply = await viewer.request(m.Publish(id=viewer.next_id(), stream_id="v"))
        assert reply.code == ErrorCode.TOKEN_NO_PUBLISH_PRIVILEGE

        for client in (pub, player, other, stranger, forger, viewer):
            await client.close()
        await until(lambda: server.service.stats()["connections"] == 0)
        assert server.service.stats()["rooms"] == 0


def _unsigned(user: str) -> str:
    now = int(time.time())
    claims = {"iss": "huddle", "app_id": APP_ID, "user_id": user, "iat": now, "exp": now + 60}
    return jwt.encode(claims, key=None, algorithm="none")


def _other_algorithm(user: str) -> str:
    """Algorithm confusion: a valid HS512 signature with the service's own secret."""
    now = int(time.time())
    claims = {
        "iss": "huddle",
        "app_id": APP_ID,
        "user_id": user,
        "privileges": {"login": True, "publish": True},
        "iat": now,
        "exp": now + 60,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT: "the key is short for HS512"
        return jwt.encode(claims, SECRET, algorithm="HS512")
