"""Lip sync: one played stream's picture and voice presented together, from RTCP sender reports.

WebRTC's ``RtpStreamsSynchronizer`` in small. Each RTCP sender report (SR) maps an RTP
timestamp of one stream to the sender's wall clock; audio and video are sent by one process,
so their reports share that clock. For each, ``SenderClock`` keeps the last few reports and
turns any RTP timestamp of the stream into its time at the sender.

The receiver then knows, for both, how long after the sender's clock it *presents* a moment:

* audio: the RTP timestamp the speaker pulls from the jitter buffer, heard after the speaker's
  own output delay (PortAudio's timestamps);
* video: the RTP timestamp of the decoded picture handed to the stream's sinks (the tile then
  converts and paints it: a few milliseconds the engine does not see).

The difference is the offset, ``av_timestamp_diff_ms`` (the Express SDK's ``avTimestampDiff``):
audio's delay minus video's, positive when the voice comes after the lips. In Huddle the voice
is normally behind (video capture -> shown ~10 ms, mouth -> ear 70-110 ms), so the usual fix is
to hold decoded pictures back by the gap; when the voice is ahead instead (a slow video path),
the audio jitter buffer keeps more (``AudioJitterBuffer.extra_delay_ms``). Both are bounded
and move at most ``MAX_STEP`` per second update, as WebRTC moves at most 80 ms, so the picture
does not stutter.
"""

from __future__ import annotations

import collections
import statistics
from dataclasses import dataclass

AUDIO_RATE = 48_000
VIDEO_RATE = 90_000
NTP_FRACTION = 1 << 32

REPORTS_KEPT = 5
"""Sender reports kept per stream (about 5 s of them)."""
CLOCK_JUMP = 1.0
"""A report this far (seconds) off the others: the sender's clock or stream restarted."""

UPDATE_INTERVAL = 1.0
"""Seconds between changes of the delays (WebRTC's synchronizer runs every second too)."""
MAX_STEP = 0.04
"""The most a delay moves per update. WebRTC allows 80 ms; 40 ms is about one frame at 25-30
fps, so converging from the usual ~90 ms takes three seconds with one repeated frame each."""
MAX_VIDEO_DELAY = 0.3
"""The most pictures are held for the voice. WebRTC allows 10 s (it serves streaming too); in
a conversation a picture held longer than the audio jitter buffer's own cap (300 ms) costs more
than lips a little ahead of the voice (BT.1359 tolerates 125 ms of that)."""
MAX_AUDIO_DELAY = 0.15
"""The most the voice is held for the picture. Delay in the voice hurts a conversation most;
150 ms covers the video path's own worst case (its playout delay holds 200 ms at most, less
the 45 ms BT.1359 lets the voice lead)."""
DEAD_BAND = 0.005
"""Gaps smaller than this are left alone (measurement noise, not drift)."""
FRESH = 0.35
"""An audio play point older than this (seconds) is no measure of the stream any more (the
speaker reads every 10 ms; it stopped, or this stream is not in its mix)."""
STALE = 2.0
"""With no measurement this long, the offset is unknown again."""


def ntp_seconds(ntp: int) -> float:
    """A 64-bit NTP timestamp in seconds."""
    return (ntp >> 32) + (ntp & (NTP_FRACTION - 1)) / NTP_FRACTION


def _unwrap(value: int, reference: int) -> int:
    delta = (value - reference) % (1 << 32)
    return reference + (delta - (1 << 32) if delta >= 1 << 31 else delta)


