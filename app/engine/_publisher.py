"""A published stream: registered with the room service, one peer connection per player.

Each player that asks (``play_request``) gets its own ``RTCPeerConnection``; the publisher
makes the offer, so it chooses the codec. Each track is encoded once for all players
(``_encoder.SharedEncoder``) and the packets go to every player's sender. In an SFU room the
only "player" is the SFU (``player`` None): one peer connection, whoever plays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription

from app.protocol import messages as m

from . import _aiortc_seams as seams
from ._encoder import EncodedTrack, SharedEncoder
from ._peer import (
    RTT_CHANNEL,
    PeerLink,
    add_remote_candidate,
    new_peer_connection,
    prefer_codec,
    set_local_description,
)
from .config import PublishOptions, default_bitrate_kbps
from .data import PublisherState, PublisherStateResult, StreamQuality, User
from .quality import QualityMeter
from .streams import LocalStream, PublishTrack

log = logging.getLogger("huddle.engine")


@dataclass(eq=False)
class _PlayerPeer:
    session_id: str
    player: User | None
    """None: the other end is the service's SFU."""
    pc: RTCPeerConnection
    tracks: list[PublishTrack | EncodedTrack] = field(default_factory=list)
    channel: RTCDataChannel | None = None

    async def close(self) -> None:
        for track in self.tracks:
            track.stop()
        await self.pc.close()


