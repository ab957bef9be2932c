"""A call's logic, without widgets: which service, which token, joining and leaving, what is
published and played, the toggles, messages. The call window shows what this says."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from PySide6.QtCore import QObject, Signal

from app.engine import (
    ChatMessage,
    CustomConfig,
    DeviceError,
    Engine,
    ErrorCode,
    HuddleError,
    LocalStream,
    MessageError,
    PlayError,
    RemoteStream,
    RoomConfig,
    StreamInfo,
    User,
)
from app.media.errors import MediaError
from app.media.screen import ScreenSource
from app.protocol.limits import MAX_USER_ID_BYTES
from app.server.embedded import (
    LOCAL_PORT,
    LocalService,
    LocalServiceError,
    start_or_join_local,
)
from app.server.tokens import mint_token, token_user_id
from app.tasks import TaskSet

from .bridge import EngineBridge
from .i18n import error_text
from .screen_picker import ShareSource

log = logging.getLogger("huddle.ui")

RoomPhase = Literal["idle", "connecting", "connected", "reconnecting", "kicked", "failed", "left"]


@dataclass
class JoinRequest:
    room_id: str
    user_name: str
    mode: Literal["local", "remote"] = "local"
    url: str = ""
    app_id: int = 1
    token: str = ""
    secret: str = field(default="", repr=False)
    camera: str | None = None
    microphone: str | None = None
    speaker: str | None = None
    camera_off: bool = False
    mic_muted: bool = False


class JoinError(Exception):
    """Joining failed; the message is a sentence for the user."""


def make_user_id(name: str) -> str:
    """A user ID for this window: the name's ID-safe letters and a random suffix, so two
    windows with the same name on one machine do not replace each other."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "user"
    return f"{base}-{secrets.token_hex(3)}"[:MAX_USER_ID_BYTES]


def stream_id_for(user_id: str, kind: Literal["cam", "screen"]) -> str:
    """The ID of a user's camera ("cam") or screen ("screen") stream."""
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', user_id)}-{kind}"


REACTIONS = ("👍", "👏", "😂", "❤️", "🎉", "😮")
"""The emoji reactions people can send (anything else received is ignored)."""

COMMAND_TAG = "huddle"
"""Huddle's own custom commands are JSON objects ``{"huddle": kind, ...}``: "hand" (``up``),
"react" (``emoji``), "recording" (``on``). Other custom commands are left alone."""


def encode_command(kind: str, **fields) -> str:
    return json.dumps({COMMAND_TAG: kind, **fields}, ensure_ascii=False, separators=(",", ":"))


