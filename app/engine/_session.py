"""The room session: the socket to the room service, login, heartbeat, reconnection, the one
dispatcher for everything the service sends, and the ordered signalling queue.

The session knows the room (users, streams, ICE servers) and its state; it knows nothing of
media. What publishing, playing and messaging need from it they get through typed links
(``PeerLink``); what it needs from them it asks through :class:`RoomMember` and the routes they
register (:meth:`RoomSession.route`, :meth:`RoomSession.add_media_sessions`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import (
    PROTOCOL_VERSION,
    CloseCode,
    ProtocolError,
    check_room_id,
    check_user_id,
    check_user_name,
)

from . import _resume
from ._peer import PeerLink
from ._signalling import Signalling
from ._tasks import TaskGroup
from .config import EngineConfig, IceServerConfig, RoomConfig
from .data import (
    DeviceStatus,
    RoomState,
    RoomStateReason,
    StreamInfo,
    UpdateType,
    User,
)
from .errors import EngineStateError, HuddleError, LoginError
from .events import Emit

log = logging.getLogger("huddle.engine")

# Refusals that retrying cannot fix: reconnecting stops at once on these.
_FATAL_ON_RECONNECT = {code for code in ErrorCode if 2000 <= code < 3000 or 1100 <= code < 1200} | {
    ErrorCode.UNSUPPORTED_VERSION,
    ErrorCode.ROOM_FULL,
}

M = TypeVar("M", bound=m.ServerMessage)


class RoomMember(Protocol):
    """A part of the engine that lives in the room: publishing and playing."""

    def on_logged_in(self) -> None:
        """The login (or a login after reconnecting) is adopted: register and play again."""

    def held(self) -> _resume.Held:
        """What a re-login re-announces: publications, and the play sessions of the peer
        connections (which a dropped socket leaves alone)."""

    async def on_reconnected(self, kept: _resume.Kept) -> None:
        """Logged in again: close (and negotiate again) only what the service did not keep."""

    async def on_room_lost(self, code: ErrorCode) -> None:
        """Kicked out, or reconnecting gave up: stop everything, with this code."""

    async def on_leaving(self) -> None:
        """``logout_room``: stop everything, telling the service while it can be told."""


class MediaSessionEnd(Protocol):
    """One end of a media session (a publication's player, or a playback)."""

    async def on_signal(self, signal: m.RelayedSignal) -> None: ...

    async def on_session_closed(self, session_id: str, code: int) -> None: ...


@dataclass(frozen=True)
class RoomLink:
    """What publishing, playing and messaging get from the room session."""

    peer: PeerLink
    emit: Emit
    room_state: Callable[[], RoomState]
    in_order: Callable[[Callable[[], Awaitable[None]]], None]
    """Queue signalling work behind what arrived before it."""
    stream_info: Callable[[str], StreamInfo | None]
    """A stream of the room, as last reported (None: not in the room)."""
    media_mode: Callable[[], str | None]
    """The room's media mode ("p2p" or "sfu"; None: not in a room)."""


@dataclass
class _Room:
    room_id: str
    token: str
    user: User
    config: RoomConfig
    users: dict[str, User] = field(default_factory=dict)
    streams: dict[str, StreamInfo] = field(default_factory=dict)
    ice_servers: list[IceServerConfig] = field(default_factory=list)
    heartbeat_interval: float = 10.0
    media_mode: str = "p2p"
    """The room's media mode, from the login reply: "p2p" or "sfu"."""
    resume_token: str = ""
    held_back: dict[str, str | None] = field(default_factory=dict)
    """Streams kept in view after a re-login to a service that did not know them yet (their
    play sessions wait for the publisher to announce them again), with the user kept in view
    for each (None if the service listed that user anyway)."""


class RoomSession:
    """One user's presence in at most one room, over one socket at a time."""

    def __init__(
        self,
        app_id: int,
        server: str,
        config: EngineConfig,
        *,
        emit: Emit,
        tasks: TaskGroup,
    ) -> None:
        self.app_id = app_id
        self.server = server
        self.config = config
        self._emit = emit
        self._tasks = tasks
        self.state = RoomState.DISCONNECTED
        self.room: _Room | None = None
        self._signalling: Signalling | None = None
        self._early: list[m.ServerMessage] | None = None
        self._room_tasks: TaskGroup | None = None
        self._serial: asyncio.Queue[Callable[[], Awaitable[None]]] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._members: list[RoomMember] = []
        self._room_loops: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._media_sessions: list[Callable[[str], MediaSessionEnd | None]] = []
        self._routes: dict[type, Callable[[Any], None]] = {
            m.UserUpdate: self._on_user_update,
            m.StreamUpdate: self._on_stream_update,
            m.StreamInfoUpdate: self._on_stream_info_update,
            m.Kickout: self._on_kickout,
            m.RelayedSignal: self._on_signal,
            m.SessionClosed: self._on_session_closed,
        }
        self._stream_listeners: list[Callable[[list[StreamInfo], list[StreamInfo]], None]] = []
        self._info_listeners: list[Callable[[StreamInfo], None]] = []
        self.link = RoomLink(
            peer=PeerLink(
                config=config,
                request=self.request,
                spawn=tasks.spawn,
                ice_servers=self.ice_servers,
            ),
            emit=emit,
            room_state=lambda: self.state,
            in_order=self.in_order,
            stream_info=self.stream_info,
            media_mode=lambda: self.room.media_mode if self.room else None,
        )

    # ------------------------------------------------------------ wiring (by the facade)

    def add_member(self, member: RoomMember) -> None:
        """Tell ``member`` about logins, lost connections and leaving (in the order added)."""
        self._members.append(member)

    def add_room_loop(self, loop: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``loop()`` as a task for as long as each connection to the room lasts."""
        self._room_loops.append(loop)

    def route(self, kind: type[M], handler: Callable[[M], None]) -> None:
        """Hand every server message of this type to ``handler`` (from the one dispatcher)."""
        if kind in self._routes:
            raise ValueError(f"{kind.__name__} is already routed")
        self._routes[kind] = handler

    def add_media_sessions(self, find: Callable[[str], MediaSessionEnd | None]) -> None:
        """Signals and session ends for session IDs that ``find`` knows go to what it returns."""
        self._media_sessions.append(find)

    def on_streams(self, listener: Callable[[list[StreamInfo], list[StreamInfo]], None]) -> None:
        """Call ``listener(added, deleted)`` after each stream ADD or DELETE is reported."""
        self._stream_listeners.append(listener)

    def on_stream_info(self, listener: Callable[[StreamInfo], None]) -> None:
        """Call ``listener(info)`` for each stream whose info (mute, extra info) changed."""
        self._info_listeners.append(listener)

    # ------------------------------------------------------------ state

    @property
    def connected(self) -> bool:
        return self.state is RoomState.CONNECTED

    def stream_exists(self, stream_id: str) -> bool:
        return self.room is not None and stream_id in self.room.streams

    def stream_info(self, stream_id: str) -> StreamInfo | None:
        return self.room.streams.get(stream_id) if self.room else None

    def ice_servers(self) -> list[IceServerConfig]:
        if self.config.ice_servers is not None:
            return self.config.ice_servers
        return self.room.ice_servers if self.room else []

    def _set_state(
        self, state: RoomState, reason: RoomStateReason, code: int = 0, **extended: Any
    ) -> None:
        room_id = self.room.room_id if self.room else ""
        old, self.state = self.state, state
        log.info(
            "room %s: %s -> %s (%s%s)",
            room_id,
            old,
            state,
            reason,
            f", {ErrorCode.from_wire(code).name}" if code else "",
        )
        self._emit("roomStateChanged", room_id, reason, int(code), extended)

    # ------------------------------------------------------------ requests

    async def request(self, build: Callable[[int], m.ClientMessage]) -> m.ServerMessage:
        """Send the request ``build(id)`` makes; raises HuddleError (CONNECTION_LOST when not
        connected, the service's code when it refuses)."""
        signalling = self._signalling
        if signalling is None or self.state is not RoomState.CONNECTED:
            raise HuddleError(ErrorCode.CONNECTION_LOST, "Not connected to the room service.")
        return await signalling.request(build(signalling.next_id()))

    def in_order(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run signalling work one piece at a time, in arrival order (offer before answer)."""
        if self._serial is not None:
            self._serial.put_nowait(action)

    async def _run_serial(self, queue: asyncio.Queue[Callable[[], Awaitable[None]]]) -> None:
        while True:
            action = await queue.get()
            try:
                await action()
            except HuddleError as exc:
                log.info("signalling step failed: %s", exc)
            except Exception:
                log.exception("signalling step failed")

    # ------------------------------------------------------------ logging in

    async def login(self, room_id: str, token: str, user: User, config: RoomConfig) -> bool:
        if self.state is not RoomState.DISCONNECTED:
            raise EngineStateError(
                ErrorCode.INVALID_STATE,
                f"Already in room {self.room.room_id if self.room else None!r} ({self.state}); "
                "log out first.",
            )
        self.room = _Room(room_id, token, user, config)
        self._set_state(RoomState.CONNECTING, RoomStateReason.LOGINING)
        try:
            check_room_id(room_id)
            check_user_id(user.user_id)
            check_user_name(user.user_name)
            reply = await self._open_session()
        except (HuddleError, ProtocolError) as exc:
            error = LoginError.of(exc)
            self._set_state(
                RoomState.DISCONNECTED,
                RoomStateReason.LOGIN_FAILED,
                error.code,
                message=error.message,
            )
            self.room = None
            return False
        await self._adopt_login(reply, reconnected=False)
        return True

    def renew_token(self, token: str) -> None:
        if self.room is not None:
            self.room.token = token

    async def _open_session(self, *, resume: bool = False) -> m.LoginOk:
        """Connect and log in; events that arrive before the login is adopted wait in line.
        ``resume``: with the resume token, re-announcing what the members still have."""
        room = self.room
        assert room is not None
        publications: list[m.Publication] = []
        plays: list[m.HeldPlay] = []
        if resume:
            for member in self._members:
                held = member.held()
                publications += held.publications
                plays += held.plays
        signalling = Signalling(
            self.server,
            on_event=self._on_message,
            on_closed=lambda code: self._on_socket_closed(signalling, code),
            request_timeout=self.config.request_timeout,
            ca_file=self.config.ca_file,
            proof_secret=self.config.local_service_secret,
        )
        self._early = []
        try:
            await signalling.connect()
        except BaseException:
            self._early = None
            raise
        try:
            reply = await signalling.request(
                m.Login(
                    id=signalling.next_id(),
                    version=PROTOCOL_VERSION,
                    app_id=self.app_id,
                    room_id=room.room_id,
                    user_id=room.user.user_id,
                    user_name=room.user.user_name,
                    token=room.token,
                    user_update=room.config.user_update,
                    # Back after a drop: a restarted service re-creates the room as it was.
                    media=room.media_mode if resume else self.config.media_mode,
                    resume_token=room.resume_token if resume else "",
                    publications=publications,
                    plays=plays,
                )
            )
        except BaseException:
            self._early = None
            await signalling.close()
            raise
        assert isinstance(reply, m.LoginOk)
        self._signalling = signalling
        return reply

    async def _adopt_login(self, reply: m.LoginOk, *, reconnected: bool) -> None:
        room = self.room
        assert room is not None
        room.heartbeat_interval = reply.heartbeat_interval
        room.media_mode = reply.media
        room.ice_servers = [
            IceServerConfig(urls=s.urls, username=s.username, credential=s.credential)
            for s in reply.ice_servers
        ]
        room.resume_token = reply.resume_token
        old_users, old_streams = room.users, room.streams
        kept = _resume.Kept.of(reply)
        if not (reconnected and kept.resumed):  # resumed: what changed follows as events
            room.users = {u.user_id: User._from_wire(u) for u in reply.users}
            room.streams = {s.stream_id: StreamInfo._from_wire(s) for s in reply.streams}
            if reconnected:
                self._hold_back(kept, old_users, old_streams)
        self._serial = asyncio.Queue()
        room_tasks = self._room_tasks = TaskGroup(f"room {room.room_id}")
        room_tasks.spawn(self._run_serial(self._serial), "huddle-serial")
        room_tasks.spawn(self._heartbeat(), "huddle-heartbeat")
        for loop in self._room_loops:
            room_tasks.spawn(loop(), f"huddle-{loop.__name__.strip('_')}")
        self._set_state(
            RoomState.CONNECTED,
            RoomStateReason.RECONNECTED if reconnected else RoomStateReason.LOGINED,
        )
        if room.config.user_update:
            added = [u for uid, u in room.users.items() if uid not in old_users]
            gone = [u for uid, u in old_users.items() if uid not in room.users]
            if gone:
                self._emit("roomUserUpdate", room.room_id, UpdateType.DELETE, gone)
            if added:
                self._emit("roomUserUpdate", room.room_id, UpdateType.ADD, added)
        added_streams = [s for sid, s in room.streams.items() if sid not in old_streams]
        gone_streams = [s for sid, s in old_streams.items() if sid not in room.streams]
        if gone_streams:
            self._emit("roomStreamUpdate", room.room_id, UpdateType.DELETE, gone_streams, {})
        if added_streams:
            self._emit("roomStreamUpdate", room.room_id, UpdateType.ADD, added_streams, {})
        early, self._early = self._early or [], None
        if reconnected:
            # First in line, before what came with the reply (a play_request for a new uplink,
            # say): what the service did not keep is closed, not what it asks for now.
            async def after_reconnect() -> None:
                for member in self._members:
                    await member.on_reconnected(kept)
                for member in self._members:
                    member.on_logged_in()  # publish and play again what was not kept

            self.in_order(after_reconnect)
        for message in early:
            self._on_message(message)
        if not reconnected:
            # Publish what waited for the login.
            for member in self._members:
                member.on_logged_in()

    def _hold_back(
        self, kept: _resume.Kept, old_users: dict[str, User], old_streams: dict[str, StreamInfo]
    ) -> None:
        """After a fresh re-login: a play session the service kept waits for its publisher, who
        has not logged back in yet; its stream (and user) stay in view until they do, or until
        the service ends the session."""
        room = self.room
        assert room is not None
        for member in self._members:
            for held in member.held().plays:
                info = old_streams.get(held.stream_id)
                if held.role != "player" or not kept.play(held.session_id) or info is None:
                    continue
                if held.stream_id in room.streams:
                    continue
                room.streams[held.stream_id] = info
                owner = info.user.user_id
                held_user = owner if owner not in room.users else None
                room.held_back[held.stream_id] = held_user
                if held_user is not None and owner in old_users:
                    room.users[owner] = old_users[owner]

    async def _stop_room_tasks(self) -> None:
        room_tasks, self._room_tasks = self._room_tasks, None
        self._serial = None
        if room_tasks is not None:
            await room_tasks.aclose()

    # ------------------------------------------------------------ staying connected

    def _on_socket_closed(self, signalling: Signalling, code: int | None) -> None:
        if signalling is not self._signalling:
            return
        self._signalling = None
        if self.state is not RoomState.CONNECTED:
            return
        if code == CloseCode.KICKED:
            self._kicked(ErrorCode.KICKED_BY_SERVER)
        else:
            self._reconnecting = self._tasks.spawn(
                self._reconnect(ErrorCode.CONNECTION_LOST), "huddle-reconnect"
            )

    async def _heartbeat(self) -> None:
        room = self.room
        assert room is not None
        while True:
            await asyncio.sleep(room.heartbeat_interval)
            signalling = self._signalling
            if signalling is None:
                return
            try:
                await signalling.request(m.Heartbeat(id=signalling.next_id()))
            except HuddleError as exc:
                log.warning("heartbeat failed (%s); reconnecting", exc.code.name)
                await signalling.close()
                self._on_socket_closed(signalling, None)
                return

    async def _reconnect(self, cause: ErrorCode) -> None:
        assert self.room is not None
        await self._stop_room_tasks()
        # The peer connections carry the media without the service: they are left alone. The
        # service gives the session back (resume) or takes back what the members re-announce;
        # only what it does not take is negotiated again (``on_reconnected``).
        self._set_state(RoomState.RECONNECTING, RoomStateReason.RECONNECTING, cause)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.reconnect_timeout
        waits = _resume.reconnect_waits(*self.config.reconnect_backoff)
        while True:
            wait = min(next(waits), max(0.0, deadline - loop.time()))
            if wait:
                await asyncio.sleep(wait)
            try:
                reply = await self._open_session(resume=True)
                break
            except HuddleError as exc:
                if exc.code in _FATAL_ON_RECONNECT or deadline - loop.time() <= 0:
                    code = (
                        exc.code if exc.code in _FATAL_ON_RECONNECT else ErrorCode.RECONNECT_TIMEOUT
                    )
                    await self._give_up(RoomStateReason.RECONNECT_FAILED, code, exc.message)
                    return
                log.info("reconnect failed (%s)", exc.code.name)
        self._reconnecting = None
        await self._adopt_login(reply, reconnected=True)

    async def _give_up(
        self,
        reason: RoomStateReason,
        code: ErrorCode,
        message: str = "",
        signalling: Signalling | None = None,
    ) -> None:
        """The room is lost (kicked, or reconnecting failed): stop everything, keep streams."""
        self._reconnecting = None
        await self._stop_room_tasks()
        if signalling is not None:
            await signalling.close()
        for member in self._members:
            await member.on_room_lost(code)
        self._set_state(RoomState.DISCONNECTED, reason, code, message=message or code.message)
        self.room = None

    def _kicked(self, code: ErrorCode) -> None:
        if self.state is RoomState.DISCONNECTED or self.room is None:
            return
        # Detach the socket now, so its closing is not taken for a drop to reconnect from.
        signalling, self._signalling = self._signalling, None
        self._tasks.spawn(
            self._give_up(RoomStateReason.KICKOUT, code, signalling=signalling), "huddle-kicked"
        )

    # ------------------------------------------------------------ leaving

    async def logout(self, room_id: str | None = None) -> None:
        if self.room is None or (room_id is not None and room_id != self.room.room_id):
            return
        reconnecting, self._reconnecting = self._reconnecting, None
        if reconnecting is not None and reconnecting is not asyncio.current_task():
            reconnecting.cancel()
            await asyncio.gather(reconnecting, return_exceptions=True)
        await self._stop_room_tasks()
        for member in self._members:
            await member.on_leaving()
        signalling, self._signalling = self._signalling, None
        failure: HuddleError | None = None
        if signalling is not None:
            try:
                await signalling.request(m.Logout(id=signalling.next_id()))
            except HuddleError as exc:
                failure = exc
            await signalling.close()
        elif self.state is not RoomState.CONNECTED:
            failure = HuddleError(ErrorCode.CONNECTION_LOST)
        if failure is not None:
            self._set_state(
                RoomState.DISCONNECTED,
                RoomStateReason.LOGOUT_FAILED,
                failure.code,
                message=failure.message,
            )
        else:
            self._set_state(RoomState.DISCONNECTED, RoomStateReason.LOGOUT)
        self.room = None

    # ------------------------------------------------------------ the dispatcher

    def _on_message(self, message: m.ServerMessage) -> None:
        """Every event from the room service comes through here, in order."""
        if self._early is not None:
            self._early.append(message)  # the login that precedes it is not adopted yet
            return
        handler = self._routes.get(type(message))
        if handler is None:
            log.warning("unexpected %s from the room service", type(message).__name__)
            return
        handler(message)

    def _on_user_update(self, msg: m.UserUpdate) -> None:
        room = self.room
        if room is None:
            return
        users = [User._from_wire(u) for u in msg.users]
        if msg.update_type == "ADD":
            # A user kept in view through a re-login (``_Room.held_back``) is back: no news.
            held = {u for u in room.held_back.values() if u is not None}
            arrived = {u.user_id for u in users}
            for stream_id, user_id in room.held_back.items():
                if user_id in arrived:
                    room.held_back[stream_id] = None
            users = [u for u in users if u.user_id not in held]
            for user in users:
                room.users[user.user_id] = user
        else:
            for user in users:
                room.users.pop(user.user_id, None)
        if room.config.user_update and users:
            self._emit("roomUserUpdate", room.room_id, UpdateType(msg.update_type), users)

    def _on_stream_update(self, msg: m.StreamUpdate) -> None:
        room = self.room
        if room is None:
            return
        streams = [StreamInfo._from_wire(s) for s in msg.streams]
        if msg.update_type == "ADD":
            # A stream kept in view through a re-login is announced again: no news.
            back = [s for s in streams if s.stream_id in room.held_back]
            for info in back:
                room.held_back.pop(info.stream_id)
                room.streams[info.stream_id] = info
            streams = [s for s in streams if s not in back]
        for info in streams:
            if msg.update_type == "ADD":
                room.streams[info.stream_id] = info
            else:
                room.streams.pop(info.stream_id, None)
                room.held_back.pop(info.stream_id, None)
        if not streams:
            return
        self._emit("roomStreamUpdate", room.room_id, UpdateType(msg.update_type), streams, {})
        added = streams if msg.update_type == "ADD" else []
        deleted = streams if msg.update_type == "DELETE" else []
        for listener in self._stream_listeners:
            listener(added, deleted)

    def _on_stream_info_update(self, msg: m.StreamInfoUpdate) -> None:
        room = self.room
        if room is None:
            return
        changed_extra: list[StreamInfo] = []
        for wire in msg.streams:
            info = StreamInfo._from_wire(wire)
            old = room.streams.get(info.stream_id)
            room.streams[info.stream_id] = info
            for listener in self._info_listeners:
                listener(info)
            if old is None or old.extra_info != info.extra_info:
                changed_extra.append(info)
            if old is None or old.video_muted != info.video_muted:
                status = DeviceStatus.MUTE if info.video_muted else DeviceStatus.OPEN
                self._emit("remoteCameraStatusUpdate", info.stream_id, status)
            if old is None or old.audio_muted != info.audio_muted:
                status = DeviceStatus.MUTE if info.audio_muted else DeviceStatus.OPEN
                self._emit("remoteMicStatusUpdate", info.stream_id, status)
        if changed_extra:
            self._emit("roomStreamExtraInfoUpdate", room.room_id, changed_extra)

    def _on_kickout(self, msg: m.Kickout) -> None:
        self._kicked(ErrorCode.from_wire(msg.code))

    def _media_session(self, session_id: str) -> MediaSessionEnd | None:
        # A playback learns its session ID from the play reply, which the reader resolves
        # before it dispatches the offer that follows; asyncio runs callbacks in the order
        # they were scheduled, so the playback has the ID by the time this runs.
        for find in self._media_sessions:
            end = find(session_id)
            if end is not None:
                return end
        return None

    def _on_signal(self, msg: m.RelayedSignal) -> None:
        async def handle() -> None:
            end = self._media_session(msg.session_id)
            if end is not None:
                await end.on_signal(msg)

        self.in_order(handle)

    def _on_session_closed(self, msg: m.SessionClosed) -> None:
        room = self.room
        if room is not None and msg.stream_id in room.held_back:
            # Kept in view through a re-login, and its publisher never came back: gone.
            user_id = room.held_back.pop(msg.stream_id)
            gone = room.streams.pop(msg.stream_id, None)
            if gone is not None:
                self._emit("roomStreamUpdate", room.room_id, UpdateType.DELETE, [gone], {})
                for listener in self._stream_listeners:
                    listener([], [gone])
            user = room.users.pop(user_id, None) if user_id is not None else None
            if user is not None and room.config.user_update:
                self._emit("roomUserUpdate", room.room_id, UpdateType.DELETE, [user])

        async def handle() -> None:
            end = self._media_session(msg.session_id)
            if end is not None:
                await end.on_session_closed(msg.session_id, msg.code)

        self.in_order(handle)

    # ------------------------------------------------------------ the end

    async def aclose(self) -> None:
        """Leave the room (if in one) and stop the room's tasks. Safe to call twice."""
        await self.logout()
        await self._stop_room_tasks()
