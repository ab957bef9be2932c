"""Playing: the other users' streams this user plays (livekit's remote publications).

Each played stream is a ``_player.Playback`` that outlives its peer connections; this module
starts and stops them, follows the room's stream ADD/DELETE, plays again after a reconnect,
and reports play quality.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from app.media import MixerInput
from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_stream_id

from . import _resume
from ._player import Playback, PlaybackLink
from ._session import MediaSessionEnd, RoomLink
from .data import PlayerState, PlayerStateResult, RoomState, SoundLevel, StreamInfo
from .errors import HuddleError, PlayError, raise_as
from .streams import RemoteStream

log = logging.getLogger("huddle.engine")


class Playing:
    def __init__(
        self,
        link: RoomLink,
        audio_output: Callable[[], MixerInput | None],
        speaker_delay: Callable[[], float | None] = lambda: None,
    ) -> None:
        self._link = link
        self._playback_link = PlaybackLink(
            peer=link.peer,
            on_state=self._report,
            audio_output=audio_output,
            stream_exists=lambda stream_id: link.stream_info(stream_id) is not None,
            speaker_delay=speaker_delay,
            media_mode=link.media_mode,
        )
        self.playbacks: dict[str, Playback] = {}

    def __repr__(self) -> str:
        return f"<Playing {sorted(self.playbacks)}>"

    def _report(self, result: PlayerStateResult) -> None:
        self._link.emit("playerStateUpdate", result)

    def states(self) -> dict[str, PlayerState]:
        return {sid: pb.state for sid, pb in self.playbacks.items()}

    def remote_stream(self, stream_id: str) -> RemoteStream | None:
        playback = self.playbacks.get(stream_id)
        return playback.remote if playback else None

    # ------------------------------------------------------------ playing

    async def start(self, stream_id: str) -> RemoteStream:
        existing = self.playbacks.get(stream_id)
        if existing is not None and not existing.stopped:
            return existing.remote
        playback = Playback(stream_id, self._link.stream_info(stream_id), self._playback_link)
        try:
            check_stream_id(stream_id)
            if self._link.room_state() is not RoomState.CONNECTED:
                raise PlayError(ErrorCode.INVALID_STATE, "Log in to a room before playing.")
            self.playbacks[stream_id] = playback
            await playback.request()
        except (ProtocolError, HuddleError) as exc:
            error = PlayError.of(exc)
            if self.playbacks.get(stream_id) is playback:
                del self.playbacks[stream_id]
            playback.stopped = True
            playback.set_state(PlayerState.NO_PLAY, error.code, message=error.message)
            raise_as(PlayError, exc)
        return playback.remote

    async def _replay(self, playback: Playback) -> None:
        if playback.stopped or playback.session_id is not None:
            return
        try:
            await playback.request()
        except PlayError as exc:
            log.info("replaying %s failed: %s", playback.stream_id, exc)

    async def stop(self, stream_id: str) -> bool:
        playback = self.playbacks.pop(stream_id, None)
        if playback is None:
            return False
        await playback.stop()
        # Stopped because its stream left the room (as the seed's apps do on DELETE): the same
        # NO_PLAY the engine reports by itself then, whichever of the two ran first.
        gone = self._link.stream_info(stream_id) is None and self._link.media_mode() is not None
        if gone and playback.state is not PlayerState.NO_PLAY:
            playback.set_state(PlayerState.NO_PLAY, ErrorCode.PUBLISHER_LEFT)
        else:
            playback.set_state(PlayerState.NO_PLAY)
        return True

    def mute_audio(self, stream_id: str, mute: bool) -> bool:
        playback = self.playbacks.get(stream_id)
        if playback is None:
            return False
        playback.audio_muted = mute
        return True

    def mute_video(self, stream_id: str, mute: bool) -> bool:
        playback = self.playbacks.get(stream_id)
        if playback is None:
            return False
        playback.remote.video_muted_locally = mute
        return True

    # ------------------------------------------------------------ the room's streams

    def follow_streams(self, added: list[StreamInfo], deleted: list[StreamInfo]) -> None:
        """Playbacks follow their streams: NO_PLAY when deleted, play again when back."""
        for info in deleted:
            playback = self.playbacks.get(info.stream_id)
            if playback is not None and not playback.stopped:
                self._link.in_order(playback.on_stream_deleted)
        for info in added:
            playback = self.playbacks.get(info.stream_id)
            if playback is not None and not playback.stopped:
                self._link.in_order(functools.partial(self._replay, playback))

    def on_stream_info(self, info: StreamInfo) -> None:
        playback = self.playbacks.get(info.stream_id)
        if playback is not None:
            playback.remote.info = info

    def find_session(self, session_id: str) -> MediaSessionEnd | None:
        for playback in self.playbacks.values():
            if playback.session_id == session_id:
                return playback
        return None

    # ------------------------------------------------------------ the room's lifetime

    def on_logged_in(self) -> None:
        for playback in list(self.playbacks.values()):
            if (
                not playback.stopped
                and playback.session_id is None
                and self._link.stream_info(playback.stream_id) is not None
            ):
                self._link.peer.spawn(self._replay(playback), f"huddle-replay-{playback.stream_id}")

    def held(self) -> _resume.Held:
        if self._link.media_mode() == "sfu":
            # Played from the SFU: a service that lost the session lost the SFU's end too, so
            # there is nothing to re-announce (a resumed session keeps them anyway).
            return _resume.Held([], [])
        return _resume.held(
            (),
            (
                (p.stream_id, p.session_id, p.remote.info.user.user_id if p.remote.info else None)
                for p in self.playbacks.values()
                if not p.stopped
            ),
        )

    async def on_reconnected(self, kept: _resume.Kept) -> None:
        """A play session the service kept goes on; another is negotiated again."""
        for playback in list(self.playbacks.values()):
            if playback.stopped or playback.session_id is None or kept.play(playback.session_id):
                continue
            await playback.teardown(tell_service=False)
            playback.set_state(PlayerState.PLAY_REQUESTING, ErrorCode.CONNECTION_LOST)

    async def on_room_lost(self, code: ErrorCode) -> None:
        for playback in list(self.playbacks.values()):
            await playback.stop()
            playback.set_state(PlayerState.NO_PLAY, code)
        self.playbacks.clear()

    async def on_leaving(self) -> None:
        for stream_id in list(self.playbacks):
            await self.stop(stream_id)

    # ------------------------------------------------------------ quality and levels

    async def quality_loop(self) -> None:
        while True:
            await asyncio.sleep(self._link.peer.config.quality_interval)
            for playback in list(self.playbacks.values()):
                if not playback.stopped:
                    quality = await playback.quality()
                    self._link.emit("playQualityUpdate", playback.stream_id, quality)

    def sound_levels(self) -> list[SoundLevel]:
        return [
            SoundLevel(p.stream_id, round(p.level, 1), "pull")
            for p in self.playbacks.values()
            if not p.stopped
        ]
