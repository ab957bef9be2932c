"""Stream quality from ``getStats()``: rates over the last interval and a level.

The level is the best one whose limits all hold for the interval's packet loss, round-trip
time and jitter (a missing figure does not count against it):

=========  ===========  ========  ==========
level      packet loss  RTT       jitter
=========  ===========  ========  ==========
EXCELLENT  < 1 %        < 100 ms  < 20 ms
GOOD       < 3 %        < 200 ms  < 40 ms
MEDIUM     < 8 %        < 400 ms  < 80 ms
BAD        < 20 %       < 800 ms  < 150 ms
DIE        anything worse, or no packets at all in the interval while connected
UNKNOWN    not connected yet, or no figures yet
=========  ===========  ========  ==========
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.media._track import AUDIO_RATE, VIDEO_CLOCK_RATE

from .data import QualityLevel, StreamQuality

THRESHOLDS: tuple[tuple[QualityLevel, float, float, float], ...] = (
    (QualityLevel.EXCELLENT, 0.01, 100.0, 20.0),
    (QualityLevel.GOOD, 0.03, 200.0, 40.0),
    (QualityLevel.MEDIUM, 0.08, 400.0, 80.0),
    (QualityLevel.BAD, 0.20, 800.0, 150.0),
)
_CLOCK_RATE = {"video": VIDEO_CLOCK_RATE, "audio": AUDIO_RATE}


def grade(loss: float | None, rtt_ms: float | None, jitter_ms: float | None) -> QualityLevel:
    if loss is None and rtt_ms is None and jitter_ms is None:
        return QualityLevel.UNKNOWN
    for level, max_loss, max_rtt, max_jitter in THRESHOLDS:
        if (
            (loss is None or loss < max_loss)
            and (rtt_ms is None or rtt_ms < max_rtt)
            and (jitter_ms is None or jitter_ms < max_jitter)
        ):
            return level
    return QualityLevel.DIE


@dataclass
class _Totals:
    bytes: dict[str, int]
    packets: int
    lost: int
    frames: int
    at: float


class QualityMeter:
    """Turns successive stats reports of one stream into StreamQuality figures."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        self._previous: _Totals | None = None

    def _rates(self, totals: _Totals) -> tuple[float, dict[str, float], float | None, int]:
        prev, self._previous = self._previous, totals
        if prev is None:
            return 0.0, {"video": 0.0, "audio": 0.0}, None, totals.packets
        elapsed = max(totals.at - prev.at, 1e-3)
        kbps = {
            k: max(0, totals.bytes[k] - prev.bytes[k]) * 8 / 1000 / elapsed for k in totals.bytes
        }
        fps = max(0, totals.frames - prev.frames) / elapsed
        packets = max(0, totals.packets - prev.packets)
        lost = max(0, totals.lost - prev.lost)
        loss = lost / (packets + lost) if packets + lost else None
        return fps, kbps, loss, packets

    def publisher(
        self,
        reports: list[Any],
        *,
        frames: int,
        width: int,
        height: int,
        codec: str,
    ) -> StreamQuality:
        """From the stats of every player's peer connection of one published stream."""
        sent = {"video": 0, "audio": 0}
        packets = lost = 0
        rtts: list[float] = []
        jitters: list[float] = []
        for report in reports:
            for stats in report.values():
                if stats.type == "outbound-rtp" and stats.kind in sent:
                    sent[stats.kind] += stats.bytesSent
                    packets += stats.packetsSent
                elif stats.type == "remote-inbound-rtp":
                    lost += max(0, stats.packetsLost)
                    if stats.roundTripTime:
                        rtts.append(stats.roundTripTime * 1000)
                    if stats.kind in _CLOCK_RATE and stats.jitter is not None:
                        jitters.append(stats.jitter / _CLOCK_RATE[stats.kind] * 1000)
        peers = len(reports)
        fps, kbps, loss, _ = self._rates(_Totals(sent, packets, lost, frames, time.monotonic()))
        rtt = max(rtts) if rtts else None
        jitter = max(jitters) if jitters else None
        level = grade(loss, rtt, jitter) if peers else QualityLevel.UNKNOWN
        return StreamQuality(
            stream_id=self.stream_id,
            width=width,
            height=height,
            fps=round(fps, 1),
            # Per player: what each one receives.
            video_kbps=round(kbps["video"] / peers, 1) if peers else 0.0,
            audio_kbps=round(kbps["audio"] / peers, 1) if peers else 0.0,
            packet_loss=round(loss or 0.0, 4),
            rtt_ms=round(rtt, 1) if rtt is not None else None,
            jitter_ms=round(jitter, 1) if jitter is not None else None,
            level=level,
            peers=peers,
            frames=frames,
            codec=codec,
        )

    def player(
        self,
        report: Any | None,
        *,
        frames: int,
        width: int,
        height: int,
        rtt_ms: float | None,
        codec: str,
        received: dict[str, int],
    ) -> StreamQuality:
        """From the stats of the one peer connection playing a stream, and the bytes each
        kind's receiver has counted."""
        received = {"video": received.get("video", 0), "audio": received.get("audio", 0)}
        packets = lost = 0
        jitters: list[float] = []
        for stats in (report or {}).values():
            if stats.type == "inbound-rtp" and stats.kind in received:
                packets += stats.packetsReceived
                lost += max(0, stats.packetsLost)
                if stats.kind in _CLOCK_RATE:
                    jitters.append(stats.jitter / _CLOCK_RATE[stats.kind] * 1000)
        had_previous = self._previous is not None
        fps, kbps, loss, new_packets = self._rates(
            _Totals(received, packets, lost, frames, time.monotonic())
        )
        jitter = max(jitters) if jitters else None
        if report is None:
            level = QualityLevel.UNKNOWN
        elif had_previous and packets and not new_packets:
            level = QualityLevel.DIE  # connected, but nothing arrived all interval
        else:
            level = grade(loss, rtt_ms, jitter)
        return StreamQuality(
            stream_id=self.stream_id,
            width=width,
            height=height,
            fps=round(fps, 1),
            video_kbps=round(kbps["video"], 1),
            audio_kbps=round(kbps["audio"], 1),
            packet_loss=round(loss or 0.0, 4),
            rtt_ms=round(rtt_ms, 1) if rtt_ms is not None else None,
            jitter_ms=round(jitter, 1) if jitter is not None else None,
            level=level,
            peers=1 if report is not None else 0,
            frames=frames,
            codec=codec,
        )
