"""The Engine: Huddle's Express-style SDK.

One engine is one user in at most one room. Register handlers with ``on()`` first, then
``login_room``; create a stream, publish it, play the others' streams as ``roomStreamUpdate``
announces them. Everything runs on the asyncio event loop that calls it; capture, codecs and
colour conversion run in threads. See ``app/engine/events.py`` for every event's arguments.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc.mediastreams import MediaStreamTrack

from app.media import (
    CameraSource,
    MediaError,
    MediaFileSource,
    MicrophoneSource,
    Mixer,
    MixerInput,
    PatternSource,
    ScreenSource,
    Speaker,
    ToneSource,
)
from app.media.camera import camera_name
from app.media.devices import list_cameras, list_microphones, list_speakers
from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import (
    PROTOCOL_VERSION,
    CloseCode,
    ProtocolError,
    check_extra_info,
    check_message,
    check_recipients,
    check_room_id,
    check_stream_id,
    check_user_id,
    check_user_name,
)

from . import _aiortc_seams as seams
from . import _voice  # audio processing and playout of the voice (#10)
from ._player import Playback
from ._publisher import Publication
from ._signalling import Signalling
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
    RoomState,
    RoomStateReason,
    SoundLevel,
    StreamInfo,
    SystemRequirements,
    UpdateType,
    User,
)
from .errors import (
    DeviceError,
    EngineStateError,
    HuddleError,
    LoginError,
    MessageError,
    PlayError,
    PublishError,
)
from .events import Emitter, EventName, Handler
from .streams import LocalStream, RemoteStream, SourceSwitch

log = logging.getLogger("huddle.engine")

# Refusals that retrying cannot fix: reconnecting stops at once on these.
_FATAL_ON_RECONNECT = {code for code in ErrorCode if 2000 <= code < 3000 or 1100 <= code < 1200} | {
    ErrorCode.UNSUPPORTED_VERSION,
    ErrorCode.ROOM_FULL,
}


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


class Engine:
    """The SDK entry point: ``Engine(app_id, "ws://host:port/ws")``."""

    def __init__(self, app_id: int, server: str, config: EngineConfig | None = None) -> None:
        seams.install()
        self.app_id = app_id
        self._server = server
        self.config = config or EngineConfig()
        self._events = Emitter()
        self._state = RoomState.DISCONNECTED
        self._room: _Room | None = None
        self._signalling: Signalling | None = None
        self._early: list[m.ServerMessage] | None = None
        self._publications: dict[str, Publication] = {}
        self._playbacks: dict[str, Playback] = {}
        self._local_streams: list[LocalStream] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._room_tasks: set[asyncio.Task[Any]] = set()
        self._serial: asyncio.Queue[Callable[[], Awaitable[None]]] | None = None
        self._mixer = Mixer()
        # #10: echo canceller, noise suppression, gain control
        self._voice = _voice.Voice(
            self.config, lambda code, what: self._emit("deviceError", code, what)
        )
        self._speaker: Speaker | None = None
        self._speaker_state = "closed"
        self._sound_level_interval: float | None = None
        self._sound_level_task: asyncio.Task[None] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._destroyed = False
        self._dispatch: dict[type, Callable[[Any], None]] = {
            m.UserUpdate: self._on_user_update,
            m.StreamUpdate: self._on_stream_update,
            m.StreamInfoUpdate: self._on_stream_info_update,
            m.Kickout: self._on_kickout,
            m.PlayRequest: self._on_play_request,
            m.RelayedSignal: self._on_signal,
            m.SessionClosed: self._on_session_closed,
            m.BroadcastMessage: self._on_broadcast,
            m.BarrageMessage: self._on_barrage,
            m.CustomCommand: self._on_custom_command,
        }

    def __repr__(self) -> str:
        room = self._room.room_id if self._room else None
        return f"<Engine app={self.app_id} {self._state} room={room!r}>"

    # ------------------------------------------------------------ events

    def on(self, event: EventName, handler: Handler) -> Handler:
        """Register ``handler`` for ``event`` (see ``app.engine.events`` for the arguments)."""
        return self._events.on(event, handler)

    def off(self, event: EventName, handler: Handler | None = None) -> None:
        """Remove a handler, or all handlers of the event."""
        self._events.off(event, handler)

    def _emit(self, event: EventName, *args: Any) -> None:
        self._events.emit(event, *args)

    # ------------------------------------------------------------ public state

    @property
    def server(self) -> str:
        """The room service URL; may be changed while not in a room."""
        return self._server

    @server.setter
    def server(self, url: str) -> None:
        if self._state is not RoomState.DISCONNECTED:
            raise EngineStateError(ErrorCode.INVALID_STATE, "Log out before changing the server.")
        self._server = url

    @property
    def room_state(self) -> RoomState:
        return self._state

    @property
    def room_id(self) -> str | None:
        return self._room.room_id if self._room else None

    @property
    def user(self) -> User | None:
        return self._room.user if self._room else None

    @property
    def users(self) -> list[User]:
        """The other users in the room, as last reported."""
        return list(self._room.users.values()) if self._room else []

    @property
    def streams(self) -> list[StreamInfo]:
        """The other users' streams in the room, as last reported."""
        return list(self._room.streams.values()) if self._room else []

    @property
    def publishing(self) -> dict[str, PublisherState]:
        return {sid: pub.state for sid, pub in self._publications.items()}

    @property
    def playing(self) -> dict[str, PlayerState]:
        return {sid: pb.state for sid, pb in self._playbacks.items()}

    def remote_stream(self, stream_id: str) -> RemoteStream | None:
        playback = self._playbacks.get(stream_id)
        return playback.remote if playback else None

    # ------------------------------------------------------------ system

    async def check_system_requirements(self) -> SystemRequirements:
        """Probe this machine: WebRTC, custom capture, camera, microphone, codecs, screen."""
        from .system import probe

        return await probe()

    async def enum_devices(self) -> DeviceLists:
        """The cameras, microphones and speakers this machine has, with names."""
        loop = asyncio.get_running_loop()
        cameras, microphones, speakers = await asyncio.gather(
            loop.run_in_executor(None, list_cameras),
            loop.run_in_executor(None, list_microphones),
            loop.run_in_executor(None, list_speakers),
        )
        return DeviceLists(cameras, microphones, speakers)

    # ------------------------------------------------------------ room

    def _check_alive(self) -> None:
        if self._destroyed:
            raise EngineStateError(ErrorCode.ENGINE_DESTROYED)

    def _set_room_state(
        self, state: RoomState, reason: RoomStateReason, code: int = 0, **extended: Any
    ) -> None:
        room_id = self._room.room_id if self._room else ""
        old, self._state = self._state, state
        log.info(
            "room %s: %s -> %s (%s%s)",
            room_id,
            old,
            state,
            reason,
            f", {ErrorCode.from_wire(code).name}" if code else "",
        )
        self._emit("roomStateChanged", room_id, reason, int(code), extended)

    async def login_room(
        self, room_id: str, token: str, user: User, config: RoomConfig | None = None
    ) -> bool:
        """Log in to a room (created if it does not exist).

        Fires ``roomStateChanged`` LOGINING then LOGINED (or LOGIN_FAILED with the error code),
        then ``roomUserUpdate`` ADD for the users there (with ``user_update``) and
        ``roomStreamUpdate`` ADD for their streams. Returns True on success.
        """
        self._check_alive()
        if self._state is not RoomState.DISCONNECTED:
            raise EngineStateError(
                ErrorCode.INVALID_STATE,
                f"Already in room {self.room_id!r} ({self._state}); log out first.",
            )
        self._room = _Room(room_id, token, user, config or RoomConfig())
        self._set_room_state(RoomState.CONNECTING, RoomStateReason.LOGINING)
        try:
            check_room_id(room_id)
            check_user_id(user.user_id)
            check_user_name(user.user_name)
            reply = await self._open_session()
        except (HuddleError, ProtocolError) as exc:
            error = LoginError.of(exc)
            self._set_room_state(
                RoomState.DISCONNECTED,
                RoomStateReason.LOGIN_FAILED,
                error.code,
                message=error.message,
            )
            self._room = None
            return False
        await self._adopt_login(reply, reconnected=False)
        return True

    async def renew_token(self, token: str) -> None:
        """Use this token for logging back in after a disconnection."""
        if self._room is not None:
            self._room.token = token

    async def _open_session(self) -> m.LoginOk:
        """Connect and log in; events that arrive before the login is adopted wait in line."""
        room = self._room
        assert room is not None
        signalling = Signalling(
            self._server,
            on_event=self._on_message,
            on_closed=lambda code: self._on_socket_closed(signalling, code),
            request_timeout=self.config.request_timeout,
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
        room = self._room
        assert room is not None
        room.heartbeat_interval = reply.heartbeat_interval
        room.ice_servers = [
            IceServerConfig(urls=s.urls, username=s.username, credential=s.credential)
            for s in reply.ice_servers
        ]
        old_users, old_streams = room.users, room.streams
        room.users = {u.user_id: User._from_wire(u) for u in reply.users}
        room.streams = {s.stream_id: StreamInfo._from_wire(s) for s in reply.streams}
        self._serial = asyncio.Queue()
        self._room_task(self._run_serial(self._serial), "huddle-serial")
        self._room_task(self._heartbeat(), "huddle-heartbeat")
        self._room_task(self._quality_loop(), "huddle-quality")
        self._set_room_state(
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
        for message in early:
            self._on_message(message)
        # Publish what waited for the login, and (after a reconnect) play again.
        for publication in list(self._publications.values()):
            if publication.state is not PublisherState.PUBLISHING:
                self._spawn(self._register(publication), f"huddle-publish-{publication.stream_id}")
        for playback in list(self._playbacks.values()):
            if (
                not playback.stopped
                and playback.session_id is None
                and playback.stream_id in room.streams
            ):
                self._spawn(self._replay(playback), f"huddle-replay-{playback.stream_id}")

    def _on_socket_closed(self, signalling: Signalling, code: int | None) -> None:
        if signalling is not self._signalling:
            return
        self._signalling = None
        if self._state is not RoomState.CONNECTED:
            return
        if code == CloseCode.KICKED:
            self._kicked(ErrorCode.KICKED_BY_SERVER)
        else:
            self._reconnecting = self._spawn(
                self._reconnect(ErrorCode.CONNECTION_LOST), "huddle-reconnect"
            )

    async def _heartbeat(self) -> None:
        room = self._room
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
        room = self._room
        assert room is not None
        await self._stop_room_tasks()
        self._set_room_state(RoomState.RECONNECTING, RoomStateReason.RECONNECTING, cause)
        for publication in self._publications.values():
            await publication.close_peers()
            self.set_publisher_state(publication, PublisherState.PUBLISH_REQUESTING, cause)
        for playback in self._playbacks.values():
            await playback.teardown(tell_service=False)
            if not playback.stopped:
                self.set_player_state(playback, PlayerState.PLAY_REQUESTING, cause)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.reconnect_timeout
        delay, longest = self.config.reconnect_backoff
        while True:
            try:
                reply = await self._open_session()
                break
            except HuddleError as exc:
                remaining = deadline - loop.time()
                if exc.code in _FATAL_ON_RECONNECT or remaining <= 0:
                    code = (
                        exc.code if exc.code in _FATAL_ON_RECONNECT else ErrorCode.RECONNECT_TIMEOUT
                    )
                    await self._give_up(RoomStateReason.RECONNECT_FAILED, code, exc.message)
                    return
                log.info("reconnect failed (%s); next try in %.2f s", exc.code.name, delay)
                await asyncio.sleep(min(delay * random.uniform(0.8, 1.2), remaining))
                delay = min(delay * 2, longest)
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
        for publication in list(self._publications.values()):
            await publication.close_peers()
            self.set_publisher_state(publication, PublisherState.NO_PUBLISH, code)
        self._publications.clear()
        for playback in list(self._playbacks.values()):
            await playback.stop()
            self.set_player_state(playback, PlayerState.NO_PLAY, code)
        self._playbacks.clear()
        self._set_room_state(RoomState.DISCONNECTED, reason, code, message=message or code.message)
        self._room = None

    def _kicked(self, code: ErrorCode) -> None:
        if self._state is RoomState.DISCONNECTED or self._room is None:
            return
        # Detach the socket now, so its closing is not taken for a drop to reconnect from.
        signalling, self._signalling = self._signalling, None
        self._spawn(
            self._give_up(RoomStateReason.KICKOUT, code, signalling=signalling), "huddle-kicked"
        )

    async def logout_room(self, room_id: str | None = None) -> None:
        """Leave the room: stop publishing and playing, fire ``roomStateChanged`` LOGOUT.

        Safe to call when not logged in. If the service cannot be told, the engine still
        leaves locally and fires LOGOUT_FAILED with the reason.
        """
        if self._room is None or (room_id is not None and room_id != self._room.room_id):
            return
        reconnecting, self._reconnecting = self._reconnecting, None
        if reconnecting is not None and reconnecting is not asyncio.current_task():
            reconnecting.cancel()
            await asyncio.gather(reconnecting, return_exceptions=True)
        await self._stop_room_tasks()
        for stream_id in list(self._publications):
            await self.stop_publishing_stream(stream_id)
        for stream_id in list(self._playbacks):
            await self.stop_playing_stream(stream_id)
        signalling, self._signalling = self._signalling, None
        failure: HuddleError | None = None
        if signalling is not None:
            try:
                await signalling.request(m.Logout(id=signalling.next_id()))
            except HuddleError as exc:
                failure = exc
            await signalling.close()
        elif self._state is not RoomState.CONNECTED:
            failure = HuddleError(ErrorCode.CONNECTION_LOST)
        if failure is not None:
            self._set_room_state(
                RoomState.DISCONNECTED,
                RoomStateReason.LOGOUT_FAILED,
                failure.code,
                message=failure.message,
            )
        else:
            self._set_room_state(RoomState.DISCONNECTED, RoomStateReason.LOGOUT)
        self._room = None

    # ------------------------------------------------------------ the dispatcher

    def _on_message(self, message: m.ServerMessage) -> None:
        """Every event from the room service comes through here, in order."""
        if self._early is not None:
            self._early.append(message)  # the login that precedes it is not adopted yet
            return
        handler = self._dispatch.get(type(message))
        if handler is None:
            log.warning("unexpected %s from the room service", type(message).__name__)
            return
        handler(message)

    def _on_user_update(self, msg: m.UserUpdate) -> None:
        room = self._room
        if room is None:
            return
        users = [User._from_wire(u) for u in msg.users]
        for user in users:
            if msg.update_type == "ADD":
                room.users[user.user_id] = user
            else:
                room.users.pop(user.user_id, None)
        if room.config.user_update:
            self._emit("roomUserUpdate", room.room_id, UpdateType(msg.update_type), users)

    def _on_stream_update(self, msg: m.StreamUpdate) -> None:
        room = self._room
        if room is None:
            return
        streams = [StreamInfo._from_wire(s) for s in msg.streams]
        for info in streams:
            if msg.update_type == "ADD":
                room.streams[info.stream_id] = info
            else:
                room.streams.pop(info.stream_id, None)
        self._emit("roomStreamUpdate", room.room_id, UpdateType(msg.update_type), streams, {})
        self._follow_streams(
            added=streams if msg.update_type == "ADD" else [],
            deleted=streams if msg.update_type == "DELETE" else [],
        )

    def _follow_streams(self, added: list[StreamInfo], deleted: list[StreamInfo]) -> None:
        """Playbacks follow their streams: NO_PLAY when deleted, play again when back."""
        for info in deleted:
            playback = self._playbacks.get(info.stream_id)
            if playback is not None and not playback.stopped:
                self._in_order(playback.on_stream_deleted)
        for info in added:
            playback = self._playbacks.get(info.stream_id)
            if playback is not None and not playback.stopped:
                self._in_order(functools.partial(self._replay, playback))

    def _on_stream_info_update(self, msg: m.StreamInfoUpdate) -> None:
        room = self._room
        if room is None:
            return
        changed_extra: list[StreamInfo] = []
        for wire in msg.streams:
            info = StreamInfo._from_wire(wire)
            old = room.streams.get(info.stream_id)
            room.streams[info.stream_id] = info
            playback = self._playbacks.get(info.stream_id)
            if playback is not None:
                playback.remote.info = info
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

    def _on_play_request(self, msg: m.PlayRequest) -> None:
        async def handle() -> None:
            publication = self._publications.get(msg.stream_id)
            if publication is None:
                await self.request(lambda rid: m.StopPlay(id=rid, session_id=msg.session_id))
                return
            await publication.add_player(msg.session_id, User._from_wire(msg.player))

        self._in_order(handle)

    def _owner(self, session_id: str) -> Publication | Playback | None:
        # A playback learns its session ID from the play reply, which the reader resolves
        # before it dispatches the offer that follows; asyncio runs callbacks in the order
        # they were scheduled, so the playback has the ID by the time this runs.
        for publication in self._publications.values():
            if publication.has_session(session_id):
                return publication
        for playback in self._playbacks.values():
            if playback.session_id == session_id:
                return playback
        return None

    def _on_signal(self, msg: m.RelayedSignal) -> None:
        async def handle() -> None:
            owner = self._owner(msg.session_id)
            if owner is not None:
                await owner.on_signal(msg)

        self._in_order(handle)

    def _on_session_closed(self, msg: m.SessionClosed) -> None:
        async def handle() -> None:
            owner = self._owner(msg.session_id)
            if isinstance(owner, Publication):
                await owner.remove_player(msg.session_id)
            elif isinstance(owner, Playback):
                await owner.on_session_closed(ErrorCode.from_wire(msg.code))

        self._in_order(handle)

    def _on_broadcast(self, msg: m.BroadcastMessage) -> None:
        chats = [ChatMessage._from_wire(c) for c in msg.messages]
        self._emit("IMRecvBroadcastMessage", msg.room_id, chats)

    def _on_barrage(self, msg: m.BarrageMessage) -> None:
        chats = [ChatMessage._from_wire(c) for c in msg.messages]
        self._emit("IMRecvBarrageMessage", msg.room_id, chats)

    def _on_custom_command(self, msg: m.CustomCommand) -> None:
        self._emit("IMRecvCustomCommand", msg.room_id, User._from_wire(msg.from_user), msg.command)

    # ------------------------------------------------------------ tasks

    def _spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        return self._spawn(coro, name)

    def _room_task(self, coro: Awaitable[Any], name: str) -> None:
        task = self._spawn(coro, name)
        self._room_tasks.add(task)
        task.add_done_callback(self._room_tasks.discard)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s failed", task.get_name(), exc_info=task.exception())

    async def _stop_room_tasks(self) -> None:
        tasks = [t for t in self._room_tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._serial = None

    def _in_order(self, action: Callable[[], Awaitable[None]]) -> None:
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

    # ------------------------------------------------ the EngineLink of publications and playbacks

    def ice_servers(self) -> list[IceServerConfig]:
        if self.config.ice_servers is not None:
            return self.config.ice_servers
        return self._room.ice_servers if self._room else []

    async def request(self, build: Callable[[int], m.ClientMessage]) -> m.ServerMessage:
        signalling = self._signalling
        if signalling is None or self._state is not RoomState.CONNECTED:
            raise HuddleError(ErrorCode.CONNECTION_LOST, "Not connected to the room service.")
        return await signalling.request(build(signalling.next_id()))

    async def signal(
        self,
        session_id: str,
        kind: str,
        *,
        sdp: str | None = None,
        candidate: m.IceCandidate | None = None,
    ) -> None:
        await self.request(
            lambda rid: m.Signal(
                id=rid, session_id=session_id, kind=kind, sdp=sdp, candidate=candidate
            )
        )

    def set_publisher_state(
        self, publication: Publication, state: PublisherState, code: int = 0, **extra: Any
    ) -> None:
        if self._change_state(publication, state, code, "publish"):
            result = PublisherStateResult(state, publication.stream_id, int(code), extra)
            self._emit("publisherStateUpdate", result)

    def set_player_state(
        self, playback: Playback, state: PlayerState, code: int = 0, **extra: Any
    ) -> None:
        if self._change_state(playback, state, code, "play"):
            result = PlayerStateResult(state, playback.stream_id, int(code), extra)
            self._emit("playerStateUpdate", result)

    @staticmethod
    def _change_state(owner: Publication | Playback, state: Any, code: int, verb: str) -> bool:
        """Set and log the new state; True when there is something to report (a change, or
        an error code for the same state)."""
        old, owner.state = owner.state, state
        if old is state and not code:
            return False
        log.info("%s %s: %s -> %s", verb, owner.stream_id, old, state)
        return True

    def stream_exists(self, stream_id: str) -> bool:
        return self._room is not None and stream_id in self._room.streams

    def audio_output(self) -> MixerInput | None:
        """A mixer input for a played stream's audio; opens the speaker on first use."""
        if self.config.speaker is False:
            return None
        if self._speaker_state == "closed":
            self._speaker_state = "opening"
            self._spawn(self._open_speaker(), "huddle-speaker")
        return self._mixer.add_input()

    async def use_speaker_device(self, device: int | str | None) -> None:
        """Play remote audio on this speaker from now on (also mid-call)."""
        self._check_alive()
        self.config.speaker = device
        if self._speaker is not None or self._speaker_state == "failed":
            old, self._speaker = self._speaker, None
            if old is not None:
                old.close()
            self._speaker_state = "opening"
            await self._open_speaker()

    async def _open_speaker(self) -> None:
        device = None if self.config.speaker in (None, True) else self.config.speaker
        try:
            self._speaker = await Speaker.open(
                device,  # type: ignore[arg-type]
                self._mixer,
                played=self._voice.speaker_hook(device),  # #10: the echo canceller's reference
            )
            self._speaker_state = "open"
        except MediaError as exc:
            self._speaker_state = "failed"
            log.warning("no speaker: %s", exc.message)
            self._emit("deviceError", int(exc.code), exc.device or "speaker")

    # ------------------------------------------------------------ local streams

    async def create_stream(
        self,
        camera: CameraConfig | None = None,
        screen: ScreenConfig | None = None,
        custom: CustomConfig | None = None,
    ) -> LocalStream:
        """Open capture for a local stream: camera and microphone (the default), a screen, or
        custom sources. A device that fails is reported (``deviceError`` and
        ``stream.errors``) and the stream is made with what works; only when nothing at all
        works does this raise :class:`DeviceError`."""
        self._check_alive()
        if sum(c is not None for c in (camera, screen, custom)) > 1:
            raise DeviceError(ErrorCode.INVALID_ARGUMENT, "Give one of camera, screen or custom.")
        errors: list[HuddleError] = []
        camera_spec: tuple[int | str, int, int, float] | None = None
        video: tuple[MediaStreamTrack, str] | None = None
        audio: tuple[MediaStreamTrack, str] | None = None

        def failed(exc: MediaError, fallback_code: ErrorCode | None = None) -> None:
            code = fallback_code or exc.code
            error = DeviceError(
                code, exc.message if code is exc.code else f"{code.message} ({exc.message})"
            )
            errors.append(error)
            log.warning("device failed: %s", error)
            self._emit("deviceError", int(code), exc.device)

        if screen is not None:
            try:
                source = await ScreenSource.open(screen.monitor, screen.fps, screen.max_width)
                video = (source, f"Screen {screen.monitor}")
            except MediaError as exc:
                failed(exc)
            if screen.audio:
                audio = await self._open_microphone(None, failed, video)
        elif custom is not None:
            if custom.file is not None:
                try:
                    media = MediaFileSource(custom.file)
                    name = media.path.name
                    video = (media.video, name) if media.video else None
                    audio = (media.audio, name) if media.audio else None
                except MediaError as exc:
                    failed(exc)
            if custom.video == "pattern":
                video = (
                    PatternSource(custom.width, custom.height, custom.fps, custom.label),
                    "Test pattern",
                )
            elif isinstance(custom.video, MediaStreamTrack):
                video = (custom.video, "Custom video")
            if custom.audio == "tone":
                audio = (ToneSource(custom.tone_hz), f"Tone {custom.tone_hz:g} Hz")
            elif isinstance(custom.audio, MediaStreamTrack):
                audio = (custom.audio, "Custom audio")
        else:
            camera = camera or CameraConfig()
            if camera.video:
                try:
                    source = await CameraSource.open(
                        0 if camera.video_device is None else camera.video_device,
                        camera.width,
                        camera.height,
                        camera.fps,
                    )
                    video = (source, camera_name(source.device))
                    camera_spec = (source.device, camera.width, camera.height, camera.fps)
                except MediaError as exc:
                    missing = camera.video_device is None and exc.code is ErrorCode.DEVICE_NOT_FOUND
                    failed(exc, ErrorCode.NO_CAMERA if missing else None)
                    if camera.fallback in ("pattern", "both"):
                        video = (
                            PatternSource(camera.width, camera.height, camera.fps),
                            "Test pattern",
                        )
            if camera.audio:
                audio = await self._open_microphone(camera.audio_device, failed, video)
                if audio is None and camera.fallback in ("tone", "both"):
                    audio = (ToneSource(), "Tone 440 Hz")
        if video is None and audio is None:
            if errors:
                raise DeviceError(errors[0].code, "; ".join(e.message for e in errors))
            raise DeviceError(
                ErrorCode.INVALID_ARGUMENT, "The stream would have no video and no audio."
            )
        stream = LocalStream(
            SourceSwitch("video", *video, on_failure=self._on_source_failed) if video else None,
            SourceSwitch("audio", *audio, on_failure=self._on_source_failed) if audio else None,
            errors,
        )
        stream.camera = camera_spec
        self._local_streams.append(stream)
        if self._sound_level_interval is not None:
            stream.add_audio_sink(_ignore)
        log.info("created %r", stream)
        return stream

    async def _open_microphone(
        self,
        device: int | str | None,
        failed: Callable[[MediaError, ErrorCode | None], None],
        video: tuple[MediaStreamTrack, str] | None,
    ) -> tuple[MediaStreamTrack, str] | None:
        """The microphone, opened after ``video``: if this is cancelled (the stream will not
        be made), the camera or screen already opened is released too."""
        try:
            process = self._voice.capture_hook()  # #10: echo canceller, noise suppression
            source = await MicrophoneSource.open(device, process=process)
            return source, _microphone_name(device)
        except MediaError as exc:
            failed(exc, None)
            return None
        except asyncio.CancelledError:
            if video is not None:
                video[0].stop()
            raise

    def _on_source_failed(self, switch: SourceSwitch, source: MediaStreamTrack) -> None:
        error = getattr(source, "error", None)
        code = getattr(error, "code", ErrorCode.DEVICE_ERROR)
        log.warning("%s source %r failed: %s", switch.kind, switch.source_name, error)
        self._emit("deviceError", int(code), switch.source_name)

    async def use_video_device(self, stream: LocalStream, device: int | str) -> None:
        """Switch the stream's camera, also while it is being published."""
        video = _video_of(stream)
        await _switch_camera(stream, video, device, video.width or 640, video.height or 480)

    async def use_audio_device(self, stream: LocalStream, device: int | str | None) -> None:
        """Switch the stream's microphone, also while it is being published."""
        if stream.audio is None:
            raise DeviceError(ErrorCode.INVALID_STATE, "The stream was created without audio.")
        try:
            process = self._voice.capture_hook()  # #10: echo canceller, noise suppression
            source = await MicrophoneSource.open(device, process=process)
        except MediaError as exc:
            raise DeviceError.of(exc) from None
        await stream.audio.replace(source, _microphone_name(device))

    # ------------------------------------------------------------ voice processing (#10)

    def enable_aec(self, enable: bool) -> None:
        """Echo cancellation on the microphone (Express ``enableAEC``), also mid-call."""
        self._voice.configure(aec=enable)

    def enable_ans(self, enable: bool) -> None:
        """Noise suppression on the microphone (Express ``enableANS``), also mid-call."""
        self._voice.configure(ans=enable)

    def enable_agc(self, enable: bool) -> None:
        """Automatic gain control on the microphone (Express ``enableAGC``), also mid-call."""
        self._voice.configure(agc=enable)

    def enable_headset_mode(self, enable: bool | None) -> None:
        """A headset is worn (True: echo cancellation is skipped), or None: guess by name."""
        self._voice.configure(headset=enable)

    def audio_stats(self) -> dict[str, Any]:
        """Voice processing and each played stream's jitter buffer, for benchmarks and logs."""
        stats = self._voice.stats(self._playbacks.values())
        stats["speaker_underflows"] = self._speaker.underflows if self._speaker else None
        return stats

    async def enable_video_capture_device(self, stream: LocalStream, enable: bool) -> None:
        """Turn the stream's camera off (the device is released, black is sent) or on again.
        Pair it with ``mute_publish_stream_video`` so others see the camera is off."""
        video = _video_of(stream)
        if not enable:
            if stream.camera is not None and not video.blank:
                await video.go_blank()
            return
        if stream.camera is None or not video.blank:
            return
        await _switch_camera(stream, video, *stream.camera)

    async def destroy_stream(self, stream: LocalStream) -> None:
        """Stop publishing the stream and release its devices. Safe to call twice."""
        for stream_id, publication in list(self._publications.items()):
            if publication.stream is stream:
                await self.stop_publishing_stream(stream_id)
        await stream._close()
        if stream in self._local_streams:
            self._local_streams.remove(stream)

    # ------------------------------------------------------------ publishing

    async def start_publishing_stream(
        self, stream_id: str, stream: LocalStream, options: PublishOptions | None = None
    ) -> bool:
        """Publish a local stream under ``stream_id`` (unique per app ID).

        Fires ``publisherStateUpdate`` PUBLISH_REQUESTING, then PUBLISHING once the service has
        it (others get ``roomStreamUpdate`` ADD), or NO_PUBLISH with the error code; returns
        whether it is published (or, while reconnecting, queued).
        """
        self._check_alive()
        options = options or PublishOptions()
        publication = Publication(stream_id, stream, options, self)
        existing = self._publications.get(stream_id)
        if existing is not None:
            if existing.stream is stream:
                return True
            self.set_publisher_state(
                publication, PublisherState.NO_PUBLISH, ErrorCode.STREAM_ID_TAKEN
            )
            return False
        try:
            check_stream_id(stream_id)
            check_extra_info(options.extra_info)
            if stream.destroyed or not (stream.has_video or stream.has_audio):
                raise PublishError(
                    ErrorCode.INVALID_ARGUMENT, "The stream has no video or audio left."
                )
            if self._state is RoomState.DISCONNECTED:
                raise PublishError(ErrorCode.INVALID_STATE, "Log in to a room before publishing.")
        except (ProtocolError, HuddleError) as exc:
            error = PublishError.of(exc)
            self.set_publisher_state(
                publication, PublisherState.NO_PUBLISH, error.code, message=error.message
            )
            return False
        self._publications[stream_id] = publication
        self.set_publisher_state(publication, PublisherState.PUBLISH_REQUESTING)
        if self._state is not RoomState.CONNECTED:
            return True  # registered once the (re)login completes
        return await self._register(publication)

    async def _register(self, publication: Publication) -> bool:
        stream = publication.stream
        try:
            await self.request(
                lambda rid: m.Publish(
                    id=rid,
                    stream_id=publication.stream_id,
                    extra_info=publication.options.extra_info,
                    video=stream.has_video,
                    audio=stream.has_audio,
                    video_muted=stream.video_muted,
                    audio_muted=stream.audio_muted,
                )
            )
        except HuddleError as exc:
            if exc.code in (ErrorCode.CONNECTION_LOST, ErrorCode.REQUEST_TIMEOUT):
                return True  # stays PUBLISH_REQUESTING; the reconnect registers it again
            if self._publications.get(publication.stream_id) is publication:
                del self._publications[publication.stream_id]
            self.set_publisher_state(
                publication, PublisherState.NO_PUBLISH, exc.code, message=exc.message
            )
            return False
        if self._publications.get(publication.stream_id) is publication:
            self.set_publisher_state(publication, PublisherState.PUBLISHING)
        return True

    async def stop_publishing_stream(self, stream_id: str) -> bool:
        """Stop publishing; others get ``roomStreamUpdate`` DELETE. False if not publishing."""
        publication = self._publications.pop(stream_id, None)
        if publication is None:
            return False
        await publication.close_peers()
        if publication.state is PublisherState.PUBLISHING and self._state is RoomState.CONNECTED:
            with contextlib.suppress(HuddleError):
                await self.request(lambda rid: m.Unpublish(id=rid, stream_id=stream_id))
        self.set_publisher_state(publication, PublisherState.NO_PUBLISH)
        return True

    async def mute_publish_stream_video(self, stream: LocalStream, mute: bool) -> bool:
        """Send black instead of the camera (the camera stays open); others get
        ``remoteCameraStatusUpdate``."""
        return await self._mute(stream, video_muted=mute)

    async def mute_publish_stream_audio(self, stream: LocalStream, mute: bool) -> bool:
        """Send silence instead of the microphone; others get ``remoteMicStatusUpdate``."""
        return await self._mute(stream, audio_muted=mute)

    async def _mute(self, stream: LocalStream, **change: bool) -> bool:
        for name, value in change.items():
            setattr(stream, name, value)
        ok = True
        for publication in self._publications.values():
            if publication.stream is stream and publication.state is PublisherState.PUBLISHING:
                try:
                    await self.request(
                        lambda rid, p=publication: m.UpdateStream(
                            id=rid, stream_id=p.stream_id, **change
                        )
                    )
                except HuddleError as exc:
                    log.warning("could not tell the room about muting: %s", exc)
                    ok = False
        return ok

    async def set_stream_extra_info(self, stream_id: str, extra_info: str) -> None:
        """Change a published stream's extra info; others get ``roomStreamExtraInfoUpdate``."""
        publication = self._publications.get(stream_id)
        if publication is None:
            raise PublishError(ErrorCode.NOT_PUBLISHING, f"Not publishing {stream_id!r}.")
        try:
            check_extra_info(extra_info)
            await self.request(
                lambda rid: m.UpdateStream(id=rid, stream_id=stream_id, extra_info=extra_info)
            )
        except (ProtocolError, HuddleError) as exc:
            raise PublishError.of(exc) from None
        publication.options.extra_info = extra_info

    # ------------------------------------------------------------ playing

    async def start_playing_stream(self, stream_id: str) -> RemoteStream:
        """Play another user's stream. Fires ``playerStateUpdate`` PLAY_REQUESTING, then
        PLAYING on the first decoded frame. Raises :class:`PlayError` (and fires NO_PLAY) if
        the stream cannot be played; once playing, it recovers by itself until stopped."""
        self._check_alive()
        existing = self._playbacks.get(stream_id)
        if existing is not None and not existing.stopped:
            return existing.remote
        room = self._room
        playback = Playback(stream_id, room.streams.get(stream_id) if room else None, self)
        try:
            check_stream_id(stream_id)
            if self._state is not RoomState.CONNECTED:
                raise PlayError(ErrorCode.INVALID_STATE, "Log in to a room before playing.")
            self._playbacks[stream_id] = playback
            await playback.request()
        except (ProtocolError, HuddleError) as exc:
            error = PlayError.of(exc)
            if self._playbacks.get(stream_id) is playback:
                del self._playbacks[stream_id]
            playback.stopped = True
            self.set_player_state(playback, PlayerState.NO_PLAY, error.code, message=error.message)
            raise error from None
        return playback.remote

    async def _replay(self, playback: Playback) -> None:
        if playback.stopped or playback.session_id is not None:
            return
        try:
            await playback.request()
        except PlayError as exc:
            log.info("replaying %s failed: %s", playback.stream_id, exc)

    async def stop_playing_stream(self, stream_id: str) -> bool:
        """Stop playing; frees the peer connection. False if not playing."""
        playback = self._playbacks.pop(stream_id, None)
        if playback is None:
            return False
        await playback.stop()
        self.set_player_state(playback, PlayerState.NO_PLAY)
        return True

    def mute_play_stream_audio(self, stream_id: str, mute: bool) -> bool:
        """Stop (or resume) playing this stream's audio on the speaker."""
        playback = self._playbacks.get(stream_id)
        if playback is None:
            return False
        playback.audio_muted = mute
        return True

    def mute_play_stream_video(self, stream_id: str, mute: bool) -> bool:
        """Stop (or resume) handing this stream's frames to its sinks."""
        playback = self._playbacks.get(stream_id)
        if playback is None:
            return False
        playback.remote.video_muted_locally = mute
        return True

    # ------------------------------------------------------------ messages

    async def _send_message(self, build: Callable[[int], m.ClientMessage]) -> m.ServerMessage:
        if self._state is not RoomState.CONNECTED:
            raise MessageError(ErrorCode.INVALID_STATE, "Log in to a room before sending messages.")
        try:
            return await self.request(build)
        except HuddleError as exc:
            raise MessageError.of(exc) from None

    async def send_broadcast_message(self, message: str) -> int:
        """Send a chat message to everyone else in the room; returns its message ID."""
        return await self._send_chat(m.SendBroadcast, message)

    async def send_barrage_message(self, message: str) -> int:
        """Send a barrage (bullet-screen) message to the room; returns its message ID."""
        return await self._send_chat(m.SendBarrage, message)

    async def _send_chat(self, kind: type[m.SendBroadcast | m.SendBarrage], message: str) -> int:
        try:
            check_message(message)
        except ProtocolError as exc:
            raise MessageError.of(exc) from None
        reply = await self._send_message(lambda rid: kind(id=rid, message=message))
        assert isinstance(reply, m.MessageAck)
        return reply.message_id

    async def send_custom_command(self, command: str, to_user_ids: list[str] | None = None) -> None:
        """Send a command to these users (everyone else in the room when none are given)."""
        recipients = list(to_user_ids or [])
        try:
            check_message(command)
            check_recipients(recipients)
        except ProtocolError as exc:
            raise MessageError.of(exc) from None
        await self._send_message(
            lambda rid: m.SendCustomCommand(id=rid, command=command, to_user_ids=recipients)
        )

    # ------------------------------------------------------------ quality and sound levels

    async def _quality_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.quality_interval)
            for publication in list(self._publications.values()):
                if publication.state is PublisherState.PUBLISHING:
                    quality = await publication.quality()
                    self._emit("publishQualityUpdate", publication.stream_id, quality)
            for playback in list(self._playbacks.values()):
                if not playback.stopped:
                    quality = await playback.quality()
                    self._emit("playQualityUpdate", playback.stream_id, quality)

    def set_sound_level_delegate(self, enabled: bool, interval_ms: int = 1000) -> None:
        """Turn ``capturedSoundLevelUpdate`` and ``soundLevelUpdate`` on (every interval) or off."""
        self._check_alive()
        if enabled:
            if interval_ms < 100:
                raise ValueError(f"interval_ms must be at least 100, got {interval_ms}")
            if self._sound_level_interval is None:
                for stream in self._local_streams:
                    stream.add_audio_sink(_ignore)  # keeps the level measured before publishing
            self._sound_level_interval = interval_ms / 1000
            if self._sound_level_task is None or self._sound_level_task.done():
                # Off then on again within an interval: the sleeping loop simply carries on.
                self._sound_level_task = self._spawn(self._sound_level_loop(), "huddle-sound-level")
        else:
            self._sound_level_interval = None
            for stream in self._local_streams:
                stream.remove_audio_sink(_ignore)

    async def _sound_level_loop(self) -> None:
        while self._sound_level_interval is not None:
            await asyncio.sleep(self._sound_level_interval)
            local = next((s for s in self._local_streams if s.has_audio), None)
            if local is not None:
                self._emit("capturedSoundLevelUpdate", round(local.sound_level, 1))
            levels = [
                SoundLevel(p.stream_id, round(p.stream.sound_level, 1), "push")
                for p in self._publications.values()
                if p.stream.has_audio
            ] + [
                SoundLevel(p.stream_id, round(p.level, 1), "pull")
                for p in self._playbacks.values()
                if not p.stopped
            ]
            if levels:
                self._emit("soundLevelUpdate", levels)

    # ------------------------------------------------------------ the end

    async def destroy_engine(self) -> None:
        """Log out, release every device, socket, peer connection and task. Safe to call twice."""
        if self._destroyed:
            return
        await self.logout_room()
        self._destroyed = True
        self._sound_level_interval = None
        for stream in list(self._local_streams):
            await stream._close()
        self._local_streams.clear()
        if self._speaker is not None:
            self._speaker.close()
            self._speaker = None
        self._events.remove_all_listeners()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.info("engine destroyed")


def _ignore(_frame: object) -> None:
    pass


def _microphone_name(device: int | str | None) -> str:
    return str(device) if device is not None else "Default microphone"


def _video_of(stream: LocalStream) -> SourceSwitch:
    if stream.video is None:
        raise DeviceError(ErrorCode.INVALID_STATE, "The stream was created without video.")
    return stream.video


async def _switch_camera(
    stream: LocalStream,
    video: SourceSwitch,
    device: int | str,
    width: int,
    height: int,
    fps: float = 30.0,
) -> None:
    """Open ``device`` and make it the stream's camera (the old source is released)."""
    try:
        source = await CameraSource.open(device, width, height, fps)
    except MediaError as exc:
        raise DeviceError.of(exc) from None
    await video.replace(source, camera_name(device))
    stream.camera = (device, width, height, source.fps)
