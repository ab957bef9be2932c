"""The Engine: Huddle's Express-style SDK.

One engine is one user in at most one room. Register handlers with ``on()`` first, then
``login_room``; create a stream, publish it, play the others' streams as ``roomStreamUpdate``
announces them. Everything runs on the asyncio event loop that calls it; capture, codecs and
colour conversion run in threads. See ``app/engine/events.py`` for every event's arguments.

The engine is a facade over its parts (``docs/architecture.md``, "The engine's parts"):

* ``_session.RoomSession``: socket, login, heartbeat, reconnection, the one dispatcher and the
  ordered signalling queue;
* ``_local_media.LocalMedia``: devices, local streams, the speaker and mixer, the voice
  processing (``_voice.Voice``), sound levels;
* ``_publishing.Publishing``: published streams, one ``_publisher.Publication`` each;
* ``_playing.Playing``: played streams, one ``_player.Playback`` each;
* ``_messages.Messaging``: broadcast, barrage and custom commands.

Errors: awaitables raise a :class:`HuddleError` subclass on failure (the cause kept as
``__cause__``), events report what changes later; see ``docs/engine.md``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any

from app.media.audio import MixerInput
from app.protocol import messages as m
from app.protocol.errors import ErrorCode

from . import _aiortc_seams as seams
from ._local_media import LocalMedia
from ._messages import Messaging
from ._playing import Playing
from ._publishing import Publishing
from ._session import RoomSession
from ._tasks import TaskGroup
from .config import (
    CameraConfig,
    CustomConfig,
    EngineConfig,
    PublishOptions,
    RoomConfig,
    ScreenConfig,
)
from .data import (
    DeviceLists,
    PlayerState,
    PublisherState,
    RoomState,
    StreamInfo,
    SystemRequirements,
    User,
)
from .errors import EngineStateError
from .events import Emitter, EventName, Handler
from .streams import LocalStream, RemoteStream

log = logging.getLogger("huddle.engine")


class Engine:
    """The SDK entry point: ``Engine(app_id, "ws://host:port/ws")``."""

    def __init__(self, app_id: int, server: str, config: EngineConfig | None = None) -> None:
        seams.install()
        self.app_id = app_id
        self.config = config or EngineConfig()
        self._events = Emitter()
        self._tasks = TaskGroup("engine")
        self._destroying: asyncio.Future[None] | None = None
        emit = self._events.emit
        self._session = RoomSession(app_id, server, self.config, emit=emit, tasks=self._tasks)
        link = self._session.link
        self._publishing = Publishing(link)
        self._local_media = LocalMedia(
            self.config,
            emit=emit,
            tasks=self._tasks,
            stream_levels=lambda: self._publishing.sound_levels() + self._playing.sound_levels(),
        )
        self._playing = Playing(
            link,
            audio_output=self._local_media.audio_output,
            speaker_delay=lambda: self._local_media.speaker_delay,
        )
        self._messaging = Messaging(link)

        session = self._session
        session.add_member(self._publishing)
        session.add_member(self._playing)
        session.add_room_loop(self._publishing.quality_loop)
        session.add_room_loop(self._playing.quality_loop)
        session.route(m.PlayRequest, self._publishing.on_play_request)
        session.add_media_sessions(self._publishing.find_session)
        session.add_media_sessions(self._playing.find_session)
        session.on_streams(self._playing.follow_streams)
        session.on_stream_info(self._playing.on_stream_info)
        session.route(m.BroadcastMessage, self._messaging.on_broadcast)
        session.route(m.BarrageMessage, self._messaging.on_barrage)
        session.route(m.CustomCommand, self._messaging.on_custom_command)

    def __repr__(self) -> str:
        return f"<Engine app={self.app_id} {self.room_state} room={self.room_id!r}>"

    # ------------------------------------------------------------ events

    def on(self, event: EventName, handler: Handler) -> Handler:
        """Register ``handler`` for ``event`` (see ``app.engine.events`` for the arguments)."""
        return self._events.on(event, handler)

    def off(self, event: EventName, handler: Handler | None = None) -> None:
        """Remove a handler, or all handlers of the event."""
        self._events.off(event, handler)

    # ------------------------------------------------------------ public state

    @property
    def server(self) -> str:
        """The room service URL; may be changed while not in a room."""
        return self._session.server

    @server.setter
    def server(self, url: str) -> None:
        if self._session.state is not RoomState.DISCONNECTED:
            raise EngineStateError(ErrorCode.INVALID_STATE, "Log out before changing the server.")
        self._session.server = url

    @property
    def room_state(self) -> RoomState:
        return self._session.state

    @property
    def room_id(self) -> str | None:
        room = self._session.room
        return room.room_id if room else None

    @property
    def media_mode(self) -> str | None:
        """How the room's media flows: "p2p" (publishers send each player its own copy) or
        "sfu" (each stream goes once to the service's SFU); None when not in a room."""
        room = self._session.room
        return room.media_mode if room else None

    @property
    def user(self) -> User | None:
        room = self._session.room
        return room.user if room else None

    @property
    def users(self) -> list[User]:
        """The other users in the room, as last reported."""
        room = self._session.room
        return list(room.users.values()) if room else []

    @property
    def streams(self) -> list[StreamInfo]:
        """The other users' streams in the room, as last reported."""
        room = self._session.room
        return list(room.streams.values()) if room else []

    @property
    def publishing(self) -> dict[str, PublisherState]:
        """The state of each stream this engine publishes."""
        return self._publishing.states()

    @property
    def playing(self) -> dict[str, PlayerState]:
        """The state of each stream this engine plays."""
        return self._playing.states()

    def remote_stream(self, stream_id: str) -> RemoteStream | None:
        """The played stream's frames and info (None when not playing it)."""
        return self._playing.remote_stream(stream_id)

    # ------------------------------------------------------------ system and devices

    def _check_alive(self) -> None:
        if self._destroying is not None:
            raise EngineStateError(ErrorCode.ENGINE_DESTROYED)

    async def check_system_requirements(self) -> SystemRequirements:
        """Probe this machine: WebRTC, custom capture, camera, microphone, codecs, screen."""
        from .system import probe

        return await probe()

    async def enum_devices(self) -> DeviceLists:
        """The cameras, microphones and speakers this machine has, with names."""
        return await self._local_media.enum_devices()

    # ------------------------------------------------------------ room

    async def login_room(
        self, room_id: str, token: str, user: User, config: RoomConfig | None = None
    ) -> bool:
        """Log in to a room (created if it does not exist).

        Fires ``roomStateChanged`` LOGINING then LOGINED (or LOGIN_FAILED with the error code),
        then ``roomUserUpdate`` ADD for the users there (with ``user_update``) and
        ``roomStreamUpdate`` ADD for their streams. Returns True on success. Raises
        :class:`EngineStateError` if destroyed or already in a room.
        """
        self._check_alive()
        return await self._session.login(room_id, token, user, config or RoomConfig())

    async def renew_token(self, token: str) -> None:
        """Use this token for logging back in after a disconnection."""
        self._session.renew_token(token)

    async def logout_room(self, room_id: str | None = None) -> None:
        """Leave the room: stop publishing and playing, fire ``roomStateChanged`` LOGOUT.

        Safe to call when not logged in. If the service cannot be told, the engine still
        leaves locally and fires LOGOUT_FAILED with the reason.
        """
        await self._session.logout(room_id)

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
        return await self._local_media.create_stream(camera, screen, custom)

    async def use_video_device(self, stream: LocalStream, device: int | str) -> None:
        """Switch the stream's camera, also while it is being published."""
        await self._local_media.use_video_device(stream, device)

    async def use_audio_device(self, stream: LocalStream, device: int | str | None) -> None:
        """Switch the stream's microphone, also while it is being published."""
        await self._local_media.use_audio_device(stream, device)

    async def enable_video_capture_device(self, stream: LocalStream, enable: bool) -> None:
        """Turn the stream's camera off (the device is released, black is sent) or on again.
        Pair it with ``mute_publish_stream_video`` so others see the camera is off."""
        await self._local_media.enable_video_capture_device(stream, enable)

    async def use_speaker_device(self, device: int | str | None) -> None:
        """Play remote audio on this speaker from now on (also mid-call)."""
        self._check_alive()
        await self._local_media.use_speaker_device(device)

    def open_sound_output(self) -> MixerInput | None:
        """An input of the speaker's mix for the app's own sounds (notifications, test tones):
        ``write()`` 48 kHz mono frames to it, ``close()`` it when done. Opens the speaker on
        first use; None when the engine has no speaker (``EngineConfig.speaker=False``)."""
        self._check_alive()
        return self._local_media.audio_output()

    async def destroy_stream(self, stream: LocalStream) -> None:
        """Stop publishing the stream and release its devices. Safe to call twice."""
        await self._publishing.stop_stream(stream)
        await self._local_media.destroy_stream(stream)

    # ------------------------------------------------------------ voice processing (#10)

    def enable_aec(self, enable: bool) -> None:
        """Echo cancellation on the microphone (Express ``enableAEC``), also mid-call."""
        self._local_media.voice.configure(aec=enable)

    def enable_ans(self, enable: bool) -> None:
        """Noise suppression on the microphone (Express ``enableANS``), also mid-call."""
        self._local_media.voice.configure(ans=enable)

    def enable_agc(self, enable: bool) -> None:
        """Automatic gain control on the microphone (Express ``enableAGC``), also mid-call."""
        self._local_media.voice.configure(agc=enable)

    def enable_headset_mode(self, enable: bool | None) -> None:
        """A headset is worn (True: echo cancellation is skipped), or None: guess by name."""
        self._local_media.voice.configure(headset=enable)

    def enable_dtx(self, enable: bool) -> None:
        """Opus discontinuous transmission (``EngineConfig.opus_dtx``): while the microphone
        hears silence, one packet every 400 ms instead of every 20 ms. Also mid-call."""
        self.config.opus_dtx = enable
        self._publishing.set_dtx(enable)

    def audio_stats(self) -> dict[str, Any]:
        """Voice processing, each played stream's jitter buffer and lip sync (offset, pictures
        held, voice held), for benchmarks and logs."""
        playbacks = self._playing.playbacks
        stats = self._local_media.audio_stats(playbacks.values())
        stats["lip_sync"] = {stream_id: asdict(p.sync) for stream_id, p in playbacks.items()}
        return stats

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
        return await self._publishing.start(stream_id, stream, options or PublishOptions())

    async def stop_publishing_stream(self, stream_id: str) -> bool:
        """Stop publishing; others get ``roomStreamUpdate`` DELETE. False if not publishing."""
        return await self._publishing.stop(stream_id)

    async def mute_publish_stream_video(self, stream: LocalStream, mute: bool) -> bool:
        """Send black instead of the camera (the camera stays open); others get
        ``remoteCameraStatusUpdate``."""
        return await self._publishing.mute(stream, video_muted=mute)

    async def mute_publish_stream_audio(self, stream: LocalStream, mute: bool) -> bool:
        """Send silence instead of the microphone; others get ``remoteMicStatusUpdate``."""
        return await self._publishing.mute(stream, audio_muted=mute)

    async def set_stream_extra_info(self, stream_id: str, extra_info: str) -> None:
        """Change a published stream's extra info; others get ``roomStreamExtraInfoUpdate``.
        Raises :class:`PublishError`."""
        await self._publishing.set_extra_info(stream_id, extra_info)

    # ------------------------------------------------------------ playing

    async def start_playing_stream(self, stream_id: str) -> RemoteStream:
        """Play another user's stream. Fires ``playerStateUpdate`` PLAY_REQUESTING, then
        PLAYING on the first decoded frame. Raises :class:`PlayError` (and fires NO_PLAY) if
        the stream cannot be played; once playing, it recovers by itself until stopped."""
        self._check_alive()
        return await self._playing.start(stream_id)

    async def stop_playing_stream(self, stream_id: str) -> bool:
        """Stop playing; frees the peer connection. False if not playing."""
        return await self._playing.stop(stream_id)

    def mute_play_stream_audio(self, stream_id: str, mute: bool) -> bool:
        """Stop (or resume) playing this stream's audio on the speaker."""
        return self._playing.mute_audio(stream_id, mute)

    def mute_play_stream_video(self, stream_id: str, mute: bool) -> bool:
        """Stop (or resume) handing this stream's frames to its sinks."""
        return self._playing.mute_video(stream_id, mute)

    # ------------------------------------------------------------ messages

    async def send_broadcast_message(self, message: str) -> int:
        """Send a chat message to everyone else in the room; returns its message ID.
        Raises :class:`MessageError`."""
        return await self._messaging.send_chat(m.SendBroadcast, message)

    async def send_barrage_message(self, message: str) -> int:
        """Send a barrage (bullet-screen) message to the room; returns its message ID.
        Raises :class:`MessageError`."""
        return await self._messaging.send_chat(m.SendBarrage, message)

    async def send_custom_command(self, command: str, to_user_ids: list[str] | None = None) -> None:
        """Send a command to these users (everyone else in the room when none are given).
        Raises :class:`MessageError`."""
        await self._messaging.send_custom_command(command, to_user_ids)

    # ------------------------------------------------------------ sound levels

    def set_sound_level_delegate(self, enabled: bool, interval_ms: int = 1000) -> None:
        """Turn ``capturedSoundLevelUpdate`` and ``soundLevelUpdate`` on (every interval) or off."""
        self._check_alive()
        self._local_media.set_sound_level_delegate(enabled, interval_ms)

    # ------------------------------------------------------------ the end

    async def destroy_engine(self) -> None:
        """Log out, release every device, socket, peer connection and task. Safe to call
        twice, also at once: the second call returns when the first has finished."""
        if self._destroying is not None:
            await asyncio.shield(self._destroying)
            return
        self._destroying = asyncio.get_running_loop().create_future()
        try:
            await self._session.aclose()
            await self._local_media.aclose()
            self._events.remove_all_listeners()
            await self._tasks.aclose()
            log.info("engine destroyed")
        finally:
            self._destroying.set_result(None)
