"""A private PulseAudio daemon wired as a two-person call room, every signal on one clock.

One five-channel null sink, ``rig``, is the room. Each device is a remap of one of its
channels, so a single ``parec`` of ``rig.monitor`` records all of them with the same clock:

    aux0  A's mouth: what the benchmark says into A's microphone (``mouthA`` -> ``micA``)
    aux1  B's speaker (``spkB``)
    aux2  (unused)
    aux3  A's speaker (``spkA``)
    aux4  B's own voice (``mouthB``)

B's microphone is the monitor of a second null sink, ``micmix``: B's voice reaches it
through a loopback (20 ms), and so does, with the leak on, B's speaker (-6 dB, 20 ms), as a
laptop's speakers are heard by its microphone. (A loopback from the rig back into the rig
made the null sink's thread spin until PulseAudio was killed for its CPU time.)

A process picks its devices with ``PULSE_SOURCE`` / ``PULSE_SINK`` (libpulse reads them when
PortAudio's ALSA pulse plugin opens a stream), so each engine runs in its own process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 48_000
CHANNELS = 5
MOUTH_A, SPEAKER_B, _UNUSED, SPEAKER_A, MOUTH_B = range(CHANNELS)
LEAK_GAIN = 0.5
"""-6 dB."""
LEAK_MS = 20


@dataclass
class Rig:
    server: str
    runtime: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    leak_module: str | None = None
    _recorder: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PULSE_SERVER": self.server}

    def devices(self, side: str) -> dict[str, str]:
        """The environment a process of ``side`` ("A" or "B") opens its devices with."""
        return {
            "PULSE_SOURCE": "micA" if side == "A" else "micmix.monitor",
            "PULSE_SINK": f"spk{side}",
        }

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
        """B's speaker leaking into B's microphone (-6 dB, 20 ms), or not."""
        if on and self.leak_module is None:
            self.leak_module = self.pactl(
                "load-module",
                "module-loopback",
                "source=spkBmon",
                "sink=micmix",
                f"latency_msec={LEAK_MS}",
                "source_dont_move=true",
                "sink_dont_move=true",
                "adjust_time=0",
            )
            for _ in range(50):
                sinks = self.pactl("list", "short", "sinks").splitlines()
                leak = next(line.split()[0] for line in sinks if line.split()[1] == "micmix")
                inputs = self.pactl("list", "short", "sink-inputs").splitlines()
                # The near-end loopback came first; the leak is the newest input there.
                mine = [int(line.split()[0]) for line in inputs if line.split()[1] == leak]
                if len(mine) >= 2:
                    self.pactl("set-sink-input-volume", str(max(mine)), str(LEAK_GAIN))
                    break
                time.sleep(0.05)
        elif not on and self.leak_module is not None:
            self.pactl("unload-module", self.leak_module)
            self.leak_module = None

    def play(self, samples: np.ndarray, sink: str) -> subprocess.Popen[bytes]:
        """Start playing mono int16 ``samples`` into ``sink`` (``mouthA`` or ``mouthB``)."""
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
        sink("spkB", SPEAKER_B),
        sink("spkA", SPEAKER_A),
        sink("mouthB", MOUTH_B),
        source("micA", MOUTH_A),
        source("spkBmon", SPEAKER_B),
        source("mouthBmon", MOUTH_B),
        f"module-null-sink sink_name=micmix rate={RATE} channels=1 norewinds=1",
        f"module-loopback source=mouthBmon sink=micmix latency_msec={LEAK_MS} adjust_time=0",
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
        "--realtime=no",
        "--high-priority=no",
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
            return rig
        time.sleep(0.05)
    rig.close()
    raise RuntimeError("pulseaudio did not start within 10 s")
