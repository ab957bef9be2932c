"""The service driving a real Janus (VideoRoom) as its SFU, seen from bare protocol clients with
real aiortc peer connections: the publisher offers once to the SFU, players get Janus's offer."""

from __future__ import annotations

import asyncio
import contextlib
import os

import aiohttp
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from app.engine import _aiortc_seams as seams
from app.media import PatternSource, read_stamp
from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.server import RoomServer, ServiceConfig
from app.server.janus import JanusRouter
from app.server.web import SFU_KEY
from tests.conftest import APP_ID, BIN, CLI_SECRET, SECRET
from tests.helpers import until
from tests.janus import JanusProcess, janus_missing
from tests.wsclient import WsClient

pytestmark = pytest.mark.slow  # services or processes: not in tests/run --fast


@pytest.fixture
def service_config() -> ServiceConfig:
    # Bare clients send no heartbeats.
    return ServiceConfig(app_id=APP_ID, secret=SECRET, heartbeat_interval=10, heartbeat_timeout=60)


@pytest.fixture
async def connect():
    clients: list[WsClient] = []

    async def make(url: str) -> WsClient:
        client = await WsClient.connect(url)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def pcs():
    seams.install()  # host candidates on 127.0.0.1 only
    made: list[RTCPeerConnection] = []

    def make() -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        made.append(pc)
        return pc

    yield make
    for pc in made:
        await pc.close()


async def healthz(server: RoomServer) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(f"{server.http_url}/healthz") as resp:
        return resp.status, await resp.json()


async def publish(client: WsClient, pc: RTCPeerConnection, stream_id: str) -> PatternSource:
    """Publish a pattern through the SFU the way the engine does: offer on the uplink."""
    ok = await client.request(m.Publish(id=client.next_id(), stream_id=stream_id, audio=False))
    assert isinstance(ok, m.Ok), ok
    request = await client.next_event(m.PlayRequest)
    assert (request.stream_id, request.peer, request.player) == (stream_id, "sfu", None)
    source = PatternSource(320, 240, 30)
    pc.addTransceiver(source, direction="sendonly")
    with seams.host_addresses(["127.0.0.1"]):
        await pc.setLocalDescription(await pc.createOffer())
    await client.request(
        m.Signal(
            id=client.next_id(),
            session_id=request.session_id,
            kind="offer",
            sdp=pc.localDescription.sdp,
        )
    )
    answer = await client.next_event(m.RelayedSignal, timeout=10)
    assert (answer.session_id, answer.kind) == (request.session_id, "answer")
    await pc.setRemoteDescription(RTCSessionDescription(answer.sdp, "answer"))
    return source


async def play(client: WsClient, pc: RTCPeerConnection, stream_id: str) -> list[int]:
    """Play through the SFU: Janus's offer arrives relayed, the player answers; returns the
    list the decoded frames' pattern counters are appended to."""
    reply = await client.request(m.Play(id=client.next_id(), stream_id=stream_id))
    assert isinstance(reply, m.PlayOk), reply
    offer = await client.next_event(m.RelayedSignal, timeout=20)
    assert (offer.session_id, offer.kind) == (reply.session_id, "offer")
    counters: list[int] = []

    async def read(track) -> None:
        with contextlib.suppress(Exception):
            while True:
                frame = await track.recv()
                stamp = read_stamp(frame)
                if stamp is not None:
                    counters.append(stamp.counter)

    pc.on("track", lambda track: asyncio.ensure_future(read(track)))
    await pc.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
    with seams.host_addresses(["127.0.0.1"]):
        await pc.setLocalDescription(await pc.createAnswer())
    await client.request(
        m.Signal(
            id=client.next_id(),
            session_id=reply.session_id,
            kind="answer",
            sdp=pc.localDescription.sdp,
        )
    )
    return counters


