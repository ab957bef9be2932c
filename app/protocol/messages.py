"""The signalling schema: every message between the engine and the room service.

Messages are JSON objects tagged by ``"type"``. Client requests carry an ``id`` and get exactly
one reply carrying the same ``id`` (a typed reply, or ``error``). The service also sends events,
which carry no ``id``. ``docs/protocol.md`` walks through an exchange.

Identifiers and payloads are checked by :mod:`app.protocol.limits`, not here: the schema checks
shape and types, the validators check the documented limits and give each its own error code.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from .errors import ErrorCode
from .limits import ProtocolError

UpdateType = Literal["ADD", "DELETE"]
SignalKind = Literal["offer", "answer", "candidate", "end_of_candidates"]
MediaMode = Literal["p2p", "sfu"]
"""How a room's media flows: peer to peer between clients, or through the SFU (Janus)."""
MediaPeer = Literal["user", "sfu"]
"""The other end of a media session: another user, or the SFU."""


class _Message(msgspec.Struct, kw_only=True, tag_field="type", omit_defaults=True):
    pass


# ---------------------------------------------------------------- shared payloads


class UserInfo(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    user_name: str = ""


class StreamInfo(msgspec.Struct, kw_only=True):
    stream_id: str
    user: UserInfo
    extra_info: str = ""
    video: bool = True
    """Whether the stream carries a video track at all."""
    audio: bool = True
    video_muted: bool = False
    """The publisher turned its camera off; the track stays, frames are black."""
    audio_muted: bool = False


class IceServer(msgspec.Struct, kw_only=True, omit_defaults=True):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceCandidate(msgspec.Struct, kw_only=True):
    candidate: str
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


class ChatMessage(msgspec.Struct, kw_only=True):
    message_id: int
    from_user: UserInfo
    message: str
    send_time: int
    """Milliseconds since the Unix epoch, by the service's clock."""


# ---------------------------------------------------------------- client -> service requests


class Publication(msgspec.Struct, kw_only=True):
    """A stream the client still publishes, re-announced at login (see ``Login``)."""

    stream_id: str
    extra_info: str = ""
    video: bool = True
    audio: bool = True
    video_muted: bool = False
    audio_muted: bool = False


class HeldPlay(msgspec.Struct, kw_only=True):
    """A play session whose peer connection the client still holds, re-announced at login."""

    session_id: str
    stream_id: str
    role: Literal["publisher", "player"]
    """This client's end of it."""
    peer_user_id: str
    """The user at the other end."""


class Login(_Message, tag="login", kw_only=True):
    id: int
    version: int
    app_id: int
    room_id: str
    user_id: str
    user_name: str = ""
    token: str
    user_update: bool = False
    """Receive ``user_update`` events for this room (the seed's ``userUpdate``)."""
    media: MediaMode | None = None
    """The media mode the client prefers for a room it creates; the room's mode is fixed by
    whoever creates it (and what the service offers), and ``login_ok`` names it."""
    resume_token: str = ""
    """From an earlier ``login_ok``: get that session back if the service still keeps it."""
    publications: list[Publication] = []
    """What the client still publishes; a service that does not know the session (it
    restarted) takes these as published, without a new negotiation."""
    plays: list[HeldPlay] = []
    """The play sessions the client still holds, likewise; one is back once both its ends
    announced it."""


class Logout(_Message, tag="logout", kw_only=True):
    id: int


class Heartbeat(_Message, tag="heartbeat", kw_only=True):
    id: int


class Publish(_Message, tag="publish", kw_only=True):
    id: int
    stream_id: str
    extra_info: str = ""
    video: bool = True
    audio: bool = True
    video_muted: bool = False
    audio_muted: bool = False


class Unpublish(_Message, tag="unpublish", kw_only=True):
    id: int
    stream_id: str


class UpdateStream(_Message, tag="update_stream", kw_only=True):
    """Change a published stream's extra info or mute marks; omitted fields stay."""

    id: int
    stream_id: str
    extra_info: str | None = None
    video_muted: bool | None = None
    audio_muted: bool | None = None


class Play(_Message, tag="play", kw_only=True):
    id: int
    stream_id: str


class StopPlay(_Message, tag="stop_play", kw_only=True):
    id: int
    session_id: str


class Signal(_Message, tag="signal", kw_only=True):
    """SDP or ICE for the other end of a play session; the service relays it unchanged."""

    id: int
    session_id: str
    kind: SignalKind
    sdp: str | None = None
    candidate: IceCandidate | None = None


class SendBroadcast(_Message, tag="send_broadcast", kw_only=True):
    id: int
    message: str


class SendBarrage(_Message, tag="send_barrage", kw_only=True):
    id: int
    message: str


class SendCustomCommand(_Message, tag="send_custom_command", kw_only=True):
    id: int
    command: str
    to_user_ids: list[str] = []
    """Recipients in the room; empty means everyone else in the room."""


ClientMessage = (
    Login
    | Logout
    | Heartbeat
    | Publish
    | Unpublish
    | UpdateStream
    | Play
    | StopPlay
    | Signal
    | SendBroadcast
    | SendBarrage
    | SendCustomCommand
)

# ---------------------------------------------------------------- service -> client replies


class Ok(_Message, tag="ok", kw_only=True):
    id: int


class LoginOk(_Message, tag="login_ok", kw_only=True):
    id: int
    session_id: str
    room_id: str
    user: UserInfo
    users: list[UserInfo]
    """Everyone else in the room."""
    streams: list[StreamInfo]
    """Every stream published in the room."""
    heartbeat_interval: float
    """Seconds between heartbeats; the session is dropped after a few are missed."""
    ice_servers: list[IceServer] = []
    server_time: int = 0
    media: MediaMode = "p2p"
    """The room's media mode: ``p2p`` (publishers send to each player) or ``sfu`` (one uplink
    per stream to the SFU, one downlink per play from it)."""
    resume_token: str = ""
    """Present with this at the next login to get this session back after a disconnection."""
    resume_grace: float = 0.0
    """Seconds the service keeps a disconnected session (its streams, its play sessions)."""
    resumed: bool = False
    """The earlier session is back: same ID, streams and play sessions; the events missed
    meanwhile follow this reply, in order; ``users`` and ``streams`` are as they are now."""
    publications: list[str] = []
    """Which re-announced publications the service took (or, resumed, still had)."""
    plays: list[str] = []
    """Which re-announced play sessions the service kept (or, resumed, still had)."""


class HeartbeatAck(_Message, tag="heartbeat_ack", kw_only=True):
    id: int
    server_time: int


class PlayOk(_Message, tag="play_ok", kw_only=True):
    id: int
    session_id: str
    stream: StreamInfo


class MessageAck(_Message, tag="message_ack", kw_only=True):
    id: int
    message_id: int


class Error(_Message, tag="error", kw_only=True):
    id: int | None = None
    """The request's id; absent when the frame was too broken to read one."""
    code: int
    name: str
    message: str

    @classmethod
    def of(cls, code: ErrorCode, message: str | None = None, id: int | None = None) -> Error:
        return cls(id=id, code=int(code), name=code.name, message=message or code.message)


# ---------------------------------------------------------------- service -> client events


class UserUpdate(_Message, tag="user_update", kw_only=True):
    room_id: str
    update_type: UpdateType
    users: list[UserInfo]


class StreamUpdate(_Message, tag="stream_update", kw_only=True):
    room_id: str
    update_type: UpdateType
    streams: list[StreamInfo]


class StreamInfoUpdate(_Message, tag="stream_info_update", kw_only=True):
    """A published stream's extra info or mute marks changed; carries the whole new info."""

    room_id: str
    streams: list[StreamInfo]


class Kickout(_Message, tag="kickout", kw_only=True):
    room_id: str
    code: int
    name: str
    message: str


class PlayRequest(_Message, tag="play_request", kw_only=True):
    """To a publisher: open a media session for this stream and send an offer on it.

    The other end is ``peer``: a player (``"user"``, named in ``player``; peer to peer), or the
    SFU (``"sfu"``, no ``player``: the stream's one uplink, asked for once per publish).
    """

    session_id: str
    stream_id: str
    player: UserInfo | None = None
    peer: MediaPeer = "user"


class RelayedSignal(_Message, tag="signal", kw_only=True):
    session_id: str
    kind: SignalKind
    sdp: str | None = None
    candidate: IceCandidate | None = None


class SessionClosed(_Message, tag="session_closed", kw_only=True):
    """The other end of a play session went away; tear the peer connection down."""

    session_id: str
    stream_id: str
    code: int
    name: str
    message: str


class BroadcastMessage(_Message, tag="broadcast_message", kw_only=True):
    room_id: str
    messages: list[ChatMessage]


class BarrageMessage(_Message, tag="barrage_message", kw_only=True):
    room_id: str
    messages: list[ChatMessage]


class CustomCommand(_Message, tag="custom_command", kw_only=True):
    room_id: str
    from_user: UserInfo
    command: str


ServerReply = Ok | LoginOk | HeartbeatAck | PlayOk | MessageAck | Error
ServerEvent = (
    UserUpdate
    | StreamUpdate
    | StreamInfoUpdate
    | Kickout
    | PlayRequest
    | RelayedSignal
    | SessionClosed
    | BroadcastMessage
    | BarrageMessage
    | CustomCommand
)
ServerMessage = ServerReply | ServerEvent

# ---------------------------------------------------------------- encoding


class DecodeError(ProtocolError):
    """A frame could not be read as a message; ``request_id`` is set when one was readable."""

    def __init__(self, code: ErrorCode, message: str, request_id: int | None) -> None:
        super().__init__(code, message)
        self.request_id = request_id


_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientMessage)
_server_decoder = msgspec.json.Decoder(ServerMessage)
_CLIENT_TAGS = frozenset(t.__struct_config__.tag for t in ClientMessage.__args__)
_SERVER_TAGS = frozenset(t.__struct_config__.tag for t in ServerMessage.__args__)


