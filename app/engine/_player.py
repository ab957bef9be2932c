"""A played stream: a play session with the publisher, one peer connection, readers that hand
decoded frames to the ``RemoteStream`` and the speaker.

The playback outlives its peer connections: when the publisher drops, the connection fails,
or the engine reconnects, it goes back to PLAY_REQUESTING and plays again once it can, until
``stop_playing_stream``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.media import MixerInput
from app.protocol import messages as m
from app.protocol.errors import ErrorCode

from . import _aiortc_seams as seams
from ._audio_jitter import PACKET as AUDIO_PACKET
from ._audio_jitter import AudioJitterBuffer
from ._lipsync import LipSync, SyncState
from ._peer import (
    RTT_CHANNEL,
    PeerLink,
    RoundTrip,
    add_remote_candidate,
    new_peer_connection,
    set_local_description,
)
from .data import PlayerState, PlayerStateResult, StreamInfo, StreamQuality
from .errors import HuddleError, PlayError, raise_as
from .jitterbuffer import FrameJitterBuffer
from .latency import meter_for
from .quality import QualityMeter
from .streams import RemoteStream, sound_level

log = logging.getLogger("huddle.engine")

PING_INTERVAL = 1.0
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)
MAX_HELD = 30
"""Decoded pictures held for lip sync at most (300 ms at 100 fps); beyond, the oldest goes."""


@dataclass(frozen=True)
class PlaybackLink:
    """What a playback needs beyond peer connections."""

    peer: PeerLink
    on_state: Callable[[PlayerStateResult], None]
    audio_output: Callable[[], MixerInput | None]
    """A mixer input for the stream's audio (None: no speaker)."""
    stream_exists: Callable[[str], bool]
    """Whether the room (as last reported) has this stream."""
    speaker_delay: Callable[[], float | None] = lambda: None
    """Seconds from the speaker's callback to the sound (None: no speaker playing)."""
    media_mode: Callable[[], str | None] = lambda: None
    """The room's media mode ("p2p" or "sfu")."""


