"""A video jitter buffer that releases each frame the moment it is complete.

aiortc's buffer hands a frame to the decoder only when the first packet of the *next* frame
arrives: one frame interval (33 ms at 30 fps) of latency on every frame. This one releases a
frame as soon as every packet from its first to its last (the one with the RTP marker bit) is
there, in sequence order, so on a clean network a frame leaves on the packet that completes it.

It keeps what a jitter buffer must:

- **reordering**: packets are kept by (unwrapped) sequence number; a frame is complete
  whatever order its packets came in;
- **duplicates and late packets** are dropped (a packet older than what was released is late);
- **loss**: aiortc's receiver sends a NACK for every gap before a packet reaches this buffer.
  If a gap blocks the next frame for longer than ``loss_timeout`` (the retransmission is not
  coming), the buffer gives up on it, asks for a keyframe (PLI) and releases nothing until a
  keyframe, since the frames in between cannot be decoded without what was lost;
- **wrap-around**: 16-bit sequence numbers are unwrapped; timestamps are only compared for
  equality, so their 32-bit wrap does not matter;
- **bounded memory**: beyond ``capacity`` packets it starts over from the next keyframe.

aiortc's receiver takes one frame per packet from ``add``. A late packet (a retransmission, or
one overtaken on the way) can complete several waiting frames at once: ``take_ready()`` gives
the rest, and the receiver seam (``_aiortc_seams``) hands them to the decoder on that same
packet. Left for later packets, each would add a frame of latency that never drains when a
frame fits in one packet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket

DEFAULT_LOSS_TIMEOUT = 0.15
"""Seconds a gap may block the next frame before the buffer gives up on it and asks for a
keyframe. Retransmissions on a LAN take a few milliseconds; this leaves room for ~100 ms RTT."""
TIMING_KEPT = 64
"""Frames whose latency stamps wait for the decoder (it is never that far behind)."""
KEYFRAME_REPEAT = 1.0
"""Seconds to wait for a keyframe before asking again (the request itself may be lost)."""


def is_keyframe(data: bytes) -> bool:
    """Whether a frame's first depayloaded packet starts a keyframe (VP8 or H.264)."""
    if data[:4] == b"\x00\x00\x00\x01" or data[:3] == b"\x00\x00\x01":
        # H.264 in Annex B (aiortc's depayloader output): an IDR slice or an SPS.
        position = 0
        while True:
            position = data.find(b"\x00\x00\x01", position)
            if position < 0 or position + 3 >= len(data):
                return False
            if data[position + 3] & 0x1F in (5, 7):
                return True
            position += 3
    # VP8: the frame tag's P bit is 0 and the keyframe start code follows it.
    return len(data) >= 6 and data[0] & 0x01 == 0 and data[3:6] == b"\x9d\x01\x2a"


@dataclass
class JitterStats:
    frames: int = 0
    """Frames released to the decoder."""
    late: int = 0
    duplicates: int = 0
    frames_lost: int = 0
    """Frames given up on (a gap not filled in time) or skipped while waiting for a keyframe."""
    keyframe_requests: int = 0
    resets: int = 0


