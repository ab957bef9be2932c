"""Group calls through a real Janus (SFU): engines publish once to it and play from it."""

from __future__ import annotations

import pytest

from app.engine import CustomConfig, PlayerState
from tests.engine.conftest import Received
from tests.helpers import until

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
