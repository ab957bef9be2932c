"""Echo cancellation, noise suppression, gain control and a high-pass filter on the microphone.

WebRTC's audio processing module (AEC3, NS, AGC, HPF), reached through the ``livekit``
wheel's ``rtc.AudioProcessingModule`` (no LiveKit server involved). One engine has one
processor: the microphone's 10 ms blocks go through ``capture`` on the capture thread, and
every block the speaker plays goes to ``render`` on the speaker thread as the far-end
reference. The delay between the two is told to the canceller from PortAudio's own
timestamps on both sides (output latency + input latency), so it follows the playout delay.

Without the ``livekit`` package the microphone is sent unprocessed and the engine says so
once (``deviceError`` with ``AUDIO_PROCESSING_UNAVAILABLE``).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import re
import threading
import time
from typing import Any

import numpy as np

log = logging.getLogger("huddle.engine")

RATE = 48_000
FRAME = 480
"""10 ms: the module's frame."""
GAP_WINDOW = 5
"""Speaker blocks (50 ms) a gap must outlast before it is filled: PortAudio's timestamps
jitter by a few ms (up to 20 ms under load) and come back."""
GAP_MIN = 0.004
"""Smaller gaps are timestamp noise."""
LATE_CALL = 0.025
"""A speaker callback this long after the one before can have let the device run dry; a lead
is filled only within ``LATE_SPELL`` of such a call (timestamps also wander on their own)."""
LATE_SPELL = 0.3
HEADSET = re.compile(r"head(set|phone)|earbud|earphone|airpods|buds\b", re.IGNORECASE)


def looks_like_headset(name: str) -> bool:
    """Whether a speaker's name says it is worn (so the microphone cannot hear it)."""
    return bool(HEADSET.search(name))


class _Frame:
    """A reusable 10 ms frame in livekit's format, viewed as numpy."""

    def __init__(self, rtc: Any) -> None:
        self.buffer = bytearray(FRAME * 2)
        self.frame = rtc.AudioFrame(self.buffer, RATE, 1, FRAME)
        self.samples = np.frombuffer(self.frame._data, np.int16)


