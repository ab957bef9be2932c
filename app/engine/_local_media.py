"""Local media (livekit's ``media_devices``): devices, local streams, the speaker and its mixer,
the voice processing between them (``_voice.Voice``: echo cancellation with the speaker as
reference, noise suppression, gain control), and sound levels.

Knows nothing of rooms: publishing subscribes to the streams made here, playing writes into
the mixer through :meth:`LocalMedia.audio_output`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aiortc.mediastreams import MediaStreamTrack

from app.media import (
    CameraSource,
    MediaError,
    MediaFileSource,
    MicrophoneSource,
    Mixer,
    MixerInput,
    PatternSource,
    ScreenSource,
    Speaker,
    ToneSource,
)
from app.media.audio import BlockHook
from app.media.camera import camera_name
from app.media.devices import list_cameras, list_microphones, list_speakers
from app.protocol.errors import ErrorCode

from ._tasks import TaskGroup
from ._voice import Voice
from .config import CameraConfig, CustomConfig, EngineConfig, ScreenConfig
from .data import DeviceLists, SoundLevel
from .errors import DeviceError, EngineStateError, HuddleError, raise_as
from .events import Emit
from .streams import LocalStream, SourceSwitch

if TYPE_CHECKING:
    from ._player import Playback

log = logging.getLogger("huddle.engine")


class LocalMedia:
    def __init__(
        self,
        config: EngineConfig,
        *,
        emit: Emit,
        tasks: TaskGroup,
        stream_levels: Callable[[], list[SoundLevel]],
    ) -> None:
        self._config = config
        self._emit = emit
        self._tasks = tasks
        self._stream_levels = stream_levels
        self.streams: list[LocalStream] = []
        self.mixer = Mixer()
        # #10: echo canceller, noise suppression, gain control; says once if unavailable
        self.voice = Voice(config, lambda code, what: self._emit("deviceError", code, what))
        self._speaker: Speaker | None = None
        self._speaker_state = "closed"
        self.speaker_delay: float | None = None
        """Seconds from the speaker's callback to the sound (PortAudio's timestamps), as
        last seen; None with no speaker playing."""
        self._closed = False
        self._sound_level_interval: float | None = None
        self._sound_level_task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ devices

    async def enum_devices(self) -> DeviceLists:
        loop = asyncio.get_running_loop()
        cameras, microphones, speakers = await asyncio.gather(
            loop.run_in_executor(None, list_cameras),
            loop.run_in_executor(None, list_microphones),
            loop.run_in_executor(None, list_speakers),
        )
        return DeviceLists(cameras, microphones, speakers)

    # ------------------------------------------------------------ local streams

    async def create_stream(
        self,
        camera: CameraConfig | None,
        screen: ScreenConfig | None,
        custom: CustomConfig | None,
    ) -> LocalStream:
        if sum(c is not None for c in (camera, screen, custom)) > 1:
            raise DeviceError(ErrorCode.INVALID_ARGUMENT, "Give one of camera, screen or custom.")
        errors: list[HuddleError] = []
        camera_spec: tuple[int | str, int, int, float] | None = None
        video: tuple[MediaStreamTrack, str] | None = None
        audio: tuple[MediaStreamTrack, str] | None = None

        def failed(exc: MediaError, fallback_code: ErrorCode | None = None) -> None:
            code = fallback_code or exc.code
            error = DeviceError(
                code, exc.message if code is exc.code else f"{code.message} ({exc.message})"
            )
            errors.append(error)
            log.warning("device failed: %s", error)
            self._emit("deviceError", int(code), exc.device)

        if screen is not None:
            try:
                source = await ScreenSource.open(screen.monitor, screen.fps, screen.max_width)
                video = (source, f"Screen {screen.monitor}")
            except MediaError as exc:
                failed(exc)
            if screen.audio:
                audio = await self._open_microphone(None, failed, video)
        elif custom is not None:
            if custom.file is not None:
                try:
                    media = MediaFileSource(custom.file)
                    name = media.path.name
                    video = (media.video, name) if media.video else None
                    audio = (media.audio, name) if media.audio else None
                except MediaError as exc:
                    failed(exc)
            if custom.video == "pattern":
                video = (
                    PatternSource(custom.width, custom.height, custom.fps, custom.label),
                    "Test pattern",
                )
            elif isinstance(custom.video, MediaStreamTrack):
                video = (custom.video, "Custom video")
            if custom.audio == "tone":
                audio = (ToneSource(custom.tone_hz), f"Tone {custom.tone_hz:g} Hz")
            elif isinstance(custom.audio, MediaStreamTrack):
                audio = (custom.audio, "Custom audio")
        else:
            camera = camera or CameraConfig()
            if camera.video:
                try:
                    source = await CameraSource.open(
                        0 if camera.video_device is None else camera.video_device,
                        camera.width,
                        camera.height,
                        camera.fps,
                    )
                    video = (source, camera_name(source.device))
                    camera_spec = (source.device, camera.width, camera.height, camera.fps)
                except MediaError as exc:
                    missing = camera.video_device is None and exc.code is ErrorCode.DEVICE_NOT_FOUND
                    failed(exc, ErrorCode.NO_CAMERA if missing else None)
                    if camera.fallback in ("pattern", "both"):
                        video = (
                            PatternSource(camera.width, camera.height, camera.fps),
                            "Test pattern",
                        )
            if camera.audio:
                audio = await self._open_microphone(camera.audio_device, failed, video)
                if audio is None and camera.fallback in ("tone", "both"):
                    audio = (ToneSource(), "Tone 440 Hz")
        if video is None and audio is None:
            if errors:
                raise DeviceError(errors[0].code, "; ".join(e.message for e in errors))
            raise DeviceError(
                ErrorCode.INVALID_ARGUMENT, "The stream would have no video and no audio."
            )
        stream = LocalStream(
            SourceSwitch("video", *video, on_failure=self._on_source_failed) if video else None,
            SourceSwitch("audio", *audio, on_failure=self._on_source_failed) if audio else None,
            errors,
        )
        stream.camera = camera_spec
        if self._closed:  # the engine was destroyed while the devices opened: nobody owns them
            await stream._close()
            raise EngineStateError(ErrorCode.ENGINE_DESTROYED)
        self.streams.append(stream)
        if self._sound_level_interval is not None:
            stream.add_audio_sink(_ignore)
        log.info("created %r", stream)
        return stream

    async def _open_microphone(
        self,
        device: int | str | None,
        failed: Callable[[MediaError, ErrorCode | None], None],
        video: tuple[MediaStreamTrack, str] | None,
    ) -> tuple[MediaStreamTrack, str] | None:
        """The microphone, opened after ``video``: if this is cancelled (the stream will not
        be made), the camera or screen already opened is released too."""
        try:
            process = self.voice.capture_hook()  # #10: echo canceller, noise suppression
            source = await MicrophoneSource.open(device, process=process)
            return source, _microphone_name(device)
        except MediaError as exc:
            failed(exc, None)
            return None
        except asyncio.CancelledError:
            if video is not None:
                video[0].stop()
            raise

    def _on_source_failed(self, switch: SourceSwitch, source: MediaStreamTrack) -> None:
        error = getattr(source, "error", None)
        code = getattr(error, "code", ErrorCode.DEVICE_ERROR)
        log.warning("%s source %r failed: %s", switch.kind, switch.source_name, error)
        self._emit("deviceError", int(code), switch.source_name)

    async def use_video_device(self, stream: LocalStream, device: int | str) -> None:
        video = _video_of(stream)
        await _switch_camera(stream, video, device, video.width or 640, video.height or 480)

    async def use_audio_device(self, stream: LocalStream, device: int | str | None) -> None:
        if stream.audio is None:
            raise DeviceError(ErrorCode.INVALID_STATE, "The stream was created without audio.")
        try:
            process = self.voice.capture_hook()  # #10: echo canceller, noise suppression
            source = await MicrophoneSource.open(device, process=process)
        except MediaError as exc:
            raise_as(DeviceError, exc)
        await stream.audio.replace(source, _microphone_name(device))

    async def enable_video_capture_device(self, stream: LocalStream, enable: bool) -> None:
        video = _video_of(stream)
        if not enable:
            if stream.camera is not None and not video.blank:
                await video.go_blank()
            return
        if stream.camera is None or not video.blank:
            return
        await _switch_camera(stream, video, *stream.camera)

    async def destroy_stream(self, stream: LocalStream) -> None:
        """Release the stream's devices (its publishes are stopped first, by the caller)."""
        await stream._close()
        if stream in self.streams:
            self.streams.remove(stream)

    # ------------------------------------------------------------ the speaker

    def audio_output(self) -> MixerInput | None:
        """A mixer input for a played stream's audio; opens the speaker on first use."""
        if self._config.speaker is False or self._closed:
            return None
        if self._speaker_state == "closed":
            self._speaker_state = "opening"
            self._tasks.spawn(self._open_speaker(), "huddle-speaker")
        return self.mixer.add_input()

    async def use_speaker_device(self, device: int | str | None) -> None:
        self._config.speaker = device
        if self._speaker is not None or self._speaker_state == "failed":
            old, self._speaker = self._speaker, None
            if old is not None:
                old.close()
            self.speaker_delay = None
            self._speaker_state = "opening"
            await self._open_speaker()

    async def _open_speaker(self) -> None:
        device = None if self._config.speaker in (None, True) else self._config.speaker
        try:
            speaker = await Speaker.open(
                device,  # type: ignore[arg-type]
                self.mixer,
                # #10: the echo canceller's reference, and the output delay for lip sync
                played=self._timed(self.voice.speaker_hook(device)),
            )
            if self._closed:  # the engine was destroyed while the device opened
                speaker.close()
                return
            old, self._speaker = self._speaker, speaker
            if old is not None:  # two opens overlapped (a switch while the first opened)
                old.close()
            self._speaker_state = "open"
        except MediaError as exc:
            self._speaker_state = "failed"
            log.warning("no speaker: %s", exc.message)
            self._emit("deviceError", int(exc.code), exc.device or "speaker")

    def _timed(self, hook: BlockHook) -> BlockHook:
        """``hook``, noting the speaker's output delay first (lip sync: audio read now is heard
        that much later). A hook that fails is dropped; the delay is still noted."""
        current = [hook]

        def played(block: Any, delay: float, lost: bool) -> Any:
            self.speaker_delay = delay
            inner = current[0]
            if inner is None:
                return None
            try:
                return inner(block, delay, lost)
            except Exception:
                log.exception("speaker reference failed")
                current[0] = None
                return None

        return played

    # ------------------------------------------------------------ voice processing (#10)

    def audio_stats(self, playbacks: Iterable[Playback]) -> dict[str, Any]:
        """Voice processing, each played stream's jitter buffer and the speaker's underflows."""
        stats = self.voice.stats(playbacks)
        speaker = self._speaker
        stats["speaker_underflows"] = speaker.underflows if speaker else None
        stats["speaker_buffer_ms"] = round(speaker.latency * 1000) if speaker else None
        stats["speaker_realtime"] = speaker.realtime if speaker else None
        return stats

    # ------------------------------------------------------------ sound levels

    def set_sound_level_delegate(self, enabled: bool, interval_ms: int) -> None:
        if enabled:
            if interval_ms < 100:
                raise ValueError(f"interval_ms must be at least 100, got {interval_ms}")
            if self._sound_level_interval is None:
                for stream in self.streams:
                    stream.add_audio_sink(_ignore)  # keeps the level measured before publishing
            self._sound_level_interval = interval_ms / 1000
            if self._sound_level_task is None or self._sound_level_task.done():
                # Off then on again within an interval: the sleeping loop simply carries on.
                self._sound_level_task = self._tasks.spawn(
                    self._sound_level_loop(), "huddle-sound-level"
                )
        else:
            self._sound_level_interval = None
            for stream in self.streams:
                stream.remove_audio_sink(_ignore)

    async def _sound_level_loop(self) -> None:
        while self._sound_level_interval is not None:
            await asyncio.sleep(self._sound_level_interval)
            local = next((s for s in self.streams if s.has_audio), None)
            if local is not None:
                self._emit("capturedSoundLevelUpdate", round(local.sound_level, 1))
            levels = self._stream_levels()
            if levels:
                self._emit("soundLevelUpdate", levels)

    # ------------------------------------------------------------ the end

    async def aclose(self) -> None:
        """Release every local stream's devices and the speaker. Safe to call twice."""
        self._closed = True  # a speaker still opening closes itself when it is open
        self._sound_level_interval = None
        for stream in list(self.streams):
            await stream._close()
        self.streams.clear()
        if self._speaker is not None:
            self._speaker.close()
            self._speaker = None
        self.speaker_delay = None


def _ignore(_frame: object) -> None:
    pass


def _microphone_name(device: int | str | None) -> str:
    return str(device) if device is not None else "Default microphone"


def _video_of(stream: LocalStream) -> SourceSwitch:
    if stream.video is None:
        raise DeviceError(ErrorCode.INVALID_STATE, "The stream was created without video.")
    return stream.video


async def _switch_camera(
    stream: LocalStream,
    video: SourceSwitch,
    device: int | str,
    width: int,
    height: int,
    fps: float = 30.0,
) -> None:
    """Open ``device`` and make it the stream's camera (the old source is released)."""
    try:
        source = await CameraSource.open(device, width, height, fps)
    except MediaError as exc:
        raise_as(DeviceError, exc)
    await video.replace(source, camera_name(device))
    stream.camera = (device, width, height, source.fps)
