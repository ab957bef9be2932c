"""The narrow places where Huddle changes aiortc/aioice behaviour, in one module.

Each seam replaces one module-level function of aiortc or aioice with a wrapper that defers to
the original unless a context variable set by the engine says otherwise, so two engines in one
process never see each other's settings, and code that is not Huddle's is unaffected.

* ``host_addresses``: aioice gathers host candidates on every address except 127.0.0.1. The
  engine can restrict (or extend) that list, e.g. to keep every packet on loopback in tests.
* ``bitrate_cap``: aiortc lets the receiver's estimate (REMB) set the encoder's bitrate
  anywhere in its codec's range; the engine can cap it per publish.
* ``received_bytes``: aiortc's receiver stats count packets but not bytes; a counter on the
  receiver's packet handler gives each stream's received bitrate.
* ``use_jitter_buffer``: aiortc's video jitter buffer holds each frame until the next one
  starts (one frame interval of latency); Huddle puts its own in each video receiver it
  creates (``app/engine/jitterbuffer.py``). The receiver takes one frame per packet from a
  jitter buffer, so the same packet-handler wrapper hands the decoder any further frames that
  packet completed, and sends the NACKs the buffer says are due: the buffer takes the
  retransmission requests over from aiortc's NACK generator, which asks once per gap. This
  seam reaches private attributes, so it checks they are there and says so if not.
* ``use_receiver_estimate``: aiortc's receiver estimates the bandwidth from packet arrival
  times (REMB) and tells the sender. Its arrival times are event-loop times, so on a busy
  machine they jitter by tens of milliseconds, the estimator reads that as congestion, and a
  browser publisher (whose send rate follows REMB, since aiortc answers without transport-wide
  congestion control) was held at 200-330 kbps on loopback (measured, see docs/web.md). For
  senders that run their own loss-based control (their offer has transport-cc feedback:
  browsers), Huddle puts a floor under the estimate while the receiver sees no real loss; loss
  above 5 % in a second lifts the floor for 10 s, and aiortc's own estimate rules again.
  aiortc senders, which follow REMB alone, keep aiortc's estimate.
* ``encoded_feedback``: a sender whose track gives already-encoded packets only packetizes
  them, so a keyframe request (PLI/FIR) and the receiver's bitrate estimate (REMB) would be
  lost on its own unused encoder. For tracks that ask (``huddle_encoded_feedback``), the
  sender's keyframe request and REMB handling also call the track's ``keyframe_requested()``
  and ``bitrate_estimated(bps)``, and each receiver report's loss for its stream calls
  ``loss_reported(fraction)``, so the shared encoder behind it hears every player.
* ``opus_options``: aiortc opens its Opus encoder with only ``application=voip``; the engine
  adds in-band FEC (with the loss rate it plans for) by its settings, and advertises
  ``useinbandfec=1`` in the Opus fmtp (process-wide: aiortc keeps one codec table). The
  shared encoder (``_encoder.SharedEncoder``, which does not go through aiortc's
  ``get_encoder``) opens its libopus with the same ``opus_encoder_options``.
* The audio receiver's jitter buffer is replaced the same way as the video one, with
  ``app/engine/_audio_jitter.py`` (the speaker pulls from it).
* ``sender_reports``: aiortc's receiver keeps only the NTP half of each RTCP sender report (for
  its receiver reports); lip sync needs the RTP timestamp beside it. A receiver given a watcher
  (``watch_sender_reports``) hands it every report's SSRC, NTP and RTP timestamps; and
  ``decoded_rtp_timestamp`` turns a decoded frame's ``pts`` (aiortc maps RTP timestamps to
  start at zero) back into the sender's RTP timestamp.

Written against aiortc 1.16.0 and aioice 0.13.0. On another version the seams still install
when the functions they wrap exist (a warning is logged); if one is missing, asking for it
raises a clear error rather than being silently ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import aioice.ice
import aioice.stun
import aiortc
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
from aiortc.rate import RemoteBitrateEstimator

log = logging.getLogger("huddle.engine")

WRITTEN_FOR = {"aiortc": "1.16.0", "aioice": "0.13.0"}

_host_addresses: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "huddle_host_addresses", default=None
)
_bitrate_cap: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "huddle_bitrate_cap", default=None
)
_opus_options: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "huddle_opus_options", default=None
)
_installed: set[str] = set()


class SeamUnavailable(RuntimeError):
    """The installed aiortc/aioice lacks a function Huddle needs to wrap."""


def _versions() -> dict[str, str]:
    return {"aiortc": aiortc.__version__, "aioice": getattr(aioice, "__version__", "?")}


def install() -> None:
    """Install every seam once (idempotent)."""
    if _installed:
        return
    if _versions() != WRITTEN_FOR:
        log.warning("aiortc seams were written for %s; found %s", WRITTEN_FOR, _versions())

    original_hosts = getattr(aioice.ice, "get_host_addresses", None)
    if callable(original_hosts):

        @functools.wraps(original_hosts)
        def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
            wanted = _host_addresses.get()
            if wanted is None:
                return original_hosts(use_ipv4, use_ipv6)
            return list(wanted)

        aioice.ice.get_host_addresses = get_host_addresses
        _installed.add("host_addresses")

    original_encoder = getattr(aiortc.rtcrtpsender, "get_encoder", None)
    if callable(original_encoder):

        @functools.wraps(original_encoder)
        def get_encoder(codec: Any) -> Any:
            encoder = original_encoder(codec)
            opus = _opus_options.get()
            if opus is not None and codec.mimeType.lower() == "audio/opus":
                context = getattr(encoder, "codec", None)
                if context is not None and not context.is_open:
                    context.options = {**context.options, **opus}
            cap = _bitrate_cap.get()
            if cap is None or not hasattr(type(encoder), "target_bitrate"):
                return encoder
            capped = _capped_class(type(encoder))()
            capped._huddle_cap = cap
            capped.target_bitrate = cap
            return capped

        aiortc.rtcrtpsender.get_encoder = get_encoder
        _installed.add("bitrate_cap")
        _installed.add("opus_options")

    receiver_class = aiortc.rtcrtpreceiver.RTCRtpReceiver
    original_handle = getattr(receiver_class, "_handle_rtp_packet", None)
    if callable(original_handle):

        @functools.wraps(original_handle)
        async def _handle_rtp_packet(self: Any, packet: Any, arrival_time_ms: int) -> None:
            self._huddle_bytes = getattr(self, "_huddle_bytes", 0) + len(packet.payload) + 12
            estimator = getattr(self, _ESTIMATOR_ATTRIBUTE, None)
            if isinstance(estimator, FlooredEstimator):
                estimator.note_packet(packet.ssrc, packet.sequence_number, arrival_time_ms)
            buffer = getattr(self, _JITTER_ATTRIBUTE, None)
            ssrc = getattr(buffer, "media_ssrc", None)
            if ssrc is not None:  # our buffer, past its first packet: is this one an RTX?
                buffer.retransmission = packet.ssrc != ssrc
            await original_handle(self, packet, arrival_time_ms)
            take_ready = getattr(buffer, "take_ready", None)
            if take_ready is not None:
                _decode_now(self, take_ready())
                _play_out(self, buffer)
                await _send_nacks(self, buffer)

        receiver_class._handle_rtp_packet = _handle_rtp_packet
        _installed.add("received_bytes")
        _installed.add("use_jitter_buffer")
        _installed.add("receiver_estimate")

    original_receiver_rtcp = getattr(receiver_class, "_handle_rtcp_packet", None)
    report_class = getattr(aiortc.rtp, "RtcpSrPacket", None)
    if callable(original_receiver_rtcp) and report_class is not None:

        @functools.wraps(original_receiver_rtcp)
        async def _receiver_rtcp(self: Any, packet: Any) -> None:
            await original_receiver_rtcp(self, packet)
            watcher = getattr(self, "_huddle_sender_reports", None)
            if watcher is not None and isinstance(packet, report_class):
                info = packet.sender_info
                watcher(packet.ssrc, info.ntp_timestamp, info.rtp_timestamp)

        receiver_class._handle_rtcp_packet = _receiver_rtcp
        _installed.add("sender_reports")

    sender_class = aiortc.rtcrtpsender.RTCRtpSender
    original_keyframe = getattr(sender_class, "_send_keyframe", None)
    original_rtcp = getattr(sender_class, "_handle_rtcp_packet", None)
    remb = getattr(aiortc.rtp, "unpack_remb_fci", None)
    if callable(original_keyframe) and callable(original_rtcp) and callable(remb):

        @functools.wraps(original_keyframe)
        def _send_keyframe(self: Any) -> None:
            original_keyframe(self)
            track = self.track
            if getattr(track, "huddle_encoded_feedback", False):
                track.keyframe_requested()

        @functools.wraps(original_rtcp)
        async def _handle_rtcp_packet(self: Any, packet: Any) -> None:
            await original_rtcp(self, packet)
            track = self.track
            if (
                getattr(track, "huddle_encoded_feedback", False)
                and isinstance(packet, aiortc.rtp.RtcpPsfbPacket)
                and packet.fmt == aiortc.rtp.RTCP_PSFB_APP
            ):
                try:
                    bitrate, ssrcs = remb(packet.fci)
                except ValueError:
                    return
                if self._ssrc in ssrcs:
                    track.bitrate_estimated(bitrate)
            elif getattr(track, "huddle_encoded_feedback", False) and isinstance(
                packet, aiortc.rtp.RtcpRrPacket | aiortc.rtp.RtcpSrPacket
            ):
                for report in packet.reports:
                    if report.ssrc == self._ssrc and hasattr(track, "loss_reported"):
                        track.loss_reported(report.fraction_lost / 256)

        sender_class._send_keyframe = _send_keyframe
        sender_class._handle_rtcp_packet = _handle_rtcp_packet
        _installed.add("encoded_feedback")


@functools.cache
def _capped_class(base: type) -> type:
    prop = base.target_bitrate

    def setter(self: Any, value: int) -> None:
        prop.fset(self, min(value, self._huddle_cap))

    return type(f"Capped{base.__name__}", (base,), {"target_bitrate": prop.setter(setter)})


def _require(seam: str) -> None:
    install()
    if seam not in _installed:
        raise SeamUnavailable(
            f"this aiortc/aioice ({_versions()}) lacks what Huddle's {seam} setting wraps"
        )


@contextlib.contextmanager
def _setting(var: contextvars.ContextVar[Any], value: Any, seam: str) -> Iterator[None]:
    if value is None:
        yield
        return
    _require(seam)
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def host_addresses(addresses: list[str] | None) -> contextlib.AbstractContextManager[None]:
    """Within this block (and tasks started in it), gather host candidates on these only."""
    return _setting(_host_addresses, addresses, "host_addresses")


def bitrate_cap(bits_per_second: int | None) -> contextlib.AbstractContextManager[None]:
    """Encoders created by tasks started within this block cap their bitrate."""
    return _setting(_bitrate_cap, bits_per_second, "bitrate_cap")


OPUS_PLANNED_LOSS = 10
"""The loss rate (%) the Opus encoder is told to plan for when FEC is on: libopus adds FEC
only when this is above zero, and spends more of the bitrate on it the higher it is."""


def opus_options(*, fec: bool) -> contextlib.AbstractContextManager[None]:
    """aiortc's own Opus encoders (one per sender, when the shared encoder is off) created by
    tasks started within this block use in-band FEC (or not), planned for a fixed loss: FFmpeg's
    libopus wrapper takes options only when it opens, and has no DTX. The shared encoder
    (``_encoder._OpusCodec``) drives libopus itself: the plan follows the players' reports."""
    return _setting(_opus_options, opus_encoder_options(fec=fec), "opus_options")


