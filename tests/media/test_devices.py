"""Real devices: OpenCV reading a recording as a camera, PulseAudio's microphone and speaker,
an X screen, media files; and the mixer every played stream goes through."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from app.media import (
    CameraSource,
    MediaError,
    MediaFileSource,
    MicrophoneSource,
    Mixer,
    PatternSource,
    ScreenSource,
    Speaker,
    StreamRecorder,
    ToneSource,
    dominant_frequency,
    list_microphones,
    list_speakers,
    read_stamp,
)
from app.protocol.errors import ErrorCode
from tests.conftest import MIC_HZ
from tests.devices import write_pattern_video
from tests.helpers import until


async def test_camera_reads_a_recording_through_opencv(tmp_path: Path) -> None:
    path = tmp_path / "camera.avi"
    write_pattern_video(path)
    camera = await CameraSource.open(str(path))
    try:
        frames = [await camera.recv() for _ in range(40)]
    finally:
        camera.stop()
    counters = [read_stamp(f).counter for f in frames]
    # The recording plays in order (the newest frame wins, so one may be skipped under load).
    assert counters[0] <= 3
    assert all(0 < b - a <= 2 for a, b in itertools.pairwise(counters))
    assert (camera.width, camera.height) == (320, 240)
    assert not camera._thread  # the capture thread is gone


async def test_missing_and_broken_cameras_say_so(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as info:
        await CameraSource.open(7)
    assert info.value.code is ErrorCode.DEVICE_NOT_FOUND and "/dev/video7" in info.value.message
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"not a video")
    with pytest.raises(MediaError) as info:
        await CameraSource.open(str(junk))
    assert info.value.code in (ErrorCode.MEDIA_FILE_ERROR, ErrorCode.DEVICE_BUSY)


async def test_microphone_hears_the_sine_source(pulse) -> None:
    assert list_microphones() and list_speakers()
    mic = await MicrophoneSource.open()
    try:
        frames = [await mic.recv() for _ in range(40)]
    finally:
        mic.stop()
    samples = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    assert all(f.sample_rate == 48000 and f.samples == 960 for f in frames)
    assert abs(dominant_frequency(samples[-24000:]) - MIC_HZ) < 5
    assert [f.pts for f in frames] == [960 * i for i in range(40)]


async def test_a_cancelled_open_leaves_no_device_running(pulse, monkeypatch) -> None:
    """Opening runs in the executor and finishes there even when the caller gives up; the
    device must then be closed, not left running with nobody to stop it."""
    for device_class in (MicrophoneSource, Speaker):
        opened = threading.Event()
        streams_when_opened = []
        original = device_class._open

        def open_and_note(self, original=original, opened=opened, noted=streams_when_opened):
            original(self)
            noted.append(pulse.open_streams())
            opened.set()

        monkeypatch.setattr(device_class, "_open", open_and_note)
        opening = asyncio.ensure_future(device_class.open())
        await asyncio.sleep(0)  # the open is under way in the executor
        opening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await opening
        assert await asyncio.to_thread(opened.wait, 10)
        assert streams_when_opened == [1]  # it did open...
        await until(lambda: pulse.open_streams() == 0)  # ...and was closed, unowned


async def test_closing_never_aborts_a_stream_whose_callback_may_be_running(
    pulse, monkeypatch
) -> None:
    """PortAudio's ALSA host API aborts a stream by pthread_cancel on its callback thread,
    which tears down a thread inside Python (the intermittent SIGSEGV/SIGILL): closing asks
    the callback to end the stream and joins PortAudio's thread instead, never aborting."""
    import sounddevice

    from app.media import audio

    aborted = []
    monkeypatch.setattr(sounddevice._StreamBase, "abort", lambda self, **_: aborted.append(self))
    mixer = Mixer()
    for _ in range(3):
        speaker = await Speaker.open(None, mixer)
        mic = await MicrophoneSource.open()
        await asyncio.sleep(0.05)  # both callbacks running
        devices = [speaker._portaudio, mic._portaudio]
        assert all(d in audio._open_streams for d in devices)
        speaker.close()
        mic.stop()
        # (This PulseAudio's sine source hands the microphone 2 s at a time, so it may take
        # that long to call back and end.)
        await until(lambda devices=devices: all(d.closed.is_set() for d in devices))
        assert not any(d in audio._open_streams for d in devices)
    assert aborted == []
    await until(lambda: pulse.open_streams() == 0)