class Publication:
    def __init__(
        self,
        stream_id: str,
        stream: LocalStream,
        options: PublishOptions,
        link: PeerLink,
        on_state: Callable[[PublisherStateResult], None],
    ) -> None:
        self.stream_id = stream_id
        self.stream = stream
        self.options = options
        self.state = PublisherState.NO_PUBLISH
        self._link = link
        self._on_state = on_state
        self._peers: dict[str, _PlayerPeer] = {}
        self._encoders: dict[str, SharedEncoder] = {}
        self._meter = QualityMeter(stream_id)

    def __repr__(self) -> str:
        return f"<Publication {self.stream_id} {self.state} players={len(self._peers)}>"

    def set_state(self, state: PublisherState, code: int = 0, **extra: Any) -> None:
        """Change state, log ``old -> new``, then report it (also an error for the same
        state)."""
        old, self.state = self.state, state
        if old is state and not code:
            return
        log.info("publish %s: %s -> %s", self.stream_id, old, state)
        self._on_state(PublisherStateResult(state, self.stream_id, int(code), extra))

    @property
    def players(self) -> list[User]:
        return [peer.player for peer in self._peers.values() if peer.player is not None]

    def has_session(self, session_id: str) -> bool:
        return session_id in self._peers

    def _bitrate_cap(self) -> int:
        kbps = self.options.max_bitrate_kbps
        if kbps is None:
            width, height = self.sent_size()
            kbps = default_bitrate_kbps(width, height)
        return kbps * 1000

    def sent_size(self) -> tuple[int, int]:
        """The size frames go out at: the publish option, else the source's."""
        if self.options.width and self.options.height:
            return self.options.width, self.options.height
        video = self.stream.video
        if video is None:
            return 0, 0
        if video.width:
            return video.width, video.height
        source = video.source
        return getattr(source, "width", 640), getattr(source, "height", 480)

    async def add_player(self, session_id: str, player: User | None) -> None:
        """A player (or, with ``player`` None, the SFU) asked for the stream: make its peer
        connection and send the offer."""
        if session_id in self._peers:
            return
        pc = new_peer_connection(self._link)
        peer = self._peers[session_id] = _PlayerPeer(session_id, player, pc)
        for kind in ("video", "audio"):
            if not (self.stream.has_video if kind == "video" else self.stream.has_audio):
                continue
            track: PublishTrack | EncodedTrack | None
            if self._link.config._encode_per_player or not seams.encoded_feedback_available():
                track = self._publish_track(kind)
            else:
                track = self._encoder(kind).subscribe()
            if track is None:
                continue
            peer.tracks.append(track)
            transceiver = pc.addTransceiver(track, direction="sendonly")
            if kind == "video":
                prefer_codec(transceiver, self.options.video_codec)
        if player is not None:  # an SFU does not pass players' pings back (see _player)
            channel = pc.createDataChannel(RTT_CHANNEL, ordered=False, maxRetransmits=0)
            channel.on("message", lambda message: self._echo(channel, message))
            peer.channel = channel
        who = player.user_id if player is not None else "the SFU"

        @pc.on("connectionstatechange")
        def _state_changed() -> None:
            log.debug("publish %s to %s: %s", self.stream_id, who, pc.connectionState)
            if pc.connectionState == "failed":
                self._link.spawn(self._drop(session_id), f"huddle-drop-{session_id}")

        await set_local_description(self._link, pc, await pc.createOffer())
        if self._peers.get(session_id) is not peer:
            return  # removed while the offer was being made
        log.info("offer for %s to %s (%s)", self.stream_id, who, session_id)
        await self._link.signal(session_id, "offer", sdp=pc.localDescription.sdp)

    def _publish_track(self, kind: str) -> PublishTrack | None:
        """The stream's track as players get it: muting, frame-rate limit and scaling."""
        source = self.stream.subscribe(kind)
        if source is None:
            return None
        if kind == "audio":
            return PublishTrack(source, lambda: self.stream.audio_muted)
        size = (self.options.width, self.options.height) if self.options.width else None
        return PublishTrack(
            source, lambda: self.stream.video_muted, fps=self.options.fps, size=size
        )

    def _encoder(self, kind: str) -> SharedEncoder:
        codec = self.options.video_codec if kind == "video" else "opus"
        encoder = self._encoders.get(kind)
        if encoder is None or encoder.codec != codec:
            encoder = self._encoders[kind] = SharedEncoder(
                kind,
                codec,
                open_source=lambda: self._publish_track(kind),
                cap_bps=self._bitrate_cap,
                spawn=self._link.spawn,
                opus_fec=self._link.config.opus_fec,
                opus_dtx=self._link.config.opus_dtx,
            )
        return encoder

    def set_dtx(self, enable: bool) -> None:
        encoder = self._encoders.get("audio")
        if encoder is not None:
            encoder.set_dtx(enable)

    @staticmethod
    def _echo(channel: RTCDataChannel, message: object) -> None:
        if (
            isinstance(message, str)
            and message.startswith("ping ")
            and channel.readyState == "open"
        ):
            channel.send("pong " + message[5:])

    async def on_signal(self, signal: m.RelayedSignal) -> None:
        peer = self._peers.get(signal.session_id)
        if peer is None:
            return
        if signal.kind == "answer" and signal.sdp:
            # The sender's encoder is made by a task started here, so the cap and the Opus
            # options apply to it (with a shared encoder, the sender's only packetizes; both
            # are applied in the SharedEncoder).
            with (
                seams.bitrate_cap(self._bitrate_cap()),
                seams.opus_options(fec=self._link.config.opus_fec),  # #10
            ):
                await peer.pc.setRemoteDescription(RTCSessionDescription(signal.sdp, "answer"))
        elif signal.kind == "candidate" and signal.candidate is not None:
            await add_remote_candidate(peer.pc, signal.candidate)

    async def _drop(self, session_id: str) -> None:
        """A player's connection failed: close it and tell the service the session is over."""
        if session_id not in self._peers:
            return
        await self.remove_player(session_id)
        with contextlib.suppress(Exception):
            await self._link.request(lambda rid: m.StopPlay(id=rid, session_id=session_id))

    async def on_session_closed(self, session_id: str, code: int) -> None:
        """The service ended a player's session (the player left or stopped playing)."""
        await self.remove_player(session_id)

    async def remove_player(self, session_id: str) -> None:
        peer = self._peers.pop(session_id, None)
        if peer is not None:
            who = peer.player.user_id if peer.player is not None else "the SFU"
            log.info("closed %s to %s (%s)", self.stream_id, who, session_id)
            await peer.close()

    async def close_peers(self) -> None:
        peers, self._peers = list(self._peers.values()), {}
        await asyncio.gather(*(peer.close() for peer in peers), return_exceptions=True)
        for encoder in self._encoders.values():
            await encoder.aclose()

    def announcement(self) -> m.Publication:
        """This publication as a re-login re-announces it."""
        stream = self.stream
        return m.Publication(
            stream_id=self.stream_id,
            extra_info=self.options.extra_info,
            video=stream.has_video,
            audio=stream.has_audio,
            video_muted=stream.video_muted,
            audio_muted=stream.audio_muted,
        )

    def held_sessions(self) -> list[tuple[str, str]]:
        """(play session ID, player's user ID) of every peer connection to a player. The uplink
        to an SFU is not among them: a service that lost it lost its SFU end too (a resumed
        session keeps it anyway)."""
        return [
            (session_id, peer.player.user_id)
            for session_id, peer in self._peers.items()
            if peer.player is not None
        ]

    async def keep_only(self, kept: frozenset[str]) -> None:
        """After a re-login: close the peer connections whose play session the service did not
        take back (their players ask again)."""
        for session_id in [s for s in self._peers if s not in kept]:
            await self.remove_player(session_id)

    async def quality(self) -> StreamQuality:
        connected = [p for p in self._peers.values() if p.pc.connectionState == "connected"]
        reports = [await p.pc.getStats() for p in connected]
        video = self.stream.video
        return self._meter.publisher(
            reports,
            frames=video.frames if video else 0,
            width=(self.options.width or video.width) if video else 0,
            height=(self.options.height or video.height) if video else 0,
            codec=self.options.video_codec if video else "",
        )
