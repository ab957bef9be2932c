"""The receive side of a voice: an adaptive jitter buffer that the speaker pulls from.

aiortc's audio jitter buffer holds a fixed four packets (80 ms) and, after one loss, fills to
its capacity and never shrinks. This one works like WebRTC's NetEq, in miniature:

* Packets are kept by (unwrapped) RTP timestamp, and decoded only when the speaker asks
  for audio (``read``, on the speaker's thread), so the buffer's level is measured where it
  matters, at the playout clock.
* The target level comes from measured arrival jitter: each packet's transit time against
  the fastest packet of the two seconds before it (its relative delay, as NetEq measures
  it), the 95th percentile of that over the last six seconds, plus a small margin; delay
  peaks that recur (more than a few in those six seconds) raise it to their median height.
  Lost packets do not arrive, so loss never raises the target; late packets do.
* Above the target (after a burst, a jitter spike that is over, the sender's clock running
  fast) it accelerates: one pitch period (or 10 ms of silence) is cut out with a crossfade.
  Below it (the sender's clock running slow) it stretches by a pitch period. No whole frames
  are dropped and no backlog builds up.
* A missing packet is concealed by Opus itself: in-band FEC from the next packet when it is
  there, else Opus packet-loss concealment. An empty buffer (a late packet) is concealed
  without moving on, so the late packet still plays when it comes; the acceleration takes
  the inserted time out again.
* A timestamp gap longer than its sequence-number gap accounts for is DTX (the sender's
  silence, sent as one comfort-noise packet every 400 ms), not loss: the time already
  played out while waiting was the silence, so playout jumps to the packet after the gap,
  as NetEq does. Without this, every DTX pause came back as concealed "loss" and the voice
  after it played late.

Decoding uses the libopus that PyAV ships (through ctypes), for PLC and FEC, which FFmpeg's
decoder does not expose. Without it, PyAV decodes and gaps become a faded repeat.

The buffer also hands every packet on to aiortc's own decoder at once (``add`` returns it),
so the remote stream's audio sinks and level meter see the audio without waiting.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import functools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("huddle.engine")

RATE = 48_000
PACKET = 960
"""Samples in an Opus packet as WebRTC sends it (20 ms)."""
MARGIN = RATE * 5 // 1000
"""Kept above the measured jitter so a usual arrival never meets an empty buffer."""
HYSTERESIS = RATE * 10 // 1000
"""Accelerate only when the level has stayed this far above the target."""
WINDOW_PACKETS = 300
"""Relative delays of the last 6 s of packets make the target."""
PEAKS = 3
"""This many delay peaks (stalls) in the window, and the target covers them."""
REFERENCE_PACKETS = 100
"""A packet's relative delay is against the fastest of the 2 s of packets before it."""
LEVEL_WINDOW = 25
"""The level's minimum is taken over this many speaker reads (about 250 ms)."""
CATCH_UP = RATE * 40 // 1000
"""Further than this above the target, it cuts at every read instead of every 250 ms."""
FAST_FORWARD = RATE * 200 // 1000
"""Further than this above the target, whole packets are dropped to get back to it."""
MAX_TARGET = RATE * 300 // 1000
RESET_GAP = RATE * 2
"""A timestamp jump beyond this (the sender restarted) starts the buffer again."""
MAX_PACKETS = 150


@functools.cache
def libopus() -> Any:
    """The libopus PyAV ships (or the system's), with the decoder and encoder calls typed;
    None if absent. (The shared encoder, ``_encoder._OpusCodec``, uses it too.)"""
    candidates: list[str] = []
    try:
        import av

        libs = Path(av.__file__).resolve().parent.parent / "av.libs"
        candidates += [str(p) for p in sorted(libs.glob("libopus*.so*"))]
    except ImportError:  # pragma: no cover - PyAV is a dependency
        pass
    system = ctypes.util.find_library("opus")
    if system:
        candidates.append(system)
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.c_void_p]
        lib.opus_decode.restype = ctypes.c_int
        lib.opus_decode.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int32,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        lib.opus_encoder_create.restype = ctypes.c_void_p
        lib.opus_encoder_create.argtypes = [
            ctypes.c_int32,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_void_p,
        ]
        lib.opus_encode.restype = ctypes.c_int32
        lib.opus_encode.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_int32,
        ]
        lib.opus_encoder_ctl.restype = ctypes.c_int  # variadic: (state, request, int value)
        lib.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
        return lib
    log.warning("libopus not found: lost audio packets become a faded repeat")
    return None


