"""The Huddle engine: an Express-style SDK for rooms, streams and messages over WebRTC.

engine = Engine(app_id, "ws://127.0.0.1:8765/ws")
engine.on("roomStreamUpdate", on_stream_update)
await engine.login_room("standup", token, User("alice", "Alice"), RoomConfig(user_update=True))
stream = await engine.create_stream()
await engine.start_publishing_stream("alice-cam", stream)
remote = await engine.start_playing_stream("bob-cam")
"""

from app.media.devices import DeviceInfo
from app.protocol.errors import ErrorCode

from .config import (
    CameraConfig,
    CustomConfig,
    EngineConfig,
    IceServerConfig,
    PublishOptions,
    RoomConfig,
    ScreenConfig,
)
from .data import (
    ChatMessage,
    DeviceLists,
    DeviceStatus,
    PlayerState,
    PlayerStateResult,
    PublisherState,
    PublisherStateResult,
    QualityLevel,
    RoomState,
    RoomStateReason,
    SoundLevel,
    StreamInfo,
    StreamQuality,
    SystemRequirements,
    UpdateType,
    User,
)
from .engine import Engine
from .errors import (
    DeviceError,
    EngineStateError,
    HuddleError,
    LoginError,
    MessageError,
    PlayError,
    PublishError,
    RequestTimeoutError,
    ServerConnectionError,
)
from .events import EVENT_NAMES, EventName
from .streams import LocalStream, RemoteStream

__all__ = [
    "EVENT_NAMES",
    "CameraConfig",
    "ChatMessage",
    "CustomConfig",
    "DeviceError",
    "DeviceInfo",
    "DeviceLists",
    "DeviceStatus",
    "Engine",
    "EngineConfig",
    "EngineStateError",
    "ErrorCode",
    "EventName",
    "HuddleError",
    "IceServerConfig",
    "LocalStream",
    "LoginError",
    "MessageError",
    "PlayError",
    "PlayerState",
    "PlayerStateResult",
    "PublishError",
    "PublishOptions",
    "PublisherState",
    "PublisherStateResult",
    "QualityLevel",
    "RemoteStream",
    "RequestTimeoutError",
    "RoomConfig",
    "RoomState",
    "RoomStateReason",
    "ScreenConfig",
    "ServerConnectionError",
    "SoundLevel",
    "StreamInfo",
    "StreamQuality",
    "SystemRequirements",
    "UpdateType",
    "User",
]
