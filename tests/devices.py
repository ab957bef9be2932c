"""Real devices for a machine with no sound card or display: PulseAudio and Xvfb.

PulseAudio gives a null sink (what the speaker plays, readable from its monitor) and a sine
source (a microphone that hears a 660 Hz tone); PortAudio reaches both through ALSA's pulse
plugin. Xvfb gives an X display for screen capture and real windows. A recording of the test
pattern stands in for a camera (OpenCV opens it as one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from app.media import PatternSource

MIC_HZ = 660.0
SINK = "huddle_speaker"
SOURCE = "huddle_mic"


@dataclass
class Pulse:
    server: str
    runtime: Path
    process: subprocess.Popen[bytes]

    def record_speaker(self, seconds: float) -> np.ndarray:
        """What the speaker played for the next ``seconds`` (48 kHz mono int16)."""
        result = subprocess.run(
            [
                "timeout",
                str(seconds),
                "parecord",
                f"--device={SINK}.monitor",
                "--raw",
                "--rate=48000",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",
            ],
            capture_output=True,
            env={**os.environ, "PULSE_SERVER": self.server},
            check=False,
        )
        return np.frombuffer(result.stdout, np.int16)

    def open_streams(self) -> int:
        """Recording and playback streams open on the daemon (microphones and speakers in use)."""
        env = {**os.environ, "PULSE_SERVER": self.server}
        return sum(
            len(
                subprocess.run(
                    ["pactl", "list", "short", kind], capture_output=True, text=True, env=env
                ).stdout.splitlines()
            )
            for kind in ("source-outputs", "sink-inputs")
        )


PULSE: Pulse | None = None
PULSE_ERROR = ""
_XVFB: subprocess.Popen[bytes] | None = None
XVFB_DISPLAY: str | None = None
XVFB_ERROR = ""


def start_pulseaudio() -> None:
    global PULSE, PULSE_ERROR
    if PULSE is not None:
        return
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        PULSE_ERROR = "pulseaudio / pactl not installed"
        return
    runtime = Path(tempfile.mkdtemp(prefix="huddle-pulse-"))
    runtime.chmod(0o700)
    socket = runtime / "native"
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "HOME": str(runtime)}
    process = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--use-pid-file=no",
            "--disable-shm=yes",
            "--log-target=stderr",
            "--log-level=error",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
            # Without norewinds the ALSA pulse plugin (PortAudio's way in) runs at a tenth of
            # real time against a null sink.
            f"--load=module-null-sink sink_name={SINK} rate=48000 norewinds=1",
            f"--load=module-sine-source source_name={SOURCE} rate=48000 frequency={int(MIC_HZ)}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = f"unix:{socket}"
    client_env = {**os.environ, "PULSE_SERVER": server}
    for _ in range(100):
        if process.poll() is not None:
            PULSE_ERROR = (
                process.stderr.read().decode(errors="replace")[-500:] if process.stderr else ""
            )
            shutil.rmtree(runtime, ignore_errors=True)
            return
        ok = subprocess.run(["pactl", "info"], env=client_env, capture_output=True).returncode == 0
        if ok:
            break
        time.sleep(0.05)
    else:
        process.kill()
        shutil.rmtree(runtime, ignore_errors=True)
        PULSE_ERROR = "pulseaudio did not start within 5 s"
        return
    for args in (["set-default-sink", SINK], ["set-default-source", SOURCE]):
        subprocess.run(["pactl", *args], env=client_env, capture_output=True, check=False)
    os.environ["PULSE_SERVER"] = server  # every client in this session, PortAudio's included
    PULSE = Pulse(server, runtime, process)


def start_xvfb() -> str | None:
    global _XVFB, XVFB_DISPLAY, XVFB_ERROR
    if XVFB_DISPLAY is not None:
        return XVFB_DISPLAY
    if not shutil.which("Xvfb"):
        XVFB_ERROR = "Xvfb not installed"
        return None
    for number in range(91, 120):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        process = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                _XVFB, XVFB_DISPLAY = process, f":{number}"
                return XVFB_DISPLAY
            if process.poll() is not None:
                break
            time.sleep(0.05)
        process.kill()
    XVFB_ERROR = "no free display number, or Xvfb failed to start"
    return None


def stop_all() -> None:
    # Close what the tests left open before its sound server goes (see app/media/audio.py,
    # _PortAudioStream): PortAudio would otherwise abort them at exit, cancelling a callback
    # thread that may be inside Python.
    from app.media.audio import close_all_streams

    left = close_all_streams()
    if left:
        print(f"\nPortAudio streams left open by the tests, closed at the end: {left}")
    for process in (PULSE.process if PULSE else None, _XVFB):
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
    if PULSE is not None:
        shutil.rmtree(PULSE.runtime, ignore_errors=True)


def write_pattern_video(path: Path, frames: int = 60, first: int = 0) -> None:
    """A recording of the pattern (counters from ``first``), for OpenCV to open as a camera."""
    pattern = PatternSource(320, 240)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 240))
    for i in range(first, first + frames):
        yuv = pattern.render(i, 1_000_000 + i)
        writer.write(cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR_I420))
    writer.release()
