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
  packet completed. This seam reaches private attributes, so it checks they are there and
  says so if not.

* ``opus_options``: aiortc opens its Opus encoder with only ``application=voip``; the engine
  adds in-band FEC (with the loss rate it plans for) by its settings, and advertises
  ``useinbandfec=1`` in the Opus fmtp (process-wide: aiortc keeps one codec table).
* The audio receiver's jitter buffer is replaced the same way as the video one, with
  ``app/engine/_audio_jitter.py`` (the speaker pulls from it).

Written against aiortc 1.16.0 and aioice 0.13.0. On another version the seams still install
when the functions they wrap exist (a warning is logged); if one is missing, asking for it
raises a clear error rather than being silently ignored.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections.abc import Iterator
from typing import Any

import aioice.ice
import aiortc
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender

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
            await original_handle(self, packet, arrival_time_ms)
            take_ready = getattr(getattr(self, _JITTER_ATTRIBUTE, None), "take_ready", None)
            if take_ready is not None:
                _decode_now(self, take_ready())

        receiver_class._handle_rtp_packet = _handle_rtp_packet
        _installed.add("received_bytes")
        _installed.add("use_jitter_buffer")


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
    """Opus encoders created by tasks started within this block use in-band FEC (or not).

    (DTX is not offered: FFmpeg's libopus wrapper, which PyAV ships, has no option for it.)"""
    if fec:
        advertise_opus_fec()
    options = {"fec": "1" if fec else "0", "packet_loss": str(OPUS_PLANNED_LOSS if fec else 0)}
    return _setting(_opus_options, options, "opus_options")


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


def use_jitter_buffer(receiver: Any, buffer: Any) -> None:
    """Replace a video receiver's jitter buffer before any packet reaches it."""
    _require("use_jitter_buffer")
    current = getattr(receiver, _JITTER_ATTRIBUTE, None)
    if (
        current is None
        or not hasattr(current, "add")
        or not all(hasattr(receiver, name) for name in _DECODER_ATTRIBUTES)
    ):
        raise SeamUnavailable(
            f"this aiortc ({_versions()['aiortc']}) keeps no video jitter buffer where Huddle "
            "expects one; set EngineConfig(jitter_buffer='stock')"
        )
    setattr(receiver, _JITTER_ATTRIBUTE, buffer)


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


def received_bytes(receiver: Any) -> int:
    """RTP bytes (payload and header) a receiver has been handed so far."""
    return getattr(receiver, "_huddle_bytes", 0)
