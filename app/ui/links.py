"""Invitations: ``huddle://join?room=...&server=...`` links (opened by the desktop entry's URL
handler) and the link to the browser page the room service serves. No Qt here: the command
line parses links before Qt starts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_room_id

SCHEME = "huddle"


class LinkError(ValueError):
    """Not a Huddle join link; ``code`` is ``ErrorCode.JOIN_LINK_INVALID``."""

    code = ErrorCode.JOIN_LINK_INVALID

    def __init__(self, detail: str = "") -> None:
        message = ErrorCode.JOIN_LINK_INVALID.message
        super().__init__(f"{message} {detail}".strip())
        self.detail = detail


@dataclass(frozen=True)
class JoinLink:
    room_id: str
    server: str = ""
    """A room service's ws:// or wss:// URL; "" for the service on this computer."""


def join_link(room_id: str, server: str = "") -> str:
    """``huddle://join?room=...`` (and ``&server=...`` for a service elsewhere)."""
    query = {"room": room_id}
    if server:
        query["server"] = server
    return f"{SCHEME}://join?{urlencode(query, quote_via=quote)}"


def parse_join_link(text: str) -> JoinLink:
    """The room and server of a join link; raises ``LinkError`` for anything else."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != SCHEME or parts.netloc.lower() != "join":
        raise LinkError()
    query = parse_qs(parts.query, keep_blank_values=True)
    rooms, servers = query.get("room", []), query.get("server", [])
    if len(rooms) != 1 or len(servers) > 1:
        raise LinkError("It needs exactly one room.")
    try:
        check_room_id(rooms[0])
    except ProtocolError as exc:
        raise LinkError(exc.code.message) from None
    server = servers[0] if servers else ""
    if server and not (server.startswith(("ws://", "wss://")) and urlsplit(server).hostname):
        raise LinkError("The server must be a ws:// or wss:// URL.")
    return JoinLink(rooms[0], server)


def web_link(server: str, room_id: str) -> str:
    """The browser page of ``room_id`` on the room service at ``server`` (a ws:// or wss://
    URL): ``http://host:port/?room=...`` (https for wss)."""
    parts = urlsplit(server)
    scheme = "https" if parts.scheme == "wss" else "http"
    return urlunsplit(
        (scheme, parts.netloc, "/", urlencode({"room": room_id}, quote_via=quote), "")
    )
