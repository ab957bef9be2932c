"""A published stream: registered with the room service, one peer connection per player.

Each player that asks (``play_request``) gets its own ``RTCPeerConnection``, fed from the one
capture through the stream's relays; the publisher makes the offer, so it chooses the codec.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription

from app.protocol import messages as m

from . import _aiortc_seams as seams
from ._peer import (
    RTT_CHANNEL,
    EngineLink,
    add_remote_candidate,
    new_peer_connection,
    prefer_codec,
    set_local_description,
)
from .config import PublishOptions, default_bitrate_kbps
from .data import PublisherState, StreamQuality, User
from .quality import QualityMeter
from .streams import LocalStream, PublishTrack

log = logging.getLogger("huddle.engine")


@dataclass(eq=False)
class _PlayerPeer:
    session_id: str
    player: User
    pc: RTCPeerConnection
    tracks: list[PublishTrack] = field(default_factory=list)
    channel: RTCDataChannel | None = None

    async def close(self) -> None:
        for track in self.tracks:
            track.stop()
        await self.pc.close()


class Publication:
    def __init__(
        self, stream_id: str, stream: LocalStream, options: PublishOptions, link: EngineLink
    ) -> None:
        self.stream_id = stream_id
        self.stream = stream
        self.options = options
        self.state = PublisherState.NO_PUBLISH
        self._link = link
        self._peers: dict[str, _PlayerPeer] = {}
        self._meter = QualityMeter(stream_id)

    def __repr__(self) -> str:
        return f"<Publication {self.stream_id} {self.state} players={len(self._peers)}>"

    @property
    def players(self) -> list[User]:
        return [peer.player for peer in self._peers.values()]

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

    async def add_player(self, session_id: str, player: User) -> None:
        """A player asked for the stream: make its peer connection and send the offer."""
        if session_id in self._peers:
            return
        pc = new_peer_connection(self._link)
        peer = self._peers[session_id] = _PlayerPeer(session_id, player, pc)
        size = (self.options.width, self.options.height) if self.options.width else None
        for kind in ("video", "audio"):
            source = self.stream.subscribe(kind)
            if source is None:
                continue
            muted = (
                (lambda: self.stream.video_muted)
                if kind == "video"
                else (lambda: self.stream.audio_muted)
            )
            track = PublishTrack(
                source,
                muted,
                fps=self.options.fps if kind == "video" else None,
                size=size if kind == "video" else None,
            )
            peer.tracks.append(track)
            transceiver = pc.addTransceiver(track, direction="sendonly")
            if kind == "video":
                prefer_codec(transceiver, self.options.video_codec)
        channel = pc.createDataChannel(RTT_CHANNEL, ordered=False, maxRetransmits=0)
        channel.on("message", lambda message: self._echo(channel, message))
        peer.channel = channel

        @pc.on("connectionstatechange")
        def _state_changed() -> None:
            log.debug("publish %s to %s: %s", self.stream_id, player.user_id, pc.connectionState)
            if pc.connectionState == "failed":
                self._link.spawn(self._drop(session_id), f"huddle-drop-{session_id}")

        await set_local_description(self._link, pc, await pc.createOffer())
        if self._peers.get(session_id) is not peer:
            return  # removed while the offer was being made
        log.info("offer for %s to %s (%s)", self.stream_id, player.user_id, session_id)
        await self._link.signal(session_id, "offer", sdp=pc.localDescription.sdp)

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
            # The encoder is made by a task started here, so the cap applies to it.
            config = self._link.config
            with (
                seams.bitrate_cap(self._bitrate_cap()),
                seams.opus_options(fec=config.opus_fec),  # #10
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

    async def remove_player(self, session_id: str) -> None:
        peer = self._peers.pop(session_id, None)
        if peer is not None:
            log.info("closed %s to %s (%s)", self.stream_id, peer.player.user_id, session_id)
            await peer.close()

    async def close_peers(self) -> None:
        peers, self._peers = list(self._peers.values()), {}
        await asyncio.gather(*(peer.close() for peer in peers), return_exceptions=True)

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