class FrameJitterBuffer:
    """Drop-in for aiortc's video ``JitterBuffer``: ``add(packet) -> (pli, frame | None)``."""

    def __init__(
        self,
        *,
        capacity: int = 512,
        loss_timeout: float = DEFAULT_LOSS_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self.loss_timeout = loss_timeout
        self._clock = clock
        self._packets: dict[int, RtpPacket] = {}
        self._next: int | None = None
        """Unwrapped sequence number of the first packet of the next frame to release."""
        self._highest: int | None = None
        self._blocked_since: float | None = None
        self._released_any = False
        # Decoding starts on a keyframe: a stream's first packets may arrive out of order, and
        # a "first frame" that begins mid-frame must not reach the decoder.
        self._want_keyframe = True
        self._asked_at = clock()
        self.stats = JitterStats()
        # Latency (app/engine/latency.py): when each frame's first packet came, and when the
        # frame left, by the timestamp the decoded frame will carry (aiortc maps RTP
        # timestamps to start at the first frame released).
        self._arrivals: dict[int, float] = {}
        self._first_released: int | None = None
        self.timing: dict[int, tuple[float, float]] = {}

    # ------------------------------------------------------------ sequence numbers

    def _unwrap(self, seq: int) -> int:
        """The 16-bit ``seq`` as the unwrapped number closest to the highest seen."""
        if self._highest is None:
            return seq + (1 << 16)  # leave room below for packets that arrive early-but-late
        base = self._highest
        candidate = (base & ~0xFFFF) | seq
        if candidate - base > 0x8000:
            candidate -= 1 << 16
        elif base - candidate > 0x8000:
            candidate += 1 << 16
        return candidate

    # ------------------------------------------------------------ the receiver's interface

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        seq = self._unwrap(packet.sequence_number)
        if self._next is None:
            self._next = seq
        elif seq < self._next:
            if (
                self._released_any
                or self._packets.get(self._next, packet).timestamp != packet.timestamp
            ):
                self.stats.late += 1
                return False, None
            self._next = seq  # an earlier packet of the very first frame: start there instead
        if seq in self._packets:
            self.stats.duplicates += 1
            return False, None
        self._packets[seq] = packet
        if packet.timestamp not in self._arrivals:
            self._arrivals[packet.timestamp] = self._clock()
            if len(self._arrivals) > 2 * TIMING_KEPT:
                del self._arrivals[next(iter(self._arrivals))]
        if self._highest is None or seq > self._highest:
            self._highest = seq
        if len(self._packets) > self._capacity:
            return self._start_over(), None
        return self._release()

    def take_ready(self) -> Iterator[tuple[JitterFrame, int]]:
        """The frames, with their RTP payload type, that are complete after ``add`` returned
        one: what the same packet finished besides."""
        while self._next is not None and (ready := self._pop_complete()) is not None:
            yield ready

    def _release(self) -> tuple[bool, JitterFrame | None]:
        pli = False
        if self._want_keyframe and self._clock() - self._asked_at > KEYFRAME_REPEAT:
            pli = self._ask_for_keyframe()
        ready = self._pop_complete()
        if ready is None:
            return self._check_blocked() or pli, None
        return pli, ready[0]

    def _pop_complete(self) -> tuple[JitterFrame, int] | None:
        """The next frame and its payload type if all its packets are here; frames that cannot
        be decoded while a keyframe is awaited are dropped on the way."""
        while True:
            assert self._next is not None
            end = self._complete_frame(self._next)
            if end is None:
                return None
            packets = [self._packets.pop(s) for s in range(self._next, end + 1)]
            self._next = end + 1
            self._blocked_since = None
            if self._want_keyframe:
                if not is_keyframe(packets[0]._data):  # type: ignore[attr-defined]
                    self.stats.frames_lost += 1
                    continue  # undecodable without what was lost: keep waiting
                self._want_keyframe = False
            self._released_any = True
            self.stats.frames += 1
            self._stamp(packets[0].timestamp)
            data = b"".join(p._data for p in packets)  # type: ignore[attr-defined]
            return JitterFrame(data=data, timestamp=packets[0].timestamp), packets[0].payload_type

    def _stamp(self, timestamp: int) -> None:
        now = self._clock()
        if self._first_released is None:
            self._first_released = timestamp
        key = (timestamp - self._first_released) & 0xFFFFFFFF
        self.timing[key] = (self._arrivals.pop(timestamp, now), now)
        if len(self.timing) > TIMING_KEPT:
            del self.timing[next(iter(self.timing))]

    def _complete_frame(self, start: int) -> int | None:
        """The sequence number of the last packet of the frame starting at ``start`` if all
        its packets are here, else None."""
        first = self._packets.get(start)
        if first is None:
            return None
        seq = start
        packet = first
        while True:
            if packet.marker:
                return seq
            following = self._packets.get(seq + 1)
            if following is None:
                return None
            if following.timestamp != first.timestamp:
                return seq  # no marker bit, but the next frame has begun: this one is whole
            seq += 1
            packet = following

    # ------------------------------------------------------------ loss

    def _check_blocked(self) -> bool:
        """The next frame is incomplete. If packets beyond it keep arriving for longer than
        ``loss_timeout``, give up on the gap: skip to the next frame start, want a keyframe."""
        assert self._next is not None and self._highest is not None
        if self._highest <= self._next or self._frame_extent(self._next) >= self._highest:
            self._blocked_since = None  # nothing beyond this frame yet: it is just in flight
            return False
        now = self._clock()
        if self._blocked_since is None:
            self._blocked_since = now
            return False
        if now - self._blocked_since < self.loss_timeout:
            return False
        self._skip_gap()
        return True

    def _frame_extent(self, start: int) -> int:
        """The last contiguous sequence number from ``start`` with the same timestamp."""
        first = self._packets.get(start)
        seq = start
        while first is not None:
            following = self._packets.get(seq + 1)
            if (
                following is None
                or following.timestamp != first.timestamp
                or self._packets[seq].marker
            ):
                break
            seq += 1
        return seq

    def _ask_for_keyframe(self) -> bool:
        self.stats.keyframe_requests += 1
        self._want_keyframe = True
        self._asked_at = self._clock()
        return True

    def _skip_gap(self) -> None:
        assert self._next is not None
        self.stats.frames_lost += 1
        self._ask_for_keyframe()
        self._blocked_since = None
        # The next known frame start: a packet after a marker, or after a timestamp change.
        for seq in sorted(s for s in self._packets if s > self._next):
            before = self._packets.get(seq - 1)
            if before is not None and (
                before.marker or before.timestamp != self._packets[seq].timestamp
            ):
                for old in [s for s in self._packets if s < seq]:
                    del self._packets[old]
                self._next = seq
                return
        self._packets.clear()
        self._next = self._highest + 1 if self._highest is not None else None

    def _start_over(self) -> bool:
        self.stats.resets += 1
        self._packets.clear()
        self._next = None
        self._highest = None
        self._blocked_since = None
        return self._ask_for_keyframe()
