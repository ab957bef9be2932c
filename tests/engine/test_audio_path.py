"""The voice through the whole path, on real devices: microphone -> echo canceller and noise
suppressor -> Opus -> WebRTC -> adaptive jitter buffer -> mixer -> speaker (PulseAudio's null
sink).

The microphone here is the monitor of a null sink that ``pacat`` plays a tone into: the
session's sine source hands PortAudio its audio in bursts (2 s of nothing, then 64 000
samples a second), which a jitter buffer rightly answers with a large target."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from app.engine import CameraConfig
from app.media import dominant_frequency
from tests.helpers import until

VOICE_HZ = 523.0


@contextlib.contextmanager
def steady_microphone(server: str, hz: float, seconds: float) -> Iterator[None]:
    """The default microphone is, meanwhile, a tone played in real time."""
    env = {**os.environ, "PULSE_SERVER": server}

    def pactl(*args: str) -> str:
        return subprocess.run(
            ["pactl", *args], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    module = pactl("load-module", "module-null-sink", "sink_name=huddle_test_voice", "rate=48000")
    previous = pactl("get-default-source")
    t = np.arange(int(seconds * 48000)) / 48000
    tone = (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()
    player = subprocess.Popen(
        [
            "pacat",
            "--device=huddle_test_voice",
            "--raw",
            "--format=s16le",
            "--rate=48000",
            "--channels=1",
            "--latency-msec=20",
        ],
        stdin=subprocess.PIPE,
        env=env,
    )
    try:
        assert player.stdin is not None
        player.stdin.write(tone[: 48000 * 2])  # the rest is written as it plays, below
        pactl("set-default-source", "huddle_test_voice.monitor")
        writer = asyncio.get_event_loop().run_in_executor(None, _write, player, tone[96000:])
        yield
        writer.cancel()
    finally:
        player.kill()
        player.wait()
        pactl("set-default-source", previous)
        pactl("unload-module", module)


def _write(player: subprocess.Popen[bytes], data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, ValueError):
        assert player.stdin is not None
        player.stdin.write(data)
        player.stdin.close()


async def test_the_microphone_comes_out_of_the_far_speaker_at_its_pitch(
    engines, engine_config, pulse
) -> None:
    with steady_microphone(pulse.server, VOICE_HZ, 30):
        await _microphone_to_speaker(engines, engine_config, pulse)


async def _microphone_to_speaker(engines, engine_config, pulse) -> None:
    a, a_log = await engines("alice", config=replace(engine_config, speaker=None))
    b, _ = await engines("bob")
    assert b.config.enable_aec and b.config.enable_ans  # the defaults, on the path
    stream = await b.create_stream(camera=CameraConfig(video=False))
    await b.start_publishing_stream("mic", stream)
    remote = await a.start_playing_stream("mic")
    assert await remote.wait_first_frame(10)
    await until(lambda: a.audio_stats()["played"].get("mic", {}).get("packets", 0) > 50)
    await asyncio.sleep(0.5)
    recorded = await asyncio.to_thread(pulse.record_speaker, 1.5)
    assert len(recorded) > 24000
    tail = recorded[-24000:]
    assert abs(dominant_frequency(tail) - VOICE_HZ) < 5
    assert np.sqrt(np.mean(tail.astype(np.float64) ** 2)) > 300  # heard, not suppressed
    assert b.audio_stats()["processing"]["frames"] > 50  # the microphone went through APM
    assert not a_log.of("deviceError")
