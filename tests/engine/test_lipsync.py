"""Lip sync's rules, without sockets: sender clocks from RTCP reports, the offset, the delays
that close it (bounded, smoothed), and nothing at all when a half is missing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.engine import _lipsync as ls
from app.engine._audio_jitter import AudioJitterBuffer
from app.engine._lipsync import LipSync, SenderClock

SENDER_EPOCH = 3_900_000_000.0
"""The sender's wall clock (NTP seconds) at its capture time 0."""
RECEIVER_SKEW = -3_899_990_000.0
"""Receiver clock minus sender clock: unknown to the receiver, it must cancel out."""


def ntp(seconds: float) -> int:
    return int(seconds * (1 << 32))


def test_a_sender_clock_maps_rtp_timestamps_through_the_reports() -> None:
    clock = SenderClock(90_000)
    assert clock.capture_time(1234) is None
    clock.add(1, 0, 0)  # aiortc's reports before the first packet: nothing to map
    assert not clock.known
    base = 4_294_000_000  # wraps 32 bits within a few seconds
    for second in range(4):
        waited = 0.003 if second % 2 else 0.0  # some reports' packets waited to go out
        rtp = (base + second * 90_000) & 0xFFFFFFFF
        clock.add(1, ntp(SENDER_EPOCH + second + waited), rtp)
    later = (base + int(4.5 * 90_000)) & 0xFFFFFFFF  # past the wrap
    assert clock.capture_time(later) == pytest.approx(SENDER_EPOCH + 4.5, abs=1e-4)
    # A report repeated or older than the newest changes nothing.
    clock.add(1, ntp(SENDER_EPOCH + 1), base)
    assert clock.capture_time(later) == pytest.approx(SENDER_EPOCH + 4.5, abs=1e-4)


def test_a_restarted_sender_starts_the_clock_again() -> None:
    clock = SenderClock(48_000)
    clock.add(1, ntp(SENDER_EPOCH), 0)
    clock.add(1, ntp(SENDER_EPOCH + 1), 48_000)
    clock.add(1, ntp(SENDER_EPOCH + 2), 999_000_000)  # its RTP clock jumped
    assert clock.capture_time(999_048_000) == pytest.approx(SENDER_EPOCH + 3, abs=1e-4)
    clock.add(2, ntp(SENDER_EPOCH + 3), 5)  # another SSRC: the old reports mean nothing
    assert clock.capture_time(48_005) == pytest.approx(SENDER_EPOCH + 4, abs=1e-4)


class Call:
    """A simulated stream: the voice takes ``audio_ms`` from capture to ear, the picture
    ``video_ms`` to decoding; the sync's own delays are added as the player applies them."""

    def __init__(self, sync: LipSync, *, audio_ms: float, video_ms: float) -> None:
        self.sync = sync
        self.audio = audio_ms / 1000
        self.video = video_ms / 1000
        self.now = 0.0  # sender capture time of "now" at the receiver, before skew
        self.holds: list[float] = []
        self.audio_delays: list[float] = []
        self.reports = True
        self.heard = True

    def audio_point(self, at: float) -> tuple[float, int] | None:
        if not self.heard:
            return None
        delay = self.audio + self.sync.audio_delay
        return at + RECEIVER_SKEW, int((at - delay) * 48_000) & 0xFFFFFFFF

    def run(self, seconds: float) -> None:
        frames = int(seconds * 30)
        for _ in range(frames):
            self.now += 1 / 30
            captured = self.now - self.video
            if self.reports and int(self.now * 30) % 30 == 0:
                self.sync.video_clock.add(7, ntp(SENDER_EPOCH + captured), int(captured * 90_000))
                at = self.now - self.audio
                self.sync.audio_clock.add(8, ntp(SENDER_EPOCH + at), int(at * 48_000))
            rtp = int(captured * 90_000) & 0xFFFFFFFF
            decoded = self.now + RECEIVER_SKEW
            hold = self.sync.video_decoded(rtp, decoded, self.audio_point(self.now))
            self.holds.append(hold)
            self.audio_delays.append(self.sync.audio_delay)
            shown = self.now + hold
            self.sync.video_presented(rtp, shown + RECEIVER_SKEW, self.audio_point(shown))

    @property
    def offset_ms(self) -> float | None:
        return self.sync.state(self.now + RECEIVER_SKEW).offset_ms


def _steps(values: list[float]) -> float:
    return max(abs(b - a) for a, b in itertools.pairwise(values))


def test_pictures_wait_for_a_voice_that_is_behind_smoothly() -> None:
    call = Call(LipSync(), audio_ms=100, video_ms=10)
    call.run(2.5)
    assert call.offset_ms == pytest.approx(90, abs=2)  # measured before anything moved
    call.run(10)
    assert call.sync.video_delay == pytest.approx(0.09, abs=0.006)
    assert abs(call.offset_ms) < 6
    assert call.sync.audio_delay == 0
    assert _steps(call.holds) <= ls.MAX_STEP + 1e-9  # never more than 40 ms at once
    assert max(call.holds) <= 0.09 + ls.DEAD_BAND  # no overshoot


