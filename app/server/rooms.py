"""Room logic: sessions, rooms, streams, play sessions, messages and limits.

Plain Python with no aiohttp import: a connection is anything with ``send(bytes)`` and
``close(code, reason)``, and time is passed in, so every rule here is tested without a socket.
``RoomService.handle_frame`` is the one dispatcher for everything a client sends.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import (
    BARRAGE_PER_ROOM,
    BROADCAST_PER_ROOM,
    BROADCAST_PER_USER,
    CUSTOM_COMMAND_PER_ROOM,
    FRAMES_PER_CONNECTION,
    MAX_FRAME_BYTES,
    MAX_PLAYS_HELD,
    MAX_STREAMS_PER_USER,
    MAX_USERS_PER_ROOM,
    PROTOCOL_VERSION,
    STRIKES_BEFORE_DISCONNECT,
    CloseCode,
    ProtocolError,
    check_extra_info,
    check_message,
    check_recipients,
    check_room_id,
    check_stream_id,
    check_user_id,
    check_user_name,
    request_id_of,
)

from .media import MediaLink, MediaMode, MediaRouter, P2PRouter
from .ratelimit import SlidingWindow
from .tokens import (
    LEEWAY_SECONDS,
    MAX_LIFETIME_SECONDS,
    Claims,
    TokenError,
    UsedTokens,
    check_secret,
    verify_token,
)

log = logging.getLogger("huddle.server")


class Outbox(Protocol):
    """Where a session's messages go. Neither call may block or raise."""

    def send(self, data: bytes) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


@dataclass(kw_only=True)
class ServiceConfig:
    app_id: int
    """The one app ID this service serves."""
    secret: bytes = field(repr=False)
    """The HMAC secret tokens are signed with."""
    heartbeat_interval: float = 10.0
    """Seconds between client heartbeats, told to clients at login."""
    heartbeat_timeout: float = 30.0
    """A session silent for longer is dropped as if it disconnected."""
    ice_servers: list[m.IceServer] = field(default_factory=list)
    """STUN/TURN servers handed to clients at login (none by default)."""
    max_users_per_room: int = MAX_USERS_PER_ROOM
    login_timeout: float = 10.0
    """Seconds a connection may stay without logging in to a room (heartbeats do not count)."""
    max_token_lifetime: float | None = MAX_LIFETIME_SECONDS
    """Refuse tokens that live longer than this (expiry minus issue time); None: any."""
    single_use_tokens: bool = False
    """Accept each token (by its ``jti``) for one login only; its ID is kept until it expires.
    A client then needs a fresh token to log back in after a disconnection."""
    resume_grace: float = 15.0
    """Seconds a session whose connection dropped keeps its place, streams and play sessions
    (the others see nothing) before it leaves the room; 0 leaves at once."""

    def __post_init__(self) -> None:
        if self.resume_grace < 0:
            raise ValueError(f"resume_grace must not be negative, got {self.resume_grace}")
        if self.heartbeat_interval <= 0 or self.heartbeat_timeout <= self.heartbeat_interval:
            raise ValueError(
                "heartbeat_timeout must be longer than a positive heartbeat_interval, got "
                f"interval={self.heartbeat_interval} timeout={self.heartbeat_timeout}"
            )
        check_secret(self.secret)
        if self.login_timeout <= 0:
            raise ValueError(f"login_timeout must be positive, got {self.login_timeout}")
        if self.max_token_lifetime is not None and self.max_token_lifetime <= 0:
            raise ValueError(f"max_token_lifetime must be positive, got {self.max_token_lifetime}")


@dataclass(eq=False)
class Session:
    """One client connection, logged in to at most one room."""

    id: str
    outbox: Outbox
    peer: str
    last_seen: float
    login_deadline: float | None = None
    """When a connection not logged in to a room is closed (LOGIN_TIMEOUT); None once in."""
    frames: SlidingWindow = field(default_factory=lambda: SlidingWindow(FRAMES_PER_CONNECTION))
    strikes: SlidingWindow = field(default_factory=lambda: SlidingWindow(STRIKES_BEFORE_DISCONNECT))
    broadcasts: SlidingWindow = field(default_factory=lambda: SlidingWindow(BROADCAST_PER_USER))
    room: Room | None = None
    user: m.UserInfo | None = None
    claims: Claims | None = None
    user_update: bool = False
    closed: bool = False
    streams: dict[str, m.StreamInfo] = field(default_factory=dict)
    plays: dict[str, MediaLink] = field(default_factory=dict)
    media: MediaMode | None = None
    """The media mode asked for at login (a preference for a room this session creates)."""
    resume_token: str = ""
    detached_at: float | None = None
    """When its connection dropped, while the service keeps it for a resume."""

    def __repr__(self) -> str:
        who = self.user.user_id if self.user else "-"
        room = self.room.room_id if self.room else "-"
        return f"<Session {self.id} user={who} room={room}>"


@dataclass(eq=False)
class Room:
    app_id: int
    room_id: str
    members: dict[str, Session] = field(default_factory=dict)
    streams: dict[str, m.StreamInfo] = field(default_factory=dict)
    publishers: dict[str, Session] = field(default_factory=dict)
    broadcasts: SlidingWindow = field(default_factory=lambda: SlidingWindow(BROADCAST_PER_ROOM))
    barrages: SlidingWindow = field(default_factory=lambda: SlidingWindow(BARRAGE_PER_ROOM))
    commands: SlidingWindow = field(default_factory=lambda: SlidingWindow(CUSTOM_COMMAND_PER_ROOM))
    next_message_id: int = 1
    media: MediaMode = "p2p"
    """Fixed when the room is created: ``sfu`` rooms send each stream once to the SFU."""
    uplinks: dict[str, MediaLink] = field(default_factory=dict)
    """In an ``sfu`` room, each stream's media session with the SFU."""
    uplink_retries: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str]:
        return (self.app_id, self.room_id)


