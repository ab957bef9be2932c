"""Screen capture through mss (X11): a monitor grabbed in a thread at a modest frame rate."""

from __future__ import annotations

import asyncio
import os
import time

import av
import numpy as np

from app.protocol.errors import ErrorCode

from ._track import ThreadedVideoSource
from .errors import MediaError


def _unavailable(reason: str) -> MediaError:
    return MediaError(
        ErrorCode.SCREEN_CAPTURE_UNAVAILABLE,
        f"{ErrorCode.SCREEN_CAPTURE_UNAVAILABLE.message} ({reason})",
        device="screen",
    )


def list_monitors() -> list[dict[str, int]]:
    """The monitors mss sees (index 1 is the first; 0 is all of them together)."""
    if not os.environ.get("DISPLAY"):
        return []
    try:
        import mss

        with mss.MSS() as grabber:
            return [dict(m) for m in grabber.monitors]
    except Exception:
        return []


class ScreenSource(ThreadedVideoSource):
    """A monitor as a video track, scaled down to at most ``max_width`` pixels wide."""

    def __init__(self, monitor: int = 1, fps: float = 10.0, max_width: int = 1920) -> None:
        super().__init__(name=f"huddle-screen-{monitor}")
        self.monitor, self.fps, self.max_width = monitor, fps, max_width
        self._region: dict[str, int] = {}

    @classmethod
    async def open(cls, monitor: int = 1, fps: float = 10.0, max_width: int = 1920) -> ScreenSource:
        source = cls(monitor, fps, max_width)
        await asyncio.get_running_loop().run_in_executor(None, source._check)
        source._start_thread()
        return source

    def _check(self) -> None:
        if not os.environ.get("DISPLAY"):
            raise _unavailable("no DISPLAY is set")
        monitors = list_monitors()
        if not monitors:
            raise _unavailable(f"cannot connect to display {os.environ['DISPLAY']!r}")
        if not 0 <= self.monitor < len(monitors):
            raise MediaError(
                ErrorCode.DEVICE_NOT_FOUND,
                f"No monitor {self.monitor}; this display has {len(monitors) - 1}.",
                device=f"screen {self.monitor}",
            )
        self._region = monitors[self.monitor]

    def _capture_loop(self) -> None:
        import mss

        interval = 1.0 / self.fps
        width, height = self._region["width"], self._region["height"]
        if width > self.max_width:
            height, width = int(height * self.max_width / width) // 2 * 2, self.max_width
        with mss.MSS() as grabber:
            next_due = time.monotonic()
            while not self._stopping.is_set():
                shot = grabber.grab(self._region)
                image = np.frombuffer(shot.bgra, np.uint8).reshape(shot.height, shot.width, 4)
                frame = av.VideoFrame.from_ndarray(image, format="bgra")
                self._publish(frame.reformat(width=width, height=height, format="yuv420p"))
                next_due += interval
                time.sleep(max(0.0, next_due - time.monotonic()))