def test_the_hold_is_bounded() -> None:
    call = Call(LipSync(), audio_ms=1000, video_ms=10)
    call.run(20)
    assert ls.MAX_VIDEO_DELAY - ls.DEAD_BAND <= call.sync.video_delay <= ls.MAX_VIDEO_DELAY
    assert max(call.holds) <= ls.MAX_VIDEO_DELAY
    offset = call.offset_ms
    assert offset == pytest.approx(990 - 1000 * call.sync.video_delay, abs=2)  # still reported


def test_a_voice_ahead_of_the_picture_waits_in_the_audio_buffer() -> None:
    call = Call(LipSync(), audio_ms=40, video_ms=140)
    call.run(12)
    assert call.sync.video_delay == 0
    assert call.sync.audio_delay == pytest.approx(0.1, abs=0.006)
    assert abs(call.offset_ms) < 6
    assert _steps(call.audio_delays) <= ls.MAX_STEP + 1e-9
    # The picture speeds up: the voice gives its delay back, then the picture is held.
    call.video = 0.01
    call.run(12)
    assert call.sync.audio_delay == 0
    assert call.sync.video_delay == pytest.approx(0.03, abs=0.006)


def test_the_voice_is_held_at_most_its_bound() -> None:
    call = Call(LipSync(), audio_ms=10, video_ms=600)
    call.run(20)
    assert ls.MAX_AUDIO_DELAY - ls.DEAD_BAND <= call.sync.audio_delay <= ls.MAX_AUDIO_DELAY
    assert max(call.audio_delays) <= ls.MAX_AUDIO_DELAY


def test_switched_off_it_measures_but_holds_nothing() -> None:
    call = Call(LipSync(enabled=False), audio_ms=100, video_ms=10)
    call.run(6)
    assert call.offset_ms == pytest.approx(90, abs=2)
    assert max(call.holds) == 0 and call.sync.audio_delay == 0


def test_no_sender_report_no_sync() -> None:
    call = Call(LipSync(), audio_ms=100, video_ms=10)
    call.reports = False
    call.run(5)
    assert call.offset_ms is None
    assert max(call.holds) == 0


@pytest.mark.parametrize("missing", ["audio", "video"])
def test_one_half_alone_is_not_synchronised(missing: str) -> None:
    sync = LipSync()
    call = Call(sync, audio_ms=100, video_ms=10)
    if missing == "audio":
        call.heard = False  # video only (or no speaker, or muted)
        call.run(5)
    else:
        call.reports = True
        for second in range(5):  # audio only: reports and sound, never a picture
            sync.audio_clock.add(8, ntp(SENDER_EPOCH + second), second * 48_000)
    assert call.offset_ms is None
    assert sync.video_delay == 0 and sync.audio_delay == 0


def test_audio_going_quiet_releases_the_pictures() -> None:
    call = Call(LipSync(), audio_ms=100, video_ms=10)
    call.run(8)
    assert call.sync.video_delay > 0.05
    call.heard = False  # muted, the speaker closed
    call.run(2.5)
    assert call.sync.video_delay == 0
    assert call.offset_ms is None


def test_the_audio_buffer_keeps_the_extra_delay_it_is_asked_for() -> None:
    buffer = AudioJitterBuffer()
    assert buffer.extra_delay_ms == 0
    buffer.extra_delay_ms = 60
    assert buffer.extra_delay_ms == pytest.approx(60)
    buffer.extra_delay_ms = -5
    assert buffer.extra_delay_ms == 0


def test_an_audio_packet_leaves_a_packet_after_its_first_sample() -> None:
    """aiortc reports the timestamp of the last packet sent (its first sample) with the time
    it left: after its last sample was captured. ``lead`` takes that duration out."""
    clock = SenderClock(48_000, lead=960)
    clock.add(1, ntp(SENDER_EPOCH + 0.020), 0)  # captured from 0, sent at 20 ms
    assert clock.capture_time(0) == pytest.approx(SENDER_EPOCH, abs=1e-4)


def test_the_audio_buffer_steers_up_to_its_extra_delay_and_back() -> None:
    from tests.engine.test_audio_jitter import Clock, opus_packets, play, steady

    clock = Clock()
    buffer = AudioJitterBuffer(clock=clock)
    packets = opus_packets(12)
    _, before = play(buffer, clock, steady(packets[:200]), 4)
    base = float(np.median(before[-100:]))
    heard = buffer.play_point
    assert heard is not None and heard[0] == clock.now
    # What is heard lags what has arrived by about the level.
    newest = packets[199].timestamp + 960
    assert (newest - heard[1]) / 48 == pytest.approx(base, abs=15)
    buffer.extra_delay_ms = 60
    later = [(t - 4.0, p) for t, p in steady(packets)[200:400]]
    _, held = play(buffer, clock, later, 4)
    assert float(np.median(held[-50:])) == pytest.approx(base + 60, abs=15)
    assert buffer.stats["stretched_ms"] >= 40  # stretched there, never a gap
    buffer.extra_delay_ms = 0
    rest = [(t - 8.0, p) for t, p in steady(packets)[400:]]
    _, after = play(buffer, clock, rest, 3.5)
    assert float(np.median(after[-50:])) == pytest.approx(base, abs=15)
