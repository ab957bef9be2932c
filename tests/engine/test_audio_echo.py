"""Echo cancellation in a leaking room: B's speaker is heard by B's microphone (-6 dB, 20 ms),
so without a canceller A hears itself. Real engines in their own processes, a real room
service, a private PulseAudio daemon (``benchmarks/_audio_rig.py``)."""

from __future__ import annotations

import shutil

import pytest

from benchmarks._audio_rig import start_rig
from benchmarks.audio_path import echo_case

pytestmark = pytest.mark.skipif(
    not (shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("espeak-ng")),
    reason="needs pulseaudio, pulseaudio-utils and espeak-ng",
)


@pytest.mark.timeout(400)
@pytest.mark.xfail(
    reason="#10: AEC on measured 76.5, 32.5, 16.9 and 13.9 dB in four runs of this rig (target "
    "40); the rig's loopback leak or the reference alignment is not yet understood",
    strict=False,
)
async def test_the_echo_is_cancelled_and_double_talk_gets_through() -> None:
    rig = start_rig()
    try:
        result = await echo_case(rig, 18)
    finally:
        rig.close()
    off, on = result["aec_off"], result["aec_on"]
    assert off["echo_attenuation_db"] < 20  # the rig does leak: A hears itself
    assert on["echo_attenuation_db"] >= 40
    # B talking while A talks reaches A almost as loud as B talking alone.
    assert result["double_talk_attenuation_db"] <= 6
