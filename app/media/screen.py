"""Screen capture through mss (X11): a monitor grabbed in a thread at a modest frame rate."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import av
import numpy as np

from app.protocol.errors import ErrorCode

from ._track import ThreadedVideoSource
from .errors import MediaError
from .windows import window_geometry


def _clip(region: dict[str, int], screen: dict[str, int]) -> dict[str, int]:
    """``region`` moved (not shrunk) to lie on the screen, with an even size."""
    width = min(region["width"], screen["width"]) // 2 * 2
    height = min(region["height"], screen["height"]) // 2 * 2
    left = min(max(region["left"], screen["left"]), screen["left"] + screen["width"] - width)
    top = min(max(region["top"], screen["top"]), screen["top"] + screen["height"] - height)
    return {"left": left, "top": top, "width": width, "height": height}


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


Rect = tuple[int, int, int, int]
"""x, y, width, height in screen (root window) coordinates."""


class ScreenSource(ThreadedVideoSource):
    """A monitor (or one window: ``window``, an X11 window ID) as a video track, scaled down to
    at most ``max_width`` pixels wide. ``exclude`` gives the rectangles to blank out of each
    frame (the app's own windows, so they are never shown to the others)."""

    def __init__(
        self,
        monitor: int = 1,
        fps: float = 10.0,
        max_width: int = 1920,
        *,
        window: int | None = None,
        exclude: Callable[[], list[Rect]] | None = None,
    ) -> None:
        super().__init__(name=f"huddle-screen-{monitor if window is None else window}")
        self.monitor, self.fps, self.max_width = monitor, fps, max_width
        self.window, self.exclude = window, exclude
        self._region: dict[str, int] = {}

    @classmethod
    async def open(
        cls,
        monitor: int = 1,
        fps: float = 10.0,
        max_width: int = 1920,
        *,
        window: int | None = None,
        exclude: Callable[[], list[Rect]] | None = None,
    ) -> ScreenSource:
        source = cls(monitor, fps, max_width, window=window, exclude=exclude)
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
        if self.window is not None:
            shown = window_geometry(self.window)
            if shown is None:
                raise MediaError(
                    ErrorCode.DEVICE_NOT_FOUND,
                    "The window to share is closed or hidden.",
                    device=f"window {self.window}",
                )
            self._region = _clip(shown.region, monitors[0])

    def _blank(self, image: np.ndarray, region: dict[str, int]) -> np.ndarray:
        """Paint the excluded rectangles (inside ``region``) a flat dark grey."""
        rects = self.exclude() if self.exclude is not None else []
        if not rects:
            return image
        image = image.copy()
        for x, y, w, h in rects:
            left, top = max(0, x - region["left"]), max(0, y - region["top"])
            right = min(region["width"], x + w - region["left"])
            bottom = min(region["height"], y + h - region["top"])
            if right > left and bottom > top:
                image[top:bottom, left:right, :3] = 48
        return image

    def _capture_loop(self) -> None:
        import mss

        interval = 1.0 / self.fps
        width, height = self._region["width"], self._region["height"]
        if width > self.max_width:
            height, width = int(height * self.max_width / width) // 2 * 2, self.max_width
        with mss.MSS() as grabber:
            next_due = time.monotonic()
            moved_at = next_due
            while not self._stopping.is_set():
                if self.window is not None and time.monotonic() - moved_at > 1.0:
                    moved_at = time.monotonic()  # follow the window (same size: same encoder)
                    shown = window_geometry(self.window)
                    if shown is not None:
                        self._region = _clip(
                            {**shown.region, "width": self._region["width"],
                             "height": self._region["height"]},
                            grabber.monitors[0],
                        )  # fmt: skip
                region = self._region
                shot = grabber.grab(region)
                image = np.frombuffer(shot.bgra, np.uint8).reshape(shot.height, shot.width, 4)
                image = self._blank(image, region)
                frame = av.VideoFrame.from_ndarray(image, format="bgra")
                self._publish(frame.reformat(width=width, height=height, format="yuv420p"))
                next_due += interval
                time.sleep(max(0.0, next_due - time.monotonic()))