def encode(message: _Message) -> bytes:
    """The JSON bytes of one message."""
    return _encoder.encode(message)


def _diagnose(data: bytes | str, known_tags: frozenset[str], error: Exception) -> DecodeError:
    """Turn a failed typed decode into the most specific error code we can name."""
    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        return DecodeError(ErrorCode.NOT_JSON, f"{ErrorCode.NOT_JSON.message} {exc}", None)
    if not isinstance(raw, dict):
        return DecodeError(
            ErrorCode.BAD_MESSAGE, "A message must be a JSON object with a 'type'.", None
        )
    request_id = raw.get("id")
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        request_id = None
    kind = raw.get("type")
    if not isinstance(kind, str):
        return DecodeError(
            ErrorCode.BAD_MESSAGE, "A message must have a string 'type'.", request_id
        )
    if kind not in known_tags:
        shown = kind if len(kind) <= 40 else kind[:37] + "..."
        return DecodeError(
            ErrorCode.UNKNOWN_TYPE,
            f"{ErrorCode.UNKNOWN_TYPE.message} Got type {shown!r}.",
            request_id,
        )
    return DecodeError(
        ErrorCode.BAD_MESSAGE, f"{ErrorCode.BAD_MESSAGE.message} {error}", request_id
    )


def decode_client(data: bytes | str) -> ClientMessage:
    """Read a client frame; raises :class:`DecodeError` with a specific code."""
    try:
        return _client_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise _diagnose(data, _CLIENT_TAGS, exc) from None


def decode_server(data: bytes | str) -> ServerMessage:
    """Read a service frame; raises :class:`DecodeError` with a specific code."""
    try:
        return _server_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise _diagnose(data, _SERVER_TAGS, exc) from None
