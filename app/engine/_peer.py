"""What publishing and playing share: peer connections, codecs, and the link to the session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.sdp import candidate_from_sdp

from app.protocol import messages as m

from . import _aiortc_seams as seams
from .config import EngineConfig, IceServerConfig

RTT_CHANNEL = "huddle-rtt"
"""A data channel each publisher opens to its player, for round-trip pings."""


Request = Callable[[Callable[[int], m.ClientMessage]], Awaitable[m.ServerMessage]]
"""Send a request built from its ID to the room service; its reply, or a raised HuddleError."""

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
"""Run a coroutine as a task owned by the engine's lifetime."""


@dataclass(frozen=True)
class PeerLink:
    """What a publication or playback needs from the room session to run peer connections."""

    config: EngineConfig
    request: Request
    spawn: Spawn
    ice_servers: Callable[[], list[IceServerConfig]]

    async def signal(
        self,
        session_id: str,
        kind: str,
        *,
        sdp: str | None = None,
        candidate: m.IceCandidate | None = None,
    ) -> None:
        """Relay an offer, answer or candidate to the other end of a media session."""
        await self.request(
            lambda rid: m.Signal(
                id=rid, session_id=session_id, kind=kind, sdp=sdp, candidate=candidate
            )
        )


def new_peer_connection(link: PeerLink) -> RTCPeerConnection:
    servers = [
        RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
        for s in link.ice_servers()
    ]
    # An empty list (not None) keeps aiortc from falling back to Google's public STUN server.
    return RTCPeerConnection(RTCConfiguration(iceServers=servers))


def prefer_codec(transceiver: RTCRtpTransceiver, codec: str) -> None:
    capabilities = RTCRtpSender.getCapabilities("video").codecs
    wanted = [c for c in capabilities if c.mimeType.lower() == f"video/{codec.lower()}"]
    wanted += [c for c in capabilities if c.mimeType.lower() == "video/rtx"]
    transceiver.setCodecPreferences(wanted)


async def set_local_description(
    link: PeerLink, pc: RTCPeerConnection, description: RTCSessionDescription
) -> None:
    """Set the local description; gathering honours ``EngineConfig.host_addresses``."""
    with seams.host_addresses(link.config.host_addresses):
        await pc.setLocalDescription(description)


async def add_remote_candidate(pc: RTCPeerConnection, candidate: m.IceCandidate) -> None:
    text = candidate.candidate.removeprefix("candidate:")
    if not text:
        await pc.addIceCandidate(None)  # end of candidates
        return
    parsed = candidate_from_sdp(text)
    parsed.sdpMid = candidate.sdp_mid
    parsed.sdpMLineIndex = candidate.sdp_mline_index
    await pc.addIceCandidate(parsed)


@dataclass
class RoundTrip:
    """The newest round-trip time measured over the RTT data channel, smoothed."""

    rtt_ms: float | None = None

    def add(self, sample_ms: float) -> None:
        self.rtt_ms = sample_ms if self.rtt_ms is None else 0.7 * self.rtt_ms + 0.3 * sample_ms
