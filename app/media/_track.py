"""What every source shares: the clock its frames are stamped with, pacing, and a
newest-frame slot that a capture thread fills and ``recv()`` empties."""

from __future__ import annotations

import asyncio
import fractions
import threading
import time
from collections.abc import Callable

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

VIDEO_CLOCK_RATE = 90_000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_RATE = 48_000
AUDIO_TIME_BASE = fractions.Fraction(1, AUDIO_RATE)
AUDIO_PTIME = 0.020
"""Audio frames are 20 ms: 960 samples at 48 kHz, one Opus packet each."""
AUDIO_SAMPLES = int(AUDIO_RATE * AUDIO_PTIME)


async def open_in_executor(open_: Callable[[], None], close: Callable[[], None]) -> None:
    """Run a blocking device open in the executor. If the caller is cancelled meanwhile, the
    open still finishes there; then ``close`` releases the device, which would otherwise run on
    with no owner (a PortAudio stream whose callback is garbage-collected crashes the process)."""
    future = asyncio.get_running_loop().run_in_executor(None, open_)
    try:
        await asyncio.shield(future)
    except asyncio.CancelledError:
        future.add_done_callback(
            lambda done: done.cancelled() or done.exception() is not None or close()
        )
        raise


class Pacer:
    """Hands out timestamps for a fixed rate and sleeps until each one is due."""

    def __init__(self, rate: float, clock_rate: int) -> None:
        self.interval = 1.0 / rate
        self.clock_rate = clock_rate
        self._start: float | None = None
        self._index = 0

    async def next(self) -> int:
        """Wait for the next tick; returns its pts in ``clock_rate`` units."""
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._index += 1
            due = self._start + self._index * self.interval
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -5 * self.interval:
                # Fell far behind (a stalled loop): skip ahead instead of bursting.
                self._index = int((time.monotonic() - self._start) / self.interval)
        return int(self._index * self.interval * self.clock_rate)


class ThreadedVideoSource(MediaStreamTrack):
    """A video track fed by a capture thread; ``recv()`` returns the newest frame only.

    Subclasses implement ``_capture_loop()`` (run in the thread until ``_stopping`` is set)
    and call ``_publish(frame)`` for each frame or ``_fail(error)`` when the device dies.
    """

    kind = "video"

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._frame: av.VideoFrame | None = None
        self._ready = asyncio.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: Exception | None = None
        self._t0 = time.monotonic()

    def _start_thread(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._capture_loop()
        except Exception as exc:  # the device died: recv() reports it
            self._fail(exc)

    def _capture_loop(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _stamp(self, frame: av.VideoFrame) -> av.VideoFrame:
        frame.pts = int((time.monotonic() - self._t0) * VIDEO_CLOCK_RATE)
        frame.time_base = VIDEO_TIME_BASE
        return frame

    def _publish(self, frame: av.VideoFrame) -> None:
        """From the capture thread: make ``frame`` the newest one."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, self._stamp(frame))

    def _deliver(self, frame: av.VideoFrame) -> None:
        self._frame = frame
        self._ready.set()

    def _fail(self, error: Exception) -> None:
        self.error = error
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._ready.set)

    async def recv(self) -> av.VideoFrame:
        while self._frame is None:
            if self.readyState != "live" or self.error is not None:
                raise MediaStreamError
            await self._ready.wait()
            self._ready.clear()
        frame, self._frame = self._frame, None
        return frame

    def stop(self) -> None:
        """Stop capturing and release the device; waits for the capture thread (at most 2 s).
        On the event loop, ``await close()`` does the same without blocking. Safe to call twice."""
        thread = self._end()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    async def close(self) -> None:
        """``stop()`` for the event loop: the capture thread is waited for in an executor."""
        thread = self._end()
        if thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, thread.join, 2.0)

    def _end(self) -> threading.Thread | None:
        super().stop()
        self._stopping.set()
        self._ready.set()
        thread, self._thread = self._thread, None
        return thread