PlaySession = MediaLink
"""A media session: player and publisher peer to peer, or either of them and the SFU."""

UPLINK_RETRIES = 5
"""How many times a stream's lost uplink to the SFU is asked for again before giving up."""


MAX_PARKED = 2048
"""Messages kept for a disconnected session; past this it leaves the room at once."""
MAX_PARKED_BYTES = 1 << 20
"""Bytes kept for a disconnected session, likewise: the bound of a connected one's outbox
(``GuardConfig.max_outbox_bytes``' default), so a session cannot hold more by dropping."""


class _Parked:
    """The outbox of a disconnected session: keeps what it is sent for the resume."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.size = 0
        self.close_with: tuple[int, str] | None = None
        self.overflowed = False

    def send(self, data: bytes) -> None:
        if len(self.messages) < MAX_PARKED and self.size + len(data) <= MAX_PARKED_BYTES:
            self.messages.append(data)
            self.size += len(data)
        else:
            self.overflowed = True

    def close(self, code: int, reason: str) -> None:
        self.close_with = self.close_with or (code, reason)


@dataclass(eq=False)
class HeldClaim:
    """One end of a play session re-announced to a service that did not know it (it
    restarted), waiting for the other end to announce it too."""

    id: str
    stream_id: str
    role: str
    session: Session
    peer_user_id: str
    since: float


class RoomService:
    """The room service's state and rules, driven by frames, disconnects and the clock."""

    def __init__(
        self,
        config: ServiceConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sfu: MediaRouter | None = None,
    ) -> None:
        self.config = config
        self._p2p: MediaRouter = P2PRouter()
        self._sfu = sfu
        if sfu is not None:
            sfu.bind(self)
        self._clock = clock
        self._wall = wall_clock
        self._started = clock()
        self._sessions: dict[str, Session] = {}
        self._rooms: dict[tuple[int, str], Room] = {}
        self._users: dict[tuple[int, str], Session] = {}
        self._streams: dict[tuple[int, str], Session] = {}
        self._plays: dict[str, PlaySession] = {}
        self._used_tokens = UsedTokens()
        self._detached: dict[str, Session] = {}
        self._resumable: dict[str, Session] = {}
        self._held: dict[str, HeldClaim] = {}
        self._next_connection = 1
        self._handlers: dict[type, Callable[[Session, m.ClientMessage], None]] = {
            m.Login: self._on_login,
            m.Logout: self._on_logout,
            m.Heartbeat: self._on_heartbeat,
            m.Publish: self._on_publish,
            m.Unpublish: self._on_unpublish,
            m.UpdateStream: self._on_update_stream,
            m.Play: self._on_play,
            m.StopPlay: self._on_stop_play,
            m.Signal: self._on_signal,
            m.SendBroadcast: self._on_broadcast,
            m.SendBarrage: self._on_barrage,
            m.SendCustomCommand: self._on_custom_command,
        }

    # ------------------------------------------------------------ connection lifecycle

    def connect(self, outbox: Outbox, peer: str = "") -> Session:
        """Register a new connection; it must log in before anything but a heartbeat."""
        now = self._clock()
        session = Session(
            id=f"c{self._next_connection}",
            outbox=outbox,
            peer=peer,
            last_seen=now,
            login_deadline=now + self.config.login_timeout,
        )
        self._next_connection += 1
        self._sessions[session.id] = session
        log.debug("connected %s from %s", session.id, peer)
        return session

    def disconnect(
        self, session: Session, reason: str = "disconnected", *, resumable: bool = False
    ) -> None:
        """The connection is gone: leave its room and forget it. Safe to call twice.

        ``resumable`` (the socket dropped): a logged-in session keeps its
        place, streams and play sessions for ``resume_grace`` seconds, its messages kept,
        for a login with its resume token; then it leaves. Otherwise, or for a session kept
        so, it leaves now."""
        if self._detached.get(session.id) is session:
            if not resumable:
                self._end_detached(session, reason)
            return
        if session.closed:
            return
        session.closed = True
        self._sessions.pop(session.id, None)
        if resumable and session.room is not None and self.config.resume_grace > 0:
            session.outbox = _Parked()
            session.detached_at = self._clock()
            self._detached[session.id] = session
            log.info(
                "disconnected %r (%s); kept for %.0f s", session, reason, self.config.resume_grace
            )
            return
        self._leave_room(session, reason)
        log.debug("closed %s (%s)", session.id, reason)

    def _end_detached(self, session: Session, reason: str) -> None:
        del self._detached[session.id]
        session.detached_at = None
        self._leave_room(session, reason)
        log.info("%r not resumed (%s)", session, reason)

    def sweep(self) -> int:
        """Drop every session silent past the heartbeat timeout, and every connection that
        did not log in by its deadline; end the disconnected sessions and lone play-session
        claims past their grace. Returns how many connections were dropped."""
        now = self._clock()
        deadline = now - self.config.heartbeat_timeout
        stale = [s for s in self._sessions.values() if s.last_seen < deadline]
        for session in stale:
            log.info("heartbeat timeout %r, silent %.1f s", session, now - session.last_seen)
            session.outbox.close(CloseCode.HEARTBEAT_TIMEOUT, ErrorCode.HEARTBEAT_TIMEOUT.name)
            self.disconnect(session, "heartbeat timeout")  # silent longer than any grace
        idle = [
            s
            for s in self._sessions.values()
            if s.login_deadline is not None and s.login_deadline < now
        ]
        for session in idle:
            log.info("login timeout %r from %s", session, session.peer)
            self._send(session, m.Error.of(ErrorCode.LOGIN_TIMEOUT))
            session.outbox.close(CloseCode.LOGIN_TIMEOUT, ErrorCode.LOGIN_TIMEOUT.name)
            self.disconnect(session, "login timeout")
        grace = self.config.resume_grace
        for session in list(self._detached.values()):
            assert session.detached_at is not None and isinstance(session.outbox, _Parked)
            if session.outbox.overflowed:
                self._end_detached(session, "too much missed")
            elif now - session.detached_at >= grace:
                self._end_detached(session, "resume grace over")
        for claim in list(self._held.values()):
            if now - claim.since >= grace:
                self._drop_claim(claim, notify=True)
        return len(stale) + len(idle)

    def close_all(self, code: int = CloseCode.GOING_AWAY, reason: str = "shutting down") -> None:
        for session in list(self._sessions.values()):
            session.outbox.close(code, reason)
            self.disconnect(session, reason)
        for session in list(self._detached.values()):
            self.disconnect(session, reason)

    @property
    def media_modes(self) -> list[MediaMode]:
        """The media modes this service offers; the first is the default for new rooms."""
        return ["sfu", "p2p"] if self._sfu is not None else ["p2p"]

    @property
    def healthy(self) -> bool:
        """False when the service has an SFU and none of its nodes is reachable."""
        return self._sfu is None or self._sfu.healthy

    def stats(self) -> dict[str, object]:
        stats: dict[str, object] = {
            "rooms": len(self._rooms),
            "users": len(self._users),
            "streams": len(self._streams),
            "play_sessions": len(self._plays),
            "connections": len(self._sessions),
            "detached": len(self._detached),
            "uptime": round(self._clock() - self._started, 3),
        }
        if self._sfu is not None:
            stats["media"] = self.media_modes[0]
            stats.update(self._sfu.stats())
        return stats

    def _router(self, room: Room) -> MediaRouter:
        if room.media == "sfu" and self._sfu is not None:
            return self._sfu
        return self._p2p

    # ------------------------------------------------------------ the dispatcher

    def handle_frame(self, session: Session, data: bytes | str) -> None:
        """Handle one frame from a client: every reply and event goes out through outboxes."""
        if session.closed:
            return
        now = self._clock()
        session.last_seen = now
        if len(data) > MAX_FRAME_BYTES:
            self._refuse(
                session, ProtocolError(ErrorCode.FRAME_TOO_LARGE), request_id_of(data), strike=True
            )
            return
        if not session.frames.allow(now):
            self._refuse(
                session, ProtocolError(ErrorCode.RATE_LIMITED), request_id_of(data), strike=True
            )
            return
        try:
            message = m.decode_client(data)
        except m.DecodeError as exc:
            self._refuse(session, exc, exc.request_id, strike=True)
            return
        if session.room is None and not isinstance(message, m.Login | m.Heartbeat):
            self._refuse(session, ProtocolError(ErrorCode.NOT_LOGGED_IN), message.id)
            return
        try:
            self._handlers[type(message)](session, message)
        except ProtocolError as exc:
            # A refused login is a strike: guessing tokens is flooding.
            self._refuse(session, exc, message.id, strike=isinstance(message, m.Login))
        except Exception:
            log.exception("failed to handle %s from %r", type(message).__name__, session)
            self._refuse(session, ProtocolError(ErrorCode.INTERNAL_ERROR), message.id)

    def _refuse(
        self, session: Session, exc: ProtocolError, request_id: int | None, strike: bool = False
    ) -> None:
        log.debug("refused %r: %s", session, exc)
        self._send(session, m.Error.of(exc.code, exc.message, request_id))
        if strike and not session.strikes.allow(self._clock()):
            log.warning("flooding from %r (%s); closing", session, session.peer)
            self._send(session, m.Error.of(ErrorCode.FLOODING))
            session.outbox.close(CloseCode.POLICY_VIOLATION, ErrorCode.FLOODING.name)
            self.disconnect(session, "flooding")

    # ------------------------------------------------------------ sending

    def _send(self, session: Session, message: m._Message) -> None:
        session.outbox.send(m.encode(message))

    def _fan_out(self, sessions: list[Session], message: m._Message) -> None:
        """Send one message to many sessions, encoding it once."""
        if sessions:
            data = m.encode(message)
            for session in sessions:
                session.outbox.send(data)

    @staticmethod
    def _others(room: Room, session: Session) -> list[Session]:
        return [s for s in room.members.values() if s is not session]

    # ------------------------------------------------------------ login / logout

    def _on_login(self, session: Session, msg: m.Login) -> None:
        if session.room is not None:
            raise ProtocolError(ErrorCode.ALREADY_LOGGED_IN)
        if msg.version != PROTOCOL_VERSION:
            raise ProtocolError(
                ErrorCode.UNSUPPORTED_VERSION,
                f"The service speaks protocol version {PROTOCOL_VERSION}, "
                f"the client {msg.version}.",
            )
        check_room_id(msg.room_id)
        check_user_id(msg.user_id)
        check_user_name(msg.user_name)
        if msg.app_id != self.config.app_id:
            raise ProtocolError(
                ErrorCode.APP_ID_MISMATCH,
                f"This service serves app ID {self.config.app_id}, not {msg.app_id}.",
            )
        claims = verify_token(
            msg.token,
            secret=self.config.secret,
            app_id=self.config.app_id,
            user_id=msg.user_id,
            room_id=msg.room_id,
            now=self._wall(),
            max_lifetime=self.config.max_token_lifetime,
        )
        if len(msg.plays) > MAX_PLAYS_HELD:
            raise ProtocolError(ErrorCode.TOO_MANY_PLAYS_HELD)
        if len(msg.publications) > MAX_STREAMS_PER_USER:
            raise ProtocolError(ErrorCode.TOO_MANY_STREAMS)
        for pub in msg.publications:
            check_stream_id(pub.stream_id)
            check_extra_info(pub.extra_info)
        for held in msg.plays:
            check_stream_id(held.stream_id)
            check_user_id(held.peer_user_id)
        if self.config.single_use_tokens:
            self._use_once(claims)
        key = (msg.app_id, msg.room_id)
        kept = self._resumable.get(msg.resume_token) if msg.resume_token else None
        if (
            kept is not None
            and kept.room is not None
            and kept.user is not None
            and (kept.room.app_id, kept.room.room_id) == key
            and kept.user.user_id == msg.user_id
            and (self.config.resume_grace > 0 or self._detached.get(kept.id) is kept)
        ):
            self._resume(session, kept, msg, claims)
            return
        room = self._rooms.get(key)
        previous = self._users.get((msg.app_id, msg.user_id))
        if (
            room is not None
            and len(room.members) >= self.config.max_users_per_room
            and not (previous is not None and previous.room is room)
        ):
            raise ProtocolError(ErrorCode.ROOM_FULL)
        if previous is not None:
            self._kick(previous, ErrorCode.KICKED_DUPLICATE_LOGIN)
            room = self._rooms.get(key)  # the kick may have emptied and removed the room
        if room is None:
            modes = self.media_modes
            media = msg.media if msg.media in modes else modes[0]
            room = self._rooms[key] = Room(app_id=msg.app_id, room_id=msg.room_id, media=media)
            self._router(room).open_room(room.key)
            log.info("room %r created (%s)", msg.room_id, media)

        user = m.UserInfo(user_id=msg.user_id, user_name=msg.user_name)
        others = list(room.members.values())
        session.room, session.user, session.claims = room, user, claims
        session.login_deadline = None
        session.user_update = msg.user_update
        session.media = msg.media
        room.members[user.user_id] = session
        self._users[(msg.app_id, user.user_id)] = session
        session.resume_token = secrets.token_urlsafe(24)
        self._resumable[session.resume_token] = session
        log.info("login %r (%d in room)", session, len(room.members))
        streams = list(room.streams.values())
        # Re-announced to a service that does not know this session (it restarted, or the
        # session was not kept): take what can be taken, with no new negotiation.
        published = [info for p in msg.publications if (info := self._republish(session, p))]
        held = [h.session_id for h in msg.plays if self._hold(session, h)]

        self._send(
            session,
            m.LoginOk(
                id=msg.id,
                session_id=session.id,
                room_id=room.room_id,
                user=user,
                users=[s.user for s in others if s.user is not None],
                streams=streams,
                heartbeat_interval=self.config.heartbeat_interval,
                ice_servers=self.config.ice_servers,
                server_time=int(self._wall() * 1000),
                media=room.media,
                resume_token=session.resume_token,
                resume_grace=self.config.resume_grace,
                publications=[info.stream_id for info in published],
                plays=held,
            ),
        )
        self._fan_out(
            [s for s in others if s.user_update],
            m.UserUpdate(room_id=room.room_id, update_type="ADD", users=[user]),
        )
        if published:
            self._fan_out(
                others, m.StreamUpdate(room_id=room.room_id, update_type="ADD", streams=published)
            )
        if published and room.media == "sfu":
            # The SFU knows none of them (its sessions went with the old service): each gets a
            # new uplink now, as at a publish. With no media server, the first play asks again.
            try:
                self._router(room).check(room.key)
            except ProtocolError:
                return
            for info in published:
                room.uplink_retries.pop(info.stream_id, None)
                self._open_uplink(room, session, info.stream_id)

    # ------------------------------------------------------------ resuming

    def _resume(self, session: Session, kept: Session, msg: m.Login, claims: Claims) -> None:
        """``session`` (a new connection) becomes ``kept``: same ID, room, streams and play
        sessions; what ``kept`` was sent while disconnected follows the reply."""
        if self._detached.get(kept.id) is not kept:
            # Its old connection has not been seen to drop yet (a half-open socket): this one
            # replaces it.
            kept.outbox.close(CloseCode.GOING_AWAY, "resumed on another connection")
            self.disconnect(kept, "resumed on another connection", resumable=True)
        del self._detached[kept.id]
        parked = kept.outbox
        assert isinstance(parked, _Parked)
        room, user = kept.room, kept.user
        assert room is not None and user is not None
        self._sessions.pop(session.id, None)
        session.id = kept.id
        self._sessions[session.id] = session
        session.room, session.user, session.claims = room, user, claims
        session.login_deadline = None
        session.user_update = kept.user_update
        session.media = kept.media
        session.streams, session.plays = kept.streams, kept.plays
        session.broadcasts = kept.broadcasts
        session.resume_token = kept.resume_token
        self._resumable[session.resume_token] = session
        room.members[user.user_id] = session
        self._users[(room.app_id, user.user_id)] = session
        for stream_id in session.streams:
            room.publishers[stream_id] = session
            self._streams[(room.app_id, stream_id)] = session
        # Its media sessions, with clients and with the SFU (uplinks and downlinks, which the
        # media router kept), now have this connection at their end.
        for play in session.plays.values():
            if play.sender is kept:
                play.sender = session
            if play.receiver is kept:
                play.receiver = session
        for claim in self._held.values():
            if claim.session is kept:
                claim.session = session
        kept.streams, kept.plays = {}, {}
        kept.room = kept.user = kept.claims = None
        log.info("resumed %r (%d messages missed)", session, len(parked.messages))
        self._send(
            session,
            m.LoginOk(
                id=msg.id,
                session_id=session.id,
                room_id=room.room_id,
                user=user,
                users=[s.user for s in self._others(room, session) if s.user is not None],
                streams=[i for sid, i in room.streams.items() if sid not in session.streams],
                heartbeat_interval=self.config.heartbeat_interval,
                ice_servers=self.config.ice_servers,
                server_time=int(self._wall() * 1000),
                media=room.media,
                resume_token=session.resume_token,
                resume_grace=self.config.resume_grace,
                resumed=True,
                publications=list(session.streams),
                plays=[
                    *session.plays,
                    *(c.id for c in self._held.values() if c.session is session),
                ],
            ),
        )
        for data in parked.messages:
            session.outbox.send(data)
        if parked.close_with is not None:
            session.outbox.close(*parked.close_with)

    def _republish(self, session: Session, pub: m.Publication) -> m.StreamInfo | None:
        """A publication re-announced at login: published as it was, if it still can be."""
        room, user, claims = session.room, session.user, session.claims
        assert room is not None and user is not None and claims is not None
        if (
            not claims.privileges.publish
            or (room.app_id, pub.stream_id) in self._streams
            or len(session.streams) >= MAX_STREAMS_PER_USER
        ):
            return None
        info = self._add_stream(room, session, user, pub)
        log.info("re-announced %s by %r", info.stream_id, session)
        return info

    def _add_stream(
        self, room: Room, session: Session, user: m.UserInfo, spec: m.Publish | m.Publication
    ) -> m.StreamInfo:
        """Register a stream (published now, or re-announced after a restart) in every index."""
        info = m.StreamInfo(
            stream_id=spec.stream_id,
            user=user,
            extra_info=spec.extra_info,
            video=spec.video,
            audio=spec.audio,
            video_muted=spec.video_muted,
            audio_muted=spec.audio_muted,
        )
        session.streams[info.stream_id] = info
        room.streams[info.stream_id] = info
        room.publishers[info.stream_id] = session
        self._streams[(room.app_id, info.stream_id)] = session
        return info

    def _hold(self, session: Session, held: m.HeldPlay) -> bool:
        """One end of a play session re-announced at login. The first end waits (a claim);
        when the other end announces it too, the play session is back, same ID, and the
        service relays between them again. Whether it is kept."""
        assert session.user is not None and session.room is not None
        if (
            session.room.media == "sfu"  # the SFU's end of it went with the old service
            or not held.session_id
            or len(held.session_id) > 64
            or held.session_id in self._plays
            or (held.role == "publisher" and held.stream_id not in session.streams)
        ):
            return False
        claim = self._held.get(held.session_id)
        if claim is None:
            self._held[held.session_id] = HeldClaim(
                id=held.session_id,
                stream_id=held.stream_id,
                role=held.role,
                session=session,
                peer_user_id=held.peer_user_id,
                since=self._clock(),
            )
            return True
        other = claim.session
        if (
            claim.role == held.role
            or claim.stream_id != held.stream_id
            or other.room is not session.room
            or other.user is None
            or other.user.user_id != held.peer_user_id
            or claim.peer_user_id != session.user.user_id
        ):
            return False
        publisher, player = (session, other) if held.role == "publisher" else (other, session)
        if held.stream_id not in publisher.streams:
            return False
        del self._held[claim.id]
        play = MediaLink(id=claim.id, stream_id=held.stream_id, sender=publisher, receiver=player)
        self._plays[play.id] = play
        publisher.plays[play.id] = play
        player.plays[play.id] = play
        log.info("play %s back: %r <- %r", play.id, player, publisher)
        return True

    def _drop_claim(self, claim: HeldClaim, *, notify: bool) -> None:
        """The other end never announced it: the play session is over."""
        del self._held[claim.id]
        if notify:
            code = ErrorCode.PUBLISHER_LEFT if claim.role == "player" else ErrorCode.PLAY_STOPPED
            log.info("play %s not back: %s", claim.id, code.name)
            self._send(
                claim.session,
                m.SessionClosed(
                    session_id=claim.id,
                    stream_id=claim.stream_id,
                    code=int(code),
                    name=code.name,
                    message=code.message,
                ),
            )

    def _use_once(self, claims: Claims) -> None:
        if not claims.jti:
            raise TokenError(
                ErrorCode.TOKEN_MALFORMED,
                f"{ErrorCode.TOKEN_MALFORMED.message} This service accepts single-use tokens "
                "only, and this one has no 'jti' claim.",
            )
        forget_after = claims.expires_at + LEEWAY_SECONDS
        if not self._used_tokens.use(claims.jti, forget_after, self._wall()):
            raise TokenError(ErrorCode.TOKEN_ALREADY_USED)

    def _on_logout(self, session: Session, msg: m.Logout) -> None:
        log.info("logout %r", session)
        self._leave_room(session, "logout")
        session.login_deadline = self._clock() + self.config.login_timeout
        self._send(session, m.Ok(id=msg.id))

    def _on_heartbeat(self, session: Session, msg: m.Heartbeat) -> None:
        self._send(session, m.HeartbeatAck(id=msg.id, server_time=int(self._wall() * 1000)))

    def _kick(self, session: Session, code: ErrorCode) -> None:
        log.info("kickout %r: %s", session, code.name)
        room_id = session.room.room_id if session.room else ""
        self._send(
            session,
            m.Kickout(room_id=room_id, code=int(code), name=code.name, message=code.message),
        )
        session.outbox.close(CloseCode.KICKED, code.name)
        self.disconnect(session, f"kicked: {code.name}")

    def _leave_room(self, session: Session, reason: str) -> None:
        """Take a session out of its room: end its plays, delete its streams, tell the others."""
        room, user = session.room, session.user
        if room is None or user is None:
            return
        if self._resumable.get(session.resume_token) is session:
            del self._resumable[session.resume_token]
        for claim in [c for c in self._held.values() if c.session is session]:
            self._drop_claim(claim, notify=False)
        removed = list(session.streams.values())
        for info in removed:
            self._end_stream_plays(room, info.stream_id)
        for play in list(session.plays.values()):
            code = ErrorCode.PUBLISHER_LEFT if play.publisher is session else ErrorCode.PLAY_STOPPED
            self._end_play(play, code, notify=play.other(session))
        for info in removed:
            self._forget_stream(room, info.stream_id)
        session.streams.clear()
        room.members.pop(user.user_id, None)
        if self._users.get((room.app_id, user.user_id)) is session:
            del self._users[(room.app_id, user.user_id)]
        session.room, session.user, session.claims = None, None, None
        others = list(room.members.values())
        if removed:
            self._fan_out(
                others, m.StreamUpdate(room_id=room.room_id, update_type="DELETE", streams=removed)
            )
        self._fan_out(
            [s for s in others if s.user_update],
            m.UserUpdate(room_id=room.room_id, update_type="DELETE", users=[user]),
        )
        if not room.members:
            del self._rooms[(room.app_id, room.room_id)]
            self._router(room).close_room(room.key)
            log.info("room %r closed", room.room_id)
        log.info("left %s/%s (%s)", room.room_id, user.user_id, reason)

    # ------------------------------------------------------------ streams

    def _owned_stream(self, session: Session, stream_id: str) -> m.StreamInfo:
        check_stream_id(stream_id)
        assert session.room is not None
        if stream_id in session.streams:
            return session.streams[stream_id]
        if stream_id in session.room.streams:
            raise ProtocolError(ErrorCode.NOT_STREAM_OWNER)
        raise ProtocolError(
            ErrorCode.STREAM_NOT_FOUND,
            f"{ErrorCode.STREAM_NOT_FOUND.message} Got stream ID {stream_id!r}.",
        )

    def _on_publish(self, session: Session, msg: m.Publish) -> None:
        room, user, claims = session.room, session.user, session.claims
        assert room is not None and user is not None and claims is not None
        check_stream_id(msg.stream_id)
        check_extra_info(msg.extra_info)
        if not claims.privileges.publish:
            raise ProtocolError(ErrorCode.TOKEN_NO_PUBLISH_PRIVILEGE)
        owner = self._streams.get((room.app_id, msg.stream_id))
        if owner is session:
            self._send(session, m.Ok(id=msg.id))  # publishing the same ID again changes nothing
            return
        if owner is not None:
            raise ProtocolError(
                ErrorCode.STREAM_ID_TAKEN,
                f"{ErrorCode.STREAM_ID_TAKEN.message} Got stream ID {msg.stream_id!r}.",
            )
        if len(session.streams) >= MAX_STREAMS_PER_USER:
            raise ProtocolError(ErrorCode.TOO_MANY_STREAMS)
        self._router(room).check(room.key)
        info = self._add_stream(room, session, user, msg)
        log.info("publish %s by %r", info.stream_id, session)
        self._send(session, m.Ok(id=msg.id))
        self._fan_out(
            self._others(room, session),
            m.StreamUpdate(room_id=room.room_id, update_type="ADD", streams=[info]),
        )
        if room.media == "sfu":
            room.uplink_retries.pop(info.stream_id, None)
            self._open_uplink(room, session, info.stream_id)

    def _open_uplink(self, room: Room, publisher: Session, stream_id: str) -> None:
        """Ask the publisher for the stream's one media session with the SFU."""
        link = MediaLink(
            id=f"u{secrets.token_hex(8)}", stream_id=stream_id, sender=publisher, receiver=None
        )
        self._plays[link.id] = link
        publisher.plays[link.id] = link
        room.uplinks[stream_id] = link
        log.info("uplink %s: %r -> sfu", link.id, publisher)
        self._router(room).publish(room.key, link)
        self._send(publisher, m.PlayRequest(session_id=link.id, stream_id=stream_id, peer="sfu"))

    def _end_stream_plays(self, room: Room, stream_id: str) -> None:
        """The stream is going: end its uplink (silently) and tell its players."""
        uplink = room.uplinks.pop(stream_id, None)
        if uplink is not None:
            self._end_play(uplink, ErrorCode.PUBLISHER_LEFT, notify=None)
        publisher = room.publishers.get(stream_id)
        for play in [p for p in list(self._plays.values()) if p.stream_id == stream_id]:
            if play.receiver is not None and (play.sender is publisher or play.sender is None):
                self._end_play(play, ErrorCode.PUBLISHER_LEFT, notify=play.receiver)

    def _on_unpublish(self, session: Session, msg: m.Unpublish) -> None:
        room = session.room
        assert room is not None
        info = self._owned_stream(session, msg.stream_id)
        self._end_stream_plays(room, info.stream_id)
        del session.streams[info.stream_id]
        self._forget_stream(room, info.stream_id)
        log.info("unpublish %s by %r", info.stream_id, session)
        self._send(session, m.Ok(id=msg.id))
        self._fan_out(
            self._others(room, session),
            m.StreamUpdate(room_id=room.room_id, update_type="DELETE", streams=[info]),
        )

    def _forget_stream(self, room: Room, stream_id: str) -> None:
        room.streams.pop(stream_id, None)
        room.publishers.pop(stream_id, None)
        self._streams.pop((room.app_id, stream_id), None)

    def _on_update_stream(self, session: Session, msg: m.UpdateStream) -> None:
        room = session.room
        assert room is not None
        info = self._owned_stream(session, msg.stream_id)
        if msg.extra_info is not None:
            info.extra_info = check_extra_info(msg.extra_info)
        if msg.video_muted is not None:
            info.video_muted = msg.video_muted
        if msg.audio_muted is not None:
            info.audio_muted = msg.audio_muted
        self._send(session, m.Ok(id=msg.id))
        self._fan_out(
            self._others(room, session), m.StreamInfoUpdate(room_id=room.room_id, streams=[info])
        )

    # ------------------------------------------------------------ playing and the relay

    def _on_play(self, session: Session, msg: m.Play) -> None:
        room, user = session.room, session.user
        assert room is not None and user is not None
        check_stream_id(msg.stream_id)
        info = room.streams.get(msg.stream_id)
        if info is None:
            raise ProtocolError(
                ErrorCode.STREAM_NOT_FOUND,
                f"{ErrorCode.STREAM_NOT_FOUND.message} Got stream ID {msg.stream_id!r}.",
            )
        publisher = room.publishers[msg.stream_id]
        if publisher is session:
            raise ProtocolError(
                ErrorCode.PLAY_FAILED,
                "A session cannot play a stream it publishes; show the local preview instead.",
            )
        router = self._router(room)
        router.check(room.key)
        sfu = room.media == "sfu"
        play = MediaLink(
            id=f"p{secrets.token_hex(8)}",
            stream_id=info.stream_id,
            sender=None if sfu else publisher,
            receiver=session,
        )
        self._plays[play.id] = play
        session.plays[play.id] = play
        self._send(session, m.PlayOk(id=msg.id, session_id=play.id, stream=info))
        if sfu:
            log.info("play %s: %r <- sfu", play.id, session)
            if info.stream_id not in room.uplinks:
                self._open_uplink(room, publisher, info.stream_id)  # the last one was lost
            router.play(room.key, play)
            return
        publisher.plays[play.id] = play
        log.info("play %s: %r <- %r", play.id, session, publisher)
        self._send(
            publisher, m.PlayRequest(session_id=play.id, stream_id=info.stream_id, player=user)
        )

    def _play_of(self, session: Session, session_id: str) -> PlaySession:
        play = session.plays.get(session_id)
        if play is None:
            raise ProtocolError(
                ErrorCode.PLAY_SESSION_NOT_FOUND,
                f"{ErrorCode.PLAY_SESSION_NOT_FOUND.message} Got session ID {session_id[:64]!r}.",
            )
        return play

    def _held_by(self, session: Session, session_id: str) -> HeldClaim | None:
        claim = self._held.get(session_id)
        return claim if claim is not None and claim.session is session else None

    def _on_stop_play(self, session: Session, msg: m.StopPlay) -> None:
        claim = self._held_by(session, msg.session_id)
        if claim is not None:
            self._drop_claim(claim, notify=False)
            self._send(session, m.Ok(id=msg.id))
            return
        play = self._play_of(session, msg.session_id)
        code = ErrorCode.PUBLISHER_LEFT if play.publisher is session else ErrorCode.PLAY_STOPPED
        self._end_play(play, code, notify=play.other(session))
        self._send(session, m.Ok(id=msg.id))
        if play.receiver is None:  # the publisher gave its uplink up (its connection failed)
            self._uplink_lost(play, ErrorCode.PEER_CONNECTION_FAILED)

    def _end_play(
        self,
        play: MediaLink,
        code: ErrorCode,
        notify: Session | None,
        message: str | None = None,
    ) -> None:
        if self._plays.pop(play.id, None) is None:
            return
        for end in play.clients:
            end.plays.pop(play.id, None)
        log.info("play %s ended: %s", play.id, code.name)
        if play.sender is None or play.receiver is None:
            room = play.clients[0].room if play.clients else None
            if room is not None:
                if room.uplinks.get(play.stream_id) is play:
                    del room.uplinks[play.stream_id]
                self._router(room).end(play)
        if notify is not None:
            self._send(
                notify,
                m.SessionClosed(
                    session_id=play.id,
                    stream_id=play.stream_id,
                    code=int(code),
                    name=code.name,
                    message=message or code.message,
                ),
            )

    def _uplink_lost(self, uplink: MediaLink, code: ErrorCode) -> None:
        """A stream's uplink to the SFU ended while the stream is still published: its players'
        sessions end too (they play again, as after any failure) and the publisher is asked
        for a new uplink, a bounded number of times."""
        publisher = uplink.sender
        room = publisher.room if publisher is not None else None
        if room is None or publisher is None or uplink.stream_id not in publisher.streams:
            return
        for play in [p for p in list(self._plays.values()) if p.stream_id == uplink.stream_id]:
            if play.sender is None and play.receiver is not None:
                self._end_play(play, code, notify=play.receiver)
        tries = room.uplink_retries.get(uplink.stream_id, 0)
        if tries >= UPLINK_RETRIES:
            log.error("uplink of %s lost %d times; not asking again", uplink.stream_id, tries)
            return
        room.uplink_retries[uplink.stream_id] = tries + 1
        try:
            self._router(room).check(room.key)
        except ProtocolError:
            return  # no media server: the next play asks for a new uplink
        self._open_uplink(room, publisher, uplink.stream_id)

    # ------------------------------------------------------------ the media router's events

    def link_signal(self, link: MediaLink, kind: m.SignalKind, *, sdp: str | None = None) -> None:
        """The SFU's offer (to a player) or answer (to a publisher), relayed to the client."""
        if link.id not in self._plays:
            return
        for end in link.clients:
            self._send(end, m.RelayedSignal(session_id=link.id, kind=kind, sdp=sdp))

    def link_failed(self, link: MediaLink, code: ErrorCode, message: str) -> None:
        """The SFU end of a media session failed: end it, telling the client why."""
        if link.id not in self._plays:
            return
        client = link.clients[0] if link.clients else None
        self._end_play(link, code, notify=client, message=message)
        if link.receiver is None:
            self._uplink_lost(link, code)

    def _on_signal(self, session: Session, msg: m.Signal) -> None:
        if self._held_by(session, msg.session_id) is not None:
            self._send(session, m.Ok(id=msg.id))  # the other end is not back: nobody to tell
            return
        play = self._play_of(session, msg.session_id)
        if msg.kind in ("offer", "answer") and not msg.sdp:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, f"A {msg.kind} signal needs an 'sdp'.")
        if msg.kind == "candidate" and msg.candidate is None:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "A candidate signal needs a 'candidate'.")
        self._send(session, m.Ok(id=msg.id))
        other = play.other(session)
        if other is None:
            room = session.room
            assert room is not None
            self._router(room).signal(play, msg)
            return
        self._send(
            other,
            m.RelayedSignal(
                session_id=play.id, kind=msg.kind, sdp=msg.sdp, candidate=msg.candidate
            ),
        )

    # ------------------------------------------------------------ messages

    def _chat(self, session: Session, room: Room, text: str) -> m.ChatMessage:
        assert session.user is not None
        chat = m.ChatMessage(
            message_id=room.next_message_id,
            from_user=session.user,
            message=text,
            send_time=int(self._wall() * 1000),
        )
        room.next_message_id += 1
        return chat

    def _on_broadcast(self, session: Session, msg: m.SendBroadcast) -> None:
        room = session.room
        assert room is not None
        check_message(msg.message)
        now = self._clock()
        # Check both windows before recording in either, so a refusal costs no budget.
        if room.broadcasts.count(now) >= room.broadcasts.limit.count:
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "The room may send at most 10 broadcast messages a second."
            )
        if not session.broadcasts.allow(now):
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "A user may send at most 2 broadcast messages a second."
            )
        room.broadcasts.allow(now)
        chat = self._chat(session, room, msg.message)
        self._send(session, m.MessageAck(id=msg.id, message_id=chat.message_id))
        self._fan_out(
            self._others(room, session), m.BroadcastMessage(room_id=room.room_id, messages=[chat])
        )

    def _on_barrage(self, session: Session, msg: m.SendBarrage) -> None:
        room = session.room
        assert room is not None
        check_message(msg.message)
        if not room.barrages.allow(self._clock()):
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "The room may send at most 20 barrage messages a second."
            )
        chat = self._chat(session, room, msg.message)
        self._send(session, m.MessageAck(id=msg.id, message_id=chat.message_id))
        self._fan_out(
            self._others(room, session), m.BarrageMessage(room_id=room.room_id, messages=[chat])
        )

    def _on_custom_command(self, session: Session, msg: m.SendCustomCommand) -> None:
        room, user = session.room, session.user
        assert room is not None and user is not None
        check_message(msg.command)
        check_recipients(msg.to_user_ids)
        if not room.commands.allow(self._clock()):
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "The room may send at most 200 custom commands a second."
            )
        if msg.to_user_ids:
            wanted = set(msg.to_user_ids)
            targets = [s for uid, s in room.members.items() if uid in wanted and s is not session]
        else:
            targets = self._others(room, session)
        self._send(session, m.Ok(id=msg.id))
        self._fan_out(
            targets, m.CustomCommand(room_id=room.room_id, from_user=user, command=msg.command)
        )
