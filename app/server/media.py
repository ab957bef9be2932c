"""The media router seam: where a room's media goes, peer to peer or through an SFU.

The room service keeps the rules (who may publish, who plays what, when sessions end) and
hands the media sessions to a router:

- :class:`P2PRouter`: today's relay. A play is a media session between the player and the
  publisher: the publisher is asked for an offer (``play_request`` with ``peer: "user"``), and
  SDP and ICE are relayed between the two clients unchanged.
- :class:`app.server.janus.JanusRouter`: the SFU. A published stream gets one media session
  (an *uplink*) whose other end is Janus: the publisher is asked for an offer
  (``play_request`` with ``peer: "sfu"``) and the service relays it to Janus and Janus's answer
  back. A play is a media session (a *downlink*) whose other end is also Janus: the service
  relays Janus's offer to the player and the player's answer to Janus.

Either way a client only ever speaks Huddle's protocol over its one socket, and the player's
side is the same in both modes: it receives an offer and answers. Nothing here imports aiohttp:
the router is injected into :class:`~app.server.rooms.RoomService`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from app.protocol import messages as m
from app.protocol.errors import ErrorCode

if TYPE_CHECKING:
    from .rooms import Session

MediaMode = Literal["p2p", "sfu"]


@dataclass(eq=False)
class MediaLink:
    """One media session (one peer connection on the client side).

    ``sender`` publishes, ``receiver`` plays; either is ``None`` when that end is the SFU
    (an uplink has no receiver client, a downlink no sender client).
    """

    id: str
    stream_id: str
    sender: Session | None
    receiver: Session | None

    @property
    def clients(self) -> list[Session]:
        return [s for s in (self.sender, self.receiver) if s is not None]

    def other(self, session: Session) -> Session | None:
        """The other end of the session: a client, or ``None`` for the SFU."""
        return self.receiver if session is self.sender else self.sender

    # The names the rest of the service has always used for a play session's ends.
    @property
    def publisher(self) -> Session | None:
        return self.sender

    @property
    def player(self) -> Session | None:
        return self.receiver


class MediaEvents(Protocol):
    """What a router tells the service (implemented by RoomService)."""

    def link_signal(self, link: MediaLink, kind: m.SignalKind, *, sdp: str | None = None) -> None:
        """The SFU end of ``link`` produced an offer or answer for the client end."""

    def link_failed(self, link: MediaLink, code: ErrorCode, message: str) -> None:
        """The SFU end of ``link`` failed or went away; the service ends the session."""


class MediaRouter(Protocol):
    """Where a room's media goes. Calls never block and never raise, except ``check``."""

    mode: MediaMode

    def bind(self, events: MediaEvents) -> None: ...

    async def start(self) -> None:
        """Connect to the media servers (the room service's start-up)."""

    async def close(self) -> None:
        """End every media session and disconnect (the room service's shutdown)."""

    def check(self, room_key: tuple[int, str]) -> None:
        """Raise ProtocolError (6xxx) if this room's media cannot be served right now."""

    def open_room(self, room_key: tuple[int, str]) -> None: ...

    def close_room(self, room_key: tuple[int, str]) -> None: ...

    def publish(self, room_key: tuple[int, str], link: MediaLink) -> None:
        """A stream's uplink (SFU routers only; the publisher will offer on it)."""

    def play(self, room_key: tuple[int, str], link: MediaLink) -> None: ...

    def signal(self, link: MediaLink, message: m.Signal) -> None:
        """A client sent SDP or ICE on ``link`` whose other end is the SFU."""

    def end(self, link: MediaLink) -> None: ...

    @property
    def healthy(self) -> bool: ...

    def stats(self) -> dict[str, Any]: ...


class P2PRouter:
    """Peer to peer: the service relays signalling between the two clients; no media server.

    The relay itself is the service's (it owns the sockets): with this router every media
    session has two client ends, so ``signal`` and ``publish`` are never called with an SFU end.
    """

    mode: MediaMode = "p2p"
    healthy = True

    def bind(self, events: MediaEvents) -> None:
        pass

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def check(self, room_key: tuple[int, str]) -> None:
        pass

    def open_room(self, room_key: tuple[int, str]) -> None:
        pass

    def close_room(self, room_key: tuple[int, str]) -> None:
        pass

    def publish(self, room_key: tuple[int, str], link: MediaLink) -> None:
        raise AssertionError("peer-to-peer streams have no uplink")

    def play(self, room_key: tuple[int, str], link: MediaLink) -> None:
        pass

    def signal(self, link: MediaLink, message: m.Signal) -> None:
        raise AssertionError("peer-to-peer sessions have two client ends")

    def end(self, link: MediaLink) -> None:
        pass

    def stats(self) -> dict[str, Any]:
        return {}
