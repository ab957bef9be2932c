"""One encode per published track, fanned out to every player (peer-to-peer).

aiortc's ``RTCRtpSender`` encodes whatever frames its track gives it, so a publisher with N
players used to run N encoders on the same picture. A sender also accepts already-encoded
``av.Packet`` s from its track and only packetizes them (``Encoder.pack``). A
:class:`SharedEncoder` reads the published track once (muting, frame-rate limit and scaling
applied by one ``PublishTrack``), encodes each frame once, and hands the packet to every
player's :class:`EncodedTrack`:

* a player joining starts at a keyframe: its track skips packets until one comes, and joining
  asks for one, so the newcomer gets a picture at once while the others carry on;
* a keyframe request (PLI/FIR) from any player makes the next frame a keyframe for all (the
  ``encoded_feedback`` seam hands the sender's RTCP to the track);
* the bitrate is the lowest of the players' estimates (REMB), never above the publish's cap:
  one encoding must be decodable by the slowest link;
* a player whose sender falls behind (a full queue) drops what is queued and waits for the
  next keyframe, which it asks for, instead of slowing everyone down.

The codec settings are aiortc 1.16's own (``aiortc/codecs/vpx.py``, ``h264.py``, ``opus.py``),
so what goes on the wire is what aiortc's per-sender encoders made (Opus with the engine's
in-band FEC options in both).
"""

from __future__ import annotations

import asyncio
import collections
import ctypes
import fractions
import logging
import multiprocessing
from collections.abc import Callable
from typing import Any

import av
from aiortc.codecs import h264 as aiortc_h264
from aiortc.codecs import vpx as aiortc_vpx
from aiortc.codecs.vpx import number_of_threads
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.media._track import VIDEO_TIME_BASE

from ._aiortc_seams import OPUS_PLANNED_LOSS, opus_encoder_options
from ._peer import Spawn

log = logging.getLogger("huddle.engine")

QUEUE_PACKETS = 60
"""Packets a player's sender may fall behind (2 s of video at 30 fps) before it is reset."""

KEYFRAME_SPACING = 0.25
"""Seconds between forced keyframes at least: requests from many players (or one lossy
player's repeated PLIs) coming closer together share one keyframe instead of a storm."""

OPUS_RATE = 48000
OPUS_SAMPLES = 960
OPUS_TIME_BASE = fractions.Fraction(1, OPUS_RATE)

_BITRATE_RANGE = {
    "VP8": (aiortc_vpx.MIN_BITRATE, aiortc_vpx.MAX_BITRATE),
    "H264": (aiortc_h264.MIN_BITRATE, aiortc_h264.MAX_BITRATE),
}


class _VideoCodec:
    """libvpx or libx264 with aiortc's settings; returns one packet per frame (or none)."""

    def __init__(self, codec: str) -> None:
        self.name = codec
        self._context: Any = None

    def encode(
        self, frame: av.VideoFrame, keyframe: bool, target: int
    ) -> tuple[bytes, bool] | None:
        """In a worker thread: the frame's encoded bytes and whether they are a keyframe."""
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        context = self._context
        if context is not None and (
            frame.width != context.width
            or frame.height != context.height
            # As aiortc: rebuild only when the bitrate moves by more than 10 %.
            or abs(target - context.bit_rate) / context.bit_rate > 0.1
        ):
            context = self._context = None
        if context is None:
            context = self._context = self._open(frame.width, frame.height, target)
        frame.pict_type = (
            av.video.frame.PictureType.I if keyframe else av.video.frame.PictureType.NONE
        )
        data = b""
        is_key = False
        for packet in context.encode(frame):
            data += bytes(packet)
            is_key = is_key or packet.is_keyframe
        return (data, is_key) if data else None

    def _open(self, width: int, height: int, target: int) -> Any:
        if self.name == "VP8":
            context = av.CodecContext.create("libvpx", "w")
            context.width, context.height = width, height
            context.bit_rate = target
            context.pix_fmt = "yuv420p"
            context.gop_size = 3000
            context.qmin = 2
            context.qmax = 56
            context.options = {
                "bufsize": str(target),
                "cpu-used": "-6",
                "deadline": "realtime",
                "lag-in-frames": "0",
                "minrate": str(target),
                "maxrate": str(target),
                "noise-sensitivity": "4",
                "overshoot-pct": "15",
                "partitions": "0",
                "static-thresh": "1",
                "undershoot-pct": "100",
            }
            context.thread_count = number_of_threads(width * height, multiprocessing.cpu_count())
            return context
        context = av.CodecContext.create("libx264", "w")
        context.width, context.height = width, height
        context.bit_rate = target
        context.pix_fmt = "yuv420p"
        context.framerate = fractions.Fraction(aiortc_h264.MAX_FRAME_RATE, 1)
        context.time_base = fractions.Fraction(1, aiortc_h264.MAX_FRAME_RATE)
        context.options = {"level": "31", "tune": "zerolatency"}
        context.profile = "Baseline"
        return context


