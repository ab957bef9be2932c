"""Local and remote streams: what ``create_stream`` and ``start_playing_stream`` return.

A local stream captures each source once. Its tracks are *switches*: they forward the current
device and re-stamp the frames, so a device can be swapped (``use_video_device``) or can die
without the published tracks ending. One ``MediaRelay`` per track fans the frames out, newest
frame only, to the preview and to every player's peer connection.
"""

from __future__ import annotations

import asyncio
import fractions
import functools
import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import av
import numpy as np
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.media._track import (
    AUDIO_RATE,
    AUDIO_SAMPLES,
    VIDEO_CLOCK_RATE,
    VIDEO_TIME_BASE,
    Pacer,
    ThreadedVideoSource,
)

from .data import StreamInfo, User
from .errors import HuddleError

log = logging.getLogger("huddle.engine")

FrameSink = Callable[[Any], None]


def sound_level(frame: av.AudioFrame) -> float:
    """Loudness of a frame on the 0-100 scale the seed uses (0 is silence, 100 full scale).

    dBFS mapped linearly from -60 dB (0) to 0 dB (100).
    """
    samples = frame.to_ndarray()
    if samples.dtype != np.int16:
        samples = (samples.astype(np.float32) * 32767).astype(np.int16)
    if samples.size == 0:
        return 0.0
    rms = math.sqrt(float(np.mean(samples.astype(np.float32) ** 2))) / 32768.0
    if rms <= 1e-6:
        return 0.0
    return max(0.0, min(100.0, (20 * math.log10(rms) + 60) / 60 * 100))


