"""The voice of a call, measured: mouth-to-ear, loss, echo, noise; Huddle beside stock aiortc.

    .venv/bin/python benchmarks/audio_path.py [--json] [--markdown] [--duration S]
        [--drift-duration S] [--cases clean,loss5,loss10,echo,noise,drift,dtx,speech10]
        [--stacks huddle,stock]

Engine A's microphone -> Opus -> WebRTC on 127.0.0.1 through a real ``huddle-server`` ->
engine B -> mixer -> speaker, each engine in its own process, with a private PulseAudio
daemon as the sound card (``benchmarks/_audio_rig.py``: every device is one channel of one
null sink, recorded by one ``parec``, so every signal has the same clock). Every call runs in
a network namespace this benchmark creates and removes; for the loss cases an nftables rule
there drops that share of UDP packets at random (real packets; signalling is TCP).

* mouth-to-ear: A's voice is a tone with a unique 10 ms noise burst every 250 ms; each
  burst is found in B's speaker by cross-correlation against the mouth channel.
* glitches: B's speaker's tone, in 10 ms windows; a run of windows below a third of its
  usual level is one glitch (gaps per minute, % of time silent).
* echo: B's speaker leaks into B's microphone (-6 dB, inside the sound card); A's speaker
  should not hear A. Echo attenuation = A's voice power over A's speaker power, AEC off and
  on, and with PulseAudio's own canceller on B's devices instead (``module-echo-cancel``;
  its room checked without it too). In the second half B talks too (double talk): B's voice
  in A's speaker, against B's voice with AEC off.
* noise: speech (``espeak-ng``) with steady noise mixed in, NS off and on: noise and speech
  level at B's speaker.
* drift: mouth-to-ear over a longer call, first against last minute, and its slope.
* speech10: speech (``espeak-ng``) at 10 % loss, Huddle and stock: where words went missing at
  B's speaker (20 ms in the middle of a word coming out at least 20 dB quieter than it went
  in), per minute and as a share of the speech, and how Huddle's jitter buffer filled the
  losses (Opus in-band FEC, which the encoder spends on speech far more than on a tone, or
  concealment). Mouth-to-ear here is the cross-correlation lag of each 4 s stretch.
* dtx: 1 s talk spurts with 1.5 s of silence between, Opus DTX off and on: mouth-to-ear of
  the first word after each pause against the rest, packets received, and how much the
  far jitter buffer played as DTX and concealed.

Figures are noisy on a shared machine; they are reported as measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._audio_rig import (
    MOUTH_A,
    MOUTH_B,
    RATE,
    SPEAKER_A,
    SPEAKER_B,
    Rig,
    start_rig,
)
from benchmarks._common import PYTHON, ROOT, machine, parser, percentiles, run, table

BURST_EVERY = 0.25
BURST_MS = 10
TONE_HZ = 440.0
ALL_CASES = ("clean", "loss5", "loss10", "echo", "noise", "drift", "dtx", "speech10")
SPURT, PAUSE = 1.0, 1.5
"""The DTX case's talk spurts: this long (s), then silent this long."""
PROCESSING_OFF = {"enable_aec": False, "enable_ans": False, "enable_agc": False}


# ---------------------------------------------------------------- signals


def pulse_voice(seconds: float, seed: int = 1) -> tuple[np.ndarray, list[int]]:
    """A 440 Hz tone (-20 dBFS) with a unique 10 ms noise burst every 250 ms."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    voice = 3000 * np.sin(2 * np.pi * TONE_HZ * t)
    starts = list(range(int(0.5 * RATE), n - RATE // 10, int(BURST_EVERY * RATE)))
    length = RATE * BURST_MS // 1000
    window = np.hanning(length)
    for start in starts:
        voice[start : start + length] += 14000 * window * rng.uniform(-1, 1, length)
    return np.clip(voice, -32000, 32000).astype(np.int16), starts


def talk_spurts(seconds: float, seed: int = 2) -> tuple[np.ndarray, list[int]]:
    """The tone of ``pulse_voice`` in 1 s talk spurts with 1.5 s of digital silence between
    (where DTX stops sending), a burst 50 ms into each spurt (the first word after a
    pause) and one 550 ms in; the spurts fade in and out over 10 ms (no clicks)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    gate = np.zeros(n)
    ramp = RATE // 100
    length = RATE * BURST_MS // 1000
    window = np.hanning(length)
    voice = 3000 * np.sin(2 * np.pi * TONE_HZ * t)
    starts = []
    spurt = int(0.5 * RATE)
    while spurt + int(SPURT * RATE) < n - RATE:
        end = spurt + int(SPURT * RATE)
        gate[spurt:end] = 1
        gate[spurt : spurt + ramp] = np.linspace(0, 1, ramp)
        gate[end - ramp : end] = np.linspace(1, 0, ramp)
        for offset in (0.05, 0.55):
            start = spurt + int(offset * RATE)
            voice[start : start + length] += 14000 * window * rng.uniform(-1, 1, length)
            starts.append(start)
        spurt = end + int(PAUSE * RATE)
    return np.clip(voice * gate, -32000, 32000).astype(np.int16), starts