class OpusDecoder:
    """Mono 48 kHz Opus decoding with packet-loss concealment and in-band FEC."""

    def __init__(self) -> None:
        self._lib = libopus()
        self._pcm = np.zeros(5760, np.int16)
        self._last = np.zeros(PACKET, np.int16)
        self._fade = 1.0
        if self._lib is not None:
            error = ctypes.c_int()
            self._state = self._lib.opus_decoder_create(RATE, 1, ctypes.byref(error))
            if not self._state or error.value:
                self._lib, self._state = None, None
        if self._lib is None:
            import av

            self._codec = av.CodecContext.create("libopus", "r")
            self._codec.sample_rate = RATE
            self._codec.layout = "mono"
            self._codec.format = "s16"

    @property
    def has_plc(self) -> bool:
        return self._lib is not None

    def _call(self, data: bytes | None, samples: int, fec: bool) -> np.ndarray:
        length = len(data) if data else 0
        count = self._lib.opus_decode(
            self._state, data, length, self._pcm.ctypes.data, samples, int(fec)
        )
        if count < 0:
            return np.zeros(samples if data is None or fec else PACKET, np.int16)
        return self._pcm[:count].copy()

    def decode(self, payload: bytes) -> np.ndarray:
        if self._lib is not None:
            out = self._call(payload, 5760, False)
        else:
            import av

            frames = self._codec.decode(av.Packet(payload))
            parts = [f.to_ndarray().reshape(-1) for f in frames]
            out = np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)
        if len(out):
            self._last, self._fade = out, 1.0
        return out

    def conceal(self, samples: int, following: bytes | None = None) -> np.ndarray:
        """Audio for ``samples`` that never arrived: FEC from ``following`` (the next packet)
        when given, else PLC."""
        if self._lib is not None:
            return self._call(following, samples, following is not None)
        self._fade *= 0.5
        return (np.resize(self._last, samples) * self._fade).astype(np.int16)

    def close(self) -> None:
        if self._lib is not None and self._state:
            self._lib.opus_decoder_destroy(self._state)
            self._state = None


def _unwrap(value: int, reference: int | None, bits: int = 32) -> int:
    if reference is None:
        return value
    half, full = 1 << (bits - 1), 1 << bits
    delta = (value - reference) % full
    return reference + (delta - full if delta >= half else delta)


class _Frame:
    """What aiortc's decoder expects from a jitter buffer (``aiortc.jitterbuffer.JitterFrame``)."""

    __slots__ = ("data", "timestamp")

    def __init__(self, data: bytes, timestamp: int) -> None:
        self.data = data
        self.timestamp = timestamp


