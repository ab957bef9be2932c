"""Every service flow over a real WebSocket on 127.0.0.1."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import MAX_FRAME_BYTES, CloseCode
from tests.conftest import APP_ID
from tests.wsclient import WsClient


@pytest.fixture
async def connect(server):
    clients: list[WsClient] = []

    async def make() -> WsClient:
        client = await WsClient.connect(server.url)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def healthz(server) -> dict:
    async with aiohttp.ClientSession() as http, http.get(f"{server.http_url}/healthz") as resp:
        assert resp.status == 200
        return await resp.json()


async def test_healthz_counts_rooms_users_streams(server, connect, token) -> None:
    assert await healthz(server) | {"uptime": 0, "version": ""} == {
        "status": "ok",
        "version": "",
        "rooms": 0,
        "users": 0,
        "streams": 0,
        "play_sessions": 0,
        "connections": 0,
        "detached": 0,
        "uptime": 0,
    }
    a = await connect()
    await a.login("r1", "alice", token("alice"), app_id=APP_ID)
    await a.request(m.Publish(id=a.next_id(), stream_id="s1"))
    stats = await healthz(server)
    assert (stats["rooms"], stats["users"], stats["streams"]) == (1, 1, 1)
    assert stats["uptime"] >= 0


async def test_login_flow_and_two_rooms_apart(connect, token) -> None:
    a, b, c = await connect(), await connect(), await connect()
    assert isinstance(await a.login("r1", "alice", token("alice"), app_id=APP_ID), m.LoginOk)
    assert isinstance(await c.login("r2", "carol", token("carol"), app_id=APP_ID), m.LoginOk)
    reply = await b.login("r1", "bob", token("bob", room_id="r1"), app_id=APP_ID)
    assert [u.user_id for u in reply.users] == ["alice"]
    await b.request(m.Publish(id=b.next_id(), stream_id="cam-b"))
    ack = await b.request(m.SendBroadcast(id=b.next_id(), message="hello"))
    assert isinstance(ack, m.MessageAck)

    added = await a.next_event(m.UserUpdate)
    assert (added.update_type, added.users[0].user_id) == ("ADD", "bob")
    stream = await a.next_event(m.StreamUpdate)
    assert (stream.update_type, stream.streams[0].stream_id) == ("ADD", "cam-b")
    chat = await a.next_event(m.BroadcastMessage)
    assert chat.messages[0].message == "hello" and chat.messages[0].from_user.user_id == "bob"
    assert await c.drain() == []


async def test_refused_tokens_keep_the_socket(connect, token) -> None:
    a = await connect()
    for bad, code in [
        ("garbage", ErrorCode.TOKEN_MALFORMED),
        (token("alice", room_id="elsewhere"), ErrorCode.TOKEN_ROOM_MISMATCH),
        (token("bob"), ErrorCode.TOKEN_USER_ID_MISMATCH),
        (token("alice", ttl=1, now=0), ErrorCode.TOKEN_EXPIRED),
    ]:
        reply = await a.login("r1", "alice", bad, app_id=APP_ID)
        assert isinstance(reply, m.Error) and reply.code == code, reply
    assert isinstance(await a.login("r1", "alice", token("alice"), app_id=APP_ID), m.LoginOk)


async def test_kickout_on_duplicate_login(connect, token) -> None:
    old, watcher, new = await connect(), await connect(), await connect()
    await old.login("r1", "alice", token("alice"), app_id=APP_ID)
    await old.request(m.Publish(id=old.next_id(), stream_id="s-old"))
    await watcher.login("r1", "bob", token("bob"), app_id=APP_ID)
    await new.login("r1", "alice", token("alice"), app_id=APP_ID)
    kick = await old.next_event(m.Kickout)
    assert kick.code == ErrorCode.KICKED_DUPLICATE_LOGIN and kick.room_id == "r1"
    assert await old.wait_closed() == CloseCode.KICKED
    events = [
        e
        for e in await watcher.drain()
        if not isinstance(e, m.UserUpdate) or e.users[0].user_id == "alice"
    ]
    assert [(type(e).__name__, e.update_type) for e in events] == [
        ("StreamUpdate", "DELETE"),
        ("UserUpdate", "DELETE"),
        ("UserUpdate", "ADD"),
    ]


async def test_publisher_drop_deletes_its_stream_and_ends_plays(server, connect, token) -> None:
    server.service.config.resume_grace = 0.2  # a drop leaves the room once the grace is over
    pub, player = await connect(), await connect()
    await pub.login("r1", "pub", token("pub"), app_id=APP_ID)
    await player.login("r1", "player", token("player"), app_id=APP_ID, user_update=False)
    await pub.request(m.Publish(id=pub.next_id(), stream_id="cam"))
    play = await player.request(m.Play(id=player.next_id(), stream_id="cam"))
    assert isinstance(play, m.PlayOk)
    request = await pub.next_event(m.PlayRequest)
    assert request.session_id == play.session_id
    await pub.request(
        m.Signal(id=pub.next_id(), session_id=play.session_id, kind="offer", sdp="v=0 o")
    )
    relayed = await player.next_event(m.RelayedSignal)
    assert (relayed.kind, relayed.sdp) == ("offer", "v=0 o")

    await pub.ws.close()  # the publisher drops without logging out
    closed = await player.next_event(m.SessionClosed)
    assert closed.code == ErrorCode.PUBLISHER_LEFT
    added, deleted = (
        await player.next_event(m.StreamUpdate),
        await player.next_event(m.StreamUpdate),
    )
    assert [(e.update_type, e.streams[0].stream_id) for e in (added, deleted)] == [
        ("ADD", "cam"),
        ("DELETE", "cam"),
    ]


async def test_rate_limited_broadcasts_keep_the_session(connect, token) -> None:
    a, b = await connect(), await connect()
    await a.login("r1", "alice", token("alice"), app_id=APP_ID)
    await b.login("r1", "bob", token("bob"), app_id=APP_ID)
    replies = [await a.request(m.SendBroadcast(id=a.next_id(), message=str(i))) for i in range(4)]
    assert [type(r).__name__ for r in replies] == ["MessageAck", "MessageAck", "Error", "Error"]
    assert {r.code for r in replies[2:]} == {ErrorCode.RATE_LIMITED}
    await asyncio.sleep(1.05)
    assert isinstance(
        await a.request(m.SendBroadcast(id=a.next_id(), message="later")), m.MessageAck
    )
    received = [e for e in await b.drain() if isinstance(e, m.BroadcastMessage)]
    assert [e.messages[0].message for e in received] == ["0", "1", "later"]


async def test_heartbeat_timeout_drops_a_silent_client(connect, token) -> None:
    silent, watcher = await connect(), await connect()
    await silent.login("r1", "silent", token("silent"), app_id=APP_ID)
    await watcher.login("r1", "watcher", token("watcher"), app_id=APP_ID)
    # The watcher keeps its heartbeat going; the silent one says nothing for 2+ s.
    for _ in range(6):
        await asyncio.sleep(0.5)
        await watcher.request(m.Heartbeat(id=watcher.next_id()))
    assert await silent.wait_closed() == CloseCode.HEARTBEAT_TIMEOUT
    gone = await watcher.next_event(m.UserUpdate)
    assert (gone.update_type, gone.users[0].user_id) == ("DELETE", "silent")


async def test_oversized_and_malformed_frames(server, connect, token) -> None:
    a = await connect()
    await a.send_raw("x" * (MAX_FRAME_BYTES + 10))
    reply = await a.reply_to(None)
    assert reply.code == ErrorCode.FRAME_TOO_LARGE
    await a.send_raw(b"\xff\xfe binary junk")
    assert (await a.reply_to(None)).code == ErrorCode.NOT_JSON
    await a.send_raw('{"type": "publish", "id": 3, "stream_id": "s"}')
    assert (await a.reply_to(3)).code == ErrorCode.NOT_LOGGED_IN
    assert isinstance(await a.login("r1", "alice", token("alice"), app_id=APP_ID), m.LoginOk)
    # Past the hard limit the socket itself is closed with 1009.
    b = await connect()
    await b.send_raw("x" * (2 * 1024 * 1024))
    assert await b.wait_closed() == CloseCode.MESSAGE_TOO_BIG
    assert (await healthz(server))["users"] == 1


async def test_flooding_client_is_disconnected(server, connect, token) -> None:
    a = await connect()
    await a.login("r1", "alice", token("alice"), app_id=APP_ID)
    for _ in range(80):
        await a.send_raw("junk")
    assert await a.wait_closed() == CloseCode.POLICY_VIOLATION
    assert (await healthz(server))["users"] == 0


async def test_shutdown_closes_sockets_going_away(server, connect, token) -> None:
    client = await connect()
    await client.login("r1", "alice", token("alice"), app_id=APP_ID)
    await server.stop()
    assert await client.wait_closed() == CloseCode.GOING_AWAY
    await server.stop()  # twice is fine