async def test_streams_left_open_are_kept_alive_and_closed_at_the_end(pulse) -> None:
    """A stream whose owner forgot it is never collected while PortAudio calls it;
    ``close_all_streams`` (at exit, and by the tests before PulseAudio stops) closes it."""
    import gc
    import weakref

    from app.media import audio

    mic = await MicrophoneSource.open()
    forgotten = weakref.ref(mic._portaudio)
    del mic
    gc.collect()
    assert forgotten() is not None and forgotten() in audio._open_streams
    assert audio.close_all_streams() == ["microphone (default)"]
    await until(lambda: pulse.open_streams() == 0)


async def test_unknown_microphone_is_not_found(pulse) -> None:
    with pytest.raises(MediaError) as info:
        await MicrophoneSource.open("no such microphone")
    assert info.value.code is ErrorCode.DEVICE_NOT_FOUND


async def test_speaker_plays_the_mix(pulse) -> None:
    mixer = Mixer()
    speaker = await Speaker.open(None, mixer)
    tone, other = ToneSource(500), ToneSource(1500, amplitude=0.05)
    inputs = [mixer.add_input(), mixer.add_input()]

    async def feed(source, mixer_input) -> None:
        while True:
            mixer_input.write(await source.recv())

    feeders = [asyncio.create_task(feed(s, i)) for s, i in zip((tone, other), inputs, strict=True)]
    try:
        recorded = await asyncio.to_thread(pulse.record_speaker, 1.5)
    finally:
        for task in feeders:
            task.cancel()
        speaker.close()
        speaker.close()
    assert len(recorded) > 24000
    assert abs(dominant_frequency(recorded[-24000:]) - 500) < 5  # the louder of the two
    assert speaker.frames_played > 24000


async def test_a_speaker_that_keeps_underrunning_grows_its_buffer_and_plays_on(pulse) -> None:
    """It opens with the smallest buffer; a load spike that makes its callbacks late (here a
    source that stalls them) moves it to a larger one, through a new stream, the old one
    closed; after the spike it plays on, once; and after a quiet spell (a minute in a call,
    2 s here) it steps back down to the smallest buffer."""
    mixer = Mixer()
    stalls = {"left": 0}

    class Stalling:
        def read(self, count: int) -> np.ndarray:
            if stalls["left"] > 0:
                stalls["left"] -= 1
                time.sleep(0.05)  # a 10 ms block taking 50 ms: the device runs dry
            return np.full(count, 1000, np.int16)

    mixer.add_input().attach(Stalling())
    speaker = await Speaker.open(None, mixer)
    try:
        assert speaker.step == 0 and speaker.latency == speaker.latencies[0]
        await asyncio.sleep(1.5)  # past the settling second
        stalls["left"] = 40
        await until(lambda: speaker.step > 0, timeout=20)
        await until(lambda: stalls["left"] == 0, timeout=20)
        played = speaker.frames_played
        await until(lambda: speaker.frames_played > played + 24000, timeout=20)
        await until(lambda: pulse.open_streams() == 1, timeout=20)  # the old stream is closed
        assert speaker.latency > speaker.latencies[0]
        speaker.quiet_to_shrink = 2.0
        await until(lambda: speaker.step == 0, timeout=20)
        played = speaker.frames_played
        await until(lambda: speaker.frames_played > played + 24000, timeout=20)
        await until(lambda: pulse.open_streams() == 1, timeout=20)
        assert speaker.latency == speaker.latencies[0] and speaker.quiet_to_shrink == 2.0
    finally:
        speaker.close()
    await until(lambda: pulse.open_streams() == 0)


def test_mixer_sums_and_clips() -> None:
    mixer = Mixer()
    loud, quiet = mixer.add_input(), mixer.add_input()

    def frame(value: int) -> av.AudioFrame:
        f = av.AudioFrame.from_ndarray(
            np.full((1, 1920), value, np.int16), format="s16", layout="mono"
        )
        f.sample_rate = 48000
        return f

    for _ in range(3):
        loud.write(frame(30000))
        quiet.write(frame(5000))
    out = mixer.read(480)
    assert out.shape == (480, 2) and (out == 32767).all()  # 35000 clips, both channels
    quiet.muted = True
    assert (mixer.read(480) == 30000).all()
    loud.close()
    quiet.close()
    assert mixer.inputs == 0 and not mixer.read(480).any()