def opus_encoder_options(*, fec: bool) -> dict[str, str]:
    """The libopus options (FFmpeg's names) for in-band FEC on or off; with it on, our
    offers and answers also advertise ``useinbandfec=1``."""
    if fec:
        advertise_opus_fec()
    return {"fec": "1" if fec else "0", "packet_loss": str(OPUS_PLANNED_LOSS if fec else 0)}


def advertise_opus_fec() -> None:
    """Put ``useinbandfec=1`` in the Opus fmtp of every offer and answer from now on (the
    receiver's way of asking for FEC, RFC 7587). aiortc has one codec table per process."""
    import aiortc.codecs

    for codec in aiortc.codecs.CODECS["audio"]:
        if codec.mimeType.lower() == "audio/opus":
            codec.parameters["useinbandfec"] = 1


_JITTER_ATTRIBUTE = "_RTCRtpReceiver__jitter_buffer"
_DECODER_ATTRIBUTES = (
    "_RTCRtpReceiver__codecs",
    "_RTCRtpReceiver__decoder_queue",
    "_RTCRtpReceiver__decoder_thread",
    "_RTCRtpReceiver__timestamp_mapper",
)


_NACK_ATTRIBUTE = "_RTCRtpReceiver__nack_generator"


class _NoNacks:
    """Stands in for aiortc's NACK generator in a receiver whose jitter buffer asks for
    retransmissions itself (aiortc's sends one NACK per gap, with no retry)."""

    missing: frozenset[int] = frozenset()

    def add(self, packet: Any) -> bool:
        return False


