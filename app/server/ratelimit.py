"""Sliding-window rate limits: at most N events in any window of W seconds."""

from __future__ import annotations

from collections import deque

from app.protocol.limits import RateLimit


class SlidingWindow:
    """Counts events in the last ``limit.window`` seconds; ``allow`` records one if it fits.

    Exact (no burst allowance beyond N), and O(1) amortised: each timestamp is appended and
    popped once. Time comes from the caller so tests need no sleeps.
    """

    __slots__ = ("_events", "limit")

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._events: deque[float] = deque()

    def _expire(self, now: float) -> None:
        horizon = now - self.limit.window
        events = self._events
        while events and events[0] <= horizon:
            events.popleft()

    def allow(self, now: float) -> bool:
        """Record an event at ``now`` and return True, or return False if over the limit."""
        self._expire(now)
        if len(self._events) >= self.limit.count:
            return False
        self._events.append(now)
        return True

    def count(self, now: float) -> int:
        self._expire(now)
        return len(self._events)
