"""Documented limits and the validators both ends run at their edge.

The service checks every identifier and payload it is sent; the engine runs the same checks
before it sends, so a bad value fails at once with the same code it would get from the service.
The limits follow ZEGO Express where it publishes them (IDs, message size, message rates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec

from .errors import CodedError, ErrorCode

PROTOCOL_VERSION = 1
"""Bumped when a message changes incompatibly; the service refuses other versions."""

MAX_FRAME_BYTES = 64 * 1024
"""Largest WebSocket frame the service reads as a message; larger ones get FRAME_TOO_LARGE."""
HARD_FRAME_BYTES = 1024 * 1024
"""Largest frame the service accepts at all; beyond this the socket is closed (1009)."""

MAX_ROOM_ID_BYTES = 128
MAX_USER_ID_BYTES = 64
MAX_USER_NAME_BYTES = 256
MAX_STREAM_ID_CHARS = 256
MAX_MESSAGE_BYTES = 1024
MAX_EXTRA_INFO_BYTES = 1024
MAX_RECIPIENTS = 100
MAX_STREAMS_PER_USER = 8
MAX_PLAYS_HELD = 64
"""Play sessions one login may re-announce (``Login.plays``)."""
MAX_USERS_PER_ROOM = 500


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` events in any window of ``window`` seconds."""

    count: int
    window: float = 1.0


BROADCAST_PER_ROOM = RateLimit(10)
BROADCAST_PER_USER = RateLimit(2)
BARRAGE_PER_ROOM = RateLimit(20)
CUSTOM_COMMAND_PER_ROOM = RateLimit(200)

FRAMES_PER_CONNECTION = RateLimit(400)
"""Any frames at all from one connection; beyond it each frame is answered RATE_LIMITED."""
STRIKES_BEFORE_DISCONNECT = RateLimit(50, window=10.0)
"""Error replies (bad frames, rate-limited frames) a connection may earn before it is closed."""


def request_id_of(data: bytes | str) -> int | None:
    """The ``id`` of a frame the service will not handle (too large, over the rate), when it
    can be read, so the refusal answers the request instead of leaving it to time out."""
    try:
        value = _id_decoder.decode(data).id
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _IdOnly(msgspec.Struct):
    id: int | None = None


_id_decoder = msgspec.json.Decoder(_IdOnly)


class ProtocolError(CodedError):
    """A request broke the protocol or a limit; carries the code the peer is told."""


# ZEGO's ID alphabet: letters, digits and these symbols, no spaces.
_ID_RE = re.compile(r"[A-Za-z0-9~!@#$%^&*()_+=\-`;',.<>/\\]+")
_STREAM_ID_RE = re.compile(r"[A-Za-z0-9_\-]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _utf8_len(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _fail(code: ErrorCode, what: str, value: object) -> ProtocolError:
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return ProtocolError(code, f"{code.message} Got {what} {shown}.")


def check_room_id(room_id: str) -> str:
    if not isinstance(room_id, str) or not (
        0 < _utf8_len(room_id) <= MAX_ROOM_ID_BYTES and _ID_RE.fullmatch(room_id)
    ):
        raise _fail(ErrorCode.ROOM_ID_INVALID, "room ID", room_id)
    return room_id


def check_user_id(user_id: str) -> str:
    if not isinstance(user_id, str) or not (
        0 < _utf8_len(user_id) <= MAX_USER_ID_BYTES and _ID_RE.fullmatch(user_id)
    ):
        raise _fail(ErrorCode.USER_ID_INVALID, "user ID", user_id)
    return user_id


def check_user_name(user_name: str) -> str:
    if not isinstance(user_name, str) or (
        _utf8_len(user_name) > MAX_USER_NAME_BYTES or _CONTROL_RE.search(user_name)
    ):
        raise _fail(ErrorCode.USER_NAME_INVALID, "user name", user_name)
    return user_name


def check_stream_id(stream_id: str) -> str:
    if not isinstance(stream_id, str) or not (
        0 < len(stream_id) <= MAX_STREAM_ID_CHARS and _STREAM_ID_RE.fullmatch(stream_id)
    ):
        raise _fail(ErrorCode.STREAM_ID_INVALID, "stream ID", stream_id)
    return stream_id


def check_message(message: str) -> str:
    if not isinstance(message, str) or not (0 < _utf8_len(message) <= MAX_MESSAGE_BYTES):
        size = _utf8_len(message) if isinstance(message, str) else message
        raise ProtocolError(
            ErrorCode.MESSAGE_INVALID, f"{ErrorCode.MESSAGE_INVALID.message} Got {size} bytes."
        )
    return message


def check_extra_info(extra_info: str) -> str:
    if not isinstance(extra_info, str) or _utf8_len(extra_info) > MAX_EXTRA_INFO_BYTES:
        size = _utf8_len(extra_info) if isinstance(extra_info, str) else extra_info
        raise ProtocolError(
            ErrorCode.EXTRA_INFO_INVALID,
            f"{ErrorCode.EXTRA_INFO_INVALID.message} Got {size} bytes.",
        )
    return extra_info


def check_recipients(user_ids: list[str]) -> list[str]:
    if len(user_ids) > MAX_RECIPIENTS:
        raise ProtocolError(
            ErrorCode.RECIPIENTS_INVALID,
            f"{ErrorCode.RECIPIENTS_INVALID.message} Got {len(user_ids)} user IDs.",
        )
    for user_id in user_ids:
        try:
            check_user_id(user_id)
        except ProtocolError:
            raise _fail(ErrorCode.RECIPIENTS_INVALID, "user ID", user_id) from None
    return user_ids


class CloseCode:
    """WebSocket close codes the service uses; 4xxx are Huddle's own."""

    NORMAL = 1000
    GOING_AWAY = 1001
    """The service is shutting down; clients reconnect."""
    POLICY_VIOLATION = 1008
    """Flooding; clients do not reconnect at once."""
    MESSAGE_TOO_BIG = 1009
    KICKED = 4001
    """Another session logged in with the same user ID; clients do not reconnect."""
    HEARTBEAT_TIMEOUT = 4002
    TOO_SLOW = 4003
    """The client did not read its messages; what waited for it passed the byte budget."""
    LOGIN_TIMEOUT = 4014
    """The connection did not log in to a room in time."""