def use_jitter_buffer(receiver: Any, buffer: Any) -> None:
    """Replace a receiver's jitter buffer (video: ``jitterbuffer.FrameJitterBuffer``, audio:
    ``_audio_jitter.AudioJitterBuffer``) before any packet reaches it. A buffer with
    ``nacks_due()`` also takes over the NACKs: the packet handler sends what it says is due."""
    _require("use_jitter_buffer")
    current = getattr(receiver, _JITTER_ATTRIBUTE, None)
    if (
        current is None
        or not hasattr(current, "add")
        or not all(hasattr(receiver, name) for name in _DECODER_ATTRIBUTES)
    ):
        raise SeamUnavailable(
            f"this aiortc ({_versions()['aiortc']}) keeps no jitter buffer where Huddle "
            "expects one; set EngineConfig(jitter_buffer='stock', audio_jitter_buffer='stock')"
        )
    setattr(receiver, _JITTER_ATTRIBUTE, buffer)
    if hasattr(buffer, "nacks_due"):
        if getattr(receiver, _NACK_ATTRIBUTE, None) is None or not hasattr(
            receiver, "_send_rtcp_nack"
        ):
            raise SeamUnavailable(
                f"this aiortc ({_versions()['aiortc']}) sends NACKs where Huddle does not "
                "expect; set EngineConfig(jitter_buffer='stock')"
            )
        setattr(receiver, _NACK_ATTRIBUTE, _NoNacks())


