"""Echo cancellation, noise suppression, gain control and a high-pass filter on the microphone.

WebRTC's audio processing module (AEC3, NS, AGC, HPF), reached through the ``livekit``
wheel's ``rtc.AudioProcessingModule`` (no LiveKit server involved). One engine has one
processor: the microphone's 10 ms blocks go through ``capture`` on the capture thread, and
every block the speaker plays goes to ``render`` on the speaker thread as the far-end
reference.

The two threads never call the canceller in turn as they come. ``render`` only writes the
block into a ring of the speaker's samples; ``capture`` gives the canceller, for each 10 ms
of microphone, the reference at a fixed offset in that ring and then the microphone frame,
in lock-step, as PulseAudio's ``module-echo-cancel`` does. So the echo's delay behind the
reference, as the canceller sees it, stays the same whatever the scheduling: a callback that
comes late or in a burst moves nothing. Measured here: with the two threads calling the
canceller as they came, one late callback could drop it from 70 dB to 20 dB for seconds
while it found the echo again.

The offset pairs microphone sample ``c`` with speaker sample ``c + offset``, and comes from
causality, not from the devices' latencies (PortAudio's timestamps through ALSA's pulse
plugin put the echo 9-16 ms *before* the time they gave it): at every capture callback, the
speaker sample being heard when the newest microphone sample was recorded has already been
rendered, so ``rendered - captured`` there is never below the echo's own offset. Its least
value over ``ANCHOR_CALLS`` callbacks is the offset; the reference then leads the echo by
10-20 ms here, never trails it. It is taken again whenever the relation moves: the speaker
opens (or reopens with a larger buffer), underruns (the device played silence that is in
no reference), or the microphone overflows (samples were lost).

Without the ``livekit`` package the microphone is sent unprocessed and the engine says so
once (``deviceError`` with ``AUDIO_PROCESSING_UNAVAILABLE``).
"""

from __future__ import annotations

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
ANCHOR_CALLS = 25
"""Capture callbacks (250 ms) over which the offset between the timelines is taken."""
RING = RATE * 2
"""Seconds of reference kept (the microphone may run this far behind)."""
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
        self._render_delay = 0.0
        self._capture_delay = 0.0
        self._played = 0
        """Speaker samples rendered (sample ``n`` is at ``n % RING`` in the ring)."""
        self._recorded = 0
        """Microphone samples captured."""
        self._last_render = float("-inf")
        self._offset: int | None = None
        self._anchor_calls = 0
        self._reanchor = True
        self.reanchors = 0
        """Times the offset was taken again (speaker opened, underran; microphone lost)."""
        self._ring = np.zeros(RING, np.int16)
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

                apm = rtc.AudioProcessingModule(
                    echo_cancellation=self.echo_cancelling,
                    noise_suppression=self.ans,
                    high_pass_filter=True,
                    auto_gain_control=self.agc,
                )
            except (ImportError, OSError) as exc:  # OSError: its native library is missing
                if self.unavailable is None:
                    log.warning(
                        "no audio processing (echo cancellation, noise suppression): %s", exc
                    )
                self.unavailable = str(exc)
            else:
                self._rtc = rtc
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

    def render(self, block: np.ndarray, output_delay: float, underrun: bool = False) -> None:
        """The speaker played ``block``; it will be heard ``output_delay`` s from now.
        ``underrun``: the device played silence before it (or the stream is new)."""
        now = time.monotonic()
        self._render_delay = output_delay
        if not self.echo_cancelling:
            return
        with self._lock:
            if underrun or now - self._last_render > 0.5:  # or the speaker paused
                self._reanchor = True
            self._last_render = now
            block = block[-RING:]
            first, count = self._played % RING, len(block)
            head = min(count, RING - first)
            self._ring[first : first + head] = block[:head]
            self._ring[: count - head] = block[head:]
            self._played += count

    def _reference(self, start: int) -> np.ndarray:
        """Speaker samples ``start`` to ``start + FRAME`` (silence where it has not played
        them, or the ring no longer has them)."""
        out = np.zeros(FRAME, np.int16)
        lo, hi = max(start, self._played - RING), min(start + FRAME, self._played)
        if lo < hi:
            first = lo % RING
            head = min(hi - lo, RING - first)
            out[lo - start : lo - start + head] = self._ring[first : first + head]
            out[lo - start + head : hi - start] = self._ring[: hi - lo - head]
        return out

    def _anchor(self) -> int | None:
        """The offset from a microphone sample to its speaker sample (None: no speaker)."""
        if time.monotonic() - self._last_render > 0.5:
            return None  # nothing played for half a second: no reference
        if self._reanchor:
            self._reanchor = False
            self._offset, self._anchor_calls = None, 0
            self.reanchors += 1
        if self._anchor_calls < ANCHOR_CALLS:
            self._anchor_calls += 1
            now = self._played - self._recorded
            self._offset = now if self._offset is None else min(self._offset, now)
        return self._offset

    def capture(self, block: np.ndarray, input_delay: float, overflow: bool = False) -> np.ndarray:
        """The microphone's ``block`` (its first sample recorded ``input_delay`` s ago),
        processed; the output lags the input by less than one 10 ms frame only when blocks
        are not 10 ms. ``overflow``: microphone samples were lost before it."""
        self._capture_delay = input_delay
        if self._apm is None:
            return block
        rest = len(self._capture_rest)
        data = np.concatenate([self._capture_rest, block]) if rest else block
        out = np.empty(len(data) // FRAME * FRAME, np.int16)
        started = time.thread_time()
        with self._lock:
            apm = self._apm
            if apm is None:
                return block
            if overflow:
                self._reanchor = True
            self._recorded += len(block)
            offset = self._anchor() if self.echo_cancelling else None
            first = self._recorded - len(block) - rest  # the microphone sample data[0] is
            frame = self._capture_frame
            for done in range(0, len(out), FRAME):
                if offset is not None:
                    self._render_frame.samples[:] = self._reference(first + done + offset)
                    apm.process_reverse_stream(self._render_frame.frame)
                    # A hint only (AEC3 finds the delay); 0-500 ms or it fails.
                    with contextlib.suppress(RuntimeError):
                        apm.set_stream_delay_ms(
                            min(500, round((self._render_delay + input_delay) * 1000))
                        )
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
            "realigned": self.reanchors,
            "ms_per_frame": round(1000 * self.cpu_seconds / self.frames, 3)
            if self.frames
            else None,
        }