def black_frame(width: int, height: int) -> av.VideoFrame:
    data = np.empty((height * 3 // 2, width), np.uint8)
    data[:height] = 16
    data[height:] = 128
    return av.VideoFrame.from_ndarray(data, format="yuv420p")


def silent_frame(like: av.AudioFrame | None = None) -> av.AudioFrame:
    samples = like.samples if like is not None else AUDIO_SAMPLES
    layout = like.layout.name if like is not None else "mono"
    channels = len(like.layout.channels) if like is not None else 1
    frame = av.AudioFrame.from_ndarray(
        np.zeros((1, samples * channels), np.int16), format="s16", layout=layout
    )
    frame.sample_rate = like.sample_rate if like is not None else AUDIO_RATE
    return frame


class _Blank(MediaStreamTrack):
    """What a switch sends when its device is gone: black at 5 fps, or silence."""

    def __init__(self, kind: str, width: int = 640, height: int = 480) -> None:
        super().__init__()
        self.kind = kind
        self._size = (width, height)
        rate = 5.0 if kind == "video" else AUDIO_RATE / AUDIO_SAMPLES
        self._pacer = Pacer(rate, VIDEO_CLOCK_RATE if kind == "video" else AUDIO_RATE)

    async def recv(self) -> av.VideoFrame | av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        await self._pacer.next()
        return black_frame(*self._size) if self.kind == "video" else silent_frame()


class SourceSwitch(MediaStreamTrack):
    """A track that forwards its current source and survives the source changing or failing."""

    def __init__(
        self,
        kind: str,
        source: MediaStreamTrack,
        name: str,
        on_failure: Callable[[SourceSwitch, MediaStreamTrack], None],
    ) -> None:
        super().__init__()
        self.kind = kind
        self.source = source
        self.source_name = name
        self._on_failure = on_failure
        self._t0 = time.monotonic()
        self._last_pts = -1
        self._audio_seconds = 0.0
        self.frames = 0
        self.width = 0
        self.height = 0
        self.level = 0.0
        """Sound level (0-100) of the newest audio frame."""

    @property
    def blank(self) -> bool:
        """Sending black or silence: the device failed or was turned off."""
        return isinstance(self.source, _Blank)

    async def go_blank(self) -> None:
        """Send black (or silence) and release the device."""
        await self.replace(_Blank(self.kind, self.width or 640, self.height or 480), "")

    async def replace(self, source: MediaStreamTrack, name: str) -> None:
        """Switch to another source; the old one is stopped and its device released. On a
        closed switch (closed while the new device opened) the new one is released at once."""
        if self.readyState != "live":
            await _release(source)
            return
        old, self.source, self.source_name = self.source, source, name
        await _release(old)

    async def recv(self) -> av.VideoFrame | av.AudioFrame:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            source = self.source
            try:
                frame = await source.recv()
            except MediaStreamError:
                if self.readyState != "live":
                    raise
                if source is self.source:  # the device failed, not replaced
                    self._on_failure(self, source)
                    await self.go_blank()
                continue
            if source is not self.source:
                continue  # a last frame from a replaced source
            return self._restamp(frame)

    def _restamp(self, frame: av.VideoFrame | av.AudioFrame) -> av.VideoFrame | av.AudioFrame:
        self.frames += 1
        if isinstance(frame, av.VideoFrame):
            self.width, self.height = frame.width, frame.height
            pts = int((time.monotonic() - self._t0) * VIDEO_CLOCK_RATE)
            pts = max(pts, self._last_pts + 1)
            frame.pts, frame.time_base = pts, VIDEO_TIME_BASE
        else:
            rate = frame.sample_rate or AUDIO_RATE
            pts = max(round(self._audio_seconds * rate), self._last_pts + 1)
            frame.pts, frame.time_base = pts, fractions.Fraction(1, rate)
            self._audio_seconds += frame.samples / rate
            self.level = sound_level(frame)
        self._last_pts = pts
        return frame

    def stop(self) -> None:
        super().stop()
        self.source.stop()

    async def close(self) -> None:
        """``stop()`` without blocking the event loop while the device is released."""
        super().stop()
        await _release(self.source)


async def _release(source: MediaStreamTrack) -> None:
    """Stop a source; a capture thread is waited for off the event loop."""
    if isinstance(source, ThreadedVideoSource):
        await source.close()
    else:
        source.stop()


class PublishTrack(MediaStreamTrack):
    """One player's view of a local track: muting, frame-rate limit and scaling applied."""

    def __init__(
        self,
        inner: MediaStreamTrack,
        is_muted: Callable[[], bool],
        *,
        fps: float | None = None,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.kind = inner.kind
        self._inner = inner
        self._is_muted = is_muted
        self._min_interval = 1.0 / fps if fps else 0.0
        self._size = size
        self._last_sent = 0.0

    async def recv(self) -> av.VideoFrame | av.AudioFrame:
        while True:
            frame = await self._inner.recv()
            if self.kind == "audio":
                if self._is_muted():
                    silence = silent_frame(frame)
                    silence.pts, silence.time_base = frame.pts, frame.time_base
                    frame = silence
                return frame
            now = time.monotonic()
            muted = self._is_muted()
            # Muted video goes out as black at 2 fps: receivers keep a live, cheap picture.
            interval = 0.5 if muted else self._min_interval
            if interval and now - self._last_sent < interval * 0.9:
                continue
            self._last_sent = now
            if muted:
                black = black_frame(*(self._size or (frame.width, frame.height)))
                black.pts, black.time_base = frame.pts, frame.time_base
                frame = black
            elif self._size and (frame.width, frame.height) != self._size:
                pts, time_base = frame.pts, frame.time_base
                frame = await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(_scale, frame, *self._size)
                )
                frame.pts, frame.time_base = pts, time_base
            return frame

    def stop(self) -> None:
        super().stop()
        self._inner.stop()


def _scale(frame: av.VideoFrame, width: int, height: int) -> av.VideoFrame:
    return frame.reformat(width=width, height=height, format="yuv420p")


class _SinkReader:
    """Reads a track in a task and hands each frame to every sink (on the event loop)."""

    def __init__(self, track: MediaStreamTrack, name: str) -> None:
        self.sinks: list[FrameSink] = []
        self._track = track
        self._task = asyncio.create_task(self._run(), name=name)

    async def _run(self) -> None:
        while True:
            try:
                frame = await self._track.recv()
            except MediaStreamError:
                return
            for sink in list(self.sinks):
                try:
                    sink(frame)
                except Exception:
                    log.exception("a frame sink raised")

    async def close(self) -> None:
        self._track.stop()
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass


class LocalStream:
    """A stream captured on this machine: camera or screen or custom video, and audio.

    Preview it with ``add_video_sink``; publish it with ``engine.start_publishing_stream``.
    ``errors`` lists the devices that could not be opened when it was created.
    """

    def __init__(
        self,
        video: SourceSwitch | None,
        audio: SourceSwitch | None,
        errors: list[HuddleError] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.video = video
        self.audio = audio
        self.errors = errors or []
        self.video_muted = False
        self.audio_muted = False
        self.camera: tuple[int | str, int, int, float] | None = None
        """The camera behind the video (device, width, height, fps), to turn it on again."""
        self._relays = {kind: MediaRelay() for kind in ("video", "audio")}
        self._readers: dict[str, _SinkReader] = {}
        self.destroyed = False

    def __repr__(self) -> str:
        video = self.video.source_name if self.video else None
        audio = self.audio.source_name if self.audio else None
        return f"<LocalStream {self.id} video={video!r} audio={audio!r}>"

    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None

    @property
    def sound_level(self) -> float:
        """The microphone's loudness, 0-100 (read while the audio is previewed or published)."""
        return self.audio.level if self.audio else 0.0

    def _track(self, kind: str) -> SourceSwitch | None:
        return self.video if kind == "video" else self.audio

    def subscribe(self, kind: str) -> MediaStreamTrack | None:
        """A new consumer's view of the video or audio, or None.

        Video is newest-frame-only: a consumer that falls behind skips frames rather than
        queueing them. Audio is buffered: every 20 ms frame matters, and its consumers (the
        Opus encoder, level meters) keep up.
        """
        track = self._track(kind)
        if track is None:
            return None
        return self._relays[kind].subscribe(track, buffered=kind == "audio")

    def add_video_sink(self, sink: FrameSink) -> None:
        """Call ``sink(av.VideoFrame)`` on the event loop for each captured frame."""
        self._add_sink("video", sink)

    def add_audio_sink(self, sink: FrameSink) -> None:
        """Call ``sink(av.AudioFrame)`` on the event loop for each captured audio frame."""
        self._add_sink("audio", sink)

    def remove_video_sink(self, sink: FrameSink) -> None:
        self._remove_sink("video", sink)

    def remove_audio_sink(self, sink: FrameSink) -> None:
        self._remove_sink("audio", sink)

    def _add_sink(self, kind: str, sink: FrameSink) -> None:
        if self.destroyed:
            return
        reader = self._readers.get(kind)
        if reader is None:
            track = self.subscribe(kind)
            if track is None:
                return
            reader = self._readers[kind] = _SinkReader(track, f"huddle-preview-{kind}")
        reader.sinks.append(sink)

    def _remove_sink(self, kind: str, sink: FrameSink) -> None:
        reader = self._readers.get(kind)
        if reader is not None and sink in reader.sinks:
            reader.sinks.remove(sink)

    async def _close(self) -> None:
        """Stop previews and sources, releasing the devices. Safe to call twice."""
        self.destroyed = True
        readers, self._readers = self._readers, {}
        for reader in readers.values():
            await reader.close()
        for track in (self.video, self.audio):
            if track is not None:
                await track.close()


class RemoteStream:
    """A stream being played: the newest decoded frame, sinks, and what has been received."""

    def __init__(self, stream_id: str, info: StreamInfo | None) -> None:
        self.stream_id = stream_id
        self.info = info
        self.video_frame: av.VideoFrame | None = None
        """The newest decoded frame (a consumer should never need an older one)."""
        self.video_frames = 0
        self.audio_frames = 0
        self.width = 0
        self.height = 0
        self.first_frame_at: float | None = None
        """``time.monotonic()`` of the first decoded frame."""
        self.play_started_at = time.monotonic()
        self.video_muted_locally = False
        self._video_sinks: list[FrameSink] = []
        self._audio_sinks: list[FrameSink] = []
        self._first_frame = asyncio.Event()

    @property
    def user(self) -> User | None:
        return self.info.user if self.info else None

    @property
    def first_frame_ms(self) -> float | None:
        """Milliseconds from ``start_playing_stream`` to the first decoded frame."""
        if self.first_frame_at is None:
            return None
        return (self.first_frame_at - self.play_started_at) * 1000

    def add_video_sink(self, sink: FrameSink) -> None:
        """Call ``sink(av.VideoFrame)`` on the event loop for each decoded frame."""
        self._video_sinks.append(sink)

    def remove_video_sink(self, sink: FrameSink) -> None:
        if sink in self._video_sinks:
            self._video_sinks.remove(sink)

    def add_audio_sink(self, sink: FrameSink) -> None:
        """Call ``sink(av.AudioFrame)`` on the event loop for each decoded audio frame."""
        self._audio_sinks.append(sink)

    def remove_audio_sink(self, sink: FrameSink) -> None:
        if sink in self._audio_sinks:
            self._audio_sinks.remove(sink)

    async def wait_first_frame(self, timeout: float | None = None) -> bool:
        """Wait until a first frame has been decoded; False on timeout."""
        try:
            async with asyncio.timeout(timeout):
                await self._first_frame.wait()
            return True
        except TimeoutError:
            return False

    def _deliver_video(self, frame: av.VideoFrame) -> None:
        self.video_frames += 1
        self.width, self.height = frame.width, frame.height
        self._mark_first()
        if self.video_muted_locally:
            return
        self.video_frame = frame
        for sink in list(self._video_sinks):
            try:
                sink(frame)
            except Exception:
                log.exception("a video sink of %s raised", self.stream_id)

    def _deliver_audio(self, frame: av.AudioFrame) -> None:
        self.audio_frames += 1
        for sink in list(self._audio_sinks):
            try:
                sink(frame)
            except Exception:
                log.exception("an audio sink of %s raised", self.stream_id)
        self._mark_first()

    def _mark_first(self) -> None:
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()
            self._first_frame.set()
