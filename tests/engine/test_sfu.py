"""Group calls through a real Janus (SFU): engines publish once to it and play from it."""

from __future__ import annotations

import pytest

from app.engine import CustomConfig, ErrorCode, PlayError, PlayerState
from app.server import RoomServer
from app.server.janus import JanusRouter
from app.server.web import SFU_KEY
from tests.engine.conftest import Received
from tests.helpers import until
from tests.janus import JanusProcess, janus_missing

pytestmark = pytest.mark.parametrize("media_mode", ["sfu"], indirect=True)

MEMBERS = 6
# Small frames: six publishers and thirty players share this process (and two cores).
SMALL = CustomConfig(video="pattern", audio="tone", width=160, height=120, fps=15)


@pytest.mark.timeout(180)
async def test_six_people_each_publish_and_play_everyone(engines) -> None:
    people = [await engines(f"u{i}") for i in range(MEMBERS)]
    for i, (engine, _) in enumerate(people):
        assert engine.media_mode == "sfu"
        stream = await engine.create_stream(custom=SMALL)
        assert await engine.start_publishing_stream(f"u{i}-cam", stream)
    await until(lambda: all(len(e.streams) == MEMBERS - 1 for e, _ in people), timeout=20)

    received: dict[tuple[int, int], Received] = {}
    for i, (engine, _) in enumerate(people):
        for j in range(MEMBERS):
            if j != i:
                remote = await engine.start_playing_stream(f"u{j}-cam")
                received[i, j] = Received(remote)

    # Every player sees every other publisher's pattern: frames whose stamp reads, in order.
    await until(lambda: all(len(r.stamps) >= 15 for r in received.values()), timeout=90)
    for (i, j), got in received.items():
        assert got.stamps == sorted(got.stamps), f"u{i} playing u{j}: out of order"
        assert len(got.stamps) / (len(got.stamps) + got.unreadable) >= 0.95, (i, j)
    for i, (engine, _) in enumerate(people):
        assert set(engine.playing.values()) == {PlayerState.PLAYING}, i
        # One uplink per publisher, however many play it.
        [publication] = engine._publishing.publications.values()
        assert len(publication._peers) == 1


@pytest.fixture
async def doomed_server(service_config, engine_config):
    """A room service whose Janus (its own) the test kills."""
    if reason := janus_missing():
        pytest.skip(reason)
    janus = JanusProcess()
    janus.start()
    router = JanusRouter([janus.url], api_secret=janus.api_secret)
    try:
        async with RoomServer(service_config, sfu=router) as server:
            yield server, janus
    finally:
        janus.stop()


async def test_janus_down_is_a_numbered_error_and_back_plays_again(engines, doomed_server) -> None:
    server, janus = doomed_server
    a, a_log = await engines("alice", url=server.url)
    b, b_log = await engines("bob", url=server.url)
    stream = await b.create_stream(custom=SMALL)
    assert await b.start_publishing_stream("b-cam", stream)
    remote = await a.start_playing_stream("b-cam")
    assert await remote.wait_first_frame(20)

    janus.kill()
    # The play ends with the media server's code; playing again is refused with it.
    await until(lambda: a.playing.get("b-cam") == PlayerState.NO_PLAY, timeout=60)
    assert [e for e in a_log.sequence if e[0] == "player"][-1] == (
        "player",
        "b-cam",
        "NO_PLAY",
        ErrorCode.MEDIA_SERVER_UNAVAILABLE,
    )
    with pytest.raises(PlayError) as refused:
        await a.start_playing_stream("b-cam")
    assert refused.value.code == ErrorCode.MEDIA_SERVER_UNAVAILABLE
    # A new publish is refused with it too, and the room and the call's messages go on.
    assert not await b.start_publishing_stream("b-screen", stream)
    assert [e for e in b_log.sequence if e[0] == "publisher"][-1] == (
        "publisher",
        "b-screen",
        "NO_PUBLISH",
        ErrorCode.MEDIA_SERVER_UNAVAILABLE,
    )
    assert await a.send_broadcast_message("still here") > 0
    # Janus back (same address): the service reconnects, and playing again works, through a
    # new uplink the service asks the publisher for.
    janus.stop()
    janus.start()
    router = server.app[SFU_KEY]
    await until(lambda: router.healthy, timeout=30)
    remote = await a.start_playing_stream("b-cam")
    received = Received(remote)
    await until(lambda: len(received.stamps) >= 10, timeout=30)
    assert a.playing["b-cam"] == PlayerState.PLAYING
