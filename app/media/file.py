"""Media files through PyAV: a file as a source (looping), and played streams into a file."""

from __future__ import annotations

import fractions
import logging
import queue
import threading
import time
from pathlib import Path

import av
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamTrack

from app.protocol.errors import ErrorCode

from ._track import AUDIO_RATE, AUDIO_TIME_BASE
from .errors import MediaError

MS_TIME_BASE = fractions.Fraction(1, 1000)

log = logging.getLogger("huddle.media")


class MediaFileSource:
    """A media file's video and audio as tracks, paced in real time, looping at the end."""

    def __init__(self, path: str | Path, loop: bool = True) -> None:
        path = Path(path)
        if not path.is_file():
            raise MediaError(
                ErrorCode.MEDIA_FILE_ERROR, f"No media file at {str(path)!r}.", device=str(path)
            )
        try:
            self._player = MediaPlayer(str(path), loop=loop)
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise MediaError(
                ErrorCode.MEDIA_FILE_ERROR,
                f"{path.name} could not be opened: {exc}",
                device=str(path),
            ) from None
        self.path = path
        if self._player.video is None and self._player.audio is None:
            raise MediaError(
                ErrorCode.MEDIA_FILE_ERROR, f"{path.name} has no audio or video.", device=str(path)
            )

    @property
    def video(self) -> MediaStreamTrack | None:
        return self._player.video

    @property
    def audio(self) -> MediaStreamTrack | None:
        return self._player.audio


_STOP = object()


class StreamRecorder:
    """Writes one played stream (video and/or audio frames) into a playable Matroska file.

    ``add_video`` / ``add_audio`` only queue frames; a worker thread encodes them (H.264 and
    Opus), so the event loop never waits on a codec. Matroska declares its tracks up front, so
    the worker holds frames until it has seen the first of each kind it expects (or for at
    most ``WAIT_FOR_TRACKS`` seconds). ``close()`` flushes and finishes the file.
    """

    WAIT_FOR_TRACKS = 3.0

    def __init__(
        self, path: str | Path, *, video: bool = True, audio: bool = True, fps: int = 30
    ) -> None:
        if not (video or audio):
            raise ValueError("a recording needs video, audio or both")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._expect = {kind for kind, wanted in (("video", video), ("audio", audio)) if wanted}
        self._queue: queue.Queue[object] = queue.Queue(maxsize=300)
        self._fps = fps
        self._t0: float | None = None
        self.video_frames = 0
        self.audio_frames = 0
        self.dropped = 0
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="huddle-recorder", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        try:
            self._queue.put_nowait(item)
            return True
        except queue.Full:
            self.dropped += 1
            return False

    def _elapsed_ms(self) -> int:
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        return int((now - self._t0) * 1000)

    def add_video(self, frame: av.VideoFrame) -> None:
        if "video" in self._expect and self._put(("video", frame, self._elapsed_ms())):
            self.video_frames += 1

    def add_audio(self, frame: av.AudioFrame) -> None:
        if "audio" in self._expect and self._put(("audio", frame, self._elapsed_ms())):
            self.audio_frames += 1

    def _run(self) -> None:
        try:
            self._record()
        except Exception as exc:
            self.error = exc
            log.exception("recording %s failed", self.path)

    def _record(self) -> None:
        pending: list[tuple[str, object, int]] = []
        started = None
        while True:  # hold frames until every expected kind has shown up
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            if item is not None:
                pending.append(item)  # type: ignore[arg-type]
                started = started or time.monotonic()
            kinds = {kind for kind, _, _ in pending}
            if kinds >= self._expect or (
                started and time.monotonic() - started > self.WAIT_FOR_TRACKS
            ):
                break
        if not pending:
            return
        with av.open(str(self.path), mode="w", format="matroska") as container:
            writer = _Writer(container, pending, self._fps)
            for kind, frame, at_ms in pending:
                writer.write(kind, frame, at_ms)
            while item is not _STOP:
                item = self._queue.get()
                if item is not _STOP:
                    writer.write(*item)  # type: ignore[misc]
            writer.flush()

    def close(self) -> None:
        """Finish the file. Safe to call twice."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout=10)


class _Writer:
    """Encodes into an open container whose tracks are declared from the first frames."""

    def __init__(self, container: av.container.OutputContainer, first: list, fps: int) -> None:
        self._container = container
        self._video = self._audio = None
        self._last_video_ms = -1
        self._audio_pts = 0
        self._resampler = av.AudioResampler(format="s16", layout="stereo", rate=AUDIO_RATE)
        firsts = {kind: frame for kind, frame, _ in reversed(first)}
        if "video" in firsts:
            frame = firsts["video"]
            self._video = container.add_stream("libx264", rate=fps)
            self._video.width, self._video.height = frame.width, frame.height
            self._video.pix_fmt = "yuv420p"
            self._video.time_base = MS_TIME_BASE
            self._video.options = {"preset": "ultrafast", "tune": "zerolatency"}
        if "audio" in firsts:
            self._audio = container.add_stream("libopus", rate=AUDIO_RATE, layout="stereo")

    def write(self, kind: str, frame: av.VideoFrame | av.AudioFrame, at_ms: int) -> None:
        if kind == "video" and self._video is not None:
            at_ms = max(at_ms, self._last_video_ms + 1)
            self._last_video_ms = at_ms
            out = frame.reformat(
                width=self._video.width, height=self._video.height, format="yuv420p"
            )
            out.pts, out.time_base = at_ms, MS_TIME_BASE
            self._container.mux(self._video.encode(out))
        elif kind == "audio" and self._audio is not None:
            for out in self._resampler.resample(frame):
                out.pts, out.time_base = self._audio_pts, AUDIO_TIME_BASE
                self._audio_pts += out.samples
                self._container.mux(self._audio.encode(out))

    def flush(self) -> None:
        for stream in (self._video, self._audio):
            if stream is not None:
                self._container.mux(stream.encode(None))
