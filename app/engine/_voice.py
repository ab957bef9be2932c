"""The engine's voice: one audio processor shared by its microphone and its speaker.

``_local_media.LocalMedia`` calls ``capture_hook()`` when it opens a microphone and
``speaker_hook(device)`` when it opens a speaker; the engine's switches (``enable_aec`` and the
rest) land in ``configure``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from app.media.audio import BlockHook, audio_devices
from app.protocol.errors import ErrorCode

from . import _aiortc_seams as seams
from ._apm import AudioProcessor, looks_like_headset
from .config import EngineConfig

if TYPE_CHECKING:
    from ._player import Playback

log = logging.getLogger("huddle.engine")


class Voice:
    def __init__(
        self, config: EngineConfig, on_error: Callable[[int, str], None] | None = None
    ) -> None:
        self.config = config
        self._on_error = on_error
        self._reported = False
        self._processor: AudioProcessor | None = None
        self._speaker_name = ""
        if config.opus_fec:
            seams.advertise_opus_fec()  # our answers ask publishers for FEC

    def _headset(self) -> bool:
        if self.config.headset is not None:
            return self.config.headset
        return looks_like_headset(self._speaker_name)

    def processor(self) -> AudioProcessor:
        if self._processor is None:
            config = self.config
            self._processor = AudioProcessor(
                aec=config.enable_aec,
                ans=config.enable_ans,
                agc=config.enable_agc,
                headset=self._headset(),
            )
        return self._processor

    def capture_hook(self) -> BlockHook:
        """What a microphone's blocks go through (built on first use). Says once, as a
        ``deviceError``, when the processing asked for cannot run."""
        processor = self.processor()
        if processor.unavailable and not self._reported and self._on_error is not None:
            self._reported = True
            self._on_error(int(ErrorCode.AUDIO_PROCESSING_UNAVAILABLE), "microphone")
        return processor.capture

    def speaker_hook(self, device: int | str | None) -> BlockHook:
        """What sees every block a speaker plays; notes whether the speaker is a headset."""
        outputs = audio_devices("output")
        chosen = [
            d
            for d in outputs
            if (device is None and d.is_default)
            or d.index == device
            or (isinstance(device, str) and device.lower() in d.name.lower())
        ]
        self._speaker_name = chosen[0].name if chosen else str(device or "")
        processor = self.processor()
        if self.config.headset is None and processor.headset != self._headset():
            processor.configure(headset=self._headset())
        return processor.render  # type: ignore[return-value]

    def configure(self, **switches: bool | None) -> None:
        names = {"aec": "enable_aec", "ans": "enable_ans", "agc": "enable_agc"}
        for key, value in switches.items():
            setattr(self.config, names.get(key, key), value)
        if self._processor is not None:
            self._processor.configure(
                aec=self.config.enable_aec,
                ans=self.config.enable_ans,
                agc=self.config.enable_agc,
                headset=self._headset(),
            )

    def stats(self, playbacks: Iterable[Playback]) -> dict[str, Any]:
        played = {}
        for playback in playbacks:
            buffer = playback.audio_buffer
            if buffer is not None:
                played[playback.stream_id] = {
                    **buffer.stats,
                    "target_ms": round(buffer.target_ms, 1),
                    "level_ms": round(buffer.level_ms, 1),
                }
        processor = self._processor
        return {"processing": processor.stats() if processor else None, "played": played}