NACK_COPIES = 2
"""Each NACK goes out twice, back to back, and aiortc's sender retransmits each copy: a round
then fails only if both NACKs or both retransmissions are lost (2 % at 10 % random loss each
way, against 19 % for one), at the cost of a second retransmission of packets already lost."""


async def _send_nacks(receiver: Any, buffer: Any) -> None:
    """Send the NACKs due now, and keep a timer for the next ones: packets arrive in bursts,
    a frame at a time, and a retry should not wait for the next frame."""
    nacks_due = getattr(buffer, "nacks_due", None)
    if nacks_due is None or buffer.media_ssrc is None:
        return
    lost = nacks_due()
    for _ in range(NACK_COPIES if lost else 0):
        await receiver._send_rtcp_nack(buffer.media_ssrc, lost)
    timer = getattr(receiver, "_huddle_nack_timer", None)
    if timer is not None:
        timer.cancel()
    wait = buffer.next_nack_in()
    if wait is None or receiver._RTCRtpReceiver__decoder_thread is None:
        receiver._huddle_nack_timer = None
        return

    def due() -> None:
        receiver._huddle_nack_timer = None
        receiver._huddle_nack_task = asyncio.ensure_future(_send_nacks(receiver, buffer))

    receiver._huddle_nack_timer = asyncio.get_running_loop().call_later(wait, due)


def _decode_now(receiver: Any, frames: Iterator[tuple[Any, int]]) -> None:
    """Queue frames for the receiver's decoder as its packet handler does with the one frame
    it takes from the jitter buffer."""
    if receiver._RTCRtpReceiver__decoder_thread is None:
        return
    codecs = receiver._RTCRtpReceiver__codecs
    for frame, payload_type in frames:
        codec = codecs.get(payload_type)
        if codec is not None:
            frame.timestamp = receiver._RTCRtpReceiver__timestamp_mapper.map(frame.timestamp)
            receiver._RTCRtpReceiver__decoder_queue.put((codec, frame))


