"""Media outlives the signalling: a cut socket or a restarted service leaves the call alone."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

from app.engine import CustomConfig, ErrorCode
from tests.helpers import until

PATTERN = CustomConfig(video="pattern", audio="tone")


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of the room service; ``cut(s)`` drops every
    connection and refuses new ones for ``s`` seconds, as a network blip would."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))

    async def cut(self, seconds: float) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await asyncio.sleep(seconds)
        await self.start()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()


def longest_gap(times: list[float], start: float, end: float) -> float:
    inside = [start, *(t for t in times if start <= t <= end), end]
    return max(b - a for a, b in itertools.pairwise(inside))


def peer_connections(engine) -> list[object]:
    """Every peer connection object of an engine (publishing and playing)."""
    pcs = []
    for publication in engine._publishing.publications.values():
        pcs += [peer.pc for peer in publication._peers.values()]
    for playback in engine._playing.playbacks.values():
        if playback._pc is not None:
            pcs.append(playback._pc)
    return pcs


def after(log, mark: int) -> list[tuple]:
    return log.sequence[mark:]


async def call(engines, url: str):
    """Bob publishes the pattern, Alice plays it: (alice, her log, bob, his log, arrivals)."""
    alice, alice_log = await engines("alice", url=url)
    bob, bob_log = await engines("bob", url=url)
    stream = await bob.create_stream(custom=PATTERN)
    await bob.start_publishing_stream("bob-cam", stream)
    remote = await alice.start_playing_stream("bob-cam")
    arrivals: list[float] = []
    remote.add_video_sink(lambda _frame: arrivals.append(time.monotonic()))
    assert await remote.wait_first_frame(15)
    await until(lambda: len(arrivals) > 30, timeout=10)
    return alice, alice_log, bob, bob_log, arrivals


async def test_a_signalling_cut_keeps_frames_flowing(server, engines, media_mode) -> None:
    proxy = CuttableProxy(server.port)
    await proxy.start()
    try:
        alice, alice_log, bob, bob_log, arrivals = await call(engines, proxy.url)
        pcs = peer_connections(alice) + peer_connections(bob)
        assert len(pcs) == 2
        marks = len(alice_log.sequence), len(bob_log.sequence)
        cut_at = time.monotonic()
        await proxy.cut(1.0)
        await until(lambda: alice_log.sequence[marks[0] :] and alice.room_state == "CONNECTED")
        await until(lambda: bob_log.sequence[marks[1] :] and bob.room_state == "CONNECTED")
        await asyncio.sleep(1.0)
        end = time.monotonic()
        # Frames kept coming through the cut: the peer connections never heard of it. (Before,
        # every peer connection was closed and negotiated again: a gap of 1.6 s and more.)
        assert longest_gap(arrivals, cut_at, end) < 0.6
        assert peer_connections(alice) + peer_connections(bob) == pcs
        for log, mark in ((alice_log, marks[0]), (bob_log, marks[1])):
            assert after(log, mark) == [
                ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST),
                ("room", "RECONNECTED", 0),
            ], "no state event but the room's"
        # Peer to peer one play session; through the SFU its downlink and the stream's uplink,
        # both kept by the service with the session.
        assert server.service.stats()["play_sessions"] == (2 if media_mode == "sfu" else 1)
    finally:
        await proxy.stop()


async def test_a_restarted_service_takes_the_call_back_without_renegotiation(
    room_server, engines, media_mode
) -> None:
    if media_mode == "sfu":
        await restarted_sfu_service(room_server, engines)
        return
    first = await room_server()
    alice, alice_log, bob, bob_log, arrivals = await call(engines, first.url)
    pcs = peer_connections(alice) + peer_connections(bob)
    marks = len(alice_log.sequence), len(bob_log.sequence)
    stopped_at = time.monotonic()
    await first.stop()  # the service and all it knew are gone
    await asyncio.sleep(1.0)
    second = await room_server(port=first.port)
    await until(lambda: alice.room_state == "CONNECTED" and bob.room_state == "CONNECTED", 15)
    await until(lambda: second.service.stats()["play_sessions"] == 1, timeout=10)
    await asyncio.sleep(1.0)
    assert longest_gap(arrivals, stopped_at, time.monotonic()) < 0.6
    # The same peer connection objects carry the call: nothing was negotiated again.
    assert peer_connections(alice) + peer_connections(bob) == pcs
    for log, mark in ((alice_log, marks[0]), (bob_log, marks[1])):
        assert [e for e in after(log, mark) if e[0] in ("room", "publisher", "player")] == [
            ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST),
            ("room", "RECONNECTED", 0),
        ]
    assert second.service.stats()["streams"] == 1
    assert [s.stream_id for s in alice.streams] == ["bob-cam"]


def test_reconnect_attempts_start_at_once_and_back_off_only_after_quick_ones() -> None:
    from app.engine import _resume

    waits = list(itertools.islice(_resume.reconnect_waits(0.2, 5.0), 16))
    assert waits[0] == 0.0, "the first attempt does not wait"
    assert all(0.16 <= w <= 0.24 for w in waits[1 : _resume.QUICK_TRIES])
    backoff = waits[_resume.QUICK_TRIES :]
    assert 0.32 <= backoff[0] <= 0.48 and all(w <= 6.0 for w in backoff)
    assert backoff[-1] >= 4.0, "doubling up to the longest wait"


def test_what_is_re_announced_and_what_the_reply_kept() -> None:
    from app.engine import _resume
    from app.protocol import messages as m

    held = _resume.held(
        [(m.Publication(stream_id="cam"), [("p1", "bob"), ("p2", "carol")])],
        [("dave-cam", "p3", "dave"), ("eve-cam", None, "eve"), ("x", "p4", None)],
    )
    assert [p.stream_id for p in held.publications] == ["cam"]
    assert [(h.session_id, h.role, h.peer_user_id) for h in held.plays] == [
        ("p1", "publisher", "bob"),
        ("p2", "publisher", "carol"),
        ("p3", "player", "dave"),
    ]
    kept = _resume.Kept.of(
        m.LoginOk(
            id=1,
            session_id="c1",
            room_id="r",
            user=m.UserInfo(user_id="alice"),
            users=[],
            streams=[],
            heartbeat_interval=10,
            publications=["cam"],
            plays=["p1", "p3"],
        )
    )
    assert kept.publication("cam") and not kept.publication("other")
    assert kept.play("p1") and not kept.play("p2") and not kept.play(None)


async def restarted_sfu_service(room_server, engines) -> None:
    """Through an SFU a restarted service cannot take the media back (its Janus sessions went
    with it): the engines log in again, the stream is re-announced and gets a new uplink, the
    player plays again, and frames come back."""
    first = await room_server()
    alice, alice_log, bob, bob_log, arrivals = await call(engines, first.url)
    marks = len(alice_log.sequence), len(bob_log.sequence)
    await first.stop()
    await asyncio.sleep(1.0)
    second = await room_server(port=first.port)
    await until(lambda: alice.room_state == "CONNECTED" and bob.room_state == "CONNECTED", 15)
    restarted_at = time.monotonic()
    await until(lambda: any(t > restarted_at for t in arrivals), timeout=20)
    await until(lambda: second.service.stats()["play_sessions"] == 2, timeout=10)
    assert second.service.stats()["streams"] == 1
    assert [s.stream_id for s in alice.streams] == ["bob-cam"]
    assert alice.media_mode == "sfu"
    for log, mark in ((alice_log, marks[0]), (bob_log, marks[1])):
        room = [e for e in after(log, mark) if e[0] == "room"]
        assert room == [
            ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST),
            ("room", "RECONNECTED", 0),
        ]
    # The publisher kept publishing: no PUBLISH_REQUESTING, only its uplink was asked again.
    assert not [e for e in after(bob_log, marks[1]) if e[0] == "publisher"]