class SenderClock:
    """RTP timestamps of one stream in the sender's wall-clock seconds, from its SRs (WebRTC's
    ``RtpToNtpEstimator``, in small).

    aiortc's sender reports the RTP timestamp of the last packet it sent with the time it sent
    it, so each report's offset (wall time less RTP time) is the capture time plus however long
    that packet waited to go out. The smallest offset of the last few reports is the one that
    waited least, the nearest to the capture clock; with the nominal clock rate the mapping
    drifts only by the sender's clock error over those few seconds.

    ``lead``: RTP units between a reported timestamp and what was captured by the time that
    packet could go out. An audio packet's timestamp is its first sample's, but it leaves only
    once its last sample is captured, 20 ms later: for aiortc senders, and Janus (which stamps
    its reports with when it sent its newest packet), that is a packet's duration; libwebrtc
    senders stamp their reports from the capture clock (lead 0)."""

    def __init__(self, rate: int, lead: int = 0) -> None:
        self.rate = rate
        self.lead = lead
        self.ssrc: int | None = None
        self._reference: int | None = None
        """Unwrapped RTP timestamp of the newest report."""
        self._reports: collections.deque[tuple[float, float]] = collections.deque(
            maxlen=REPORTS_KEPT
        )
        """(wall time, offset = wall time - RTP time in seconds) of each report."""

    @property
    def known(self) -> bool:
        return bool(self._reports)

    def add(self, ssrc: int, ntp: int, rtp: int) -> None:
        """A sender report: at sender time ``ntp`` (64-bit NTP) the stream was at ``rtp``."""
        if ntp == 0:
            return  # aiortc reports before its first packet say 0: nothing to map yet
        wall = ntp_seconds(ntp)
        if ssrc != self.ssrc:
            self.ssrc, self._reference = ssrc, None
            self._reports.clear()
        if self._reports and wall <= self._reports[-1][0]:
            return  # repeated or reordered
        unwrapped = rtp if self._reference is None else _unwrap(rtp, self._reference)
        offset = wall - (unwrapped + self.lead) / self.rate
        if self._reports and abs(offset - self._reports[-1][1]) > CLOCK_JUMP:
            self._reports.clear()
            unwrapped = rtp
            offset = wall - (rtp + self.lead) / self.rate
        self._reference = unwrapped
        self._reports.append((wall, offset))

    def capture_time(self, rtp: int) -> float | None:
        """The sender's wall time (seconds) of RTP timestamp ``rtp`` (32 bits), or None before
        any report."""
        if self._reference is None or not self._reports:
            return None
        return _unwrap(rtp, self._reference) / self.rate + min(o for _, o in self._reports)


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the synchronizer last found and did, for stats and tests."""

    offset_ms: float | None
    """Audio's delay minus video's (ms): positive when the voice comes after the lips."""
    video_delay_ms: float
    """Decoded pictures are held this long for the voice."""
    audio_delay_ms: float
    """The audio jitter buffer keeps this much more for the picture."""


class LipSync:
    """The offset of one played stream and the delays that close it.

    Fed on the event loop: ``video_decoded`` for each decoded picture (it returns how long to
    hold it), ``video_presented`` when it goes to the sinks, with the audio play point
    sampled then. ``enabled`` False measures and reports but holds nothing back."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.reset()

    def reset(self) -> None:
        """A new connection: reports, measurements and delays start again."""
        self.audio_clock = SenderClock(AUDIO_RATE)
        self.video_clock = SenderClock(VIDEO_RATE)
        self.video_delay = 0.0
        """Seconds each decoded picture is held (applied by the player)."""
        self.audio_delay = 0.0
        """Seconds the audio buffer keeps on top of its jitter target."""
        self._natural: list[float] = []
        """Audio delay minus video delay before any hold, this interval (seconds)."""
        self._offsets: list[float] = []
        """Audio delay minus video delay as presented, this interval."""
        self._last_update: float | None = None
        self._measured_at: float | None = None
        self._gap: float | None = None
        """Audio's delay less video's before the hold, over the last interval."""
        self.offset: float | None = None
        """The last interval's offset as presented (seconds), None when unknown."""

    # ------------------------------------------------------------ inputs

    def audio_delay_at(self, audio: tuple[float, int] | None, now: float) -> float | None:
        """Audio's delay: ``audio`` is (time heard, RTP timestamp heard then), None when no
        audio is heard (no speaker, muted, not playing)."""
        if audio is None:
            return None
        heard, rtp = audio
        captured = self.audio_clock.capture_time(rtp)
        if captured is None or now - heard > FRESH:
            return None
        return heard - captured

    def video_decoded(self, rtp: int | None, now: float, audio: tuple[float, int] | None) -> float:
        """A picture was decoded now; returns the seconds to hold it. ``audio`` is the audio
        play point (see ``audio_delay_at``)."""
        audio_delay = self.audio_delay_at(audio, now)
        captured = self.video_clock.capture_time(rtp) if rtp is not None else None
        if audio_delay is not None and captured is not None:
            self._natural.append(audio_delay - (now - captured))
            self._measured_at = now
        self._update(now)
        return self.video_delay

    def video_presented(self, rtp: int | None, now: float, audio: tuple[float, int] | None) -> None:
        """A picture went to the sinks now (after its hold)."""
        audio_delay = self.audio_delay_at(audio, now)
        captured = self.video_clock.capture_time(rtp) if rtp is not None else None
        if audio_delay is not None and captured is not None:
            self._offsets.append(audio_delay - (now - captured))

    # ------------------------------------------------------------ the control

    def _update(self, now: float) -> None:
        if self._last_update is None:
            self._last_update = now
            return
        if now - self._last_update < UPDATE_INTERVAL:
            return
        self._last_update = now
        natural, self._natural = self._natural, []
        offsets, self._offsets = self._offsets, []
        if len(natural) < 3 or len(offsets) < 3:
            # Nothing to go by (no audio heard, no reports): no offset, no delay.
            self.offset = self._gap = None
            self.video_delay = self.audio_delay = 0.0
            return
        self.offset = statistics.median(offsets)
        # The gap a hold must close (the voice's own extra delay in it). The hold does not
        # change it (it is measured before the hold), so the hold can follow it a whole step
        # at a time without overshooting; the median of a second's pictures is the filter.
        self._gap = statistics.median(natural)
        if not self.enabled:
            self.video_delay = self.audio_delay = 0.0
            return
        if self.audio_delay > 0 or self._gap < -DEAD_BAND:
            # The voice is (or was) ahead: it is held, pictures are not.
            self.video_delay = _towards(self.video_delay, 0.0)
            # The voice's extra delay shows in the offset only as the buffer steers to it: half
            # the error at a time, as WebRTC does, so it does not overshoot.
            error = self.offset if self.video_delay == 0 else 0.0
            step = _step(error, gain=0.5)
            self.audio_delay = min(MAX_AUDIO_DELAY, max(0.0, self.audio_delay - step))
        else:
            self.video_delay = _towards(self.video_delay, min(MAX_VIDEO_DELAY, max(0.0, self._gap)))

    def state(self, now: float) -> SyncState:
        stale = self._measured_at is None or now - self._measured_at > STALE
        offset = None if stale or self.offset is None else round(self.offset * 1000, 1)
        return SyncState(offset, self.video_delay * 1000, self.audio_delay * 1000)


def _step(error: float, gain: float = 1.0) -> float:
    """A move of ``gain`` times the error, at most ``MAX_STEP``, none inside the dead band."""
    if abs(error) < DEAD_BAND:
        return 0.0
    return max(-MAX_STEP, min(MAX_STEP, error * gain))


def _towards(current: float, desired: float) -> float:
    return max(0.0, current + _step(desired - current))
