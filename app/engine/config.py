"""Options for the engine, a room login, a local stream and a publish."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from aiortc.mediastreams import MediaStreamTrack

VideoCodec = Literal["VP8", "H264"]
SUPPORTED_CODECS: tuple[VideoCodec, ...] = ("VP8", "H264")


@dataclass(kw_only=True)
class IceServerConfig:
    urls: list[str]
    username: str | None = None
    credential: str | None = None


@dataclass(kw_only=True)
class EngineConfig:
    ice_servers: list[IceServerConfig] | None = None
    """STUN/TURN servers. None: use what the room service hands out at login (none unless its
    operator configured some). Never a public server by default."""
    host_addresses: list[str] | None = None
    """Gather ICE host candidates only on these local addresses (``["127.0.0.1"]`` keeps every
    packet on loopback). None: every address but loopback, aioice's default."""
    request_timeout: float = 10.0
    """Seconds to wait for the room service to answer a request."""
    reconnect_timeout: float = 90.0
    """Seconds to keep trying to reconnect before RECONNECT_FAILED."""
    reconnect_backoff: tuple[float, float] = (0.2, 5.0)
    """First and longest wait between reconnect attempts (doubling, with jitter)."""
    play_timeout: float = 15.0
    """Seconds for a play to get its first frame before it is retried."""
    quality_interval: float = 3.0
    """Seconds between publishQualityUpdate / playQualityUpdate events."""
    speaker: int | str | bool | None = None
    """Where played audio goes: None for the default device, an index or name, or False for
    nowhere (a headless bot)."""
    jitter_buffer: Literal["frame", "stock"] = "frame"
    """Video jitter buffer: "frame" releases each frame as soon as it is complete (Huddle's);
    "stock" is aiortc's, which waits for the next frame to begin (~33 ms more at 30 fps)."""
    audio_jitter_buffer: Literal["adaptive", "stock"] = "adaptive"
    """Audio playout: "adaptive" is Huddle's (the speaker pulls from a buffer sized by the
    measured jitter, with Opus loss concealment and FEC); "stock" is aiortc's fixed 80 ms
    buffer feeding the mixer."""
    enable_aec: bool = True
    """Acoustic echo cancellation on the microphone, with the speaker as reference (ZEGO
    Express ``enableAEC``). Skipped while ``headset`` says a headset is in use."""
    enable_ans: bool = True
    """Noise suppression on the microphone (Express ``enableANS``)."""
    enable_agc: bool = False
    """Automatic gain control on the microphone (Express ``enableAGC``)."""
    headset: bool | None = None
    """A headset is in use, so the speaker cannot be heard by the microphone and echo
    cancellation is skipped. None: guess from the speaker's name."""
    opus_fec: bool = True
    """Opus in-band forward error correction: each packet also carries a coarse copy of the
    one before, which the receiver uses when that one is lost (``useinbandfec=1``). The encoder
    plans it for the loss the players report (none on a clean path: all the bitrate to the
    voice)."""
    opus_dtx: bool = False
    """Opus discontinuous transmission: while the microphone hears silence, a packet every
    400 ms instead of every 20 ms (less traffic; the far end plays comfort noise). Off by
    default: the silence then sounds like the room, not like a line gone dead."""
    media_mode: Literal["p2p", "sfu"] | None = None
    """The media mode asked for when this engine creates a room: "p2p" (each player gets its
    own copy from the publisher) or "sfu" (each stream goes once to the service's SFU). None:
    the service's default. The room's mode is fixed by whoever creates it; ``Engine.media_mode``
    says which it is."""
    ca_file: str | None = None
    """PEM file of the certificate authority (or the self-signed certificate) that signed a
    ``wss://`` service's certificate. None: the system's trusted authorities."""
    local_service_secret: bytes | None = field(default=None, repr=False)
    """The secret of this computer's room service. When set, the engine connects only after
    the service proves it holds this secret (a challenge on ``/proof``), so a program that
    took the port first receives no token (LOCAL_SERVICE_UNPROVEN)."""
    _encode_per_player: bool = False
    """Private, for benchmarks: encode each player's copy of a published stream separately,
    as before one encode per stream (``app/engine/_encoder.py``)."""
    av_sync: bool = True
    """Lip sync: present each played stream's picture and voice together, from the sender's
    RTCP reports (pictures are held for a voice that is behind, at most 300 ms; the voice for
    a picture that is behind, at most 150 ms). Off: nothing is held, and the offset is still
    measured and reported (``StreamQuality.av_timestamp_diff_ms``)."""
    playout_delay: bool = False
    """Hold complete frames so they leave evenly when the path's delay varies, by about twice
    the measured variation (``jitterbuffer.PlayoutDelay``; none below 5 ms of variation). Off
    by default: it trades latency for evenness, and on a busy machine CPU contention alone
    looks like 40 ms of jitter (measured with ``benchmarks/netcond.py``)."""

    def __post_init__(self) -> None:
        if self.media_mode not in (None, "p2p", "sfu"):
            raise ValueError(f"media_mode must be 'p2p', 'sfu' or None, got {self.media_mode!r}")
        if self.audio_jitter_buffer not in ("adaptive", "stock"):
            raise ValueError(
                "audio_jitter_buffer must be 'adaptive' or 'stock', "
                f"got {self.audio_jitter_buffer!r}"
            )
        if self.jitter_buffer not in ("frame", "stock"):
            raise ValueError(
                f"jitter_buffer must be 'frame' or 'stock', got {self.jitter_buffer!r}"
            )
        for name in ("request_timeout", "reconnect_timeout", "play_timeout", "quality_interval"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


@dataclass(kw_only=True)
class RoomConfig:
    user_update: bool = False
    """Receive roomUserUpdate (the seed's ``userUpdate``)."""


@dataclass(kw_only=True)
class CameraConfig:
    """A camera and microphone stream (the seed's default ``createZegoStream()``)."""

    video: bool = True
    audio: bool = True
    video_device: int | str | None = None
    """Camera index, device path, or a video file/URL OpenCV opens. None: the first camera."""
    audio_device: int | str | None = None
    """Microphone index or name. None: the default microphone."""
    width: int = 640
    height: int = 480
    fps: float = 30.0
    fallback: Literal["pattern", "tone", "both"] | None = None
    """What to send instead when a device is missing: the synthetic pattern and/or tone."""


@dataclass(kw_only=True)
class ScreenConfig:
    monitor: int = 1
    fps: float = 10.0
    max_width: int = 1920
    audio: bool = False
    """Also capture the microphone."""


@dataclass(kw_only=True)
class CustomConfig:
    """Your own sources: tracks, a media file, or the synthetic pattern and tone."""

    video: MediaStreamTrack | Literal["pattern"] | None = None
    audio: MediaStreamTrack | Literal["tone"] | None = None
    file: str | Path | None = None
    """A media file played (looping) as the stream's video and audio."""
    width: int = 640
    height: int = 480
    fps: float = 30.0
    tone_hz: float = 440.0
    label: str = ""
    """Text drawn on the pattern."""


@dataclass(kw_only=True)
class PublishOptions:
    video_codec: VideoCodec = "VP8"
    max_bitrate_kbps: int | None = None
    """Cap the video bitrate (the receivers' estimate still lowers it). None: by the size sent,
    as ZEGO's presets: up to 320x240 300 kbps, 640x480 800, 1280x720 1500, larger 3000."""
    extra_info: str = ""
    """Stream extra info other users see (≤ 1024 bytes)."""
    fps: float | None = None
    """Send at most this many frames a second (below the capture rate)."""
    width: int | None = None
    height: int | None = None
    """Scale frames to this size before encoding."""

    def __post_init__(self) -> None:
        if self.video_codec not in SUPPORTED_CODECS:
            raise ValueError(
                f"video_codec must be one of {SUPPORTED_CODECS}, got {self.video_codec!r}"
            )
        if (self.width is None) != (self.height is None):
            raise ValueError("give both width and height, or neither")
        if self.max_bitrate_kbps is not None and self.max_bitrate_kbps < 50:
            raise ValueError(f"max_bitrate_kbps must be at least 50, got {self.max_bitrate_kbps}")


def default_bitrate_kbps(width: int, height: int) -> int:
    """The video bitrate cap for a size, after ZEGO Express's quality presets.

    Without a cap, aiortc follows the receiver's estimate up to its codec maximum, and each
    change of more than 10 % rebuilds the encoder with a new keyframe: on a fast network that
    happened every two seconds and cost ~20 % more encoding time for no visible gain.
    """
    pixels = width * height
    if pixels <= 320 * 240:
        return 300
    if pixels <= 640 * 480:
        return 800
    if pixels <= 1280 * 720:
        return 1500
    return 3000