def encoded_feedback_available() -> bool:
    """Whether senders hand PLI/FIR and REMB to tracks of already-encoded packets."""
    install()
    return "encoded_feedback" in _installed


def _play_out(receiver: Any, buffer: Any) -> None:
    """Hand the decoder the frames the buffer held for pacing whose time has come, and keep a
    timer for the next one."""
    due_frames = getattr(buffer, "due_frames", None)
    if due_frames is None:
        return
    _decode_now(receiver, iter(due_frames()))
    timer = getattr(receiver, "_huddle_playout_timer", None)
    if timer is not None:
        timer.cancel()
    wait = buffer.next_due_in()
    if wait is None or receiver._RTCRtpReceiver__decoder_thread is None:
        receiver._huddle_playout_timer = None
        return
    receiver._huddle_playout_timer = asyncio.get_running_loop().call_later(
        wait, _play_out, receiver, buffer
    )


def watch_sender_reports(receiver: Any, watcher: Any) -> bool:
    """Call ``watcher(ssrc, ntp, rtp)`` with every RTCP sender report this receiver gets (the
    64-bit NTP timestamp and the RTP timestamp it maps to), on the event loop. False when this
    aiortc has nothing to wrap: the stream then plays without lip sync (offset unknown)."""
    install()
    if "sender_reports" not in _installed:
        return False
    receiver._huddle_sender_reports = watcher
    return True


_MAPPER_ATTRIBUTE = "_RTCRtpReceiver__timestamp_mapper"


def decoded_rtp_timestamp(receiver: Any, pts: int | None) -> int | None:
    """The sender's RTP timestamp of a frame this receiver decoded, from its ``pts`` (aiortc's
    ``TimestampMapper`` subtracts the first frame's timestamp); None if unknown."""
    origin = getattr(getattr(receiver, _MAPPER_ATTRIBUTE, None), "_origin", None)
    if pts is None or not isinstance(origin, int):
        return None
    return (pts + origin) & 0xFFFFFFFF


def received_bytes(receiver: Any) -> int:
    """RTP bytes (payload and header) a receiver has been handed so far."""
    return getattr(receiver, "_huddle_bytes", 0)


async def ice_round_trip(receiver: Any, timeout: float = 1.0) -> float | None:
    """Milliseconds for one STUN binding request on a receiver's selected ICE pair (a consent
    check, RFC 7675, as aioice sends every 5 s), or None when there is no pair yet or no
    answer. A player whose other end does not echo data-channel pings (an SFU) measures its
    round-trip time this way; any ICE agent answers."""
    try:
        connection = receiver.transport.transport._connection
        pair = connection._nominated.get(1)
        password = connection.remote_password
    except AttributeError:
        return None
    if pair is None or not password:
        return None
    request = connection.build_request(pair, nominate=False)
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            await pair.protocol.request(
                request, pair.remote_addr, integrity_key=password.encode(), retransmissions=0
            )
    except (TimeoutError, aioice.stun.TransactionError, ConnectionError, OSError):
        return None
    return (time.monotonic() - started) * 1000


ESTIMATE_FLOOR = 1_500_000
"""Bits per second the receiver's estimate does not fall below while nothing is lost: what
Huddle's own publishers use for 1280x720 (their encoder is capped per size anyway)."""
LOSS_LIFTS_FLOOR = 0.05
FLOOR_LIFTED_MS = 10_000
_ESTIMATOR_ATTRIBUTE = "_RTCRtpReceiver__remote_bitrate_estimator"
_estimate_floor: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "huddle_estimate_floor", default=ESTIMATE_FLOOR
)


class _LossWindow:
    """Loss of one SSRC over one-second windows, by unwrapped sequence number."""

    def __init__(self) -> None:
        self.start: int | None = None
        self.first = self.highest = self.received = self.cycles = 0
        self.last: int | None = None

    def add(self, sequence_number: int, now_ms: int) -> float | None:
        """Count a packet; returns the loss of a window that just ended."""
        if self.last is not None and sequence_number < self.last - 0x8000:
            self.cycles += 1
        elif self.last is not None and sequence_number > self.last + 0x8000:
            return None  # a late packet from before a wrap
        self.last = sequence_number
        unwrapped = (self.cycles << 16) | sequence_number
        if self.start is None:
            self.start, self.first, self.highest = now_ms, unwrapped, unwrapped
        self.received += 1
        self.highest = max(self.highest, unwrapped)
        if now_ms - self.start < 1000:
            return None
        expected = self.highest - self.first + 1
        loss = max(0.0, 1 - self.received / expected) if expected > 0 else None
        self.start, self.first, self.received = now_ms, self.highest + 1, 0
        return loss