OPUS_APPLICATION_VOIP = 2048
OPUS_SET_BITRATE = 4002
OPUS_SET_INBAND_FEC = 4012
OPUS_SET_PACKET_LOSS_PERC = 4014
OPUS_SET_DTX = 4016
OPUS_BITRATE = 96000
"""aiortc's (48 kHz stereo, VoIP)."""
LOSS_STEPS = (0, 1, 3, 5, 10, 15, 20, 30)
"""The planned loss moves between these (%): each change reconfigures the encoder."""
DTX_KEEP = 2
"""With DTX, packets this small are the encoder saying "silence": not sent (libopus sends a
real one every 400 ms to keep the far end's comfort noise going)."""


def planned_loss(percent: float) -> int:
    """The step of ``LOSS_STEPS`` at or below ``percent`` (0 below 1 %)."""
    return max(step for step in LOSS_STEPS if step <= max(0.0, percent))


class _OpusCodec:
    """Opus with aiortc's settings (48 kHz stereo, 20 ms frames, VoIP, 96 kbit/s), plus in-band
    FEC planned for the loss the players report, and DTX when asked for.

    It drives libopus directly (the copy PyAV ships, as the jitter buffer's decoder does):
    FFmpeg's wrapper takes its options only when the codec opens, so the planned loss could
    not follow the path, and it has no DTX. Without that library, FFmpeg's encoder with a
    fixed plan (``_aiortc_seams.opus_encoder_options``) and no DTX."""

    def __init__(self, fec: bool = True, dtx: bool = False) -> None:
        from ._audio_jitter import libopus

        self.fec, self.dtx = fec, dtx
        """``dtx`` may change mid-call (``Engine.enable_dtx``): the encoding thread applies it."""
        self.loss = OPUS_PLANNED_LOSS if fec else 0
        """The loss (%) the encoder plans for now."""
        self._applied_loss = -1
        self._applied_dtx = dtx
        self._resampler = av.AudioResampler(
            format="s16", layout="stereo", rate=OPUS_RATE, frame_size=OPUS_SAMPLES
        )
        self._first_pts: int | None = None
        self._out = ctypes.create_string_buffer(4000)
        self._lib = libopus()
        self._state = None
        if self._lib is not None:
            error = ctypes.c_int()
            state = self._lib.opus_encoder_create(
                OPUS_RATE, 2, OPUS_APPLICATION_VOIP, ctypes.byref(error)
            )
            if state and not error.value:
                self._state = state
                self._ctl(OPUS_SET_BITRATE, OPUS_BITRATE)
                self._ctl(OPUS_SET_INBAND_FEC, int(fec))
                self._ctl(OPUS_SET_DTX, int(dtx))
        if self._state is None:
            self._lib = None
            self._context: Any = av.CodecContext.create("libopus", "w")
            self._context.bit_rate = OPUS_BITRATE
            self._context.format = "s16"
            self._context.layout = "stereo"
            self._context.options = {"application": "voip", **opus_encoder_options(fec=fec)}
            self._context.sample_rate = OPUS_RATE
            self._context.time_base = OPUS_TIME_BASE

    def _ctl(self, request: int, value: int) -> None:
        self._lib.opus_encoder_ctl(
            ctypes.c_void_p(self._state), ctypes.c_int(request), ctypes.c_int32(value)
        )

    def encode(self, frame: av.AudioFrame) -> list[tuple[bytes, int]]:
        """Each Opus packet's bytes and its timestamp (48 kHz units from the first packet);
        with DTX, silence gives fewer packets (the timestamps say how much is skipped)."""
        if self._lib is None:
            return self._encode_ffmpeg(frame)
        if self.fec and self.loss != self._applied_loss:
            self._ctl(OPUS_SET_PACKET_LOSS_PERC, self.loss)
            self._applied_loss = self.loss
        dtx = self.dtx
        if dtx != self._applied_dtx:
            self._ctl(OPUS_SET_DTX, int(dtx))
            self._applied_dtx = dtx
        out: list[tuple[bytes, int]] = []
        for resampled in self._resampler.resample(frame):
            if self._first_pts is None:
                self._first_pts = resampled.pts
            pcm = resampled.to_ndarray()  # (1, samples * 2) interleaved s16
            size = self._lib.opus_encode(
                self._state, pcm.ctypes.data, resampled.samples, self._out, len(self._out)
            )
            if size < 0 or (dtx and size <= DTX_KEEP):
                continue  # a failed encode (the frame is lost) or DTX's silence
            out.append((self._out.raw[:size], resampled.pts - self._first_pts))
        return out

    def _encode_ffmpeg(self, frame: av.AudioFrame) -> list[tuple[bytes, int]]:
        out: list[tuple[bytes, int]] = []
        for resampled in self._resampler.resample(frame):
            for packet in self._context.encode(resampled):
                if self._first_pts is None:
                    self._first_pts = packet.pts
                out.append((bytes(packet), packet.pts - self._first_pts))
        return out

    def close(self) -> None:
        if self._lib is not None and self._state:
            self._lib.opus_encoder_destroy(self._state)
            self._state = None

    def __del__(self) -> None:
        self.close()