class AudioProcessor:
    """WebRTC APM for one engine's microphone, with its speaker as the reference."""

    def __init__(self, *, aec: bool, ans: bool, agc: bool, headset: bool = False) -> None:
        self._lock = threading.Lock()
        self._apm: Any = None
        self._rtc: Any = None
        self.aec, self.ans, self.agc, self.headset = aec, ans, agc, headset
        self.unavailable: str | None = None
        self._capture_rest = np.zeros(0, np.int16)
        self._render_rest = np.zeros(0, np.int16)
        self._render_delay = 0.0
        self._capture_delay = 0.0
        self._rendering_until = 0.0
        self._played_until: float | None = None
        self._leads: collections.deque[float] = collections.deque(maxlen=GAP_WINDOW)
        self._last_render = 0.0
        self._late_until = 0.0
        self.gap_seconds = 0.0
        self.cpu_seconds = 0.0
        self.frames = 0
        self._configure()

    @property
    def echo_cancelling(self) -> bool:
        return self.aec and not self.headset

    @property
    def active(self) -> bool:
        return self._apm is not None

    def configure(
        self,
        *,
        aec: bool | None = None,
        ans: bool | None = None,
        agc: bool | None = None,
        headset: bool | None = None,
    ) -> None:
        """Switch parts on or off (takes effect with the next block)."""
        self.aec = self.aec if aec is None else aec
        self.ans = self.ans if ans is None else ans
        self.agc = self.agc if agc is None else agc
        self.headset = self.headset if headset is None else headset
        self._configure()

    def _configure(self) -> None:
        wanted = self.echo_cancelling or self.ans or self.agc
        apm = None
        if wanted:
            try:
                from livekit import rtc
            except ImportError as exc:
                if self.unavailable is None:
                    log.warning(
                        "no audio processing (echo cancellation, noise suppression): %s", exc
                    )
                self.unavailable = str(exc)
            else:
                self._rtc = rtc
                apm = rtc.AudioProcessingModule(
                    echo_cancellation=self.echo_cancelling,
                    noise_suppression=self.ans,
                    high_pass_filter=True,
                    auto_gain_control=self.agc,
                )
        with self._lock:
            self._apm = apm
            if apm is not None:
                self._capture_frame = _Frame(self._rtc)
                self._render_frame = _Frame(self._rtc)
        log.info(
            "audio processing: aec=%s ans=%s agc=%s headset=%s%s",
            self.aec,
            self.ans,
            self.agc,
            self.headset,
            "" if apm is not None or not wanted else " (unavailable)",
        )

    # ------------------------------------------------------------ the two threads

    def render(self, block: np.ndarray, output_delay: float) -> None:
        """The speaker played ``block``; it will be heard ``output_delay`` s from now."""
        now = time.monotonic()
        self._render_delay = output_delay
        self._rendering_until = now + 0.5
        if self._apm is None or not self.echo_cancelling:
            return
        gap = self._gap(now + output_delay, len(block), now)
        rest = self._render_rest
        if gap:
            # The device played silence we never saw (an underrun): the reference gets the
            # same silence, or every later echo comes that much later than the canceller
            # expects and it has to find the echo path again.
            rest = np.concatenate([rest, np.zeros(gap, np.int16)])
        data = np.concatenate([rest, block]) if len(rest) else block
        started = time.thread_time()
        with self._lock:
            apm = self._apm
            if apm is None:
                return
            frame = self._render_frame
            done = 0
            while len(data) - done >= FRAME:
                frame.samples[:] = data[done : done + FRAME]
                apm.process_reverse_stream(frame.frame)
                done += FRAME
        self._render_rest = data[done:].copy()
        self.cpu_seconds += time.thread_time() - started

    def _gap(self, heard_at: float, samples: int, now: float) -> int:
        """Samples of silence the speaker played before a block heard at ``heard_at``
        (monotonic seconds), beyond the reference given so far.

        After an underrun the device's clock has gone on while no block came: the block is
        heard later than the end of the reference. A lead that lasts ``GAP_WINDOW`` blocks is
        such a gap, if a late callback came just before; a lead that comes back is timestamp
        jitter. A lasting lag (the device ahead of its timestamps) moves the baseline."""
        if now - self._last_render > LATE_CALL:
            self._late_until = now + LATE_SPELL
        self._last_render = now
        if self._played_until is None or abs(heard_at - self._played_until) > 0.5:
            self._played_until = heard_at  # the first block, or a device reopened
            self._leads.clear()
        leads = self._leads
        leads.append(heard_at - self._played_until)
        gap = 0
        if len(leads) == leads.maxlen:
            floor, ceiling = min(leads), max(leads)
            late = now < self._late_until
            shift = floor if floor > GAP_MIN and late else ceiling if ceiling < -GAP_MIN else 0.0
            if shift:
                if shift > 0:
                    gap = round(shift * RATE)
                    self.gap_seconds += gap / RATE
                self._played_until += shift
                for i in range(len(leads)):
                    leads[i] -= shift
        self._played_until += samples / RATE
        return gap

    def capture(self, block: np.ndarray, input_delay: float) -> np.ndarray:
        """The microphone's ``block`` (heard ``input_delay`` s ago), processed; the output
        lags the input by less than one 10 ms frame only when blocks are not 10 ms."""
        self._capture_delay = input_delay
        if self._apm is None:
            return block
        data = np.concatenate([self._capture_rest, block]) if len(self._capture_rest) else block
        out = np.empty(len(data) // FRAME * FRAME, np.int16)
        started = time.thread_time()
        with self._lock:
            apm = self._apm
            if apm is None:
                return block
            frame = self._capture_frame
            if self.echo_cancelling:
                speaking = time.monotonic() < self._rendering_until
                delay = (self._render_delay + input_delay) if speaking else input_delay
                # The canceller takes 0-500 ms (and says so by failing outside it).
                with contextlib.suppress(RuntimeError):
                    apm.set_stream_delay_ms(min(500, max(0, round(delay * 1000))))
            for done in range(0, len(out), FRAME):
                frame.samples[:] = data[done : done + FRAME]
                apm.process_stream(frame.frame)
                out[done : done + FRAME] = frame.samples
                self.frames += 1
        self._capture_rest = data[len(out) :].copy()
        self.cpu_seconds += time.thread_time() - started
        return out

    def stats(self) -> dict[str, Any]:
        return {
            "aec": self.echo_cancelling,
            "ans": self.ans,
            "agc": self.agc,
            "active": self.active,
            "frames": self.frames,
            "speaker_delay_ms": round(self._render_delay * 1000, 1),
            "microphone_delay_ms": round(self._capture_delay * 1000, 1),
            "speaker_gaps_ms": round(self.gap_seconds * 1000, 1),
            "ms_per_frame": round(1000 * self.cpu_seconds / self.frames, 3)
            if self.frames
            else None,
        }
