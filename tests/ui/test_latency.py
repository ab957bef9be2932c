"""The receiver's latency stamps: the jitter buffer's wait and the decode, per frame."""

from __future__ import annotations

from aiortc.rtp import RtpPacket

from app.engine.jitterbuffer import FrameJitterBuffer
from app.engine.latency import LatencyMeter
from tests.helpers import Clock

KEY = bytes([0x10, 0x00, 0x00]) + b"\x9d\x01\x2a"


def packet(seq: int, timestamp: int, marker: bool, data: bytes) -> RtpPacket:
    made = RtpPacket(
        payload_type=96, marker=marker, sequence_number=seq, timestamp=timestamp, ssrc=1
    )
    made._data = data
    return made


def test_jitter_wait_runs_from_the_first_packet_to_the_frame_completing() -> None:
    clock = Clock(100.0)
    buffer = FrameJitterBuffer(clock=clock)
    meter = LatencyMeter(clock=clock)
    meter.buffer = buffer
    first_ts = 4_294_960_000  # the RTP timestamp wraps during the stream
    for index in range(3):
        ts = (first_ts + index * 3000) & 0xFFFFFFFF
        assert buffer.add(packet(10 + 2 * index, ts, False, KEY + b"a"))[1] is None
        clock.now += 0.005  # the frame's second packet comes 5 ms later
        assert buffer.add(packet(11 + 2 * index, ts, True, b"b"))[1] is not None
        clock.now += 0.002  # decoding takes 2 ms
        meter.frame_decoded(index * 3000)  # the decoded frame's pts: aiortc's mapped timestamp
        clock.now += 0.026
    breakdown = meter.snapshot()
    assert breakdown is not None and breakdown.frames == 3
    assert abs(breakdown.jitter_buffer_ms - 5) < 0.01 and abs(breakdown.decode_ms - 2) < 0.01
    assert buffer.timing == {}  # nothing left waiting
    meter.frame_decoded(123456)  # a frame the buffer never stamped is not counted
    assert meter.snapshot().frames == 3