class EncodedTrack(MediaStreamTrack):
    """One player's view of a shared encoder: encoded packets for its sender to packetize.

    The ``encoded_feedback`` seam calls :meth:`keyframe_requested` and
    :meth:`bitrate_estimated` from the sender's RTCP.
    """

    huddle_encoded_feedback = True

    def __init__(self, encoder: SharedEncoder) -> None:
        super().__init__()
        self.kind = encoder.kind
        self._encoder = encoder
        self._packets: collections.deque[av.Packet] = collections.deque()
        self._ready = asyncio.Event()
        self._pulled = False
        self.waiting_for_keyframe = encoder.kind == "video"
        self.estimate: int | None = None
        self.loss: float | None = None
        """This player's loss (%), smoothed over its receiver reports; None before one."""

    async def recv(self) -> av.Packet:
        if not self._pulled:
            # The sender starts pulling once its connection is up: start it at a fresh
            # keyframe, not on what piled up while ICE and DTLS were connecting.
            self._pulled = True
            self._packets.clear()
            if self.kind == "video":
                self.waiting_for_keyframe = True
                self._encoder.request_keyframe()
        while not self._packets:
            if self.readyState != "live":
                raise MediaStreamError
            self._ready.clear()
            await self._ready.wait()
        return self._packets.popleft()

    def _put(self, packet: av.Packet, keyframe: bool) -> None:
        """Queue a packet (the same object for every player: senders only read it)."""
        if not self._pulled:
            return
        if self.waiting_for_keyframe:
            if not keyframe:
                return
            self.waiting_for_keyframe = False
        if len(self._packets) >= QUEUE_PACKETS:
            # The sender is stuck: what is queued would arrive late anyway. Start again from a
            # keyframe rather than hold up (or grow memory for) everyone else.
            log.warning("a player fell %d packets behind; resetting it", len(self._packets))
            self._packets.clear()
            if self.kind == "video":
                self.waiting_for_keyframe = True
                self._encoder.request_keyframe()
                return
        self._packets.append(packet)
        self._ready.set()

    def keyframe_requested(self) -> None:
        self._encoder.request_keyframe()

    def bitrate_estimated(self, bits_per_second: int) -> None:
        self.estimate = bits_per_second
        self._encoder.update_bitrate()

    def loss_reported(self, fraction: float) -> None:
        """A receiver report from this player: the share of packets lost since the last."""
        percent = 100 * fraction
        self.loss = percent if self.loss is None else self.loss + (percent - self.loss) * 0.3
        self._encoder.update_loss()

    def stop(self) -> None:
        if self.readyState == "live":
            super().stop()
            self._ready.set()
            self._encoder.unsubscribe(self)


