"""Every error a Huddle user can meet, in one table shared by the service and the engine.

Codes are grouped by where they arise:

====  =========================================================
1xxx  the wire: malformed frames, order of requests, flooding
11xx  identifiers and payloads that break a documented limit
2xxx  tokens
3xxx  rooms and sessions
4xxx  publishing
5xxx  playing
6xxx  the media server (the SFU, Janus)
7xxx  devices and media (raised by the engine, never on the wire)
8xxx  the engine's connection and state (raised by the engine)
====  =========================================================

``docs/errors.md`` is generated from this table (``python -m app.protocol > docs/errors.md``)
and a test keeps the two in step.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.IntEnum):
    """A numbered failure with a default sentence (``ErrorCode.X.message``)."""

    OK = 0

    # 1xxx: the wire
    NOT_JSON = 1001
    BAD_MESSAGE = 1002
    UNKNOWN_TYPE = 1003
    FRAME_TOO_LARGE = 1004
    NOT_LOGGED_IN = 1005
    ALREADY_LOGGED_IN = 1006
    UNSUPPORTED_VERSION = 1007
    RATE_LIMITED = 1008
    FLOODING = 1009
    INTERNAL_ERROR = 1010
    HEARTBEAT_TIMEOUT = 1011
    SERVER_SHUTTING_DOWN = 1012
    SEND_QUEUE_FULL = 1013
    ORIGIN_NOT_ALLOWED = 1014
    LOGIN_TIMEOUT = 1015
    TOO_MANY_CONNECTIONS = 1016

    # 11xx: identifiers and payloads
    ROOM_ID_INVALID = 1101
    USER_ID_INVALID = 1102
    USER_NAME_INVALID = 1103
    STREAM_ID_INVALID = 1104
    MESSAGE_INVALID = 1105
    EXTRA_INFO_INVALID = 1106
    APP_ID_MISMATCH = 1107
    RECIPIENTS_INVALID = 1108

    # 2xxx: tokens
    TOKEN_MALFORMED = 2001
    TOKEN_BAD_SIGNATURE = 2002
    TOKEN_EXPIRED = 2003
    TOKEN_APP_ID_MISMATCH = 2004
    TOKEN_USER_ID_MISMATCH = 2005
    TOKEN_ROOM_MISMATCH = 2006
    TOKEN_NO_LOGIN_PRIVILEGE = 2007
    TOKEN_NO_PUBLISH_PRIVILEGE = 2008
    TOKEN_NOT_YET_VALID = 2009
    TOKEN_LIFETIME_TOO_LONG = 2010
    TOKEN_ALREADY_USED = 2011

    # 3xxx: rooms and sessions
    KICKED_DUPLICATE_LOGIN = 3001
    ROOM_FULL = 3002
    KICKED_BY_SERVER = 3003
    TOO_MANY_PLAYS_HELD = 3004

    # 4xxx: publishing
    STREAM_ID_TAKEN = 4001
    STREAM_NOT_FOUND = 4002
    NOT_STREAM_OWNER = 4003
    TOO_MANY_STREAMS = 4004
    PUBLISH_FAILED = 4005
    NOT_PUBLISHING = 4006

    # 5xxx: playing
    PLAY_SESSION_NOT_FOUND = 5001
    PLAY_FAILED = 5002
    PUBLISHER_LEFT = 5003
    PLAY_STOPPED = 5004
    NOT_PLAYING = 5005

    # 6xxx: the media server
    MEDIA_SERVER_UNAVAILABLE = 6001
    MEDIA_SERVER_TIMEOUT = 6002
    MEDIA_SERVER_REFUSED = 6003
    MEDIA_SERVER_HANGUP = 6004
    MEDIA_PUBLISHER_NOT_READY = 6005

    # 7xxx: devices and media (engine-side)
    DEVICE_NOT_FOUND = 7001
    DEVICE_BUSY = 7002
    DEVICE_ERROR = 7003
    NO_CAMERA = 7004
    NO_MICROPHONE = 7005
    NO_SPEAKER = 7006
    SCREEN_CAPTURE_UNAVAILABLE = 7007
    MEDIA_FILE_ERROR = 7008
    CODEC_UNSUPPORTED = 7009
    AUDIO_PROCESSING_UNAVAILABLE = 7010
    # 702x: the browser
    PERMISSION_DENIED = 7020
    AUTOPLAY_BLOCKED = 7021
    # 703x: the desktop app's own files
    RECORDING_FAILED = 7030
    DIAGNOSTICS_FAILED = 7031

    # 8xxx: the engine's connection and state (engine-side)
    SERVER_UNREACHABLE = 8001
    REQUEST_TIMEOUT = 8002
    CONNECTION_LOST = 8003
    RECONNECT_TIMEOUT = 8004
    PEER_CONNECTION_FAILED = 8005
    ENGINE_DESTROYED = 8006
    INVALID_STATE = 8007
    INVALID_ARGUMENT = 8008
    LOCAL_SERVICE_UNPROVEN = 8010
    TLS_CERTIFICATE_INVALID = 8011
    # 802x: the browser and its page
    BROWSER_UNSUPPORTED = 8020
    INSECURE_CONTEXT = 8021
    DEV_TOKENS_DISABLED = 8022
    DEV_TOKEN_REFUSED = 8023
    # 803x: the desktop app
    JOIN_LINK_INVALID = 8030

    @property
    def message(self) -> str:
        """The default sentence for this code."""
        return _MESSAGES[self]

    @property
    def on_wire(self) -> bool:
        """True for codes the room service sends; 7xxx and 8xxx arise in the engine."""
        return self < 7000

    @classmethod
    def from_wire(cls, code: int) -> ErrorCode:
        """The enum member for a code read off the wire; unknown codes become INTERNAL_ERROR."""
        try:
            return cls(code)
        except ValueError:
            return cls.INTERNAL_ERROR


_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.OK: "Success.",
    ErrorCode.NOT_JSON: "The frame is not valid JSON.",
    ErrorCode.BAD_MESSAGE: "The message does not match the protocol schema.",
    ErrorCode.UNKNOWN_TYPE: "The message type is not one the service knows.",
    ErrorCode.FRAME_TOO_LARGE: "The frame is larger than 64 KB.",
    ErrorCode.NOT_LOGGED_IN: "Log in to a room before sending this request.",
    ErrorCode.ALREADY_LOGGED_IN: "This connection is already logged in to a room.",
    ErrorCode.UNSUPPORTED_VERSION: "The client speaks a protocol version the service does not.",
    ErrorCode.RATE_LIMITED: "Too many messages in a short time; this one was dropped.",
    ErrorCode.FLOODING: "The connection sent too many bad or excess frames and was closed.",
    ErrorCode.INTERNAL_ERROR: "The service failed to handle the request.",
    ErrorCode.HEARTBEAT_TIMEOUT: "No heartbeat arrived in time; the session was dropped.",
    ErrorCode.SERVER_SHUTTING_DOWN: "The room service is shutting down.",
    ErrorCode.SEND_QUEUE_FULL: "The client read too slowly and fell too far behind.",
    ErrorCode.ORIGIN_NOT_ALLOWED: (
        "Web pages from this origin may not connect to the room service "
        "(its operator can allow it with --allow-origin)."
    ),
    ErrorCode.LOGIN_TIMEOUT: "The connection did not log in to a room in time and was closed.",
    ErrorCode.TOO_MANY_CONNECTIONS: (
        "The room service has too many connections open, in total or from this address; "
        "try again later."
    ),
    ErrorCode.ROOM_ID_INVALID: (
        "The room ID must be 1 to 128 bytes of letters, digits and ~!@#$%^&*()_+=-`;',.<>/\\."
    ),
    ErrorCode.USER_ID_INVALID: (
        "The user ID must be 1 to 64 bytes of letters, digits and ~!@#$%^&*()_+=-`;',.<>/\\."
    ),
    ErrorCode.USER_NAME_INVALID: (
        "The user name must be at most 256 bytes of UTF-8 with no control characters."
    ),
    ErrorCode.STREAM_ID_INVALID: (
        "The stream ID must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -."
    ),
    ErrorCode.MESSAGE_INVALID: "A message must be 1 to 1024 bytes of UTF-8.",
    ErrorCode.EXTRA_INFO_INVALID: "Stream extra info must be at most 1024 bytes of UTF-8.",
    ErrorCode.APP_ID_MISMATCH: "The app ID is not the one this service serves.",
    ErrorCode.RECIPIENTS_INVALID: "A custom command names at most 100 valid user IDs.",
    ErrorCode.TOKEN_MALFORMED: "The token is not a well-formed Huddle token.",
    ErrorCode.TOKEN_BAD_SIGNATURE: "The token's signature does not match this service's secret.",
    ErrorCode.TOKEN_EXPIRED: "The token has expired.",
    ErrorCode.TOKEN_APP_ID_MISMATCH: "The token was issued for another app ID.",
    ErrorCode.TOKEN_USER_ID_MISMATCH: "The token was issued for another user ID.",
    ErrorCode.TOKEN_ROOM_MISMATCH: "The token was issued for another room.",
    ErrorCode.TOKEN_NO_LOGIN_PRIVILEGE: "The token does not grant the right to log in.",
    ErrorCode.TOKEN_NO_PUBLISH_PRIVILEGE: "The token does not grant the right to publish streams.",
    ErrorCode.TOKEN_NOT_YET_VALID: "The token's issue time is in the future.",
    ErrorCode.TOKEN_LIFETIME_TOO_LONG: (
        "The token lives longer than this service allows (24 hours unless its operator "
        "changed it); mint one with a shorter lifetime."
    ),
    ErrorCode.TOKEN_ALREADY_USED: (
        "The token was already used to log in, and this service accepts each token once."
    ),
    ErrorCode.KICKED_DUPLICATE_LOGIN: (
        "The same user ID logged in elsewhere; this session was closed."
    ),
    ErrorCode.ROOM_FULL: "The room has reached its user limit.",
    ErrorCode.KICKED_BY_SERVER: "The room service closed this session.",
    ErrorCode.TOO_MANY_PLAYS_HELD: (
        "A login may re-announce at most 64 play sessions (see docs/protocol.md, resuming)."
    ),
    ErrorCode.STREAM_ID_TAKEN: "Another user is already publishing a stream with this ID.",
    ErrorCode.STREAM_NOT_FOUND: "No stream with this ID is being published in this room.",
    ErrorCode.NOT_STREAM_OWNER: "Only the publisher of a stream can change or stop it.",
    ErrorCode.TOO_MANY_STREAMS: "A user can publish at most 8 streams at once.",
    ErrorCode.PUBLISH_FAILED: "The stream could not be published.",
    ErrorCode.NOT_PUBLISHING: "No stream with this ID is being published by this engine.",
    ErrorCode.PLAY_SESSION_NOT_FOUND: "The play session does not exist or has ended.",
    ErrorCode.PLAY_FAILED: "The stream could not be played.",
    ErrorCode.PUBLISHER_LEFT: "The publisher stopped the stream or left the room.",
    ErrorCode.PLAY_STOPPED: "The player stopped playing the stream.",
    ErrorCode.NOT_PLAYING: "No stream with this ID is being played by this engine.",
    ErrorCode.MEDIA_SERVER_UNAVAILABLE: (
        "The room's media server (Janus) cannot be reached; media cannot flow until it is back."
    ),
    ErrorCode.MEDIA_SERVER_TIMEOUT: "The media server (Janus) did not answer in time.",
    ErrorCode.MEDIA_SERVER_REFUSED: "The media server (Janus) refused the media session.",
    ErrorCode.MEDIA_SERVER_HANGUP: "The media server (Janus) closed the media connection.",
    ErrorCode.MEDIA_PUBLISHER_NOT_READY: (
        "The publisher's media did not reach the media server in time."
    ),
    ErrorCode.DEVICE_NOT_FOUND: "The requested device does not exist.",
    ErrorCode.DEVICE_BUSY: "The device is in use by another program.",
    ErrorCode.DEVICE_ERROR: "The device failed while capturing or playing.",
    ErrorCode.NO_CAMERA: "No camera is available; video is off.",
    ErrorCode.NO_MICROPHONE: "No microphone is available; audio is off.",
    ErrorCode.NO_SPEAKER: "No speaker is available; remote audio is not played.",
    ErrorCode.SCREEN_CAPTURE_UNAVAILABLE: "Screen capture needs a graphical display.",
    ErrorCode.MEDIA_FILE_ERROR: "The media file could not be opened or decoded.",
    ErrorCode.CODEC_UNSUPPORTED: "The video codec is not available on this machine.",
    ErrorCode.AUDIO_PROCESSING_UNAVAILABLE: (
        "Echo cancellation and noise suppression are not available (the livekit package is "
        "missing); the microphone is sent unprocessed."
    ),
    ErrorCode.RECORDING_FAILED: "The recording could not be written to its file.",
    ErrorCode.DIAGNOSTICS_FAILED: "The diagnostics file could not be written.",
    ErrorCode.PERMISSION_DENIED: (
        "The browser or the user refused access to the camera or microphone."
    ),
    ErrorCode.AUTOPLAY_BLOCKED: (
        "The browser blocked sound and video until the user clicks on the page."
    ),
    ErrorCode.SERVER_UNREACHABLE: "The room service could not be reached.",
    ErrorCode.REQUEST_TIMEOUT: "The room service did not answer in time.",
    ErrorCode.CONNECTION_LOST: "The connection to the room service was lost.",
    ErrorCode.RECONNECT_TIMEOUT: "Reconnecting to the room service took too long; gave up.",
    ErrorCode.PEER_CONNECTION_FAILED: "The media connection to the other user failed.",
    ErrorCode.ENGINE_DESTROYED: "The engine has been destroyed.",
    ErrorCode.INVALID_STATE: "The call is not allowed in the current state.",
    ErrorCode.INVALID_ARGUMENT: "An argument is out of range or of the wrong kind.",
    ErrorCode.LOCAL_SERVICE_UNPROVEN: (
        "The program on this computer's room service port could not prove it is your Huddle "
        "room service, so nothing was sent to it."
    ),
    ErrorCode.TLS_CERTIFICATE_INVALID: (
        "The room service's TLS certificate could not be verified; give the CA file that signed it."
    ),
    ErrorCode.BROWSER_UNSUPPORTED: "This browser lacks WebRTC or WebSockets.",
    ErrorCode.INSECURE_CONTEXT: (
        "Camera and microphone need a secure page: https://, or http://localhost or 127.0.0.1."
    ),
    ErrorCode.DEV_TOKENS_DISABLED: (
        "This room service does not mint tokens for browsers; get one from the app's backend."
    ),
    ErrorCode.DEV_TOKEN_REFUSED: (
        "Development tokens are given only to same-origin requests for this service's own host."
    ),
    ErrorCode.JOIN_LINK_INVALID: (
        "The link is not a Huddle join link (huddle://join?room=ROOM&server=ws://HOST:PORT/ws)."
    ),
}


def markdown_table() -> str:
    """The table of ``docs/errors.md``: code, name, where it arises, sentence."""
    lines = [
        "# Error codes",
        "",
        "Generated from `app/protocol/errors.py` by `python -m app.protocol > docs/errors.md`; "
        "do not edit by hand.",
        "",
        "Codes below 7000 are sent by the room service in `error` replies and `kickout` "
        "messages; 7xxx and 8xxx arise in the engine and reach the application as the "
        "`code` of a `HuddleError` or as the error code of an event.",
        "",
        "| code | name | from | meaning |",
        "|---:|---|---|---|",
    ]
    for code in ErrorCode:
        origin = "service" if code.on_wire else "engine"
        sentence = code.message.replace("|", "\\|").replace("`", "\\`")
        lines.append(f"| {int(code)} | `{code.name}` | {origin} | {sentence} |")
    return "\n".join(lines) + "\n"


class CodedError(Exception):
    """An error with a code from the table and a sentence (the code's default if none is
    given): the base of the service's, the media layer's and the engine's errors."""

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or code.message
        super().__init__(f"{code.name} ({int(code)}): {self.message}")


JS_BEGIN = "// BEGIN GENERATED ERROR CODES"
JS_END = "// END GENERATED ERROR CODES"


def js_block(indent: str = "  ") -> str:
    """The browser SDK's copy of the table: ``[code, name, sentence]`` rows, between markers."""
    import json

    lines = [
        f"{indent}{JS_BEGIN}: python -m app.protocol --js --write web/sdk/huddle-express.js",
        f"{indent}const ERROR_TABLE = [",
    ]
    for code in ErrorCode:
        row = json.dumps([int(code), code.name, code.message], ensure_ascii=False)
        lines.append(f"{indent}  {row},")
    lines += [f"{indent}];", f"{indent}{JS_END}"]
    return "\n".join(lines) + "\n"


def replace_js_block(source: str) -> str:
    """``source`` with its generated block replaced by the current table."""
    start = source.index(JS_BEGIN)
    start = source.rindex("\n", 0, start) + 1
    end = source.index("\n", source.index(JS_END)) + 1
    return source[:start] + js_block() + source[end:]
