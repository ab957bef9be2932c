"""Cameras through OpenCV: a ``VideoCapture`` read in its own thread, newest frame wins.

A device is an index (``0`` is ``/dev/video0``), a device path, or any file or URL OpenCV
opens (a video file is paced to its frame rate and loops, which is how tests and demos use a
recording as a camera).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import av
import cv2

from app.protocol.errors import ErrorCode

from ._track import ThreadedVideoSource, open_in_executor
from .errors import MediaError

log = logging.getLogger("huddle.media")

_FAILED_READS_BEFORE_ERROR = 30


def _device_path(device: int | str) -> tuple[int | str, bool]:
    """What to hand OpenCV, and whether it is a live device (True) or a file/URL."""
    if isinstance(device, int) or (isinstance(device, str) and device.isdigit()):
        return int(device), True
    if isinstance(device, str) and device.startswith("/dev/video"):
        return device, True
    return str(device), False


class CameraSource(ThreadedVideoSource):
    """A camera as a video track. Open it with ``await CameraSource.open(...)``."""

    def __init__(
        self, device: int | str = 0, width: int = 640, height: int = 480, fps: float = 30.0
    ) -> None:
        super().__init__(name=f"huddle-camera-{device}")
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self._cap: cv2.VideoCapture | None = None
        self._live = True

    @classmethod
    async def open(
        cls, device: int | str = 0, width: int = 640, height: int = 480, fps: float = 30.0
    ) -> CameraSource:
        """Open the device and read its first frame; raises :class:`MediaError` on failure."""
        source = cls(device, width, height, fps)
        await open_in_executor(source._open, source._release)
        source._start_thread()
        return source

    def _release(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()

    def _open(self) -> None:
        target, live = _device_path(self.device)
        self._live = live
        node = f"/dev/video{target}" if isinstance(target, int) else target
        is_url = isinstance(target, str) and "://" in target
        if not is_url and not os.path.exists(node):
            raise MediaError(
                ErrorCode.DEVICE_NOT_FOUND, f"No camera at {node!r}.", device=str(self.device)
            )
        cap = cv2.VideoCapture(target, cv2.CAP_V4L2) if live else cv2.VideoCapture(target)
        if not cap.isOpened():
            cap.release()
            raise MediaError(
                ErrorCode.DEVICE_BUSY if live else ErrorCode.MEDIA_FILE_ERROR,
                f"The camera {node!r} could not be opened: it is in use or not a camera.",
                device=str(self.device),
            )
        if live:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            cap.set(cv2.CAP_PROP_FPS, self.fps)
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # keep no backlog: the newest frame wins
        else:
            self.fps = cap.get(cv2.CAP_PROP_FPS) or self.fps
        ok, _ = cap.read()
        if not ok:
            cap.release()
            raise MediaError(
                ErrorCode.DEVICE_BUSY,
                f"The camera {node!r} opened but gave no picture: it may be in use.",
                device=str(self.device),
            )
        self.width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) or self.width
        self.height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) or self.height
        self._cap = cap
        log.info("camera %s open at %dx%d@%.0f", node, self.width, self.height, self.fps)

    def _capture_loop(self) -> None:
        cap = self._cap
        assert cap is not None
        interval = 1.0 / self.fps
        next_due = time.monotonic()
        failures = 0
        try:
            while not self._stopping.is_set():
                if not self._live:  # a file plays at its own rate
                    delay = next_due - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    next_due = max(next_due + interval, time.monotonic() - interval)
                ok, image = cap.read()
                if not ok:
                    if not self._live:
                        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)  # loop the recording
                        continue
                    failures += 1
                    if failures >= _FAILED_READS_BEFORE_ERROR:
                        raise MediaError(
                            ErrorCode.DEVICE_ERROR,
                            f"The camera {self.device!r} stopped giving pictures.",
                            device=str(self.device),
                        )
                    time.sleep(0.01)
                    continue
                failures = 0
                self._publish(av.VideoFrame.from_ndarray(image, format="bgr24"))
        finally:
            self._release()


def camera_name(device: int | str) -> str:
    """A readable name for a camera: the kernel's name for a V4L2 node, else the path."""
    target, live = _device_path(device)
    if live:
        index = target if isinstance(target, int) else target.removeprefix("/dev/video")
        name = Path(f"/sys/class/video4linux/video{index}/name")
        try:
            return name.read_text().strip()
        except OSError:
            return f"/dev/video{index}"
    return Path(str(target)).name
