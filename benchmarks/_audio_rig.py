"""A private PulseAudio daemon wired as a two-person call room, every signal on one clock.

One five-channel null sink, ``rig``, is the room. Each device is a remap of its channels, so
a single ``parec`` of ``rig.monitor`` records all of them with the same clock:

    aux0  A's mouth: what the benchmark says into A's microphone (``mouthA`` -> ``micA``)
    aux1  B's speaker (``spkB``), as B's ear hears it
    aux2  B's microphone (``micB``): B's voice, and with the leak on B's speaker too
    aux3  A's speaker (``spkA``)
    aux4  B's own voice (``mouthB``), as B says it

B's speaker and B's mouth are two-channel remaps whose second channel is aux2: whatever B
plays or says also lands in B's microphone, summed by the null sink itself. The leak is that
second channel's volume (-6 dB on, muted off), as a laptop's speakers are heard by its
microphone. There is no ``module-loopback`` in the rig: a loopback is a second clock that
PulseAudio steers by resampling, and under load it moved the echo's delay by 1.6-84 ms at a
time, which a real room's acoustic path never does (and which an echo canceller has to find
again each time).

PulseAudio's own canceller (``module-echo-cancel``) cannot be put on B's devices here: its
sink and source masters would share the rig's one clock and thread, and the daemon stops
answering as soon as it is loaded (measured; the old two-sink rig with a loopback ran it).
For the comparison, ``Rig.pulse_canceller()`` gives B devices of their own, outside the rig
(below); A's mouth and ear, which the echo is measured by, stay on the rig's clock.

A process picks its devices with ``PULSE_SOURCE`` / ``PULSE_SINK`` (libpulse reads them when
PortAudio's ALSA pulse plugin opens a stream), so each engine runs in its own process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 48_000
CHANNELS = 5
MOUTH_A, SPEAKER_B, MIC_B, SPEAKER_A, MOUTH_B = range(CHANNELS)
LEAK_DB = -6
LEAK_VOLUME = round(65536 * (10 ** (LEAK_DB / 20)) ** (1 / 3))
"""The leak as a PulseAudio volume (they are cubic: raw = 65536 * amplitude ** (1/3))."""


@dataclass
class Rig:
    server: str
    runtime: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    leak: bool = False
    _recorder: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PULSE_SERVER": self.server}

    def devices(self, side: str) -> dict[str, str]:
        """The environment a process of ``side`` ("A" or "B") opens its devices with."""
        return {"PULSE_SOURCE": f"mic{side}", "PULSE_SINK": f"spk{side}"}

    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        if result.returncode != 0:
            daemon = self.log_path.read_text(errors="replace")[-800:]
            raise RuntimeError(
                f"pactl {' '.join(args)}: {result.stderr.strip()} (exit {self.process.poll()}; "
                f"pulseaudio said: {daemon})"
            )
        return result.stdout.strip()

    def set_leak(self, on: bool) -> None:
        """B's speaker heard by B's microphone (-6 dB, same clock), or not."""
        self.pactl("set-sink-volume", "spkB", "65536", str(LEAK_VOLUME if on else 0))
        self.leak = on

    @contextlib.contextmanager
    def pulse_canceller(self, bypass: bool = False) -> Iterator[dict[str, str]]:
        """B's devices through PulseAudio's own echo canceller, for comparison: WebRTC's, as
        ``module-echo-cancel aec_method=webrtc`` loads it, with its gain controls off (noise
        suppression and the high-pass filter on, as Huddle's). Its masters are two null sinks
        of their own, each with its own clock and thread: ``pbspk`` (B's speaker) and
        ``pbroom`` (what B's microphone hears), joined by a loopback from ``pbspk``'s monitor
        at the leak's -6 dB. B's voice goes into ``pbroom``. Yields the environment B opens
        its devices with (with ``bypass``, the masters themselves: the same room without the
        canceller); the modules are unloaded after."""
        modules = []
        try:
            null_sink = ("module-null-sink", "channels=1", f"rate={RATE}", "norewinds=1")
            for args in (
                (*null_sink, "sink_name=pbspk"),
                (*null_sink, "sink_name=pbroom"),
                ("module-loopback", "source=pbspk.monitor", "sink=pbroom", "latency_msec=20"),
                (
                    "module-echo-cancel",
                    "source_master=pbroom.monitor",
                    "sink_master=pbspk",
                    "source_name=pbmic",
                    "sink_name=pbout",
                    "aec_method=webrtc",
                    'aec_args="analog_gain_control=0 digital_gain_control=0"',
                ),
            ):
                modules.append(self.pactl("load-module", *args))
            self.pactl("set-source-volume", "pbspk.monitor", str(LEAK_VOLUME))
            if bypass:
                yield {"PULSE_SOURCE": "pbroom.monitor", "PULSE_SINK": "pbspk"}
            else:
                yield {"PULSE_SOURCE": "pbmic", "PULSE_SINK": "pbout"}
        finally:
            for index in reversed(modules):
                with contextlib.suppress(RuntimeError):
                    self.pactl("unload-module", index)

    def play(self, samples: np.ndarray, sink: str) -> subprocess.Popen[bytes]:
        """Start playing mono int16 ``samples`` into ``sink`` (``mouthA``, ``mouthB``, ...)."""
        path = self.runtime / f"{sink}-{time.monotonic_ns()}.raw"
        path.write_bytes(samples.astype("<i2").tobytes())
        return subprocess.Popen(
            [
                "pacat",
                f"--device={sink}",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=10",
                str(path),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start_recording(self) -> None:
        self._record_path = self.runtime / f"rig-{time.monotonic_ns()}.raw"
        self._recorder = subprocess.Popen(
            [
                "parec",
                "--device=rig.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                f"--channels={CHANNELS}",
                "--channel-map=" + ",".join(f"aux{i}" for i in range(CHANNELS)),
                "--latency-msec=20",
            ],
            env=self.env,
            stdout=open(self._record_path, "wb"),
            stderr=subprocess.DEVNULL,
        )

    def stop_recording(self) -> np.ndarray:
        """Everything recorded since ``start_recording``: (samples, 5) int16."""
        recorder, self._recorder = self._recorder, None
        assert recorder is not None
        recorder.terminate()
        recorder.wait(10)
        data = np.frombuffer(self._record_path.read_bytes(), "<i2")
        self._record_path.unlink(missing_ok=True)
        return data[: len(data) // CHANNELS * CHANNELS].reshape(-1, CHANNELS)

    def close(self) -> None:
        if self._recorder is not None:
            self._recorder.kill()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.runtime, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)


def _modules() -> list[str]:
    aux = [f"aux{i}" for i in range(CHANNELS)]

    def sink(name: str, *channels: int) -> str:
        names = ",".join(aux[c] for c in channels)
        own = "mono" if len(channels) == 1 else "front-left,front-right"
        return (
            f"module-remap-sink sink_name={name} master=rig channels={len(channels)} "
            f"channel_map={own} master_channel_map={names} remix=no"
        )

    def source(name: str, channel: int) -> str:
        return (
            f"module-remap-source source_name={name} master=rig.monitor channels=1 "
            f"channel_map=mono master_channel_map={aux[channel]} remix=no"
        )

    return [
        f"module-null-sink sink_name=rig rate={RATE} channels={CHANNELS} "
        f"channel_map={','.join(aux)} norewinds=1",
        sink("mouthA", MOUTH_A),
        sink("spkB", SPEAKER_B, MIC_B),  # front-right is the leak (off until set_leak)
        sink("spkA", SPEAKER_A),
        sink("mouthB", MOUTH_B, MIC_B),
        source("micA", MOUTH_A),
        source("micB", MIC_B),
    ]


def start_rig() -> Rig:
    """Start a private PulseAudio daemon with the rig; ``Rig.close()`` stops it."""
    if not shutil.which("pulseaudio") or not shutil.which("parec"):
        raise RuntimeError("pulseaudio and pulseaudio-utils are needed (apt install them)")
    runtime = Path(tempfile.mkdtemp(prefix="huddle-audio-rig-"))
    runtime.chmod(0o700)
    socket = runtime / "native"
    args = [
        "pulseaudio",
        "--daemonize=no",
        "--exit-idle-time=-1",
        "-n",
        "--use-pid-file=no",
        "--disable-shm=yes",
        "--log-target=stderr",
        "--log-level=warning",
        "--no-cpu-limit",
        # As a desktop's PulseAudio runs (rtkit gives it real-time priority there).
        "--realtime=yes",
        "--high-priority=yes",
        f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
    ]
    args += [f"--load={module}" for module in _modules()]
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "HOME": str(runtime)}
    log_path = runtime.with_name(runtime.name + ".log")
    log = open(log_path, "wb")  # the daemon's, read on failures
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=log)
    rig = Rig(f"unix:{socket}", runtime, process, log_path)
    for _ in range(200):
        if process.poll() is not None:
            error = log_path.read_text(errors="replace")
            rig.close()
            raise RuntimeError(f"pulseaudio did not start: {error[-500:]}")
        ok = subprocess.run(["pactl", "info"], env=rig.env, capture_output=True)
        if ok.returncode == 0:
            rig.set_leak(False)
            return rig
        time.sleep(0.05)
    rig.close()
    raise RuntimeError("pulseaudio did not start within 10 s")