class SharedEncoder:
    """Encodes one published track once for all its players (see the module docstring)."""

    def __init__(
        self,
        kind: str,
        codec: str,
        open_source: Callable[[], MediaStreamTrack | None],
        cap_bps: Callable[[], int],
        spawn: Spawn,
        opus_fec: bool = True,
        opus_dtx: bool = False,
    ) -> None:
        self.kind = kind
        self._opus_fec, self._opus_dtx = opus_fec, opus_dtx
        self._opus: _OpusCodec | None = None
        self.codec = codec
        self._open_source = open_source
        self._cap_bps = cap_bps
        self._spawn = spawn
        self._players: list[EncodedTrack] = []
        self._source: MediaStreamTrack | None = None
        self._task: asyncio.Task[Any] | None = None
        self._keyframe = False
        self._last_forced = -KEYFRAME_SPACING
        self._range = _BITRATE_RANGE.get(codec, (0, 0))
        self.target_bitrate = 0
        """Bits per second the video encoder aims at (0 for audio)."""
        self.frames_encoded = 0
        self.keyframes = 0

    def __repr__(self) -> str:
        return f"<SharedEncoder {self.kind} {self.codec} players={len(self._players)}>"

    def subscribe(self) -> EncodedTrack:
        """A track for one more player; it starts at a keyframe once its sender pulls."""
        track = EncodedTrack(self)
        self._players.append(track)
        self.update_bitrate()
        if self._task is None or self._task.done():
            self._source = self._open_source()
            if self._source is None:
                return track  # the stream lost this kind: the player gets nothing of it
            self._task = self._spawn(self._run(self._source), f"huddle-encode-{self.kind}")
        return track

    def unsubscribe(self, track: EncodedTrack) -> None:
        if track in self._players:
            self._players.remove(track)
        if not self._players:
            self._stop()
        else:
            self.update_bitrate()

    def _stop(self) -> None:
        task, self._task = self._task, None
        source, self._source = self._source, None
        if task is not None:
            task.cancel()
        if source is not None:
            source.stop()

    async def aclose(self) -> None:
        for track in list(self._players):
            track.stop()
        task = self._task
        self._stop()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    def request_keyframe(self) -> None:
        self._keyframe = True

    def update_loss(self) -> None:
        """One encoding for all: Opus plans for the worst loss a player reports."""
        losses = [t.loss for t in self._players if t.loss is not None]
        if self._opus is not None and losses:
            self._opus.loss = planned_loss(max(losses))

    def set_dtx(self, enable: bool) -> None:
        """Opus DTX on or off, for the encoder running now and any opened later."""
        self._opus_dtx = enable
        if self._opus is not None:
            self._opus.dtx = enable

    @property
    def planned_loss(self) -> int | None:
        """The loss (%) the Opus encoder plans its FEC for (None: not an audio encoder)."""
        return self._opus.loss if self._opus is not None else None

    def update_bitrate(self) -> None:
        """One encoding for all: the lowest estimate, within the publish's cap."""
        if self.kind != "video":
            return
        target = self._cap_bps()
        estimates = [t.estimate for t in self._players if t.estimate is not None]
        if estimates:
            target = min(target, *estimates)
        low, high = self._range
        old, self.target_bitrate = self.target_bitrate, max(low, min(target, high))
        if self.target_bitrate != old:
            log.debug("%r: bitrate %d -> %d", self, old, self.target_bitrate)

    async def _run(self, source: MediaStreamTrack) -> None:
        loop = asyncio.get_running_loop()
        # A codec per run: a cancelled run's last encode may still be finishing in its thread.
        video = _VideoCodec(self.codec) if self.kind == "video" else None
        opus = _OpusCodec(self._opus_fec, self._opus_dtx) if self.kind == "audio" else None
        if opus is not None:
            self._opus = opus
            self.update_loss()
        while True:
            try:
                frame = await source.recv()
            except MediaStreamError:
                return
            if not self._players:
                continue
            if video is not None:
                keyframe = self._keyframe and loop.time() - self._last_forced >= KEYFRAME_SPACING
                if keyframe:  # else the request waits for a later frame
                    self._keyframe, self._last_forced = False, loop.time()
                encoded = await loop.run_in_executor(
                    None, video.encode, frame, keyframe, self.target_bitrate
                )
                if encoded is None:
                    continue
                data, is_key = encoded
                self.frames_encoded += 1
                self.keyframes += is_key
                packet = _packet(data, round(frame.pts * frame.time_base / VIDEO_TIME_BASE))
                for track in list(self._players):
                    track._put(packet, is_key)
            else:
                assert opus is not None
                for data, pts in await loop.run_in_executor(None, opus.encode, frame):
                    self.frames_encoded += 1
                    packet = _packet(data, pts, OPUS_TIME_BASE)
                    for track in list(self._players):
                        track._put(packet, True)


def _packet(data: bytes, pts: int, time_base: fractions.Fraction = VIDEO_TIME_BASE) -> av.Packet:
    packet = av.Packet(data)
    packet.pts, packet.time_base = pts, time_base
    return packet