class AudioJitterBuffer:
    """Adaptive playout of one received Opus stream. ``add`` on the event loop (aiortc's
    packet handler), ``read`` on the speaker's thread."""

    capacity = 16  # aiortc reads it

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._decoder: OpusDecoder | None = None
        self._packets: dict[int, tuple[bytes, int]] = {}
        """Unwrapped RTP timestamp -> (payload, sequence number)."""
        self._last_seq: int | None = None
        """Sequence number of the last packet decoded (to tell DTX from loss)."""
        self._waited = (0, 0)
        """(underruns, samples concealed) since the last packet decoded, counted in the
        statistics once the next packet says what they were: DTX's silence, or waiting for
        a late or lost packet."""
        self._pcm = np.zeros(0, np.int16)
        self._next: int | None = None
        """Unwrapped RTP timestamp of the next packet to decode."""
        self._newest: int | None = None
        self._last_raw: int | None = None
        self._transit: collections.deque[float] = collections.deque(maxlen=REFERENCE_PACKETS)
        self._delays: collections.deque[float] = collections.deque(maxlen=WINDOW_PACKETS)
        self._target = MARGIN
        self._silent_reads = 0
        self._slack: collections.deque[int] = collections.deque(maxlen=LEVEL_WINDOW)
        self._playing = False
        self._extra = 0
        """Samples kept on top of the target for lip sync (``extra_delay_ms``)."""
        self.play_point: tuple[float, int] | None = None
        """(clock time, RTP timestamp) of the last audio handed to the speaker: its first
        sample's timestamp, when it was read. Lip sync adds the speaker's output delay."""
        self.stats = {
            "packets": 0,
            "late": 0,
            "concealed_ms": 0.0,
            "fec": 0,
            "accelerated_ms": 0.0,
            "stretched_ms": 0.0,
            "underruns": 0,
            "dtx_ms": 0.0,
        }

    # ------------------------------------------------------------ the network side

    def add(self, packet: Any) -> tuple[bool, _Frame | None]:
        """Keep a packet; hand it on at once for aiortc's decoder (the level meter)."""
        payload = bytes(packet.payload)
        now = self._clock()
        with self._lock:
            ts = _unwrap(packet.timestamp, self._last_raw)
            if self._newest is not None and abs(ts - self._newest) > RESET_GAP:
                self._reset()
                ts = packet.timestamp
            self._last_raw = ts
            self.stats["packets"] += 1
            if self._next is not None and ts < self._next:
                self.stats["late"] += 1  # already concealed: too late to play
            elif len(self._packets) < MAX_PACKETS:
                self._packets[ts] = (payload, packet.sequence_number)
            if self._newest is None or ts > self._newest:
                self._newest = ts
            transit = now * RATE - ts
            self._transit.append(transit)
            self._delays.append(transit - min(self._transit))
            self._update_target()
        return False, _Frame(payload, packet.timestamp)

    def _reset(self) -> None:
        self._packets.clear()
        self._pcm = np.zeros(0, np.int16)
        self._next = self._newest = self._last_raw = self._last_seq = None
        self._waited = (0, 0)
        self._transit.clear()
        self._delays.clear()
        self._slack.clear()
        self._playing = False

    def _update_target(self) -> None:
        if len(self._delays) < 5:
            return
        delays = np.fromiter(self._delays, np.float64)
        jitter = float(np.percentile(delays, 95))
        # Delay peaks that keep coming (a sender or loop that stalls every few seconds) are
        # too rare for the quantile but cost a gap each: ride them out, as NetEq's peak
        # detector does.
        high = delays > max(2 * jitter, jitter + HYSTERESIS)
        if high.any():
            # One stall delays a run of packets: each run is one peak, as high as its highest.
            starts = np.flatnonzero(high & ~np.concatenate([[False], high[:-1]]))
            if len(starts) >= PEAKS:
                heights = np.maximum.reduceat(np.where(high, delays, 0.0), starts)
                jitter = max(jitter, float(np.median(heights)))
        self._target = int(min(MAX_TARGET, jitter + MARGIN))

    @property
    def target_ms(self) -> float:
        """The least the buffer keeps ahead of the speaker, from measured jitter (ms)."""
        return self._target * 1000 / RATE

    @property
    def extra_delay_ms(self) -> float:
        """Audio kept on top of the jitter target, so the voice waits for a slower picture
        (lip sync, ``_lipsync.LipSync``); the steering reaches it by stretching."""
        return self._extra * 1000 / RATE

    @extra_delay_ms.setter
    def extra_delay_ms(self, value: float) -> None:
        self._extra = max(0, int(value * RATE / 1000))

    @property
    def level_ms(self) -> float:
        """Audio buffered now: decoded and not played, plus packets not yet decoded (ms)."""
        with self._lock:
            return self._level() * 1000 / RATE

    def _level(self) -> int:
        if self._next is None or self._newest is None:
            return len(self._pcm)
        return len(self._pcm) + max(0, self._newest + PACKET - self._next)

    # ------------------------------------------------------------ the speaker side

    def read(self, count: int) -> np.ndarray | None:
        """The next ``count`` samples (mono int16), or None before playout starts."""
        with self._lock:
            if self._decoder is None:
                self._decoder = OpusDecoder()
            if not self._playing:
                if self._newest is None or not self._packets:
                    return None
                if self._next is None:
                    self._next = min(self._packets)
                # Start (or restart after a pause) with the target level, not a backlog.
                if self._level() < self._target + self._extra + count:
                    return None
                while self._level() > self._target + self._extra + count + PACKET and self._packets:
                    self._packets.pop(self._next, None)
                    self._next += PACKET
                self._playing = True
            while len(self._pcm) < count + PACKET:
                if not self._decode_next(count):
                    break
            self._slack.append(len(self._pcm) + self._pending() - count)
            self._adjust()
            if len(self._pcm) < count:
                # Nothing more has arrived: conceal, and keep waiting for the late packet.
                missing = count - len(self._pcm)
                missing = -(-missing // 120) * 120  # Opus decodes in 2.5 ms steps
                self._pcm = np.concatenate([self._pcm, self._decoder.conceal(missing)])
                self._waited = (self._waited[0] + 1, self._waited[1] + missing)
                if self._pending() == 0 and not self._packets:
                    self._silent_reads += 1
                    if self._silent_reads > 50:  # half a second of nothing: the sender paused
                        self._playing = False
                        self._silent_reads = 0
                        self._count_wait()
            else:
                self._silent_reads = 0
            head = self._next - len(self._pcm)
            out, self._pcm = self._pcm[:count], self._pcm[count:]
            self.play_point = (self._clock(), head & 0xFFFFFFFF)
            return out

    def _pending(self) -> int:
        if self._next is None or self._newest is None:
            return 0
        return max(0, self._newest + PACKET - self._next)

    def _decode_next(self, count: int) -> bool:
        """Decode (or conceal) the next packet into the PCM queue; False if nothing is due."""
        assert self._decoder is not None and self._next is not None
        later: list[int] = []
        if self._next not in self._packets:  # (the packets after it: only when it is missing)
            later = [ts for ts in self._packets if ts > self._next]
            lost = self._lost_in_dtx_gap(min(later)) if later else None
            if lost is not None:
                self._dtx_resumes(min(later), count, lost)
        entry = self._packets.pop(self._next, None)
        if entry is not None:
            payload, self._last_seq = entry
            self._count_wait()  # the packet waited for came late
            pcm = self._decoder.decode(payload)
            self._next += max(len(pcm), PACKET) if len(pcm) else PACKET
        else:
            if not later:
                return False
            # A gap with later audio behind it: the packet is lost. Conceal it now only if
            # the speaker needs it; a reordered packet may still come.
            if len(self._pcm) >= count:
                return False
            following = self._packets.get(self._next + PACKET, (None, 0))[0]
            self._count_wait()
            pcm = self._decoder.conceal(PACKET, following)
            self.stats["fec" if following is not None else "concealed_ms"] += (
                1 if following is not None else PACKET * 1000 / RATE
            )
            self._next += PACKET
        self._pcm = np.concatenate([self._pcm, pcm])
        return True

    def _lost_in_dtx_gap(self, ts: int) -> int | None:
        """If the timestamp gap before the packet at ``ts`` is longer than the packets its
        sequence numbers say are missing, the sender was in DTX: how many packets were lost
        besides (None: no DTX, a plain gap of lost packets)."""
        if self._last_seq is None:
            return None
        missing = ((self._packets[ts][1] - self._last_seq) & 0xFFFF) - 1
        if not 0 <= missing <= 20:  # (more, and the numbers are not to be trusted)
            return None
        return missing if ts - self._next > missing * PACKET else None

    def _dtx_resumes(self, ts: int, count: int, lost: int) -> None:
        """The sender sent nothing from ``_next`` to ``ts`` but ``lost`` packets (DTX): the
        time spent waiting was that silence, so playout goes on from ``ts`` and the waiting
        counts as comfort noise, not as loss. The comfort noise played while waiting stood in
        for the lost packets too (the first words after a pause, most likely): conceal them
        again, and the voice would come that much later. Like a start, it goes on with the
        target level in hand: a little more comfort noise first, so the voice does not
        underrun and come back late."""
        self.stats["dtx_ms"] += (ts - self._next - lost * PACKET) * 1000 / RATE
        self.stats["concealed_ms"] += lost * PACKET * 1000 / RATE
        self._waited = (0, 0)
        self._next = ts
        assert self._decoder is not None
        short = self._target + self._extra + count - self._level()
        if short > 0:
            short = -(-short // 120) * 120  # Opus decodes in 2.5 ms steps
            self._pcm = np.concatenate([self._pcm, self._decoder.conceal(short)])
            self.stats["dtx_ms"] += short * 1000 / RATE

    def _count_wait(self) -> None:
        """The reads that found nothing since the last packet were underruns after all."""
        underruns, samples = self._waited
        if underruns:
            self.stats["underruns"] += underruns
            self.stats["concealed_ms"] += samples * 1000 / RATE
            self._waited = (0, 0)

    def _adjust(self) -> None:
        """Steer the level to the target: cut or stretch a pitch period. Far above the target
        (a backlog after a stall) it cuts at every read, and beyond ``FAST_FORWARD`` it drops
        whole packets: getting the delay back matters more than those few hundred ms."""
        if len(self._slack) < LEVEL_WINDOW:
            return
        lowest = min(self._slack)
        excess = lowest - self._target - self._extra
        if excess > FAST_FORWARD and self._packets:
            while self._pending() > self._target + self._extra + PACKET and self._packets:
                self._packets.pop(self._next, None)
                self._next += PACKET
                self.stats["accelerated_ms"] += PACKET * 1000 / RATE
            self._slack.clear()
        elif excess > HYSTERESIS and len(self._pcm) >= PACKET:
            cut = _cut(self._pcm[:PACKET])
            if cut is not None:
                removed = PACKET - len(cut)
                self._pcm = np.concatenate([cut, self._pcm[PACKET:]])
                self.stats["accelerated_ms"] += removed * 1000 / RATE
                if excess < CATCH_UP:
                    self._slack.clear()
                else:  # keep going at the next read
                    self._slack = collections.deque(
                        (v - removed for v in self._slack), maxlen=LEVEL_WINDOW
                    )
        elif lowest < self._target // 3 + self._extra and len(self._pcm) >= PACKET:
            longer = _stretch(self._pcm[:PACKET])
            if longer is not None:
                self.stats["stretched_ms"] += (len(longer) - PACKET) * 1000 / RATE
                self._pcm = np.concatenate([longer, self._pcm[PACKET:]])
                self._slack.clear()

    def close(self) -> None:
        with self._lock:
            if self._decoder is not None:
                self._decoder.close()
                self._decoder = None


MIN_PERIOD = RATE * 25 // 10000  # 2.5 ms
MAX_PERIOD = RATE * 10 // 1000  # 10 ms
QUIET = 300.0
"""RMS below this (-40 dBFS) is silence: 10 ms of it is dropped outright."""


def _period(block: np.ndarray) -> tuple[int, float]:
    """The pitch period of ``block`` (samples) and how periodic it is (0-1)."""
    x = block.astype(np.float64)
    best, best_corr = MIN_PERIOD, -1.0
    for period in range(MIN_PERIOD, MAX_PERIOD + 1, 8):
        a, b = x[: len(x) - period], x[period:]
        norm = np.sqrt(np.dot(a, a) * np.dot(b, b))
        corr = float(np.dot(a, b) / norm) if norm else 0.0
        if corr > best_corr:
            best, best_corr = period, corr
    # refine around the coarse best
    for period in range(max(MIN_PERIOD, best - 7), min(MAX_PERIOD, best + 7) + 1):
        a, b = x[: len(x) - period], x[period:]
        norm = np.sqrt(np.dot(a, a) * np.dot(b, b))
        corr = float(np.dot(a, b) / norm) if norm else 0.0
        if corr > best_corr:
            best, best_corr = period, corr
    return best, best_corr


def _crossfade(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ramp = np.linspace(0.0, 1.0, len(a))
    return (a * (1 - ramp) + b * ramp).astype(np.int16)


def _cut(block: np.ndarray) -> np.ndarray | None:
    """``block`` shorter by 10 ms if silent, else by whole pitch periods (up to 10 ms) with
    a crossfade; None when it is neither quiet nor periodic enough to cut unheard."""
    x = block.astype(np.float64)
    if np.sqrt(np.mean(x**2)) < QUIET:
        return block[: len(block) - MAX_PERIOD]
    period, corr = _period(block)
    if corr < 0.5:
        return None
    period *= max(1, MAX_PERIOD // period)
    period = min(period, len(block) // 2)
    head = block[:period]
    tail = block[period : 2 * period]
    return np.concatenate(
        [_crossfade(head.astype(np.float64), tail.astype(np.float64)), block[2 * period :]]
    )


def _stretch(block: np.ndarray) -> np.ndarray | None:
    """``block`` longer by a pitch period (or 10 ms of itself faded, when quiet)."""
    x = block.astype(np.float64)
    if np.sqrt(np.mean(x**2)) < QUIET:
        return np.concatenate([block, (block[-MAX_PERIOD:] * 0.5).astype(np.int16)])
    period, corr = _period(block)
    if corr < 0.5:
        return None
    first = x[:period]
    second = x[period : 2 * period]
    return np.concatenate([block[:period], _crossfade(second, first), block[period:]])
