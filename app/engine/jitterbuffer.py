"""A video jitter buffer that releases each frame the moment it is complete.

aiortc's buffer hands a frame to the decoder only when the first packet of the *next* frame
arrives: one frame interval (33 ms at 30 fps) of latency on every frame. This one releases a
frame as soon as every packet from its first to its last (the one with the RTP marker bit) is
there, in sequence order, so on a clean network a frame leaves on the packet that completes it.

It keeps what a jitter buffer must:

- **reordering**: packets are kept by (unwrapped) sequence number; a frame is complete
  whatever order its packets came in;
- **duplicates and late packets** are dropped (a packet older than what was released is late);
- **loss, timed by the round trip**: the buffer asks for what is missing itself (aiortc's
  receiver sends one NACK when a gap appears and never again; the seam turns that off): a
  NACK as soon as a gap is seen, then again every retransmission interval (the round-trip
  time, measured, plus a margin) while the packet is still missing, up to ``nack_rounds``
  times. The round trip comes from the retransmissions themselves (NACK sent → RTX packet
  back) and from the player's data-channel pings (``observe_rtt``); 100 ms until measured, as in
  WebRTC. A gap whose last NACK went unanswered for a whole interval is unrecoverable: the
  buffer gives up on it at once, asks for a keyframe (PLI), and releases nothing until a
  keyframe, since the frames in between cannot be decoded without what was lost;
- **keyframes, fast**: while a keyframe is awaited (from the start, or after a gap) the request
  is repeated every two retransmission intervals plus the time to send one (at least 200 ms,
  at most 1 s) unless one started arriving meanwhile, so a lost request or a lost keyframe
  costs a round trip or two, not a second;
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
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket

TIMING_KEPT = 64
"""Frames whose latency stamps wait for the decoder (it is never that far behind)."""
DEFAULT_RTT = 0.1
"""Seconds assumed for the round trip until one is measured (WebRTC's default too)."""
MIN_RETRY_INTERVAL = 0.01
"""The shortest wait before asking again for a packet (loopback round trips are ~1 ms: asking
every millisecond would only duplicate retransmissions already on their way)."""
NACK_ROUNDS = 3
"""NACKs sent for one packet before its gap is known to be unrecoverable. With 10 % loss each
way a round fails 19 % of the time; three fail together 0.7 % of the time."""
MAX_TRACKED = 256
"""Missing packets tracked for NACKs at most (aiortc's sender keeps 128 packets of history)."""
KEYFRAME_REPEAT_MIN, KEYFRAME_REPEAT_MAX = 0.2, 1.0
"""Bounds of the interval between keyframe requests (two round trips and the time a keyframe
takes to send). A keyframe is several times a delta frame's size: asked for more often, the
sender would only start another before the first is through."""
KEYFRAME_SEND_TIME = 0.1
"""Seconds a keyframe takes to encode and send, added to the round trips."""


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
    nacks: int = 0
    """Packets asked for (each round of each packet counts)."""
    recovered: int = 0
    """Missing packets that arrived after a NACK."""


class PlayoutDelay:
    """When a complete frame goes to the decoder: at once on a steady path; on one whose delay
    varies, held so that frames leave evenly, ``DELAY_FACTOR`` times the measured variation
    after the fastest of the last frames, as WebRTC's receivers do.

    A frame's transit is the arrival of its last packet less its capture time (RTP timestamp);
    the variation is the mean excess of transit over the smallest in the last
    ``WINDOW`` frames. Frames that needed a retransmission are left out of it (their wait is
    the round trip, not the path's jitter). Below ``THRESHOLD`` there is no delay at all: on a
    clean path (the variation is then the encoder's, a few milliseconds) frames leave on their
    last packet, as before."""

    WINDOW = 90
    """Frames over which the fastest transit is taken (3 s at 30 fps)."""
    DELAY_FACTOR = 2.0
    THRESHOLD = 0.01
    MAX_DELAY = 0.2

    def __init__(self, clock_rate: int = 90000) -> None:
        self._rate = clock_rate
        self._last_ts: int | None = None
        self._ts = 0
        self._transits: deque[float] = deque(maxlen=self.WINDOW)
        self.jitter = 0.0
        """Mean excess transit over the fastest, in seconds (smoothed)."""

    @property
    def target(self) -> float:
        """Seconds a frame is held past the fastest transit."""
        delay = self.DELAY_FACTOR * self.jitter
        return 0.0 if delay < self.THRESHOLD else min(delay, self.MAX_DELAY)

    def due(self, timestamp: int, arrived: float, retransmitted: bool) -> float:
        """When a frame captured at RTP ``timestamp`` whose last packet arrived at ``arrived``
        should go to the decoder."""
        if self._last_ts is None:
            self._ts = timestamp
        else:
            self._ts += ((timestamp - self._last_ts + (1 << 31)) % (1 << 32)) - (1 << 31)
        self._last_ts = timestamp
        captured = self._ts / self._rate
        transit = arrived - captured
        fastest = min(self._transits, default=transit)
        if not retransmitted:
            self._transits.append(transit)
            fastest = min(fastest, transit)
            self.jitter += (max(0.0, transit - fastest) - self.jitter) / 16
        return captured + fastest + self.target


@dataclass
class _Missing:
    """A packet seen missing, and the NACKs sent for it."""

    sent: int = 0
    last_sent: float = 0.0


class FrameJitterBuffer:
    """Drop-in for aiortc's video ``JitterBuffer``: ``add(packet) -> (pli, frame | None)``."""

    def __init__(
        self,
        *,
        capacity: int = 512,
        nack_rounds: int = NACK_ROUNDS,
        rtt: float | None = None,
        playout: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self.nack_rounds = nack_rounds
        self.rtt = DEFAULT_RTT if rtt is None else rtt
        """The round-trip time in seconds: smoothed measurements, or the default."""
        self.rtt_measured = rtt is not None
        self.media_ssrc: int | None = None
        """The SSRC of the media packets (a NACK names it, not the retransmission stream's)."""
        self._missing: dict[int, _Missing] = {}
        self._recovered: set[int] = set()
        self.playout = PlayoutDelay() if playout else None
        """With ``playout``, frames may be held for even pacing (see ``PlayoutDelay``): the
        receiver takes them from ``due_frames()`` when ``next_due_in()`` says."""
        self._held: deque[tuple[float, JitterFrame, int]] = deque()
        self.retransmission = False
        """Set by the receiver while it adds a packet that came as a retransmission (RTX)."""
        self._keyframe_seen_at = float("-inf")
        """When the first packet of a keyframe last arrived while one was awaited."""
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
        self.media_ssrc = packet.ssrc
        self._track_missing(seq)
        packet._huddle_arrived = self._clock()  # type: ignore[attr-defined]
        if self._want_keyframe and is_keyframe(packet._data):  # type: ignore[attr-defined]
            self._keyframe_seen_at = self._clock()
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
        one: what the same packet finished besides (less any held for pacing)."""
        while self._next is not None and (ready := self._pop_complete()) is not None:
            if not self._hold(ready):
                yield ready

    def due_frames(self) -> list[tuple[JitterFrame, int]]:
        """Held frames whose time has come, in order."""
        now = self._clock()
        due = []
        while self._held and self._held[0][0] <= now:
            _at, frame, payload_type = self._held.popleft()
            self._stamp_left(frame.timestamp, now)
            due.append((frame, payload_type))
        return due

    def next_due_in(self) -> float | None:
        """Seconds until the next held frame is due, or None when none is held."""
        if not self._held:
            return None
        return max(0.0, self._held[0][0] - self._clock())

    def _hold(self, ready: tuple[JitterFrame, int]) -> bool:
        """Whether a complete frame waits for its playout time instead of leaving now."""
        due = getattr(ready[0], "_huddle_due", None)
        if due is None or (not self._held and due <= self._clock()):
            return False
        self._held.append((due, *ready))
        return True

    # ------------------------------------------------------------ retransmissions

    @property
    def retry_interval(self) -> float:
        """Seconds to wait for a retransmission before asking again: the round trip, plus a
        quarter of it for the way its packets vary."""
        return max(MIN_RETRY_INTERVAL, self.rtt * 1.25)

    @property
    def keyframe_interval(self) -> float:
        """Seconds to wait for a requested keyframe before asking again."""
        wait = 2 * self.retry_interval + KEYFRAME_SEND_TIME
        return min(KEYFRAME_REPEAT_MAX, max(KEYFRAME_REPEAT_MIN, wait))

    def observe_rtt(self, seconds: float) -> None:
        """A round-trip measurement (a retransmission's, or the player's ping)."""
        if seconds <= 0:
            return
        if not self.rtt_measured:
            self.rtt, self.rtt_measured = seconds, True
        else:
            # Smoothed like TCP's SRTT; one late sample (a ping retransmitted by SCTP, say)
            # moves it by an eighth of the estimate at most.
            self.rtt += (min(seconds, 2 * self.rtt) - self.rtt) / 8

    def _track_missing(self, seq: int) -> None:
        """Note the packets this one shows missing, or that it answers a NACK."""
        answered = self._missing.pop(seq, None)
        if answered is not None:
            if answered.sent:
                self.stats.recovered += 1
                self._recovered.add(seq)
                if len(self._recovered) > MAX_TRACKED and self._next is not None:
                    self._recovered = {s for s in self._recovered if s >= self._next}
            if answered.sent == 1 and self.retransmission:
                # One NACK out and this is its retransmission: the wait was a round trip.
                # With more out, which one it answers is ambiguous (Karn): no sample; nor from
                # a packet merely overtaken on the way. The player's pings fill in.
                self.observe_rtt(self._clock() - answered.last_sent)
            return
        if self._highest is None or seq <= self._highest + 1:
            return
        if seq - self._highest > MAX_TRACKED:
            self._missing.clear()  # a jump this large is not retransmitted: start afresh
            return
        for missing in range(self._highest + 1, seq):
            self._missing[missing] = _Missing()
        if len(self._missing) > MAX_TRACKED:
            for old in sorted(self._missing)[: len(self._missing) - MAX_TRACKED]:
                del self._missing[old]

    def nacks_due(self) -> list[int]:
        """The (16-bit) sequence numbers to ask for now: new gaps at once, older ones again
        after a retransmission interval, each at most ``nack_rounds`` times. Call after
        ``add``; the caller sends them in one RTCP NACK."""
        if not self._missing:
            return []
        now = self._clock()
        interval = self.retry_interval
        due = []
        for seq, missing in list(self._missing.items()):
            if self._next is None or seq < self._next:
                del self._missing[seq]  # released past, or given up on
                continue
            if missing.sent >= self.nack_rounds:
                continue  # unanswered: ``_check_blocked`` gives up on it
            if missing.sent == 0 or now - missing.last_sent >= interval:
                missing.sent += 1
                missing.last_sent = now
                due.append(seq & 0xFFFF)
        self.stats.nacks += len(due)
        return due

    def next_nack_in(self) -> float | None:
        """Seconds until a NACK falls due again (for a timer: packets may not arrive in time
        to trigger it), or None when none is pending."""
        if self._next is None:
            return None
        pending = [
            missing.last_sent
            for seq, missing in self._missing.items()
            if seq >= self._next and 0 < missing.sent < self.nack_rounds
        ]
        if not pending:
            return None
        return max(0.001, min(pending) + self.retry_interval - self._clock())

    def _unrecoverable(self, seq: int, blocked_for: float) -> bool:
        """Whether the missing packet ``seq`` will not come: its last NACK went unanswered for
        a whole interval, or (never asked for) it has blocked for as long as every round."""
        missing = self._missing.get(seq)
        interval = self.retry_interval
        if missing is None or missing.sent == 0:
            return blocked_for >= (self.nack_rounds + 1) * interval
        return missing.sent >= self.nack_rounds and self._clock() - missing.last_sent >= interval

    def _release(self) -> tuple[bool, JitterFrame | None]:
        pli = False
        if (
            self._want_keyframe
            and self._clock() - max(self._asked_at, self._keyframe_seen_at)
            >= self.keyframe_interval
        ):
            pli = self._ask_for_keyframe()
        for _ in range(self._capacity + 1):  # bounded: each pass skips at least one packet
            ready = self._pop_complete()
            if ready is not None:
                return pli, None if self._hold(ready) else ready[0]
            skipped, asked = self._check_blocked()
            pli = pli or asked
            if not skipped:
                break
        return pli, None

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
            frame = JitterFrame(data=data, timestamp=packets[0].timestamp)
            retransmitted = False
            if self._recovered:
                for seq in range(end - len(packets) + 1, end + 1):
                    if seq in self._recovered:
                        self._recovered.discard(seq)
                        retransmitted = True
            if self.playout is not None:
                arrived = max(p._huddle_arrived for p in packets)  # type: ignore[attr-defined]
                frame._huddle_due = self.playout.due(  # type: ignore[attr-defined]
                    packets[0].timestamp, arrived, retransmitted
                )
            return frame, packets[0].payload_type

    def _stamp(self, timestamp: int) -> None:
        now = self._clock()
        if self._first_released is None:
            self._first_released = timestamp
        key = (timestamp - self._first_released) & 0xFFFFFFFF
        self.timing[key] = (self._arrivals.pop(timestamp, now), now)
        if len(self.timing) > TIMING_KEPT:
            del self.timing[next(iter(self.timing))]

    def _stamp_left(self, timestamp: int, now: float) -> None:
        """A frame held for pacing leaves now: its wait counts as the jitter buffer's."""
        if self._first_released is None:
            return
        key = (timestamp - self._first_released) & 0xFFFFFFFF
        stamps = self.timing.get(key)
        if stamps is not None:
            self.timing[key] = (stamps[0], now)

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

    def _check_blocked(self) -> tuple[bool, bool]:
        """The next frame is incomplete. If packets beyond it have arrived and what it misses
        is unrecoverable, give up on the gap: skip to the next frame start, want a keyframe.
        Returns (skipped, asked for a keyframe)."""
        assert self._next is not None and self._highest is not None
        if self._highest <= self._next or self._frame_extent(self._next) >= self._highest:
            self._blocked_since = None  # nothing beyond this frame yet: it is just in flight
            return False, False
        first = self._packets.get(self._next)
        if (
            self._want_keyframe and first is not None and not is_keyframe(first._data)  # type: ignore[attr-defined]
        ):
            self._skip_gap(ask=False)  # dropped anyway until the keyframe: no need to wait
            return True, False
        now = self._clock()
        if self._blocked_since is None:
            self._blocked_since = now
        first_missing = self._next
        while first_missing in self._packets:
            first_missing += 1
        if not self._unrecoverable(first_missing, now - self._blocked_since):
            return False, False
        self._skip_gap()
        return True, True

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
        self._keyframe_seen_at = float("-inf")
        self._asked_at = self._clock()
        return True

    def _skip_gap(self, *, ask: bool = True) -> None:
        assert self._next is not None
        self.stats.frames_lost += 1
        if ask:
            self._ask_for_keyframe()
        self._blocked_since = None
        # The next known frame start: a packet after a marker, or after a timestamp change.
        for seq in sorted(s for s in self._packets if s > self._next):
            before = self._packets.get(seq - 1)
            packet = self._packets[seq]
            if (before is not None and (before.marker or before.timestamp != packet.timestamp)) or (
                before is None and is_keyframe(packet._data)  # type: ignore[attr-defined]
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
        self._missing.clear()
        self._next = None
        self._highest = None
        self._blocked_since = None
        return self._ask_for_keyframe()
