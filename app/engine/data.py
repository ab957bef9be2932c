"""The engine's public data: states with the seed's values, and what events carry."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from app.media.devices import DeviceInfo
from app.protocol import messages as m


class RoomStateReason(enum.StrEnum):
    """The ``reason`` of ``roomStateChanged``: the seed's nine values."""

    LOGINING = "LOGINING"
    LOGINED = "LOGINED"
    LOGIN_FAILED = "LOGIN_FAILED"
    RECONNECTING = "RECONNECTING"
    RECONNECTED = "RECONNECTED"
    RECONNECT_FAILED = "RECONNECT_FAILED"
    KICKOUT = "KICKOUT"
    LOGOUT = "LOGOUT"
    LOGOUT_FAILED = "LOGOUT_FAILED"


class RoomState(enum.StrEnum):
    """Where the engine's room connection is now."""

    DISCONNECTED = "DISCONNECTED"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    RECONNECTING = "RECONNECTING"


class UpdateType(enum.StrEnum):
    ADD = "ADD"
    DELETE = "DELETE"


class PublisherState(enum.StrEnum):
    NO_PUBLISH = "NO_PUBLISH"
    PUBLISH_REQUESTING = "PUBLISH_REQUESTING"
    PUBLISHING = "PUBLISHING"


class PlayerState(enum.StrEnum):
    NO_PLAY = "NO_PLAY"
    PLAY_REQUESTING = "PLAY_REQUESTING"
    PLAYING = "PLAYING"


class DeviceStatus(enum.StrEnum):
    """A remote stream's camera or microphone, as ``remoteCameraStatusUpdate`` reports it."""

    OPEN = "OPEN"
    MUTE = "MUTE"


class QualityLevel(enum.IntEnum):
    """How good a stream's network is; see ``app/engine/quality.py`` for the thresholds."""

    EXCELLENT = 0
    GOOD = 1
    MEDIUM = 2
    BAD = 3
    DIE = 4
    UNKNOWN = -1


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    user_name: str = ""

    @classmethod
    def _from_wire(cls, info: m.UserInfo) -> User:
        return cls(info.user_id, info.user_name)


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """A stream published in the room (the seed's ``streamList`` items)."""

    stream_id: str
    user: User
    extra_info: str = ""
    video: bool = True
    audio: bool = True
    video_muted: bool = False
    audio_muted: bool = False

    @classmethod
    def _from_wire(cls, info: m.StreamInfo) -> StreamInfo:
        return cls(
            stream_id=info.stream_id,
            user=User._from_wire(info.user),
            extra_info=info.extra_info,
            video=info.video,
            audio=info.audio,
            video_muted=info.video_muted,
            audio_muted=info.audio_muted,
        )


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A broadcast or barrage message (the seed's ``chatData`` items)."""

    message_id: int
    from_user: User
    message: str
    send_time: int
    """Milliseconds since the Unix epoch, by the room service's clock."""

    @classmethod
    def _from_wire(cls, chat: m.ChatMessage) -> ChatMessage:
        return cls(chat.message_id, User._from_wire(chat.from_user), chat.message, chat.send_time)


@dataclass(frozen=True, slots=True)
class PublisherStateResult:
    """What ``publisherStateUpdate`` carries (the seed's ``result``)."""

    state: PublisherState
    stream_id: str
    error_code: int = 0
    extended_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlayerStateResult:
    """What ``playerStateUpdate`` carries."""

    state: PlayerState
    stream_id: str
    error_code: int = 0
    extended_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StreamQuality:
    """What ``publishQualityUpdate`` and ``playQualityUpdate`` carry, every few seconds."""

    stream_id: str
    width: int = 0
    height: int = 0
    fps: float = 0.0
    """Frames captured (publishing) or decoded (playing) per second over the last interval."""
    video_kbps: float = 0.0
    audio_kbps: float = 0.0
    packet_loss: float = 0.0
    """Fraction of packets lost over the last interval, 0 to 1."""
    rtt_ms: float | None = None
    jitter_ms: float | None = None
    level: QualityLevel = QualityLevel.UNKNOWN
    peers: int = 0
    """Players connected (publishing) or 1 while connected (playing)."""
    frames: int = 0
    """Frames captured or decoded since the start."""
    codec: str = ""
    """The video codec in use: VP8 or H264."""
    av_timestamp_diff_ms: float | None = None
    """Playing: when the voice is heard less when the matching picture is shown, in ms
    (Express ``avTimestampDiff``): positive when the voice comes after the lips. None when it
    cannot be known: no audio or no video, no sender report yet, no speaker, or muted."""


@dataclass(frozen=True, slots=True)
class SoundLevel:
    """One entry of ``soundLevelUpdate``: a stream's loudness, 0 to 100."""

    stream_id: str
    sound_level: float
    type: Literal["push", "pull"]


@dataclass(frozen=True, slots=True)
class SystemRequirements:
    """What ``check_system_requirements()`` found, from real probes of this machine."""

    web_rtc: bool
    custom_capture: bool
    camera: bool
    microphone: bool
    video_codec: dict[str, bool]
    screen_sharing: bool
    err_info: dict[str, str]
    audio_processing: bool = False
    """Echo cancellation and noise suppression (WebRTC's APM) can run here (Huddle's own)."""

    def to_dict(self) -> dict[str, Any]:
        """The seed's field names: webRTC, customCapture, camera, microphone, videoCodec, …"""
        return {
            "webRTC": self.web_rtc,
            "customCapture": self.custom_capture,
            "camera": self.camera,
            "microphone": self.microphone,
            "videoCodec": dict(self.video_codec),
            "screenSharing": self.screen_sharing,
            "audioProcessing": self.audio_processing,
            "errInfo": dict(self.err_info),
        }


@dataclass(frozen=True, slots=True)
class DeviceLists:
    """What ``enum_devices()`` found."""

    cameras: list[DeviceInfo]
    microphones: list[DeviceInfo]
    speakers: list[DeviceInfo]