async def test_a_stream_goes_once_to_janus_and_plays_from_it(
    sfu_server, connect, pcs, token
) -> None:
    alice, bob, carol = [await connect(sfu_server.url) for _ in range(3)]
    login = await alice.login("sfu-1", "alice", token("alice"), app_id=APP_ID)
    assert isinstance(login, m.LoginOk) and login.media == "sfu"
    await bob.login("sfu-1", "bob", token("bob"), app_id=APP_ID)
    await carol.login("sfu-1", "carol", token("carol"), app_id=APP_ID)

    await publish(alice, pcs(), "alice-cam")
    bob_pc = pcs()
    seen_by_bob = await play(bob, bob_pc, "alice-cam")
    seen_by_carol = await play(carol, pcs(), "alice-cam")
    await until(lambda: len(seen_by_bob) >= 10 and len(seen_by_carol) >= 10, timeout=20)
    assert seen_by_bob == sorted(seen_by_bob)
    # A player measures its round trip to the SFU with a STUN check on its ICE pair.
    [receiver] = bob_pc.getReceivers()
    rtt = await seams.ice_round_trip(receiver)
    assert rtt is not None and 0 < rtt < 500

    status, health = await healthz(sfu_server)
    assert status == 200 and health["status"] == "ok" and health["media"] == "sfu"
    [node] = health["janus"]
    assert node["up"] and (node["rooms"], node["publishers"], node["subscribers"]) == (1, 1, 2)
    # Alice offered once: one uplink, however many play.
    assert not [e for e in await alice.drain() if isinstance(e, m.PlayRequest)]

    router = sfu_server.app[SFU_KEY]
    [room] = router._rooms.values()
    for client in (alice, bob, carol):
        await client.request(m.Logout(id=client.next_id()))
    # The last user gone, the Janus room is destroyed.
    node = router.nodes[0]

    async def exists() -> bool:
        data, _ = await node.message(None, {"request": "exists", "room": room.janus_id})
        return data["exists"]

    async with asyncio.timeout(10):
        while await exists():
            await asyncio.sleep(0.05)
    assert (node.rooms, node.publishers, node.subscribers) == (0, 0, 0)


async def test_a_client_may_ask_for_peer_to_peer(sfu_server, connect, token) -> None:
    alice, bob = await connect(sfu_server.url), await connect(sfu_server.url)
    login = await alice.login("p2p-1", "alice", token("alice"), app_id=APP_ID, media="p2p")
    assert login.media == "p2p"
    # The room's mode is the creator's; later users get it whatever they prefer.
    assert (await bob.login("p2p-1", "bob", token("bob"), app_id=APP_ID, media="sfu")).media == (
        "p2p"
    )
    await alice.request(m.Publish(id=alice.next_id(), stream_id="a-cam"))
    play = await bob.request(m.Play(id=bob.next_id(), stream_id="a-cam"))
    request = await alice.next_event(m.PlayRequest)
    assert (request.session_id, request.peer, request.player.user_id) == (
        play.session_id,
        "user",
        "bob",
    )


@pytest.fixture
async def doomed_janus():
    """A Janus of the test's own, to be killed."""
    if reason := janus_missing():
        pytest.skip(reason)
    running = JanusProcess()
    running.start()
    yield running
    running.stop()


async def test_janus_down_is_a_numbered_error_at_publish_and_play_and_in_healthz(
    service_config, doomed_janus, connect, pcs, token
) -> None:
    router = JanusRouter([doomed_janus.url], api_secret=doomed_janus.api_secret)
    async with RoomServer(service_config, sfu=router) as server:
        alice, bob = await connect(server.url), await connect(server.url)
        await alice.login("down-1", "alice", token("alice"), app_id=APP_ID)
        await bob.login("down-1", "bob", token("bob"), app_id=APP_ID)
        await publish(alice, pcs(), "cam-1")
        counters = await play(bob, pcs(), "cam-1")
        await until(lambda: len(counters) > 3, timeout=20)

        doomed_janus.kill()
        # The live sessions end with the code, on both sides.
        for client in (alice, bob):
            closed = await client.next_event(m.SessionClosed, timeout=10)
            assert closed.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE
        status, health = await healthz(server)
        assert (status, health["status"], health["janus"][0]["up"]) == (503, "degraded", False)

        refused = await alice.request(m.Publish(id=alice.next_id(), stream_id="cam-2"))
        assert isinstance(refused, m.Error) and refused.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE
        assert "Janus" in refused.message
        refused = await bob.request(m.Play(id=bob.next_id(), stream_id="cam-1"))
        assert isinstance(refused, m.Error) and refused.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE


