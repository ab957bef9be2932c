"""Recording the call as this window shows and plays it: the video area (what you see) and
everyone's audio with your microphone (what you hear and say), to an MP4 in the videos folder.

The GUI thread grabs the video area at ``FPS`` and hands each picture to a worker thread, which
mixes the audio that arrived meanwhile and encodes both (H.264 and AAC, PyAV). The MP4 is
fragmented: what was recorded up to a crash still plays.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import platformdirs
from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from app.protocol.errors import ErrorCode

log = logging.getLogger("huddle.ui")

WIDTH, HEIGHT = 1280, 720
FPS = 15
RATE = 48000
AAC_SAMPLES = 1024
MAX_QUEUED_SECONDS = 2.0
"""Audio a source may run ahead of the mix before its oldest samples are dropped."""


class RecordingError(OSError):
    code = ErrorCode.RECORDING_FAILED


def default_recordings_dir() -> Path:
    return Path(platformdirs.user_videos_dir()) / "Huddle"


def recording_path(room_id: str, directory: Path | None = None) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in room_id)[:60] or "call"
    directory = directory or default_recordings_dir()
    return directory / f"Huddle {safe} {time.strftime('%Y-%m-%d %H.%M.%S')}.mp4"


class _AudioSource:
    """One stream's audio, resampled to 48 kHz mono, waiting to be mixed."""

    def __init__(self) -> None:
        self.resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        self.chunks: collections.deque[np.ndarray] = collections.deque()
        self.queued = 0


class CallRecorder(QObject):
    """``start()`` opens the file; ``stop()`` finishes it and joins the worker."""

    def __init__(self, view: QWidget, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.path = path
        self.started_at = 0.0
        self.frames = 0
        self.error: Exception | None = None
        self._sources: dict[object, _AudioSource] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[float, np.ndarray] | None] = queue.Queue(maxsize=FPS)
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self, interval=1000 // FPS, timeout=self._grab)
        self._container: av.container.OutputContainer | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started_at if self.running else 0.0

    # ------------------------------------------------------------ starting and stopping

    def start(self) -> None:
        """Open the file (raises ``RecordingError``) and start grabbing."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            container = av.open(
                str(self.path),
                "w",
                format="mp4",
                options={"movflags": "frag_keyframe+empty_moov+default_base_moof"},
            )
            video = container.add_stream("libx264", rate=FPS)
            video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
            video.options = {"preset": "veryfast", "crf": "26", "tune": "zerolatency"}
            video.codec_context.thread_count = 1
            audio = container.add_stream("aac", rate=RATE, layout="mono")
            self._container = container
        except (OSError, av.FFmpegError, ValueError) as exc:
            raise RecordingError(f"{ErrorCode.RECORDING_FAILED.message} ({exc})") from None
        self._video, self._audio = video, audio
        self.started_at = time.monotonic()
        self._samples_written = 0
        self._thread = threading.Thread(target=self._work, name="huddle-recorder", daemon=True)
        self._thread.start()
        self._timer.start()
        log.info("recording to %s", self.path)

    def stop(self) -> Path:
        """Finish the file (the worker joined); returns its path."""
        self._timer.stop()
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()
        with self._lock:
            self._sources.clear()
        log.info("recording saved: %s (%d frames)", self.path, self.frames)
        return self.path

    # ------------------------------------------------------------ audio in

    def audio_sink(self, key: object) -> Callable[[av.AudioFrame], None]:
        """A sink for one stream's audio (call on the event loop)."""
        with self._lock:
            source = self._sources.setdefault(key, _AudioSource())

        def sink(frame: av.AudioFrame) -> None:
            if not self.running:
                return
            for out in source.resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1).astype(np.int16)
                with self._lock:
                    source.chunks.append(samples)
                    source.queued += len(samples)
                    while source.queued > RATE * MAX_QUEUED_SECONDS and len(source.chunks) > 1:
                        source.queued -= len(source.chunks.popleft())

        return sink

    def remove_audio(self, key: object) -> None:
        with self._lock:
            self._sources.pop(key, None)

    def _mix(self, count: int) -> np.ndarray:
        total = np.zeros(count, np.int32)
        with self._lock:
            for source in self._sources.values():
                filled = 0
                while filled < count and source.chunks:
                    chunk = source.chunks[0]
                    take = min(count - filled, len(chunk))
                    total[filled : filled + take] += chunk[:take]
                    filled += take
                    if take == len(chunk):
                        source.chunks.popleft()
                    else:
                        source.chunks[0] = chunk[take:]
                source.queued -= filled
        return np.clip(total, -32768, 32767).astype(np.int16)

    # ------------------------------------------------------------ video in

    def _grab(self) -> None:
        """What the video area shows now, letterboxed to the recording's size."""
        if not self.running or not self.view.isVisible():
            return
        shot = self.view.grab().toImage()
        canvas = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB888)
        canvas.fill(QColor("#202124"))
        scaled = shot.scaled(
            WIDTH,
            HEIGHT,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        painter = QPainter(canvas)
        painter.drawImage(
            QRect(
                (WIDTH - scaled.width()) // 2,
                (HEIGHT - scaled.height()) // 2,
                scaled.width(),
                scaled.height(),
            ),
            scaled,
        )
        painter.end()
        pixels = (
            np.frombuffer(canvas.constBits(), np.uint8)
            .reshape(HEIGHT, canvas.bytesPerLine())[:, : WIDTH * 3]
            .reshape(HEIGHT, WIDTH, 3)
        )
        try:
            self._queue.put_nowait((time.monotonic() - self.started_at, pixels.copy()))
        except queue.Full:
            pass  # the encoder is behind: skip a picture rather than queue them

    # ------------------------------------------------------------ the worker

    def _work(self) -> None:
        container = self._container
        assert container is not None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                at, pixels = item
                frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                frame.pts = round(at * FPS)
                if frame.pts < self.frames:
                    frame.pts = self.frames
                for packet in self._video.encode(frame.reformat(format="yuv420p", threads=1)):
                    container.mux(packet)
                self.frames = frame.pts + 1
                self._write_audio(at)
            for packet in self._video.encode(None):
                container.mux(packet)
            self._write_audio(time.monotonic() - self.started_at)
            for packet in self._audio.encode(None):
                container.mux(packet)
        except Exception as exc:  # a full disk, a codec failing: the recording ends here
            self.error = exc
            log.exception("recording failed")
        finally:
            container.close()

    def _write_audio(self, until_seconds: float) -> None:
        due = int(until_seconds * RATE) // AAC_SAMPLES * AAC_SAMPLES - self._samples_written
        while due >= AAC_SAMPLES:
            samples = self._mix(AAC_SAMPLES)
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = RATE
            frame.pts = self._samples_written
            for packet in self._audio.encode(frame):
                self._container.mux(packet)  # type: ignore[union-attr]
            self._samples_written += AAC_SAMPLES
            due -= AAC_SAMPLES