def decode_command(text: str) -> dict | None:
    """A Huddle command, checked, or None for anything else."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get(COMMAND_TAG)
    if kind == "hand" and isinstance(data.get("up"), bool):
        return data
    if kind == "react" and data.get("emoji") in REACTIONS:
        return data
    if kind == "recording" and isinstance(data.get("on"), bool):
        return data
    return None


def is_screen_stream(stream_id: str) -> bool:
    """Is this a shared screen (named by ``stream_id_for(user_id, "screen")``)?"""
    return stream_id.endswith("-screen")


class CallController(QObject):
    phase_changed = Signal(str, str)  # phase, sentence
    remote_added = Signal(str, object, object)  # stream_id, RemoteStream, StreamInfo
    remote_removed = Signal(str)
    remote_info_changed = Signal(str, object)  # stream_id, StreamInfo
    users_changed = Signal(dict)  # user_id -> name
    local_changed = Signal()  # mic/camera/screen state
    screen_stream_changed = Signal(object)  # LocalStream or None
    chat_received = Signal(object, bool)  # ChatMessage, own
    barrage_received = Signal(object, bool)
    notice = Signal(str)  # a sentence worth showing (a device failed, sharing failed)
    hands_changed = Signal(object)  # set of user IDs with a raised hand (mine included)
    reaction = Signal(str, str)  # user_id ("" for me), emoji
    recording_changed = Signal(str, bool)  # user_id of someone recording, on

    def __init__(
        self,
        engine: Engine,
        bridge: EngineBridge,
        parent: QObject | None = None,
        *,
        local_port: int = LOCAL_PORT,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.bridge = bridge
        self.local_port = local_port
        self.local: LocalService | None = None
        self.phase: RoomPhase = "idle"
        self.request: JoinRequest | None = None
        self.user: User | None = None
        self.camera_stream_id: str | None = None
        """The ID of the stream this call publishes from the camera and microphone."""
        self.stream: LocalStream | None = None
        self.screen: LocalStream | None = None
        self.sharing: ShareSource | None = None
        """What the screen stream shows (a screen or a window)."""
        self.mic_muted = False
        self.camera_off = False
        self.remotes: dict[str, RemoteStream] = {}
        self.users: dict[str, str] = {}
        self.hands: set[str] = set()
        """User IDs with a raised hand, mine included."""
        self.recording_users: set[str] = set()
        """Others who said they are recording the call."""
        self.recording = False
        """This window records the call (and told the others)."""
        self._last_error = 0
        self._tasks = TaskSet()
        bridge.roomStateChanged.connect(self._on_room_state)
        bridge.roomUserUpdate.connect(self._on_users)
        bridge.roomStreamUpdate.connect(self._on_streams)
        bridge.remoteCameraStatusUpdate.connect(self._on_remote_status)
        bridge.remoteMicStatusUpdate.connect(self._on_remote_status)
        bridge.broadcastMessage.connect(
            lambda _r, chats: [self.chat_received.emit(c, False) for c in chats]
        )
        bridge.barrageMessage.connect(
            lambda _r, chats: [self.barrage_received.emit(c, False) for c in chats]
        )
        bridge.deviceError.connect(lambda code, name: self.notice.emit(error_text(code)))
        bridge.customCommand.connect(self._on_command)

    # ------------------------------------------------------------ phases

    def _set_phase(self, phase: RoomPhase, sentence: str = "") -> None:
        if (phase, sentence) != (self.phase, ""):
            log.info("call: %s -> %s %s", self.phase, phase, sentence)
        self.phase = phase
        self.phase_changed.emit(phase, sentence)

    def _on_room_state(self, room_id: str, reason: str, code: int, extended: dict) -> None:
        if code:
            self._last_error = code
        if self.request is None:
            return
        if reason == "LOGINING":
            self._set_phase("connecting", self.tr("Connecting to %1…").replace("%1", room_id))
        elif reason in ("LOGINED", "RECONNECTED"):
            self._set_phase("connected", "")
        elif reason == "RECONNECTING":
            self._set_phase("reconnecting", self.tr("Connection lost. Reconnecting…"))
            if self.local is not None:
                self.spawn(self._host_if_orphaned())
        elif reason == "RECONNECT_FAILED":
            self._set_phase(
                "failed", self.tr("Could not reconnect: %1").replace("%1", error_text(code))
            )
        elif reason == "KICKOUT":
            self._set_phase(
                "kicked",
                self.tr("You were removed from the call: %1").replace("%1", error_text(code)),
            )

    async def _host_if_orphaned(self) -> None:
        """The huddle that ran this computer's room service quit: run it here instead."""
        await asyncio.sleep(0.3)
        if self.local is not None and self.phase == "reconnecting":
            await self.local.ensure_running()

    # ------------------------------------------------------------ joining and leaving

    async def join(self, request: JoinRequest, stream: LocalStream | None) -> None:
        """Log in and publish; raises JoinError with a sentence when it cannot."""
        engine = self.engine
        self.request = request
        self._last_error = 0
        try:
            token, user_id = await self._credentials(request)
        except JoinError:
            self.request = None
            raise
        engine.config.speaker = request.speaker
        self.user = User(user_id, request.user_name)
        self.camera_stream_id = stream_id_for(user_id, "cam")
        ok = await engine.login_room(
            request.room_id, token, self.user, RoomConfig(user_update=True)
        )
        if not ok:
            self.request = None
            self.user = None
            self.camera_stream_id = None
            raise JoinError(error_text(self._last_error or ErrorCode.SERVER_UNREACHABLE))
        engine.set_sound_level_delegate(True, 300)
        self.stream = stream
        self.mic_muted = request.mic_muted
        self.camera_off = request.camera_off
        if stream is not None:
            if stream.has_audio and self.mic_muted:
                await engine.mute_publish_stream_audio(stream, True)
            if stream.has_video and self.camera_off:
                await engine.mute_publish_stream_video(stream, True)
                await engine.enable_video_capture_device(stream, False)
            await engine.start_publishing_stream(self.camera_stream_id, stream)
        self.local_changed.emit()

    async def _credentials(self, request: JoinRequest) -> tuple[str, str]:
        engine = self.engine
        if request.mode == "local":
            try:
                if self.local is None:
                    self.local = await start_or_join_local(self.local_port)
                else:
                    await self.local.ensure_running()
            except LocalServiceError as exc:
                raise JoinError(str(exc)) from None
            engine.server, engine.app_id = self.local.url, self.local.app_id
            # The engine, reconnecting too, sends nothing to a service that cannot prove it
            # is this user's (another program may take the port when the one running it quits).
            engine.config.local_service_secret = self.local.secret
            user_id = make_user_id(request.user_name)
            return self.local.token(user_id, request.room_id), user_id
        engine.server, engine.app_id = request.url, request.app_id
        engine.config.local_service_secret = None
        if request.token:
            user_id = token_user_id(request.token)
            if user_id is None:
                raise JoinError(error_text(ErrorCode.TOKEN_MALFORMED))
            return request.token, user_id
        user_id = make_user_id(request.user_name)
        try:
            token = mint_token(
                app_id=request.app_id,
                secret=request.secret,
                user_id=user_id,
                room_id=request.room_id,
            )
        except ValueError as exc:
            raise JoinError(str(exc)) from None
        return token, user_id

    async def leave(self) -> None:
        """Log out and release every device. Safe to call twice."""
        if self.request is None:
            return
        self.request = None
        engine = self.engine
        self._tasks.cancel()
        engine.set_sound_level_delegate(False)
        await engine.logout_room()
        for stream in (self.stream, self.screen):
            if stream is not None:
                await engine.destroy_stream(stream)
        self.stream = self.screen = None
        self.sharing = None
        for stream_id in list(self.remotes):
            self._forget(stream_id)
        self.users = {}
        self.hands = set()
        self.recording_users = set()
        self.recording = False
        self.hands_changed.emit(set())
        self._set_phase("left", "")

    async def shutdown(self) -> None:
        await self.leave()
        if self.local is not None:
            await self.local.stop()
            self.local = None

    # ------------------------------------------------------------ what others publish

    def spawn(self, coro) -> None:
        """Run ``coro`` as a task this call keeps (and cancels on leave)."""
        self._tasks.spawn(coro)

    def _on_users(self, room_id: str, kind: str, users: list[User]) -> None:
        hands = set(self.hands)
        for user in users:
            if kind == "ADD":
                self.users[user.user_id] = user.user_name or user.user_id
            else:
                self.users.pop(user.user_id, None)
                self.hands.discard(user.user_id)
                if user.user_id in self.recording_users:
                    self.recording_users.discard(user.user_id)
                    self.recording_changed.emit(user.user_id, False)
        self.users_changed.emit(dict(self.users))
        if hands != self.hands:
            self.hands_changed.emit(set(self.hands))
        if kind == "ADD" and self.user is not None:
            # Newcomers learn what is up already: my raised hand, my recording.
            newcomers = [u.user_id for u in users]
            if self.user.user_id in self.hands:
                self.spawn(self._command(encode_command("hand", up=True), newcomers))
            if self.recording:
                self.spawn(self._command(encode_command("recording", on=True), newcomers))

    # ------------------------------------------------------------ hands, reactions, recording

    def _on_command(self, room_id: str, sender: User, text: str) -> None:
        command = decode_command(text)
        if command is None or self.request is None:
            return
        kind, user_id = command[COMMAND_TAG], sender.user_id
        if kind == "hand":
            (self.hands.add if command["up"] else self.hands.discard)(user_id)
            self.hands_changed.emit(set(self.hands))
        elif kind == "react":
            self.reaction.emit(user_id, command["emoji"])
        elif kind == "recording":
            (self.recording_users.add if command["on"] else self.recording_users.discard)(user_id)
            self.recording_changed.emit(user_id, command["on"])

    async def _command(self, text: str, to: list[str] | None = None) -> bool:
        try:
            await self.engine.send_custom_command(text, to)
        except HuddleError as exc:
            self.notice.emit(error_text(exc.code))
            return False
        return True

    async def set_hand_raised(self, up: bool) -> None:
        if self.user is None:
            return
        if await self._command(encode_command("hand", up=up)):
            (self.hands.add if up else self.hands.discard)(self.user.user_id)
            self.hands_changed.emit(set(self.hands))

    async def react(self, emoji: str) -> None:
        if self.user is None or emoji not in REACTIONS:
            return
        if await self._command(encode_command("react", emoji=emoji)):
            self.reaction.emit("", emoji)

    async def announce_recording(self, on: bool) -> None:
        """Tell the others this window started (or stopped) recording the call."""
        self.recording = on
        if self.user is not None:
            await self._command(encode_command("recording", on=on))

    def _on_streams(self, room_id: str, kind: str, streams: list[StreamInfo]) -> None:
        for info in streams:
            if kind == "ADD":
                self.spawn(self._play(info))
            else:
                self.spawn(self._stop(info.stream_id))

    async def _play(self, info: StreamInfo) -> None:
        if info.stream_id in self.remotes:
            return
        try:
            remote = await self.engine.start_playing_stream(info.stream_id)
        except PlayError as exc:
            self.notice.emit(error_text(exc.code))
            return
        self.remotes[info.stream_id] = remote
        self.remote_added.emit(info.stream_id, remote, info)

    async def _stop(self, stream_id: str) -> None:
        await self.engine.stop_playing_stream(stream_id)
        self._forget(stream_id)

    def _forget(self, stream_id: str) -> None:
        if self.remotes.pop(stream_id, None) is not None:
            self.remote_removed.emit(stream_id)

    def _on_remote_status(self, stream_id: str, status: str) -> None:
        info = next((s for s in self.engine.streams if s.stream_id == stream_id), None)
        if info is not None:
            self.remote_info_changed.emit(stream_id, info)

    # ------------------------------------------------------------ the toolbar

    async def set_mic_muted(self, muted: bool) -> None:
        if self.stream is None or not self.stream.has_audio:
            self.notice.emit(error_text(ErrorCode.NO_MICROPHONE))
            return
        self.mic_muted = muted
        await self.engine.mute_publish_stream_audio(self.stream, muted)
        self.local_changed.emit()

    async def set_camera_off(self, off: bool) -> None:
        if self.stream is None or not self.stream.has_video:
            self.notice.emit(error_text(ErrorCode.NO_CAMERA))
            return
        try:
            await self.engine.enable_video_capture_device(self.stream, not off)
        except DeviceError as exc:
            self.notice.emit(error_text(exc.code))
            return
        self.camera_off = off
        await self.engine.mute_publish_stream_video(self.stream, off)
        self.local_changed.emit()

    async def set_screen_sharing(
        self,
        share: bool,
        source: ShareSource | None = None,
        exclude: Callable[[], list[tuple[int, int, int, int]]] | None = None,
    ) -> None:
        """Share ``source`` (a screen or a window; the first screen by default), blanking the
        rectangles ``exclude`` gives out of every frame; or stop sharing."""
        if self.user is None:
            return
        stream_id = stream_id_for(self.user.user_id, "screen")
        if not share:
            if self.screen is not None:
                screen, self.screen = self.screen, None
                self.sharing = None
                await self.engine.destroy_stream(screen)
            self.screen_stream_changed.emit(None)
            self.local_changed.emit()
            return
        if self.screen is not None:
            return
        source = source or ShareSource("screen", "", monitor=1)
        try:
            capture = await ScreenSource.open(
                source.monitor,
                window=source.window,
                exclude=exclude,  # a shared window under Huddle's shows grey there, not Huddle
            )
            self.screen = await self.engine.create_stream(custom=CustomConfig(video=capture))
        except (MediaError, DeviceError) as exc:
            self.notice.emit(error_text(exc.code))
            self.local_changed.emit()
            return
        self.sharing = source
        await self.engine.start_publishing_stream(stream_id, self.screen)
        self.screen_stream_changed.emit(self.screen)
        self.local_changed.emit()

    async def use_devices(
        self, camera: str | None, microphone: str | None, speaker: str | None
    ) -> None:
        """Switch devices mid-call; failures become notices and the old device stays."""
        engine = self.engine
        try:
            if self.stream is not None and self.stream.has_video and camera is not None:
                await engine.use_video_device(self.stream, camera)
            if self.stream is not None and self.stream.has_audio:
                await engine.use_audio_device(self.stream, microphone)
            await engine.use_speaker_device(speaker)
        except HuddleError as exc:
            self.notice.emit(error_text(exc.code))

    async def switch_device(self, kind: str, device_id: str | None) -> bool:
        """Switch one device mid-call (from the call bar); a failure becomes a notice and the
        old device stays. True if switched."""
        engine, stream, request = self.engine, self.stream, self.request
        if request is None:
            return False
        try:
            if kind == "camera":
                if stream is None or not stream.has_video or device_id is None:
                    return False
                await engine.use_video_device(stream, device_id)
                request.camera = device_id
            elif kind == "microphone":
                if stream is None or not stream.has_audio:
                    return False
                await engine.use_audio_device(stream, device_id)
                request.microphone = device_id
            else:
                await engine.use_speaker_device(device_id)
                request.speaker = device_id
        except HuddleError as exc:
            self.notice.emit(error_text(exc.code))
            return False
        return True

    async def send_message(self, text: str, barrage: bool) -> bool:
        """Send a chat (or barrage) message; False (and a notice) when refused."""
        if self.user is None:
            return False
        try:
            if barrage:
                message_id = await self.engine.send_barrage_message(text)
            else:
                message_id = await self.engine.send_broadcast_message(text)
        except MessageError as exc:
            self.notice.emit(error_text(exc.code))
            return False
        chat = ChatMessage(message_id, self.user, text, int(time.time() * 1000))
        (self.barrage_received if barrage else self.chat_received).emit(chat, True)
        return True