def speech(text: str, voice: str = "en") -> np.ndarray:
    """``text`` spoken by espeak-ng, at 48 kHz, peak -3 dBFS."""
    if not shutil.which("espeak-ng"):
        raise RuntimeError("espeak-ng is not installed (apt install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(path)) as w:
            rate = w.getframerate()
            samples = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64)
    out = np.interp(np.arange(0, len(samples), rate / RATE), np.arange(len(samples)), samples)
    return out * (23000 / max(1.0, np.abs(out).max()))


TEXT_A = (
    "The quick brown fox jumps over the lazy dog. Huddle measures the voice of a call, "
    "from one mouth to the other ear, with echo cancelled and noise suppressed. "
)
TEXT_B = "Yes, I can hear you well. Let me tell you what I think about the plan for today. "


def repeat_to(signal: np.ndarray, seconds: float) -> np.ndarray:
    n = int(seconds * RATE)
    return np.resize(np.concatenate([signal, np.zeros(RATE // 2)]), n)


# ---------------------------------------------------------------- analysis


def _highpass(x: np.ndarray, hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    spectrum[: int(hz * len(x) / RATE)] = 0
    return np.fft.irfft(spectrum, len(x))


def _bandpass(x: np.ndarray, low: float, high: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, len(x))


def burst_delays(recording: np.ndarray, out_channel: int, skip: float = 2.0) -> list[tuple]:
    """(time s, delay ms) for each burst of the mouth channel found in ``out_channel``."""
    mouth = _highpass(recording[:, MOUTH_A].astype(np.float64), 2000)
    ear = _highpass(recording[:, out_channel].astype(np.float64), 2000)
    envelope = np.abs(mouth)
    length = RATE * BURST_MS // 1000
    found = []
    i = int(skip * RATE)
    search = RATE  # bursts are looked for up to 1 s later
    while i < len(mouth) - search - length:
        if envelope[i] < 3000:
            i += 1
            continue
        start = max(0, i - length // 4)
        segment = mouth[start : start + length + length // 2]
        window = ear[start : start + search]
        size = 1 << int(np.ceil(np.log2(len(window) + len(segment))))
        corr = np.fft.irfft(np.fft.rfft(window, size) * np.conj(np.fft.rfft(segment, size)), size)
        corr = corr[: len(window) - len(segment)]
        lag = int(np.argmax(corr))
        energy = np.sqrt(np.sum(segment**2) * np.sum(window[lag : lag + len(segment)] ** 2))
        if energy > 0 and corr[lag] / energy > 0.5:
            found.append((start / RATE, lag * 1000 / RATE))
        i = start + int(BURST_EVERY * RATE * 0.8)
    return found


def glitches(recording: np.ndarray, channel: int, delay_ms: float | None) -> dict[str, float]:
    """Gaps in the tone at ``channel`` while the voice plays there: per minute, % of time,
    longest (ms)."""
    voiced = np.flatnonzero(np.abs(recording[:, MOUTH_A]) > 1000)
    if not len(voiced) or delay_ms is None:
        return {"per_minute": None, "silent_percent": 100.0, "longest_ms": None}
    shift = int(delay_ms * RATE / 1000)
    start, end = voiced[0] + shift + 2 * RATE, voiced[-1] + shift - RATE // 2
    tone = _bandpass(recording[start:end, channel].astype(np.float64), 300, 600)
    win = RATE // 100
    rms = np.sqrt(np.mean(tone[: len(tone) // win * win].reshape(-1, win) ** 2, axis=1))
    if not len(rms) or np.median(rms) <= 0:
        return {"per_minute": None, "silent_percent": 100.0, "longest_ms": None}
    low = rms < np.median(rms) / 3
    runs, current, longest = 0, 0, 0
    for value in low:
        if value:
            current += 1
            longest = max(longest, current)
        else:
            runs += current > 0
            current = 0
    runs += current > 0
    minutes = len(rms) / 100 / 60
    return {
        "per_minute": round(runs / minutes, 1),
        "silent_percent": round(100 * float(low.mean()), 1),
        "longest_ms": longest * 10,
    }


def speech_dropouts(recording: np.ndarray, chunk_seconds: float = 4.0) -> dict[str, Any]:
    """Where A's speech went missing at B's speaker. A 20 ms window is in the middle of a
    word when it and both its neighbours are within 15 dB of the loud speech (so a word's
    edges, where a few ms of misalignment change the level, never count); it is a dropout
    when it comes out at least 20 dB quieter than it went in. Each ``chunk_seconds`` of the
    call is aligned on its own (the playout delay moves), by cross-correlation, which also
    gives its mouth-to-ear delay."""
    nothing = {"dropouts": None, "dropouts_per_minute": None, "speech_lost_percent": None}
    nothing |= {"speech_windows": 0, "delay_ms": {}}
    mouth = recording[:, MOUTH_A].astype(np.float64)
    ear = recording[:, SPEAKER_B].astype(np.float64)
    win = RATE // 50
    voiced = np.flatnonzero(np.abs(mouth) > 100)
    if not len(voiced):
        return nothing
    chunk = int(chunk_seconds * RATE)
    windows = chunk // win
    start, stop = voiced[0] + RATE, voiced[-1]  # the first second: the call settling
    mouth_power, ear_power, delays = [], [], []
    for at in range(start, stop - chunk, chunk):
        reference = mouth[at : at + chunk]
        heard = ear[at : at + chunk + RATE // 2]  # the delay is under 500 ms
        if len(heard) < chunk:
            break
        gain, lag = best_gain(np.pad(reference, (0, len(heard) - chunk)), heard, RATE // 2)
        heard = ear[at + lag : at + lag + chunk]
        if len(heard) < chunk:
            break
        mouth_power.append(np.mean(reference[: windows * win].reshape(windows, win) ** 2, 1))
        ear_power.append(
            np.mean(heard[: windows * win].reshape(windows, win) ** 2, 1) / max(gain**2, 1e-6)
        )
        delays.append(lag * 1000 / RATE)
    if not mouth_power:
        return nothing
    m, e = np.concatenate(mouth_power), np.concatenate(ear_power)
    if not (m > 0).any():
        return nothing
    loud = np.percentile(m[m > 0], 90) / 10**1.5
    active = (m > loud) & (np.roll(m, 1) > loud) & (np.roll(m, -1) > loud)
    active[[0, -1]] = False
    lost = active & (e < m / 100)
    events = int(np.sum(lost & ~np.roll(lost, 1)))
    minutes = len(m) * win / RATE / 60
    return {
        "dropouts": events,
        "dropouts_per_minute": round(events / minutes, 1),
        "speech_lost_percent": round(100 * float(lost.sum()) / max(1, int(active.sum())), 2),
        "speech_windows": int(active.sum()),
        "delay_ms": {**percentiles(delays), "min": round(min(delays), 1)},
    }


def _db(ratio: float) -> float:
    return round(10 * np.log10(max(ratio, 1e-12)), 1)


def best_gain(reference: np.ndarray, heard: np.ndarray, max_lag: int = RATE) -> tuple[float, int]:
    """The least-squares gain of ``reference`` in ``heard`` at the lag where it fits best."""
    size = 1 << int(np.ceil(np.log2(len(heard) + len(reference))))
    corr = np.fft.irfft(np.fft.rfft(heard, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(np.abs(corr[:max_lag])))
    shifted = np.zeros_like(heard)
    shifted[lag:] = reference[: len(heard) - lag]
    power = float(np.sum(shifted**2))
    return (float(np.sum(shifted * heard)) / power if power else 0.0), lag


# ---------------------------------------------------------------- one call


async def read_line(
    process: asyncio.subprocess.Process, key: str, timeout: float, who: str = "a process"
) -> Any:
    """The next JSON line of ``process`` that has ``key`` (its value), or the address of a
    service's "listening on ..." line."""
    assert process.stdout is not None
    while True:
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"{who} exited before {key!r}")
        text = line.decode().strip()
        if text.startswith("listening on "):
            return text.removeprefix("listening on ")
        if text.startswith("{"):
            message = json.loads(text)
            if key in message:
                return message[key]


class Call:
    """A call in a fresh network namespace: a room service and two peers (or stock)."""

    def __init__(
        self, rig: Rig, stack: str, loss_percent: float, b_devices: dict[str, str] | None = None
    ) -> None:
        self.rig = rig
        self.stack = stack
        self.loss = loss_percent
        self.b_devices = b_devices or rig.devices("B")
        self.netns = f"huddle-audio-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        self.processes: list[asyncio.subprocess.Process] = []
        self.in_netns = False

    def _prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.netns] if self.in_netns else []

    def _make_netns(self) -> None:
        try:
            subprocess.run(["ip", "netns", "add", self.netns], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            if self.loss:
                raise RuntimeError(f"loss needs a network namespace (root): {exc}") from None
            return
        self.in_netns = True
        subprocess.run(["ip", "-n", self.netns, "link", "set", "lo", "up"], check=True)
        if self.loss:
            per_mille = round(self.loss * 10)
            rules = (
                "table inet huddle_loss {\n chain out {\n"
                "  type filter hook output priority 0;\n"
                f"  meta l4proto udp numgen random mod 1000 < {per_mille} drop\n }}\n}}\n"
            )
            subprocess.run(
                ["ip", "netns", "exec", self.netns, "nft", "-f", "-"],
                input=rules.encode(),
                check=True,
                capture_output=True,
            )

    async def _spawn(self, *args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *self._prefix(),
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        self.processes.append(process)
        return process

    async def _line(self, process: asyncio.subprocess.Process, key: str, timeout: float) -> Any:
        return await read_line(process, key, timeout, f"a {self.stack} peer")

    async def start(self, config_a: dict, config_b: dict, *, b_plays_a: bool) -> None:
        self._make_netns()
        env = {**self.rig.env, "QT_QPA_PLATFORM": "offscreen"}
        if self.stack == "stock":
            peer = await self._spawn(PYTHON, "-m", "benchmarks._audio_peer", "stock", env=env)
            await self._line(peer, "ready", 90)
            self.peers = [peer]
            return
        secret = secrets.token_hex(32)
        server = await self._spawn(
            str(Path(PYTHON).parent / "huddle-server"),
            "--port",
            "0",
            "--app-id",
            "1",
            "--log-level",
            "warning",
            env={**env, "HUDDLE_SECRET": secret},
        )
        url = await self._line(server, "listening", 30)
        common = ["--server", url, "--secret", secret, "--room", "voice"]
        a = await self._spawn(
            PYTHON,
            "-m",
            "benchmarks._audio_peer",
            "huddle",
            *common,
            "--me",
            "a",
            "--other",
            "b" if b_plays_a else "",
            "--config",
            json.dumps(config_a),
            env={**env, **self.rig.devices("A")},
        )
        b = await self._spawn(
            PYTHON,
            "-m",
            "benchmarks._audio_peer",
            "huddle",
            *common,
            "--me",
            "b",
            "--other",
            "a",
            "--config",
            json.dumps(config_b),
            env={**env, **self.b_devices},
        )
        self.peers = [a, b]
        await asyncio.gather(self._line(a, "ready", 90), self._line(b, "ready", 90))

    async def finish(self) -> list[dict[str, Any]]:
        results = []
        for peer in self.peers:
            assert peer.stdin is not None
            peer.stdin.close()
            results.append(await self._line(peer, "result", 60))
        return results

    async def close(self) -> None:
        for process in reversed(self.processes):
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
        if self.in_netns:
            remove = ["ip", "netns", "del", self.netns]
            await asyncio.to_thread(subprocess.run, remove, capture_output=True)


async def record_call(
    rig: Rig,
    stack: str,
    *,
    mouth_a: np.ndarray,
    mouth_b: np.ndarray | None = None,
    loss: float = 0.0,
    config_a: dict | None = None,
    config_b: dict | None = None,
    leak: bool = False,
    b_devices: dict[str, str] | None = None,
    mouth_b_sinks: tuple[str, ...] = ("mouthB",),
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Set up a call, say ``mouth_a`` (and ``mouth_b``, into each of ``mouth_b_sinks``) into
    it, record the rig. ``b_devices``: B's devices, if not the rig's."""
    call = Call(rig, stack, loss, b_devices)
    try:
        await call.start(config_a or {}, config_b or {}, b_plays_a=leak or mouth_b is not None)
        rig.set_leak(leak)
        await asyncio.sleep(1.0)
        rig.start_recording()
        await asyncio.sleep(0.2)
        players = [rig.play(mouth_a, "mouthA")]
        if mouth_b is not None:
            players += [rig.play(mouth_b, sink) for sink in mouth_b_sinks]
        seconds = len(mouth_a) / RATE
        for player in players:
            await asyncio.get_running_loop().run_in_executor(None, player.wait, seconds + 30)
        await asyncio.sleep(1.0)
        recording = rig.stop_recording()
        results = await call.finish()
    finally:
        try:
            await call.close()
        finally:
            rig.set_leak(False)
    return recording, results


# ---------------------------------------------------------------- cases


async def latency_case(rig: Rig, stack: str, loss: float, seconds: float) -> dict[str, Any]:
    voice, _ = pulse_voice(seconds)
    recording, results = await record_call(
        rig, stack, mouth_a=voice, loss=loss, config_a=PROCESSING_OFF, config_b=PROCESSING_OFF
    )
    delays = burst_delays(recording, SPEAKER_B)
    values = [d for _, d in delays]
    minute = [d for t, d in delays if t < 62]
    last = [d for t, d in delays if t > delays[-1][0] - 60] if delays else []
    slope = (
        round(float(np.polyfit([t for t, _ in delays], values, 1)[0]) * 60, 2)
        if len(delays) > 10
        else None
    )
    return {
        "stack": stack,
        "loss_percent": loss,
        "seconds": seconds,
        "mouth_to_ear_ms": percentiles(values),
        "bursts_sent": len(pulse_voice(seconds)[1]) - int(2 / BURST_EVERY) + 2,
        "first_minute_p50": percentiles(minute)["p50"],
        "last_minute_p50": percentiles(last)["p50"],
        "drift_ms_per_minute": slope,
        "glitches": glitches(recording, SPEAKER_B, percentiles(values)["p50"]),
        "cpu_percent": [r.get("cpu_percent") for r in results],
        "audio": [r.get("audio") for r in results],
    }


async def dtx_case(rig: Rig, seconds: float) -> dict[str, Any]:
    """Talk spurts with DTX off, then on (Huddle only; no loss): the first word after each
    pause must come with the delay of the rest, and the pauses must cost few packets."""
    voice, starts = talk_spurts(seconds)
    out: dict[str, Any] = {"seconds": seconds, "spurts": len(starts) // 2}
    for dtx in (False, True):
        recording, results = await record_call(
            rig,
            "huddle",
            mouth_a=voice,
            config_a={**PROCESSING_OFF, "opus_dtx": dtx},
            config_b=PROCESSING_OFF,
        )
        delays = burst_delays(recording, SPEAKER_B, skip=0.3)
        # Bursts 50 ms into a spurt (after a pause) and the rest, by their place in the spurt.
        onset = int(np.argmax(np.abs(recording[:, MOUTH_A]) > 100)) / RATE
        phase = [(t - onset) % (SPURT + PAUSE) for t, _ in delays]
        first = [d for (_, d), p in zip(delays, phase, strict=True) if p < 0.1]
        later = [d for (_, d), p in zip(delays, phase, strict=True) if p >= 0.1]
        played = (results[1].get("audio") or {}).get("played", {}).get("a", {})
        packets = played.get("packets")
        out["on" if dtx else "off"] = {
            "first_word_ms": percentiles(first),
            "later_ms": percentiles(later),
            "bursts_found": f"{len(delays)}/{len(starts)}",
            "packets_received": packets,
            "dtx_ms": played.get("dtx_ms"),
            "concealed_ms": played.get("concealed_ms"),
            "underruns": played.get("underruns"),
        }
    off, on = out["off"]["packets_received"], out["on"]["packets_received"]
    out["packets_on_over_off"] = round(on / off, 2) if off and on else None
    return out


async def speech_loss_case(rig: Rig, stack: str, loss: float, seconds: float) -> dict[str, Any]:
    """Speech under random loss: the words that went missing, and (Huddle) how the jitter
    buffer filled the losses."""
    voice = repeat_to(speech(TEXT_A), seconds).astype(np.int16)
    recording, results = await record_call(
        rig, stack, mouth_a=voice, loss=loss, config_a=PROCESSING_OFF, config_b=PROCESSING_OFF
    )
    out: dict[str, Any] = {"stack": stack, "loss_percent": loss, "seconds": seconds}
    out.update(speech_dropouts(recording))
    audio = results[1].get("audio") if len(results) > 1 else None  # stock reports none
    played = (audio or {}).get("played", {}).get("a")
    if played:
        out["jitter_buffer"] = {
            key: played.get(key) for key in ("packets", "fec", "concealed_ms", "underruns")
        }
    return out


def _near_level(signal: np.ndarray, lag: int, start: int, stop: int) -> float:
    """B's voice in A's speaker over B's mouth, between ``start`` and ``stop``."""
    mouth = np.mean(signal[start:stop, MOUTH_B] ** 2)
    ear = np.mean(signal[start + lag : stop + lag, SPEAKER_A] ** 2)
    return float(ear / max(mouth, 1e-9))


async def echo_case(
    rig: Rig, seconds: float, cancellers: tuple[str, ...] = ("off", "huddle")
) -> dict[str, Any]:
    """A talks alone, then both talk (double talk), then B alone; B's speaker leaks into
    B's microphone throughout. Once per canceller: none ("off"), Huddle's ("huddle": AEC and
    NS on both engines) and PulseAudio's ("pulseaudio": B's devices through
    ``module-echo-cancel``, the engines' own processing off; ``Rig.pulse_canceller``)."""
    third = int(seconds * RATE) // 3
    far = repeat_to(speech(TEXT_A), seconds)
    far[2 * third :] = 0
    near = np.zeros_like(far)
    near[third:] = repeat_to(speech(TEXT_B, "en+f3"), seconds)[: len(far) - third] * 0.7
    out: dict[str, Any] = {"seconds": seconds}
    echo_lag: int | None = None
    for canceller in cancellers:
        aec = canceller == "huddle"
        config = {"enable_aec": aec, "enable_ans": aec, "enable_agc": False}
        room = (
            rig.pulse_canceller(bypass=canceller == "pulseaudio-bypassed")
            if canceller.startswith("pulseaudio")
            else contextlib.nullcontext()
        )
        with room as b_devices:
            # B's voice in its own room goes to the rig too, to be recorded on its clock.
            mouth_b_sinks = ("mouthB", "pbroom") if b_devices else ("mouthB",)
            recording, results = await record_call(
                rig,
                "huddle",
                mouth_a=far.astype(np.int16),
                mouth_b=near.astype(np.int16),
                config_a=config,
                config_b=config,
                leak=True,
                b_devices=b_devices,
                mouth_b_sinks=mouth_b_sinks,
            )
        signal = recording.astype(np.float64)
        onset = int(np.argmax(np.abs(signal[:, MOUTH_A]) > 100))
        if echo_lag is None:  # (AEC off comes first: a cancelled echo has no lag to find)
            _, echo_lag = best_gain(
                signal[onset : onset + 10 * RATE, MOUTH_A],
                signal[onset : onset + 10 * RATE, SPEAKER_A],
                max_lag=RATE // 2,
            )
        lag = echo_lag
        # A alone, after 5 s for the canceller to converge: how loud is A's own voice in A's
        # ear? The window ends a second before B starts talking, so B's voice on its way to
        # A's ear is never counted as echo.
        single = slice(onset + 5 * RATE, onset + third - RATE)
        echo = slice(single.start + lag, single.stop + lag)
        attenuation = _db(
            np.mean(signal[single, MOUTH_A] ** 2) / max(np.mean(signal[echo, SPEAKER_A] ** 2), 1e-9)
        )
        # Second by second too: one bad second (an underrun under load) dominates the total.
        per_second = [
            _db(
                np.mean(signal[start : start + RATE, MOUTH_A] ** 2)
                / max(np.mean(signal[start + lag : start + lag + RATE, SPEAKER_A] ** 2), 1e-9)
            )
            for start in range(single.start, single.stop - RATE + 1, RATE)
        ]
        # B in A's ear, relative to B's mouth: during double talk and when B talks alone.
        near_lag = best_gain(signal[:, MOUTH_B], signal[:, SPEAKER_A])[1]

        double = _near_level(signal, near_lag, onset + third + RATE, onset + 2 * third - RATE // 2)
        alone = _near_level(signal, near_lag, onset + 2 * third + RATE, onset + 3 * third - RATE)
        out[{"off": "aec_off", "huddle": "aec_on"}.get(canceller, canceller)] = {
            "echo_attenuation_db": attenuation,
            "echo_attenuation_per_second_db": per_second,
            "near_end_in_double_talk_db": _db(double / max(alone, 1e-12)),
            "echo_path_ms": round(lag * 1000 / RATE, 1),
            "cpu_percent": [r.get("cpu_percent") for r in results],
            "audio": [r.get("audio") for r in results],
        }
    out["double_talk_attenuation_db"] = -out["aec_on"]["near_end_in_double_talk_db"]
    cpu_on = sum(out["aec_on"]["cpu_percent"]) / 2
    cpu_off = sum(out["aec_off"]["cpu_percent"]) / 2
    out["cpu_added_per_engine_percent"] = round(cpu_on - cpu_off, 1)
    return out


async def noise_case(rig: Rig, seconds: float) -> dict[str, Any]:
    """Speech with steady noise (SNR 10 dB): noise and speech at B's speaker, NS off and on."""
    clean = repeat_to(speech(TEXT_A), seconds)
    rng = np.random.default_rng(7)
    active = np.abs(clean) > 0
    noise = rng.normal(0, 1, len(clean))
    noise *= np.sqrt(np.mean(clean[active] ** 2) / 10) / noise.std()
    mouth = np.clip(clean + noise, -32000, 32000).astype(np.int16)
    win = RATE // 50
    out: dict[str, Any] = {"seconds": seconds, "input_snr_db": 10.0}
    for ns in (False, True):
        config = {"enable_aec": False, "enable_ans": ns, "enable_agc": False}
        recording, results = await record_call(
            rig, "huddle", mouth_a=mouth, config_a=config, config_b=PROCESSING_OFF
        )
        # The noise floor is the quietest 20 ms windows at B's speaker (speech pauses), the
        # speech level the loudest; no alignment needed (the playout delay moves).
        ear = recording[:, SPEAKER_B].astype(np.float64)
        voiced = np.flatnonzero(np.abs(recording[:, MOUTH_A]) > 100)
        ear = ear[voiced[0] + 5 * RATE : voiced[-1]]
        frames = len(ear) // win
        power = np.mean(ear[: frames * win].reshape(frames, win) ** 2, axis=1)
        noise_power = float(np.percentile(power, 10))
        speech_power = float(np.percentile(power, 90))
        out["ns_on" if ns else "ns_off"] = {
            "noise_dbfs": _db(noise_power / 32768**2),
            "speech_dbfs": _db(speech_power / 32768**2),
            "output_snr_db": _db(speech_power / max(noise_power, 1e-9)),
            "cpu_percent": [r.get("cpu_percent") for r in results],
        }
    out["noise_reduction_db"] = round(out["ns_off"]["noise_dbfs"] - out["ns_on"]["noise_dbfs"], 1)
    out["speech_change_db"] = round(out["ns_on"]["speech_dbfs"] - out["ns_off"]["speech_dbfs"], 1)
    return out


def processing_cpu(seconds: float = 20.0) -> dict[str, float]:
    """CPU of WebRTC's processing (``app/engine/_apm.py``) alone, in % of one core: this
    process's CPU time over the audio time processed (speaker reference and microphone)."""
    import resource

    from app.engine._apm import AudioProcessor

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    rng = np.random.default_rng(0)
    blocks = [rng.normal(0, 2000, 480).astype(np.int16) for _ in range(50)]
    out = {}
    for name, parts in {
        "aec_ns": {"aec": True, "ans": True, "agc": False},
        "aec_ns_agc": {"aec": True, "ans": True, "agc": True},
        "ns": {"aec": False, "ans": True, "agc": False},
    }.items():
        processor = AudioProcessor(**parts)
        start = cpu()
        for i in range(int(seconds * 100)):
            processor.render(blocks[i % 50], 0.02)
            processor.capture(blocks[(i + 3) % 50], 0.02)
        out[name] = round(100 * (cpu() - start) / seconds, 2)
    return out


async def main(args: argparse.Namespace) -> dict[str, Any]:
    cases = args.cases.split(",")
    stacks = args.stacks.split(",")
    rig = start_rig()
    result: dict[str, Any] = {"machine": machine(), "runs": []}
    result["processing_cpu_percent"] = processing_cpu(min(20.0, args.duration))
    started = time.monotonic()
    try:
        for case, loss in (("clean", 0.0), ("loss5", 5.0), ("loss10", 10.0)):
            if case in cases:
                for stack in stacks:
                    run_ = await latency_case(rig, stack, loss, args.duration)
                    result["runs"].append({"case": case, **run_})
        if "drift" in cases:
            for stack in stacks:
                run_ = await latency_case(rig, stack, 0.0, args.drift_duration)
                result["runs"].append({"case": "drift", **run_})
        if "echo" in cases:
            result["echo"] = await echo_case(
                rig, max(args.duration, 16), ("off", "huddle", "pulseaudio-bypassed", "pulseaudio")
            )
        if "noise" in cases:
            result["noise"] = await noise_case(rig, max(args.duration, 16))
        if "dtx" in cases:
            result["dtx"] = await dtx_case(rig, max(args.duration, 10))
        if "speech10" in cases:
            result["speech_loss"] = [
                await speech_loss_case(rig, stack, 10.0, max(args.duration, 6)) for stack in stacks
            ]
    finally:
        rig.close()
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for r in result["runs"]:
        m = r["mouth_to_ear_ms"]
        g = r["glitches"]
        rows.append(
            [
                r["case"],
                r["stack"],
                m["p50"],
                m["p95"],
                f"{m['n']}/{r['bursts_sent']}",
                g["per_minute"],
                g["silent_percent"],
                g["longest_ms"],
                r["drift_ms_per_minute"],
            ]
        )
    text = table(
        [
            "case",
            "stack",
            "mouth-to-ear p50 ms",
            "p95 ms",
            "bursts found",
            "glitches/min",
            "% silent",
            "longest gap ms",
            "drift ms/min",
        ],
        rows,
    )
    if "echo" in result:
        e = result["echo"]
        text += (
            f"\n\necho attenuation: AEC off {e['aec_off']['echo_attenuation_db']} dB, "
            f"AEC on {e['aec_on']['echo_attenuation_db']} dB"
            + f"; near end in double talk attenuated {e.get('double_talk_attenuation_db')} dB"
        )
        if "pulseaudio" in e:
            p, bypassed = e["pulseaudio"], e.get("pulseaudio-bypassed", {})
            text += (
                f"\n\nPulseAudio's canceller (module-echo-cancel, WebRTC) on B's devices: "
                f"{p['echo_attenuation_db']} dB (its room without it: "
                f"{bypassed.get('echo_attenuation_db')} dB); near end in double talk "
                f"attenuated {-p['near_end_in_double_talk_db']} dB"
            )
    text += f"\n\nWebRTC processing CPU, % of one core: {result['processing_cpu_percent']}"
    if "noise" in result:
        n = result["noise"]
        text += (
            f"\n\nnoise (speech + steady noise, 10 dB SNR): NS off {n['ns_off']['output_snr_db']}"
            f" dB SNR, NS on {n['ns_on']['output_snr_db']} dB; noise down {n['noise_reduction_db']}"
            f" dB, speech {n['speech_change_db']:+} dB"
        )
    if "dtx" in result:
        d = result["dtx"]
        for mode in ("off", "on"):
            r = d[mode]
            text += (
                f"\n\nDTX {mode}: first word after a pause p50 {r['first_word_ms']['p50']} ms, "
                f"later p50 {r['later_ms']['p50']} ms ({r['bursts_found']} bursts); "
                f"{r['packets_received']} packets, {r['dtx_ms']} ms played as DTX, "
                f"{r['concealed_ms']} ms concealed"
            )
        text += f"\n\nDTX sent {d['packets_on_over_off']} of the packets"
    for r in result.get("speech_loss", []):
        jitter = r.get("jitter_buffer")
        filled = (
            f"; {jitter['fec']} packets from FEC, {jitter['concealed_ms']} ms concealed"
            if jitter
            else ""
        )
        text += (
            f"\n\nspeech at {r['loss_percent']:g} % loss, {r['stack']}: "
            f"{r['dropouts_per_minute']} dropouts/min, {r['speech_lost_percent']} % of the "
            f"speech lost, mouth-to-ear p50 {r['delay_ms'].get('p50')} ms{filled}"
        )
    return text


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--duration", type=float, default=30.0, help="seconds per call")
    cli.add_argument("--drift-duration", type=float, default=300.0, help="the long call")
    cli.add_argument("--cases", default=",".join(ALL_CASES))
    cli.add_argument("--stacks", default="huddle,stock")
    run(main, markdown, cli.parse_args())
