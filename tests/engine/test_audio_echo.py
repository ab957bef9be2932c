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


def needs_rig(test):
    """A call through the rig: its own PulseAudio, service and engines (the slow tier)."""
    missing = not (
        shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("espeak-ng")
    )
    skip = pytest.mark.skipif(missing, reason="needs pulseaudio, pulseaudio-utils and espeak-ng")
    return pytest.mark.slow(skip(test))


def _simulate(monkeypatch, underrun_at: int | None = None) -> list[tuple[int, int]]:
    """A processor fed by a speaker and a microphone whose callbacks come with jitter, and
    every 50th speaker callback (from the 40th) 35 ms late, the next ones in a burst. With
    ``underrun_at``, that speaker callback comes 50 ms late and the device plays 40 ms of
    silence first. Returns, for each microphone frame, (the speaker block the canceller got
    as its reference, 0 for silence; the speaker block whose echo the frame holds)."""
    from app.engine import _apm

    processor = AudioProcessor(aec=True, ans=False, agc=False)
    if not processor.active:
        pytest.skip("no livekit")
    given: list[int] = []
    real = processor._apm

    class Spy:
        def process_reverse_stream(self, frame) -> None:
            given.append(int(np.median(processor._render_frame.samples)))
            real.process_reverse_stream(frame)

        def __getattr__(self, name):
            return getattr(real, name)

    processor._apm = Spy()
    clock = {"now": 1000.0}
    monkeypatch.setattr(_apm.time, "monotonic", lambda: clock["now"])
    rng = np.random.default_rng(5)
    block = FRAME / RATE
    events = []
    delivered = rendered = 0.0
    for n in range(400):
        late = 0.035 if n % 50 == 40 else 0.05 if n == underrun_at else 0.0
        # After the silence the device asks for each block that much later.
        late += 0.04 if underrun_at is not None and n > underrun_at else 0.0
        rendered = max(n * block - 0.005 + late + rng.uniform(0, 0.004), rendered + 1e-4)
        events.append((rendered, "render", n))
        # Microphone block m is recorded in its slot and handed over 5-15 ms later.
        delivered = max(n * block + block + rng.uniform(0.005, 0.015), delivered + 1e-4)
        events.append((delivered, "capture", n))
    silence = 0.0
    pairs: list[tuple[int, int]] = []
    for at, kind, n in sorted(events):
        clock["now"] = 1000.0 + at
        if kind == "render":
            # Speaker block n is heard 30 ms after its slot (and after any silence played).
            silence += 0.04 if n == underrun_at else 0.0
            heard = 1000.0 + n * block + 0.030 + silence
            block_out = np.full(FRAME, n + 1, np.int16)
            processor.render(block_out, heard - clock["now"], n == underrun_at)
        else:
            before = len(given)
            processor.capture(np.zeros(FRAME, np.int16), clock["now"] - (1000.0 + n * block))
            # The echo in microphone block m: the speaker block heard in its slot.
            echo = n - 3 - (4 if underrun_at is not None and n >= underrun_at + 7 else 0)
            pairs += [(g, echo) for g in given[before:]]
    return pairs


def test_the_canceller_gets_the_reference_at_one_offset_whatever_the_callbacks_do(
    monkeypatch,
) -> None:
    """Lock-step alignment: the speaker's and the microphone's callbacks come late and in
    bursts, yet each microphone frame is given the reference at one offset, never behind
    its echo."""
    pairs = _simulate(monkeypatch)[10:]
    leads = {g - 1 - echo for g, echo in pairs if g}
    assert len(leads) == 1 and leads.pop() >= 0
    # While a late speaker callback has not yet rendered it, the reference is silence: only
    # then, for about as long as the callback was late (35 ms: 4 frames), 8 times.
    assert 0 < sum(1 for g, _ in pairs if not g) <= 4 * 8


def test_after_an_underrun_the_reference_leads_its_echo_as_before(monkeypatch) -> None:
    """The device played 40 ms of silence that is in no reference: the echo now comes 40 ms
    later against the speaker's samples; the offset is taken again and the reference leads
    its echo by what it did before (the canceller sees no jump), never trails it."""
    pairs = _simulate(monkeypatch, underrun_at=150)
    before = {g - 1 - echo for g, echo in pairs[20:140] if g}
    after = {g - 1 - echo for g, echo in pairs[150 + 30 :] if g}
    assert len(before) == 1 and len(after) == 1
    assert after.pop() == before.pop() >= 0
    assert all(g - 1 - echo >= 0 for g, echo in pairs[10:] if g)


@needs_rig
@pytest.mark.timeout(400)
async def test_the_echo_is_cancelled_and_double_talk_gets_through() -> None:
    rig = start_rig()
    try:
        result = await echo_case(rig, 30, ("off", "huddle", "pulseaudio"))
    finally:
        rig.close()
    off, on = result["aec_off"], result["aec_on"]
    seconds = on["echo_attenuation_per_second_db"]
    print("echo off", off["echo_attenuation_db"], "on", on["echo_attenuation_db"], seconds)
    assert off["echo_attenuation_db"] < 20  # the rig does leak: A hears itself
    # The target, in most seconds (measured 75-84 dB in every second on a quiet
    # machine, and with a busy loop beside it). Under load one second may lose it while the
    # canceller realigns after a speaker underrun, and one such second sets the total (which
    # the benchmark reports): the total is held to 20 dB beyond the leak.
    assert sorted(seconds)[len(seconds) // 2] >= 40
    assert on["echo_attenuation_db"] >= off["echo_attenuation_db"] + 20
    # B talking while A talks reaches A almost as loud as B talking alone.
    assert result["double_talk_attenuation_db"] <= 6
    # The benchmark's reference, PulseAudio's own canceller on B's devices, runs in the rig.
    reference = result["pulseaudio"]
    print("PulseAudio's canceller", reference["echo_attenuation_db"])
    assert reference["echo_attenuation_db"] > off["echo_attenuation_db"]