class Playback:
    def __init__(self, stream_id: str, info: StreamInfo | None, link: PlaybackLink) -> None:
        self.stream_id = stream_id
        self.state = PlayerState.NO_PLAY
        self.remote = RemoteStream(stream_id, info)
        self._latency = meter_for(self.remote)
        self.session_id: str | None = None
        self.audio_muted = False
        self.level = 0.0
        self._link = link
        self._peer = link.peer
        self._pc: RTCPeerConnection | None = None
        self._readers: set[asyncio.Task[None]] = set()
        self._pinger: asyncio.Task[None] | None = None
        self._rtt = RoundTrip()
        self._jitter: FrameJitterBuffer | None = None
        self._meter = QualityMeter(stream_id)
        self._mixer_input: MixerInput | bool | None = None
        self._audio_buffer: AudioJitterBuffer | None = None
        self._sync = LipSync(enabled=link.peer.config.av_sync)
        self._latency.sync = self._sync
        self._video_receiver: Any = None
        self._held: deque[tuple[float, Any, int | None]] = deque()
        """Decoded pictures waiting for the voice: (due, frame, RTP timestamp)."""
        self._last_due = 0.0
        self._hold_timer: asyncio.TimerHandle | None = None
        self._offer_timer: asyncio.TimerHandle | None = None
        self._failures = 0
        self.stopped = False

    def __repr__(self) -> str:
        return f"<Playback {self.stream_id} {self.state} session={self.session_id}>"

    def set_state(self, state: PlayerState, code: int = 0, **extra: Any) -> None:
        """Change state, log ``old -> new``, then report it (also an error for the same
        state)."""
        old, self.state = self.state, state
        if old is state and not code:
            return
        log.info("play %s: %s -> %s", self.stream_id, old, state)
        self._link.on_state(PlayerStateResult(state, self.stream_id, int(code), extra))

    # ------------------------------------------------------------ requesting

    async def request(self) -> None:
        """Ask the service for the stream; the publisher's offer follows as a signal."""
        self.set_state(PlayerState.PLAY_REQUESTING)
        try:
            reply = await self._peer.request(lambda rid: m.Play(id=rid, stream_id=self.stream_id))
        except HuddleError as exc:
            raise_as(PlayError, exc)
        assert isinstance(reply, m.PlayOk)
        self.session_id = reply.session_id
        self.remote.info = StreamInfo._from_wire(reply.stream)
        loop = asyncio.get_running_loop()
        self._offer_timer = loop.call_later(self._peer.config.play_timeout, self._on_timeout)

    def _on_timeout(self) -> None:
        if self.state is not PlayerState.PLAYING and not self.stopped:
            log.warning(
                "no media for %s after %.0f s", self.stream_id, self._peer.config.play_timeout
            )
            self._peer.spawn(self.retry(ErrorCode.PLAY_FAILED), f"huddle-retry-{self.stream_id}")

    async def retry(self, code: ErrorCode) -> None:
        """Tear down and play again after a pause; gives up (NO_PLAY) after a few tries."""
        await self.teardown(tell_service=True)
        if self.stopped or not self._link.stream_exists(self.stream_id):
            return
        if self._failures >= len(RETRY_DELAYS):
            self.stopped = True
            self.set_state(PlayerState.NO_PLAY, code)
            return
        self.set_state(PlayerState.PLAY_REQUESTING, code)
        await asyncio.sleep(RETRY_DELAYS[self._failures])
        self._failures += 1
        if not self.stopped and self.session_id is None:
            try:
                await self.request()
            except PlayError as exc:
                # Refused (e.g. no media server): the next pause, or NO_PLAY with the code.
                await self.retry(exc.code)

    # ------------------------------------------------------------ the peer connection

    async def on_signal(self, signal: m.RelayedSignal) -> None:
        if signal.kind == "offer" and signal.sdp:
            await self._answer(signal.sdp)
        elif signal.kind == "candidate" and signal.candidate is not None and self._pc is not None:
            await add_remote_candidate(self._pc, signal.candidate)

    async def _answer(self, sdp: str) -> None:
        session_id = self.session_id
        if session_id is None:
            return
        if self._pc is not None:
            await self._close_pc()
        pc = self._pc = new_peer_connection(self._peer)
        pc.on("track", self._on_track)
        pc.on("datachannel", self._on_channel)

        @pc.on("connectionstatechange")
        def _state_changed() -> None:
            log.debug("play %s: %s", self.stream_id, pc.connectionState)
            if pc.connectionState == "failed" and pc is self._pc and not self.stopped:
                self._peer.spawn(
                    self.retry(ErrorCode.PEER_CONNECTION_FAILED), f"huddle-retry-{self.stream_id}"
                )

        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        self._sync.reset()
        # aiortc and Janus stamp a sender report with when their last packet left; libwebrtc
        # (a browser's own offer, with transport-cc) from the capture clock. See
        # ``SenderClock.lead``.
        browser = seams.sender_runs_congestion_control(sdp) and self._link.media_mode() != "sfu"
        self._sync.audio_clock.lead = 0 if browser else AUDIO_PACKET
        for transceiver in pc.getTransceivers():
            sync = self._sync
            clock = sync.video_clock if transceiver.kind == "video" else sync.audio_clock
            seams.watch_sender_reports(transceiver.receiver, clock.add)
            if transceiver.kind == "video":
                self._video_receiver = transceiver.receiver
                seams.use_receiver_estimate(transceiver.receiver, sdp)
                if self._peer.config.jitter_buffer == "frame":
                    buffer = FrameJitterBuffer(playout=self._peer.config.playout_delay)
                    self._jitter = self._latency.buffer = buffer
                    seams.use_jitter_buffer(transceiver.receiver, buffer)
            elif (
                transceiver.kind == "audio" and self._peer.config.audio_jitter_buffer == "adaptive"
            ):
                self._audio_buffer = AudioJitterBuffer()  # the speaker pulls from it (#10)
                seams.use_jitter_buffer(transceiver.receiver, self._audio_buffer)
        await set_local_description(self._peer, pc, await pc.createAnswer())
        if "\nm=application " not in sdp:
            # No RTT channel offered (the other end is an SFU, which does not pass players'
            # pings to the publisher): time STUN checks on the ICE pair instead.
            self._pinger = asyncio.create_task(self._ice_ping(pc), name="huddle-rtt-ice")
        if pc is self._pc and self.session_id == session_id:
            await self._peer.signal(session_id, "answer", sdp=pc.localDescription.sdp)

    async def _ice_ping(self, pc: RTCPeerConnection) -> None:
        while pc is self._pc:
            receivers = pc.getReceivers()
            if pc.connectionState == "connected" and receivers:
                rtt = await seams.ice_round_trip(receivers[0])
                if rtt is not None:
                    self._rtt.add(rtt)
                    if self._jitter is not None:  # the SFU answers NACKs: its round trip
                        self._jitter.observe_rtt(rtt / 1000)
            await asyncio.sleep(PING_INTERVAL)

    @property
    def audio_buffer(self) -> AudioJitterBuffer | None:
        """The adaptive jitter buffer the speaker pulls this stream's audio from (#10)."""
        return self._audio_buffer

    def _on_track(self, track: MediaStreamTrack) -> None:
        reader = asyncio.create_task(self._read(track), name=f"huddle-play-{track.kind}")
        self._readers.add(reader)
        reader.add_done_callback(self._readers.discard)

    def _on_channel(self, channel: RTCDataChannel) -> None:
        if channel.label != RTT_CHANNEL:
            return

        @channel.on("message")
        def _pong(message: object) -> None:
            if isinstance(message, str) and message.startswith("pong "):
                with contextlib.suppress(ValueError):
                    seconds = time.monotonic() - float(message[5:])
                    self._rtt.add(seconds * 1000)
                    if self._jitter is not None:  # retransmissions are timed by it
                        self._jitter.observe_rtt(seconds)

        async def ping() -> None:
            while channel.readyState in ("connecting", "open"):
                if channel.readyState == "open":
                    channel.send(f"ping {time.monotonic():.6f}")
                await asyncio.sleep(PING_INTERVAL)

        if self._pinger is not None:
            self._pinger.cancel()
        self._pinger = asyncio.create_task(ping(), name="huddle-rtt-ping")

    async def _read(self, track: MediaStreamTrack) -> None:
        remote = self.remote
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                self._latency.frame_decoded(frame.pts)
                self._present(frame)
            else:
                remote._deliver_audio(frame)
                self.level = sound_level(frame)
                self._play_audio(frame)
            if self.state is not PlayerState.PLAYING:
                self._on_media()

    # ------------------------------------------------------------ lip sync

    def _audio_heard(self) -> tuple[float, int] | None:
        """(when, RTP timestamp) of the audio heard last: read by the speaker from this
        stream's jitter buffer, plus the speaker's output delay. None when it is not heard."""
        buffer = self._audio_buffer
        if (
            buffer is None
            or self.audio_muted
            or not self._mixer_input
            or self._mixer_input.source is not buffer
        ):
            return None
        point = buffer.play_point
        delay = self._link.speaker_delay()
        if point is None or delay is None:
            return None
        return point[0] + delay, point[1]

    def _present(self, frame: Any) -> None:
        """Hand a decoded picture to the sinks, now or when lip sync says."""
        rtp = seams.decoded_rtp_timestamp(self._video_receiver, frame.pts)
        now = time.monotonic()
        hold = self._sync.video_decoded(rtp, now, self._audio_heard())
        if self.audio_muted:
            hold = 0.0  # nobody hears the voice: do not hold the picture for it
        if self._audio_buffer is not None:
            extra = 0.0 if self.audio_muted else self._sync.audio_delay * 1000
            self._audio_buffer.extra_delay_ms = extra
        due = max(now + hold, self._last_due)
        if not self._held and due <= now:
            self._show(frame, rtp)
            return
        self._last_due = due
        self._held.append((due, frame, rtp))
        while len(self._held) > MAX_HELD:
            _due, oldest, oldest_rtp = self._held.popleft()
            self._show(oldest, oldest_rtp)
        if self._hold_timer is None:
            self._hold_timer = asyncio.get_running_loop().call_later(
                max(0.0, self._held[0][0] - now), self._release_held
            )

    def _release_held(self) -> None:
        self._hold_timer = None
        now = time.monotonic()
        while self._held and self._held[0][0] <= now + 0.001:
            _due, frame, rtp = self._held.popleft()
            self._show(frame, rtp)
        if self._held:
            self._hold_timer = asyncio.get_running_loop().call_later(
                self._held[0][0] - now, self._release_held
            )

    def _show(self, frame: Any, rtp: int | None) -> None:
        self._sync.video_presented(rtp, time.monotonic(), self._audio_heard())
        self.remote._deliver_video(frame)

    def _drop_held(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
        self._held.clear()
        self._last_due = 0.0

    @property
    def sync(self) -> SyncState:
        """Lip sync's last offset and the delays it applies."""
        state = self._sync.state(time.monotonic())
        return replace(state, offset_ms=None) if self.audio_muted else state

    def _on_media(self) -> None:
        if self.state is PlayerState.PLAYING or self.stopped:
            return
        self._failures = 0
        if self._offer_timer is not None:
            self._offer_timer.cancel()
            self._offer_timer = None
        self.set_state(PlayerState.PLAYING)

    def _play_audio(self, frame: Any) -> None:
        if self._mixer_input is None:
            self._mixer_input = self._link.audio_output()
            if self._mixer_input is None:
                self._mixer_input = False  # no speaker: do not ask again
        if self._mixer_input:
            self._mixer_input.muted = self.audio_muted
            if (
                self._audio_buffer is not None
                and self._mixer_input.source is not self._audio_buffer
            ):
                self._mixer_input.attach(self._audio_buffer)  # pulled by the speaker from now on
            if not self.audio_muted:
                self._mixer_input.write(frame)

    # ------------------------------------------------------------ ending

    async def on_session_closed(self, session_id: str, code: int) -> None:
        """The publisher ended this session. If the stream is still published (only the
        connection ended), play it again; if it is gone, ``on_stream_deleted`` follows."""
        await self.teardown(tell_service=False)
        if not self.stopped and self._link.stream_exists(self.stream_id):
            await self.retry(ErrorCode.from_wire(code))

    async def on_stream_deleted(self) -> None:
        """The stream left the room: NO_PLAY. Should it be published again, it plays again
        (unless ``stop_playing_stream`` was called, as the seed does on DELETE)."""
        await self.teardown(tell_service=False)
        if not self.stopped:
            self.set_state(PlayerState.NO_PLAY, ErrorCode.PUBLISHER_LEFT)

    async def teardown(self, *, tell_service: bool) -> None:
        """Close the peer connection (and the play session on the service)."""
        session_id, self.session_id = self.session_id, None
        if self._offer_timer is not None:
            self._offer_timer.cancel()
            self._offer_timer = None
        await self._close_pc()
        if tell_service and session_id is not None:
            with contextlib.suppress(HuddleError):
                await self._peer.request(lambda rid: m.StopPlay(id=rid, session_id=session_id))

    async def _close_pc(self) -> None:
        pc, self._pc = self._pc, None
        if self._audio_buffer is not None:
            self._audio_buffer.close()
        if self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None
        if pc is not None:
            await pc.close()
        readers = list(self._readers)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        self._drop_held()
        self._video_receiver = None

    async def stop(self) -> None:
        """Stop for good (``stop_playing_stream``). Safe to call twice."""
        self.stopped = True
        await self.teardown(tell_service=True)
        if self._mixer_input:
            self._mixer_input.close()
        self._mixer_input = None

    async def quality(self) -> StreamQuality:
        pc = self._pc
        # Counters start again with each peer connection (one interval then reads 0 kbps).
        received = {r.track.kind: seams.received_bytes(r) for r in pc.getReceivers()} if pc else {}
        report = (
            await pc.getStats() if pc is not None and pc.connectionState == "connected" else None
        )
        remote = self.remote
        quality = self._meter.player(
            report,
            frames=remote.video_frames,
            width=remote.width,
            height=remote.height,
            rtt_ms=self._rtt.rtt_ms,
            codec=self.codec,
            received=received,
        )
        return replace(quality, av_timestamp_diff_ms=self.sync.offset_ms)

    @property
    def codec(self) -> str:
        """The video codec the publisher offered first (the one it sends)."""
        pc = self._pc
        if pc is None or pc.remoteDescription is None:
            return ""
        sdp = pc.remoteDescription.sdp
        video = re.search(r"^m=video \d+ \S+ (\d+)", sdp, re.MULTILINE)
        if video is None:
            return ""
        name = re.search(rf"^a=rtpmap:{video.group(1)} ([^/]+)/", sdp, re.MULTILINE)
        return name.group(1).upper() if name else ""