async def test_screen_capture_under_xvfb(xvfb, monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", xvfb)
    screen = await ScreenSource.open(1, fps=5, max_width=640)
    try:
        frame = await asyncio.wait_for(screen.recv(), 5)
    finally:
        screen.stop()
    assert frame.width == 640 and frame.height == 400  # 1280x800 scaled to 640 wide


async def test_screen_capture_without_a_display(monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(MediaError) as info:
        await ScreenSource.open()
    assert info.value.code is ErrorCode.SCREEN_CAPTURE_UNAVAILABLE


async def test_recorder_writes_a_file_that_plays_back(tmp_path: Path) -> None:
    path = tmp_path / "out" / "call.mkv"
    recorder = StreamRecorder(path)
    video, audio = PatternSource(320, 240, fps=30), ToneSource(440)
    start = time.monotonic()
    while time.monotonic() - start < 1.0:
        recorder.add_video(await video.recv())
        recorder.add_audio(await audio.recv())
    recorder.close()
    recorder.close()
    with av.open(str(path)) as container:
        kinds = sorted(s.type for s in container.streams)
        decoded = [f for f in container.decode(video=0)]
    assert kinds == ["audio", "video"]
    assert len(decoded) >= 25 and read_stamp(decoded[-1]) is not None

    media = MediaFileSource(path)
    frame = await asyncio.wait_for(media.video.recv(), 5)
    sound = await asyncio.wait_for(media.audio.recv(), 5)
    assert read_stamp(frame) is not None and sound.sample_rate == 48000
    media.video.stop()
    media.audio.stop()


def test_a_missing_media_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as info:
        MediaFileSource(tmp_path / "nothing.mp4")
    assert info.value.code is ErrorCode.MEDIA_FILE_ERROR


def test_without_a_sound_server_there_is_no_microphone_and_the_engine_says_so() -> None:
    script = """
import asyncio
from app.engine import Engine, CameraConfig, DeviceError, ErrorCode
async def main():
    engine = Engine(1, "ws://127.0.0.1:9/ws")
    reported = []
    engine.on("deviceError", lambda code, device: reported.append(ErrorCode(code).name))
    try:
        await engine.create_stream(camera=CameraConfig())
    except DeviceError as exc:
        print(exc.code.name, reported)
    requirements = await engine.check_system_requirements()
    print(requirements.microphone, requirements.camera, requirements.web_rtc)
    await engine.destroy_engine()
asyncio.run(main())
"""
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "DISPLAY")}
    env["PULSE_SERVER"] = "unix:/nonexistent"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "NO_CAMERA ['NO_CAMERA', 'NO_MICROPHONE']",
        "False False True",
    ]


def test_a_smaller_speaker_buffer_that_fails_again_waits_twice_as_long(monkeypatch) -> None:
    """The back-off of the step down: 60 s quiet, then the smaller buffer underruns again
    at once, so the next step down waits 120 s."""
    import app.media.audio as audio

    clock = {"now": 1000.0}
    monkeypatch.setattr(audio, "_now", lambda: clock["now"])
    speaker = Speaker(None, Mixer())
    speaker._switch = lambda change: setattr(speaker, "step", speaker.step + change)
    speaker.step, speaker._opened_at = 1, clock["now"]

    def quiet_for(seconds: float) -> None:
        for _ in range(int(seconds)):
            clock["now"] += 1.0
            speaker._maybe_shrink()

    quiet_for(59)
    assert speaker.step == 1
    quiet_for(2)
    assert speaker.step == 0
    speaker._opened_at = clock["now"]
    for _ in range(3):  # three underruns a second apart, after the settling second
        clock["now"] += 1.0
        speaker._underrun()
    assert speaker.step == 1 and speaker.quiet_to_shrink == 120.0
    quiet_for(100)
    assert speaker.step == 1
    quiet_for(25)
    assert speaker.step == 0


def test_a_speaker_that_cannot_reopen_smaller_plays_on_and_waits_to_try_again(
    monkeypatch,
) -> None:
    """The device refuses the smaller buffer (unplugged, busy): the old stream plays on with
    its step, and the step down is tried again after another quiet spell, not at once."""
    import app.media.audio as audio
    from app.media.errors import MediaError
    from app.protocol.errors import ErrorCode

    clock = {"now": 1000.0}
    monkeypatch.setattr(audio, "_now", lambda: clock["now"])
    speaker = Speaker(None, Mixer())
    tries = []

    def unplugged() -> None:
        tries.append(clock["now"])
        raise MediaError(ErrorCode.NO_SPEAKER, device="gone")

    def step_down_at(seconds: float) -> None:
        clock["now"] += seconds
        speaker._maybe_shrink()
        deadline = time.monotonic() + 5
        while speaker._switching and time.monotonic() < deadline:
            time.sleep(0.01)  # (the reopening runs on a thread of its own)

    speaker._open = unplugged
    speaker.step, speaker._opened_at = 1, clock["now"]
    step_down_at(61)
    assert tries == [clock["now"]] and speaker.step == 1 and not speaker._switching
    step_down_at(30)  # not again at the next callback: after another quiet spell
    assert len(tries) == 1
    step_down_at(31)
    assert len(tries) == 2 and speaker.step == 1
