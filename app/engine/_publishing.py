"""Publishing: the local user's published streams (livekit's ``LocalParticipant``).

Registers each publish with the room service (again after every login), answers the service's
play requests with a peer connection per player (``_publisher.Publication``), tells the room
about muting and extra info, and reports publish quality.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.protocol import messages as m
from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_extra_info, check_stream_id

from . import _resume
from ._publisher import Publication
from ._session import MediaSessionEnd, RoomLink
from .config import PublishOptions
from .data import PublisherState, PublisherStateResult, RoomState, SoundLevel, User
from .errors import HuddleError, PublishError, raise_as
from .streams import LocalStream

log = logging.getLogger("huddle.engine")


class Publishing:
    def __init__(self, link: RoomLink) -> None:
        self._link = link
        self._peer = link.peer
        self.publications: dict[str, Publication] = {}

    def __repr__(self) -> str:
        return f"<Publishing {sorted(self.publications)}>"

    def _report(self, result: PublisherStateResult) -> None:
        self._link.emit("publisherStateUpdate", result)

    def states(self) -> dict[str, PublisherState]:
        return {sid: pub.state for sid, pub in self.publications.items()}

    # ------------------------------------------------------------ publishing

    async def start(self, stream_id: str, stream: LocalStream, options: PublishOptions) -> bool:
        publication = Publication(stream_id, stream, options, self._peer, self._report)
        existing = self.publications.get(stream_id)
        if existing is not None:
            if existing.stream is stream:
                return True
            publication.set_state(PublisherState.NO_PUBLISH, ErrorCode.STREAM_ID_TAKEN)
            return False
        try:
            check_stream_id(stream_id)
            check_extra_info(options.extra_info)
            if stream.destroyed or not (stream.has_video or stream.has_audio):
                raise PublishError(
                    ErrorCode.INVALID_ARGUMENT, "The stream has no video or audio left."
                )
            if self._link.room_state() is RoomState.DISCONNECTED:
                raise PublishError(ErrorCode.INVALID_STATE, "Log in to a room before publishing.")
        except (ProtocolError, HuddleError) as exc:
            error = PublishError.of(exc)
            publication.set_state(PublisherState.NO_PUBLISH, error.code, message=error.message)
            return False
        self.publications[stream_id] = publication
        publication.set_state(PublisherState.PUBLISH_REQUESTING)
        if self._link.room_state() is not RoomState.CONNECTED:
            return True  # registered once the (re)login completes
        return await self._register(publication)

    async def _register(self, publication: Publication) -> bool:
        stream = publication.stream
        try:
            await self._peer.request(
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
            if self.publications.get(publication.stream_id) is publication:
                del self.publications[publication.stream_id]
            publication.set_state(PublisherState.NO_PUBLISH, exc.code, message=exc.message)
            return False
        if self.publications.get(publication.stream_id) is publication:
            publication.set_state(PublisherState.PUBLISHING)
        return True

    async def stop(self, stream_id: str) -> bool:
        publication = self.publications.pop(stream_id, None)
        if publication is None:
            return False
        registered = (
            publication.state is PublisherState.PUBLISHING
            and self._link.room_state() is RoomState.CONNECTED
        )
        # Through an SFU, unpublish first: the SFU notices a closed connection at once (a DTLS
        # alert), and the service would take it for a failure and ask for a new uplink.
        sfu = self._link.media_mode() == "sfu"
        if not sfu:
            await publication.close_peers()
        if registered:
            with contextlib.suppress(HuddleError):
                await self._peer.request(lambda rid: m.Unpublish(id=rid, stream_id=stream_id))
        if sfu:
            await publication.close_peers()
        publication.set_state(PublisherState.NO_PUBLISH)
        return True

    async def stop_stream(self, stream: LocalStream) -> None:
        """Stop every publish of this local stream (it is being destroyed)."""
        for stream_id, publication in list(self.publications.items()):
            if publication.stream is stream:
                await self.stop(stream_id)

    async def mute(self, stream: LocalStream, **change: bool) -> bool:
        for name, value in change.items():
            setattr(stream, name, value)
        ok = True
        for publication in list(self.publications.values()):
            if publication.stream is stream and publication.state is PublisherState.PUBLISHING:
                try:
                    await self._peer.request(
                        lambda rid, p=publication: m.UpdateStream(
                            id=rid, stream_id=p.stream_id, **change
                        )
                    )
                except HuddleError as exc:
                    log.warning("could not tell the room about muting: %s", exc)
                    ok = False
        return ok

    def set_dtx(self, enable: bool) -> None:
        """Opus DTX on or off for every published voice, at once."""
        for publication in self.publications.values():
            publication.set_dtx(enable)

    async def set_extra_info(self, stream_id: str, extra_info: str) -> None:
        publication = self.publications.get(stream_id)
        if publication is None:
            raise PublishError(ErrorCode.NOT_PUBLISHING, f"Not publishing {stream_id!r}.")
        try:
            check_extra_info(extra_info)
            await self._peer.request(
                lambda rid: m.UpdateStream(id=rid, stream_id=stream_id, extra_info=extra_info)
            )
        except (ProtocolError, HuddleError) as exc:
            raise_as(PublishError, exc)
        publication.options.extra_info = extra_info

    # ------------------------------------------------------------ players (from the dispatcher)

    def on_play_request(self, msg: m.PlayRequest) -> None:
        async def handle() -> None:
            publication = self.publications.get(msg.stream_id)
            if publication is None:
                await self._peer.request(lambda rid: m.StopPlay(id=rid, session_id=msg.session_id))
                return
            # peer "sfu": the stream's one uplink, to the service's SFU (no player to name).
            player = User._from_wire(msg.player) if msg.player is not None else None
            await publication.add_player(msg.session_id, player)

        self._link.in_order(handle)

    def find_session(self, session_id: str) -> MediaSessionEnd | None:
        for publication in self.publications.values():
            if publication.has_session(session_id):
                return publication
        return None

    # ------------------------------------------------------------ the room's lifetime

    def on_logged_in(self) -> None:
        for publication in list(self.publications.values()):
            if publication.state is not PublisherState.PUBLISHING:
                self._peer.spawn(
                    self._register(publication), f"huddle-publish-{publication.stream_id}"
                )

    def held(self) -> _resume.Held:
        return _resume.held(
            (
                (publication.announcement(), publication.held_sessions())
                for publication in self.publications.values()
                if publication.state is PublisherState.PUBLISHING
            ),
            (),
        )

    async def on_reconnected(self, kept: _resume.Kept) -> None:
        """What the service took back goes on (less the players it did not keep); a
        publication it did not take is registered again, its players asking anew."""
        for publication in list(self.publications.values()):
            if publication.state is not PublisherState.PUBLISHING:
                continue
            if kept.publication(publication.stream_id):
                await publication.keep_only(kept.plays)
            else:
                await publication.close_peers()
                publication.set_state(PublisherState.PUBLISH_REQUESTING, ErrorCode.CONNECTION_LOST)

    async def on_room_lost(self, code: ErrorCode) -> None:
        for publication in list(self.publications.values()):
            await publication.close_peers()
            publication.set_state(PublisherState.NO_PUBLISH, code)
        self.publications.clear()

    async def on_leaving(self) -> None:
        for stream_id in list(self.publications):
            await self.stop(stream_id)

    # ------------------------------------------------------------ quality and levels

    async def quality_loop(self) -> None:
        while True:
            await asyncio.sleep(self._peer.config.quality_interval)
            for publication in list(self.publications.values()):
                if publication.state is PublisherState.PUBLISHING:
                    quality = await publication.quality()
                    self._link.emit("publishQualityUpdate", publication.stream_id, quality)

    def sound_levels(self) -> list[SoundLevel]:
        return [
            SoundLevel(p.stream_id, round(p.stream.sound_level, 1), "push")
            for p in self.publications.values()
            if p.stream.has_audio
        ]
