"""The frame-releasing jitter buffer against shuffled, dropped, duplicated and late packets."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from aiortc.rtp import RtpPacket
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.jitterbuffer import FrameJitterBuffer, is_keyframe
from tests.helpers import Clock

TICK = 3000  # 90 kHz at 30 fps


@dataclass
class Frame:
    index: int
    timestamp: int
    chunks: list[bytes]
    keyframe: bool

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


def vp8_chunks(index: int, keyframe: bool, count: int) -> list[bytes]:
    tag = bytes([0x10, 0x00, 0x00]) + b"\x9d\x01\x2a" if keyframe else bytes([0x11, 0x00, 0x00])
    body = index.to_bytes(4, "big")
    return [tag + body + b"a"] + [body + bytes([i]) for i in range(1, count)]


def make_stream(rng: random.Random, frames: int, first_seq: int, first_ts: int):
    """Frames and their packets in send order (sequence numbers and timestamps may wrap)."""
    made, packets, seq = [], [], first_seq
    for index in range(frames):
        keyframe = index == 0 or rng.random() < 0.1
        chunks = vp8_chunks(index, keyframe, rng.randint(1, 5))
        frame = Frame(index, (first_ts + index * TICK) & 0xFFFFFFFF, chunks, keyframe)
        made.append(frame)
        for i, chunk in enumerate(chunks):
            packet = RtpPacket(
                payload_type=96,
                marker=i == len(chunks) - 1,
                sequence_number=seq & 0xFFFF,
                timestamp=frame.timestamp,
                ssrc=1234,
                payload=chunk,
            )
            packet._data = chunk
            packets.append((index, packet))
            seq += 1
    return made, packets


def feed(buffer: FrameJitterBuffer, clock: Clock, schedule):
    """Deliver (time, packet) in order as the receiver does (``add``, then ``take_ready``);
    return the released frames and the PLI count."""
    released, plis = [], 0
    for at, packet in schedule:
        clock.now = at
        pli, frame = buffer.add(packet)
        plis += pli
        if frame is not None:
            released.append(frame)
        released.extend(more for more, _payload_type in buffer.take_ready())
    return released, plis


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    first_seq=st.integers(0, 0xFFFF),
    first_ts=st.integers(0, 0xFFFFFFFF),
    shuffle=st.floats(0, 0.5),
    duplicate=st.floats(0, 0.2),
)
def test_reordered_and_duplicated_packets_give_every_frame_once_in_order(
    seed: int, first_seq: int, first_ts: int, shuffle: float, duplicate: float
) -> None:
    rng = random.Random(seed)
    frames, packets = make_stream(rng, 60, first_seq, first_ts)
    schedule = [(i / 100, p) for i, (_, p) in enumerate(packets)]
    start = len(frames[0].chunks)  # the first frame arrives whole (see the test below)
    for i in range(start, len(schedule) - 1):  # swap neighbours: reorder in a short window
        if rng.random() < shuffle:
            schedule[i], schedule[i + 1] = (
                (schedule[i][0], schedule[i + 1][1]),
                (schedule[i + 1][0], schedule[i][1]),
            )
    for i in range(len(schedule) - 1, start, -1):
        if rng.random() < duplicate:
            schedule.insert(
                min(len(schedule), i + rng.randint(1, 6)), (schedule[i][0], schedule[i][1])
            )
    schedule.sort(key=lambda item: item[0])
    clock = Clock()
    buffer = FrameJitterBuffer(clock=clock)
    released, plis = feed(buffer, clock, schedule)
    assert [f.data for f in released] == [f.data for f in frames]
    assert plis == 0 and buffer.stats.frames_lost == 0


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    first_seq=st.integers(0xFF00, 0xFFFF),
    first_ts=st.integers(0xFFFF0000, 0xFFFFFFFF),
    losses=st.integers(1, 4),
    recovered=st.booleans(),
)
def test_loss_is_recovered_by_retransmission_or_skipped_to_a_keyframe(
    seed: int, first_seq: int, first_ts: int, losses: int, recovered: bool
) -> None:
    rng = random.Random(seed)
    frames, packets = make_stream(rng, 90, first_seq, first_ts)
    schedule = [(i / 100, p, index) for i, (index, p) in enumerate(packets)]
    lost = sorted(rng.sample(range(10, len(schedule) - 20), losses))
    retransmitted = []
    for position in reversed(lost):
        at, packet, index = schedule.pop(position)
        if recovered:  # a NACK brings it back within the loss timeout
            retransmitted.append((at + 0.05, packet, index))
    schedule = sorted(schedule + retransmitted, key=lambda item: item[0])
    clock = Clock()
    buffer = FrameJitterBuffer(clock=clock, loss_timeout=0.15)
    released, plis = feed(buffer, clock, [(at, p) for at, p, _ in schedule])
    by_data = {f.data: f for f in frames}
    indexes = [by_data[f.data].index for f in released]
    assert indexes == sorted(set(indexes)), "in order, each once, never corrupted"
    if recovered:
        assert plis == 0 and len(released) == len(frames)
    else:
        assert plis >= 1
        damaged = {packets[position][0] for position in lost}
        assert not damaged & set(indexes), "a frame with a lost packet is never released"
        for previous, current in itertools.pairwise(indexes):
            if current != previous + 1:  # after a skip, decoding restarts on a keyframe
                assert frames[current].keyframe


def test_a_reordered_first_frame_is_never_released_half() -> None:
    rng = random.Random(5)
    frames, packets = make_stream(rng, 40, 7, 0)
    while len(frames[0].chunks) < 2:
        frames, packets = make_stream(rng, 40, 7, 0)
    schedule = [p for _, p in packets]
    schedule[0], schedule[1] = schedule[1], schedule[0]  # the second packet comes first
    clock = Clock()
    buffer = FrameJitterBuffer(clock=clock)
    released = []
    for i, packet in enumerate(schedule):
        clock.now = i / 100
        _pli, frame = buffer.add(packet)
        if frame is not None:
            released.append(frame.data)
    originals = [f.data for f in frames]
    assert released and all(data in originals for data in released)  # nothing corrupt
    if released[0] != originals[0]:
        assert buffer.stats.keyframe_requests >= 1
        assert released[0] == next(f.data for f in frames if f.keyframe and f.index > 0)


def test_in_order_frames_leave_on_their_last_packet() -> None:
    frames, packets = make_stream(random.Random(1), 20, 65530, 0xFFFFFF00)
    clock = Clock()
    buffer = FrameJitterBuffer(clock=clock)
    for position, (index, packet) in enumerate(packets):
        pli, frame = buffer.add(packet)
        last_of_frame = position + 1 == len(packets) or packets[position + 1][0] != index
        assert (frame is not None) == last_of_frame  # no waiting for the next frame
        if frame is not None:
            assert frame.data == frames[index].data and frame.timestamp == frames[index].timestamp
        assert not pli


def test_late_packets_are_dropped_and_memory_is_bounded() -> None:
    _, packets = make_stream(random.Random(2), 30, 100, 0)
    clock = Clock()
    buffer = FrameJitterBuffer(clock=clock, capacity=16)
    feed(buffer, clock, [(0.0, p) for _, p in packets[:20]])
    _, stale = packets[0]
    assert buffer.add(stale) == (False, None)
    assert buffer.stats.late == 1
    # A burst it cannot place: it starts over and asks for a keyframe instead of growing.
    _, burst = make_stream(random.Random(3), 40, 5000, 99)
    results = [buffer.add(p) for _, p in burst[1:]]  # the first packet (of a keyframe) missing
    assert any(pli for pli, _ in results)
    assert len(buffer._packets) <= 16 and buffer.stats.resets >= 1


def test_keyframe_detection() -> None:
    assert is_keyframe(vp8_chunks(0, True, 1)[0])
    assert not is_keyframe(vp8_chunks(1, False, 1)[0])
    assert is_keyframe(b"\x00\x00\x00\x01\x67\x42" + b"\x00\x00\x00\x01\x68\xce")  # SPS, PPS
    assert is_keyframe(b"\x00\x00\x01\x65\x88")  # IDR slice
    assert not is_keyframe(b"\x00\x00\x00\x01\x41\x9a")  # non-IDR slice
    assert not is_keyframe(b"")