async def test_huddle_server_with_janus(tmp_path, janus) -> None:
    """``huddle-server --janus URL``: the secret from a file or the environment, /healthz
    names the node; without a secret it refuses to start, saying why."""
    secret_file = tmp_path / "secret"
    secret_file.write_text(CLI_SECRET + "\n")
    base = [str(BIN / "huddle-server"), "--port", "0", "--secret-file", str(secret_file)]
    env = {k: v for k, v in os.environ.items() if k != "HUDDLE_JANUS_SECRET"}
    refused = await asyncio.create_subprocess_exec(
        *base, "--janus", janus.url, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(refused.communicate(), 30)
    assert refused.returncode == 2 and b"HUDDLE_JANUS_SECRET" in err

    proc = await asyncio.create_subprocess_exec(
        *base,
        "--janus",
        janus.url,
        env={**env, "HUDDLE_JANUS_SECRET": janus.api_secret},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
        url = line.removeprefix("listening on ")
        http = url.replace("ws://", "http://").removesuffix("/ws")
        async with aiohttp.ClientSession() as session, session.get(f"{http}/healthz") as resp:
            health = await resp.json()
        assert resp.status == 200, health
        assert health["media"] == "sfu"
        assert [(n["url"], n["up"]) for n in health["janus"]] == [(janus.url, True)]
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode == 0


@pytest.fixture
async def second_janus(janus):
    """Another Janus with the same API secret (one --janus-secret serves every node)."""
    if reason := janus_missing():
        pytest.skip(reason)
    running = JanusProcess(api_secret=janus.api_secret)
    running.start()
    yield running
    running.stop()


async def test_rooms_are_placed_on_the_least_loaded_node(
    service_config, janus, second_janus, connect, pcs, token
) -> None:
    router = JanusRouter([janus.url, second_janus.url], api_secret=janus.api_secret)
    async with RoomServer(service_config, sfu=router) as server:
        first, second = router.nodes
        await first.wait_up(10)
        await second.wait_up(10)
        clients = []
        for i, room in enumerate(("r-a", "r-b")):
            pub, viewer = await connect(server.url), await connect(server.url)
            await pub.login(room, f"pub{i}", token(f"pub{i}"), app_id=APP_ID)
            await viewer.login(room, f"view{i}", token(f"view{i}"), app_id=APP_ID)
            await publish(pub, pcs(), f"cam-{i}")
            clients.append((viewer, f"cam-{i}"))
        # One room on each node, and each stream plays from its own room's node.
        assert (first.rooms, second.rooms) == (1, 1)
        assert (first.publishers, second.publishers) == (1, 1)
        counters = [await play(viewer, pcs(), stream) for viewer, stream in clients]
        await until(lambda: all(len(c) > 5 for c in counters), timeout=20)


def test_janus_options(tmp_path, monkeypatch) -> None:
    from app.cli.server import build_parser, janus_router

    monkeypatch.delenv("HUDDLE_JANUS_SECRET", raising=False)
    parse = build_parser().parse_args
    assert janus_router(parse([])) is None
    urls = ["--janus", "ws://127.0.0.1:8188", "--janus", "ws://127.0.0.1:8189"]
    router = janus_router(parse([*urls, "--janus-secret", "s1"]))
    assert [n.url for n in router.nodes] == ["ws://127.0.0.1:8188", "ws://127.0.0.1:8189"]
    assert router.nodes[0]._secret == "s1" and router._admin_key == "s1"
    (tmp_path / "secret").write_text("s2\n")
    (tmp_path / "key").write_text("k2\n")
    router = janus_router(
        parse(
            [
                *urls,
                "--janus-secret-file",
                str(tmp_path / "secret"),
                "--janus-admin-key-file",
                str(tmp_path / "key"),
            ]
        )
    )
    assert router.nodes[1]._secret == "s2" and router._admin_key == "k2"
    with pytest.raises(ValueError, match="api_secret"):
        janus_router(parse(urls))
    with pytest.raises(ValueError, match="ws://"):
        janus_router(parse(["--janus", "http://127.0.0.1:8088", "--janus-secret", "s"]))
