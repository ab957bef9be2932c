"""The signalling protocol shared by the room service and the engine: schema, errors, limits."""

from .errors import ErrorCode
from .limits import PROTOCOL_VERSION, ProtocolError
from .messages import (
    ChatMessage,
    ClientMessage,
    DecodeError,
    IceCandidate,
    IceServer,
    ServerMessage,
    StreamInfo,
    UserInfo,
    decode_client,
    decode_server,
    encode,
)

__all__ = [
    "PROTOCOL_VERSION",
    "ChatMessage",
    "ClientMessage",
    "DecodeError",
    "ErrorCode",
    "IceCandidate",
    "IceServer",
    "ProtocolError",
    "ServerMessage",
    "StreamInfo",
    "UserInfo",
    "decode_client",
    "decode_server",
    "encode",
]