class FlooredEstimator(RemoteBitrateEstimator):
    """aiortc's REMB estimator with a floor while the receiver loses nothing.

    The estimate it sends is ``max(aiortc's estimate, floor)``; it sends one at least every
    500 ms so a browser sender, which trusts REMB in its first two seconds, starts at the floor
    instead of climbing from 300 kbps. Packet loss over 5 % in a one-second window lifts the
    floor for 10 s: then only aiortc's delay-based estimate (and the sender's own loss-based
    control) decide.
    """

    def __init__(self, floor: int) -> None:
        super().__init__()
        self.floor = floor
        self._lifted_until = -1
        self._last_sent: int | None = None
        self._windows: dict[int, _LossWindow] = {}

    def note_packet(self, ssrc: int, sequence_number: int, now_ms: int) -> None:
        """Count a packet toward its stream's loss (retransmissions have their own SSRC)."""
        window = self._windows.get(ssrc)
        if window is None:
            window = self._windows[ssrc] = _LossWindow()
        loss = window.add(sequence_number, now_ms)
        if loss is not None and loss > LOSS_LIFTS_FLOOR:
            log.info("receiver saw %.0f %% loss; estimate floor lifted", 100 * loss)
            self._lifted_until = now_ms + FLOOR_LIFTED_MS

    def floor_at(self, now_ms: int) -> int:
        """The floor in force: 0 while lifted by loss."""
        return self.floor if now_ms >= self._lifted_until else 0

    def add(
        self, arrival_time_ms: int, abs_send_time: int, payload_size: int, ssrc: int
    ) -> tuple[int, list[int]] | None:
        result = super().add(
            arrival_time_ms=arrival_time_ms,
            abs_send_time=abs_send_time,
            payload_size=payload_size,
            ssrc=ssrc,
        )
        floor = self.floor_at(arrival_time_ms)
        if result is None:
            if not floor or (
                self._last_sent is not None and arrival_time_ms - self._last_sent < 500
            ):
                return None
            estimate = (
                self.rate_control.current_bitrate
                if self.rate_control.current_bitrate_initialized
                else 0
            )
            result = (estimate, list(self.ssrcs))
        self._last_sent = arrival_time_ms
        return max(result[0], floor), result[1]


_TRANSPORT_CC = re.compile(r"^a=rtcp-fb:\S+ transport-cc", re.MULTILINE)


def sender_runs_congestion_control(remote_sdp: str) -> bool:
    """Does the sender of this offer run its own congestion control? Stacks that offer
    transport-wide congestion control feedback (browsers, libwebrtc) also back off on loss;
    aiortc offers no such thing and follows REMB alone."""
    return bool(_TRANSPORT_CC.search(remote_sdp))


def use_receiver_estimate(receiver: Any, remote_sdp: str) -> None:
    """Give a video receiver Huddle's floored estimate, before any packet reaches it, when the
    sender (per its offer) has loss-based control of its own; aiortc senders keep aiortc's
    delay-based estimate. A no-op inside ``stock_receiver_estimate()``."""
    floor = _estimate_floor.get()
    if floor is None or not sender_runs_congestion_control(remote_sdp):
        return
    _require("receiver_estimate")
    if not isinstance(getattr(receiver, _ESTIMATOR_ATTRIBUTE, None), RemoteBitrateEstimator):
        raise SeamUnavailable(
            f"this aiortc ({_versions()['aiortc']}) keeps no bandwidth estimator where Huddle "
            "expects one"
        )
    setattr(receiver, _ESTIMATOR_ATTRIBUTE, FlooredEstimator(floor))


@contextlib.contextmanager
def stock_receiver_estimate() -> Iterator[None]:
    """Within this block, receivers keep aiortc's own estimate (for comparisons)."""
    token = _estimate_floor.set(None)
    try:
        yield
    finally:
        _estimate_floor.reset(token)
