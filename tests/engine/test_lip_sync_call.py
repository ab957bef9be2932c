"""Lip sync between real engines: A publishes a microphone (a tone played into PulseAudio)
and a test pattern; two players hear it on PulseAudio null-sink speakers, one with lip sync
and one without. Both report the offset (``av_timestamp_diff_ms``); with sync it settles
inside ITU-R BT.1359's window, without it the voice is clearly further behind, so the
measurement is not one the synchroniser could make come out right by itself. Peer to peer and
through Janus (the players get their sender reports from Janus)."""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import replace

import pytest

from app.engine import CustomConfig
from app.engine.latency import latency_of
from app.media import MicrophoneSource
from tests.engine.test_audio_path import steady_microphone
from tests.helpers import until

AHEAD_MS, BEHIND_MS = 45, 125
"""ITU-R BT.1359: the voice at most 45 ms ahead of the picture or 125 ms behind it."""


def _offsets(log) -> list[float | None]:
    return [q.av_timestamp_diff_ms for (stream_id, q) in log.of("playQualityUpdate")]


@pytest.mark.parametrize("media_mode", ["p2p", "sfu"], indirect=True)
async def test_voice_and_picture_settle_together_with_sync_and_not_without(
    engines, engine_config, pulse
) -> None:
    with steady_microphone(pulse.server, 523.0, 60):
        alice, _ = await engines("alice")
        synced, synced_log = await engines("bob", config=replace(engine_config, speaker=None))
        unsynced, unsynced_log = await engines(
            "carol", config=replace(engine_config, speaker=None, av_sync=False)
        )
        microphone = await MicrophoneSource.open()
        stream = await alice.create_stream(
            custom=CustomConfig(video="pattern", audio=microphone, width=320, height=240)
        )
        await alice.start_publishing_stream("av", stream)
        on = await synced.start_playing_stream("av")
        off = await unsynced.start_playing_stream("av")
        assert await on.wait_first_frame(30) and await off.wait_first_frame(30)

        def settled(log) -> bool:
            last = _offsets(log)[-6:]
            return len(last) == 6 and all(o is not None for o in last)

        await until(lambda: settled(synced_log) and settled(unsynced_log), timeout=60)
        await asyncio.sleep(8)  # sync moves at most 40 ms a second; give it time to settle
        with_sync = statistics.median(_offsets(synced_log)[-8:])
        without = statistics.median(_offsets(unsynced_log)[-8:])
        seen = f"with sync {_offsets(synced_log)}, without {_offsets(unsynced_log)}"

        assert -AHEAD_MS <= with_sync <= BEHIND_MS, seen
        assert abs(with_sync) <= 40, seen  # and well inside it
        assert without >= with_sync + 30, seen  # the voice is behind, unsynced
        held = latency_of(on)
        assert held is not None and held.lip_sync_ms > 20, (held, seen)  # pictures really wait
        assert latency_of(off).lip_sync_ms == 0
        stats = synced.audio_stats()["lip_sync"]["av"]
        assert stats["video_delay_ms"] == held.lip_sync_ms and stats["offset_ms"] is not None

        # Muting the voice releases the pictures, and the offset becomes unknown.
        synced.mute_play_stream_audio("av", True)
        await until(lambda: latency_of(on).lip_sync_ms == 0, timeout=10)
        count = len(_offsets(synced_log))
        await until(lambda: len(_offsets(synced_log)) > count + 1, timeout=10)
        assert _offsets(synced_log)[-1] is None


async def test_a_stream_without_audio_reports_no_offset(engines, engine_config) -> None:
    alice, _ = await engines("alice")
    bob, bob_log = await engines("bob")
    stream = await alice.create_stream(custom=CustomConfig(video="pattern", width=320, height=240))
    await alice.start_publishing_stream("video-only", stream)
    remote = await bob.start_playing_stream("video-only")
    assert await remote.wait_first_frame(30)
    await until(lambda: len(bob_log.of("playQualityUpdate")) >= 6, timeout=15)
    assert all(o is None for o in _offsets(bob_log))
    assert latency_of(remote).lip_sync_ms == 0
