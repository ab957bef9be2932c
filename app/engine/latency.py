"""Where a remote picture's latency goes, as far as the receiver can see it.

For each played video stream the receiver measures, per frame:

- **jitter buffer**: from the arrival of the frame's first packet to the moment its last one
  completed it and it left the buffer (``FrameJitterBuffer`` stamps both);
- **decode**: from leaving the buffer to the decoded picture reaching the engine's reader
  (the decoder thread's queue, the decode itself and the hop back to the event loop);
- **lip sync**: how long decoded pictures are held so the voice catches up (``_lipsync``).

The network (≈ half the round trip) comes from the stream's quality; capture→sent happens on
the publisher and shows only there. Painting is the app's to measure.

``latency_of(remote)`` gives a ``RemoteStream``'s meter (None for streams not played by an
engine, or played with aiortc's stock jitter buffer).
"""

from __future__ import annotations

import collections
import time
import weakref
from dataclasses import dataclass
from typing import Any

WINDOW = 60
"""Frames the averages are taken over (two seconds at 30 fps)."""
_MASK = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class LatencyBreakdown:
    """Averages over the last frames, in milliseconds."""

    jitter_buffer_ms: float
    decode_ms: float
    frames: int
    lip_sync_ms: float = 0.0
    """Pictures are held this long for the voice (lip sync), now."""


class LatencyMeter:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._jitter: collections.deque[float] = collections.deque(maxlen=WINDOW)
        self._decode: collections.deque[float] = collections.deque(maxlen=WINDOW)
        self.buffer: Any = None
        """The stream's ``FrameJitterBuffer`` (set by the player)."""
        self.sync: Any = None
        """The stream's ``LipSync`` (set by the player)."""

    def frame_decoded(self, pts: int | None) -> None:
        """A decoded frame with this presentation timestamp (the mapped RTP timestamp)."""
        buffer = self.buffer
        if buffer is None or pts is None:
            return
        stamps = buffer.timing.pop(pts & _MASK, None)
        if stamps is None:
            return
        first_packet, released = stamps
        self._jitter.append((released - first_packet) * 1000)
        self._decode.append((self._clock() - released) * 1000)

    def snapshot(self) -> LatencyBreakdown | None:
        if not self._jitter:
            return None
        return LatencyBreakdown(
            sum(self._jitter) / len(self._jitter),
            sum(self._decode) / len(self._decode),
            len(self._jitter),
            self.sync.video_delay * 1000 if self.sync is not None else 0.0,
        )


_meters: weakref.WeakKeyDictionary[Any, LatencyMeter] = weakref.WeakKeyDictionary()


def meter_for(remote: Any) -> LatencyMeter:
    """The meter of a ``RemoteStream`` (made on first use; the player feeds it)."""
    meter = _meters.get(remote)
    if meter is None:
        meter = _meters[remote] = LatencyMeter()
    return meter


def latency_of(remote: Any) -> LatencyBreakdown | None:
    """Where the latency of ``remote``'s last frames went, or None before any is measured."""
    meter = _meters.get(remote)
    return meter.snapshot() if meter is not None else None
