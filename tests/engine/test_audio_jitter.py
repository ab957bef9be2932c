"""The adaptive audio jitter buffer with real Opus packets and a fake clock: one packet every
20 ms (or late, lost, reordered), the speaker reading 10 ms at a time."""

from __future__ import annotations

import fractions
import itertools
from dataclasses import dataclass

import av
import numpy as np
import pytest

from app.engine._audio_jitter import PACKET, AudioJitterBuffer, OpusDecoder
from app.media import dominant_frequency

RATE = 48_000
TONE = 440.0


@dataclass
class Packet:
    sequence_number: int
    timestamp: int
    payload: bytes


def opus_packets(seconds: float, *, fec: bool = True, first_ts: int = 1000) -> list[Packet]:
    """A 440 Hz tone as Opus packets, encoded as the engine's publisher does (FEC on)."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.bit_rate = 64000
    encoder.format = "s16"
    encoder.layout = "mono"
    encoder.sample_rate = RATE
    encoder.time_base = fractions.Fraction(1, RATE)
    encoder.options = {"application": "voip", "fec": "1" if fec else "0", "packet_loss": "10"}
    packets = []
    for i in range(int(seconds * RATE / PACKET)):
        t = (np.arange(PACKET) + i * PACKET) / RATE
        samples = (8000 * np.sin(2 * np.pi * TONE * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts = RATE, i * PACKET
        for encoded in encoder.encode(frame):
            number = len(packets)
            ts = (first_ts + number * PACKET) % (1 << 32)
            packets.append(Packet(number % 65536, ts, bytes(encoded)))
    return packets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def play(
    buffer: AudioJitterBuffer,
    clock: Clock,
    packets: list[tuple[float, Packet]],
    seconds: float,
) -> tuple[np.ndarray, list[float]]:
    """Deliver each (arrival time, packet) at its time while the speaker reads 10 ms every
    10 ms; returns what was played and the level after each read (ms)."""
    pending = sorted(packets, key=lambda item: item[0])
    start = clock.now
    out, levels = [], []
    index = 0
    for step in range(int(seconds * 100)):
        clock.now = start + step * 0.01
        while index < len(pending) and pending[index][0] <= clock.now - start:
            buffer.add(pending[index][1])
            index += 1
        block = buffer.read(480)
        out.append(block if block is not None else np.zeros(480, np.int16))
        levels.append(buffer.level_ms)
    return np.concatenate(out), levels


def steady(packets: list[Packet], offset: float = 0.0) -> list[tuple[float, Packet]]:
    return [(offset + 0.02 * i + 0.001, p) for i, p in enumerate(packets)]


def test_a_clean_path_plays_the_tone_with_little_buffered() -> None:
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    played, levels = play(buffer, clock, steady(opus_packets(4)), 4)
    assert abs(dominant_frequency(played[RATE:]) - TONE) < 5
    assert buffer.stats["concealed_ms"] == 0
    assert max(levels[100:-10]) <= 40  # a packet and a block, not aiortc's 80 ms and more
    assert buffer.target_ms < 10


def test_delay_returns_to_its_clean_value_after_jitter_and_loss() -> None:
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = opus_packets(20)
    rng = np.random.default_rng(3)
    timed = []
    for i, packet in enumerate(packets):
        arrival = 0.02 * i + 0.001
        if 150 <= i < 300:  # 3 s of trouble: 10 % lost, the rest up to 80 ms late
            if rng.random() < 0.1:
                continue
            arrival += rng.uniform(0, 0.08)
        timed.append((arrival, packet))
    played, levels = play(buffer, clock, timed, 20)
    clean = float(np.mean(levels[200:290]))  # before the trouble (levels are per 10 ms)
    during = max(levels[300:600])
    after = float(np.mean(levels[1800:1990]))  # 12 s after it ended
    assert during > clean + 20  # it grew to ride out the jitter
    assert after < clean + 5  # and gave the delay back
    assert buffer.target_ms < 10
    assert buffer.stats["accelerated_ms"] > 20
    assert abs(dominant_frequency(played[-RATE:]) - TONE) < 5


def test_a_lost_packet_is_recovered_from_fec_and_a_burst_is_concealed() -> None:
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = opus_packets(3)
    lost = {60, 100, 101, 102}
    timed = [(t, p) for t, p in steady(packets) if p.sequence_number not in lost]
    played, _ = play(buffer, clock, timed, 3)
    assert buffer.stats["fec"] >= 2  # 60 and 102 are followed by their next packet
    assert buffer.stats["concealed_ms"] > 0
    # No hole: every 10 ms has sound in it (PLC fades over a burst, it does not stop).
    blocks = played[RATE : RATE * 5 // 2].reshape(-1, 480).astype(np.float64)
    assert np.sqrt((blocks**2).mean(axis=1)).min() > 100


def test_reordered_packets_are_covered_by_fec_and_timestamps_wrap() -> None:
    """On a path this clean, a packet overtaken by the next one is due before it arrives:
    the next packet's FEC stands in for it (no PLC), as NetEq does below its quantile."""
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = opus_packets(2, first_ts=(1 << 32) - 30 * PACKET)
    timed = steady(packets)
    for i in range(20, 80, 10):  # swap neighbours
        (t1, p1), (t2, p2) = timed[i], timed[i + 1]
        timed[i], timed[i + 1] = (t1, p2), (t2, p1)
    played, _ = play(buffer, clock, timed, 2)
    assert buffer.stats["late"] == buffer.stats["fec"] == 6
    assert buffer.stats["concealed_ms"] == 0
    assert abs(dominant_frequency(played[RATE // 2 :]) - TONE) < 5


def test_the_sender_pausing_starts_playout_again_without_a_backlog() -> None:
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = opus_packets(4)
    timed = [(t, p) for t, p in steady(packets) if not 50 <= p.sequence_number < 150]
    # After the pause the remaining packets come at once (a sender that queued them).
    timed = [(t if p.sequence_number < 150 else max(t, 3.0), p) for t, p in timed]
    _, levels = play(buffer, clock, timed, 4)
    assert max(levels[-40:]) <= 60


@pytest.mark.parametrize("fec", [True, False])
def test_the_decoder_conceals_with_plc_or_fec(fec: bool) -> None:
    decoder = OpusDecoder()
    assert decoder.has_plc
    packets = opus_packets(0.5, fec=fec)
    for packet in packets[:10]:
        decoder.decode(packet.payload)
    concealed = decoder.conceal(PACKET, packets[11].payload if fec else None)
    assert len(concealed) == PACKET
    assert np.abs(concealed).max() > 1000
    decoder.close()


def test_a_backlog_after_a_stall_is_worked_off_quickly() -> None:
    """Half a second of packets arrive at once (the receiving loop stalled): the pile is cut
    down towards the target within a second or two (not at 4 % speed over half a minute), and
    once the stall is out of the statistics the delay is back to a clean path's."""
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = opus_packets(10)
    timed = [(max(t, 1.5) if 50 <= p.sequence_number < 75 else t, p) for t, p in steady(packets)]
    played, levels = play(buffer, clock, timed, 10)
    assert max(levels[150:160]) > 400  # the stall did pile audio up
    assert max(levels[330:350]) < max(levels[150:160]) - 100  # cut down soon after
    assert max(levels[-100:]) < 60  # and the delay is a clean path's again
    assert abs(dominant_frequency(played[-RATE:]) - TONE) < 5


@pytest.mark.parametrize("fec", [True, False])
def test_the_shared_encoder_sends_fec_when_the_engine_asks(fec: bool) -> None:
    """A published stream's one Opus encoder (``_encoder.SharedEncoder``, which aiortc's
    encoder seam never sees) is opened with the engine's FEC options: its packets carry the
    previous one's coarse copy (LBRR) when FEC is on, and none when it is off."""
    import ctypes

    from app.engine._audio_jitter import libopus
    from app.engine._encoder import _OpusCodec

    has_lbrr = getattr(libopus(), "opus_packet_has_lbrr", None)
    if has_lbrr is None:
        pytest.skip("this libopus has no opus_packet_has_lbrr (1.5 and later do)")
    has_lbrr.argtypes = [ctypes.c_char_p, ctypes.c_int32]
    codec = _OpusCodec(fec=fec)
    encoded = _encode(codec, 50)
    with_fec = sum(has_lbrr(data, len(data)) == 1 for data in encoded[5:])
    # (libopus picks a mode per packet, and only its SILK and hybrid modes carry FEC.)
    if fec:
        assert with_fec >= 10
        # Planned for no loss (the players report none), the bits go to the voice instead.
        codec.loss = 0
        assert sum(has_lbrr(data, len(data)) == 1 for data in _encode(codec, 50)[5:]) == 0
    else:
        assert with_fec == 0


def _encode(codec, packets: int, amplitude: float = 8000) -> list[bytes]:
    encoded = []
    for i in range(packets):
        t = (np.arange(PACKET) + i * PACKET) / RATE
        samples = (amplitude * np.sin(2 * np.pi * TONE * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts = RATE, i * PACKET
        encoded += [data for data, _pts in codec.encode(frame)]
    return encoded


def test_with_dtx_silence_sends_a_packet_every_400_ms_and_speech_every_20() -> None:
    from app.engine._encoder import _OpusCodec

    codec = _OpusCodec(fec=True, dtx=True)
    if codec._lib is None:
        pytest.skip("no libopus to drive directly")
    assert len(_encode(codec, 50)) >= 45  # a tone: every packet
    silent = _encode(codec, 100, amplitude=0)  # 2 s of silence
    assert 2 <= len(silent) <= 15
    plain = _OpusCodec(fec=True, dtx=False)
    assert len(_encode(plain, 100, amplitude=0)) == 100


def dtx_packets(*parts: tuple[float, float]) -> list[Packet]:
    """(seconds, amplitude) parts of a 440 Hz tone through the engine's Opus encoder with DTX:
    silence sends one packet every 400 ms, and the sequence numbers run on without a gap
    while the timestamps jump (RFC 7587: DTX is not loss)."""
    from app.engine._encoder import _OpusCodec

    codec = _OpusCodec(fec=True, dtx=True)
    if codec._lib is None:
        pytest.skip("no libopus to drive directly")
    packets: list[Packet] = []
    i = 0
    for seconds, amplitude in parts:
        for _ in range(int(seconds * RATE / PACKET)):
            t = (np.arange(PACKET) + i * PACKET) / RATE
            samples = (amplitude * np.sin(2 * np.pi * TONE * t)).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = RATE, i * PACKET
            for data, pts in codec.encode(frame):
                packets.append(Packet(len(packets), 1000 + pts, data))
            i += 1
    return packets


def test_dtx_silence_is_not_taken_for_loss_and_speech_after_it_comes_on_time() -> None:
    """With DTX, 2 s of silence arrive as a packet every 400 ms. The buffer plays comfort
    noise through the gaps instead of concealing them as lost packets, and the voice after
    the silence comes with the same delay as before it (NetEq tells DTX from loss the same
    way: the sequence numbers have no gap)."""
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = dtx_packets((2, 8000), (2, 0), (2, 8000))
    assert len(packets) < 250  # the silence did go out as DTX
    timed = [(p.timestamp / RATE - 1000 / RATE + 0.021, p) for p in packets]
    played, levels = play(buffer, clock, timed, 6)
    before = float(np.mean(levels[100:190]))
    after = float(np.mean(levels[450:590]))
    assert after < before + 5  # the silence left no extra delay behind
    assert buffer.stats["concealed_ms"] < 100  # the gaps were not mistaken for lost audio
    assert buffer.stats["underruns"] <= 2 and buffer.stats["dtx_ms"] > 1500
    assert buffer.stats["accelerated_ms"] < 100  # nor piled up and cut out afterwards
    # The voice starts again on time: 4 s in, plus the same delay as at the start.
    onset = int(np.argmax(np.abs(played[int(3.5 * RATE) :]) > 2000)) + int(3.5 * RATE)
    start = int(np.argmax(np.abs(played) > 2000))
    assert abs((onset - start) / RATE - 4.0) < 0.03
    assert abs(dominant_frequency(played[-RATE:]) - TONE) < 5


def test_a_packet_lost_right_after_dtx_costs_only_itself() -> None:
    """The first two packets after a DTX pause are lost: the sequence numbers say two are
    missing, so the rest of the timestamp gap was silence. The comfort noise played while
    waiting stands in for them, and the voice after them comes on time, not 40 ms late."""
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    packets = dtx_packets((2, 8000), (2, 0), (2, 8000))
    # The voice resumes after the last timestamp gap.
    gaps = [
        i
        for i, (a, b) in enumerate(itertools.pairwise(packets))
        if b.timestamp - a.timestamp > PACKET
    ]
    lost = {gaps[-1] + 1, gaps[-1] + 2}
    timed = [
        (p.timestamp / RATE - 1000 / RATE + 0.021, p)
        for i, p in enumerate(packets)
        if i not in lost
    ]
    played, levels = play(buffer, clock, timed, 6)
    assert float(np.mean(levels[450:590])) < float(np.mean(levels[100:190])) + 5
    assert buffer.stats["concealed_ms"] + 20 * buffer.stats["fec"] <= 60
    assert buffer.stats["accelerated_ms"] < 100
    onset = int(np.argmax(np.abs(played[int(3.5 * RATE) :]) > 2000)) + int(3.5 * RATE)
    start = int(np.argmax(np.abs(played) > 2000))
    assert abs((onset - start) / RATE - 4.04) < 0.03  # (the first 40 ms were lost)


@pytest.mark.parametrize("ppm", [500, -500])
def test_clock_drift_between_sender_and_speaker_builds_no_delay(ppm: int) -> None:
    """The sender's clock runs 500 ppm fast (or slow) against the speaker's, for 3 minutes
    (90 ms of drift, as much as an hour between two sound cards 25 ppm apart): the buffer
    cuts (or stretches) pitch periods as it goes, so the delay at the end is the delay at
    the start."""
    clock = Clock()
    buffer = AudioJitterBuffer(clock)
    tone = opus_packets(2)
    rate = 1 + ppm / 1e6
    timed = [
        (0.02 * i / rate + 0.001, Packet(i % 65536, 1000 + i * PACKET, tone[i % 100].payload))
        for i in range(3 * 60 * 50)
    ]
    played, levels = play(buffer, clock, timed, 3 * 60 - 1)
    first, last = float(np.mean(levels[200:3000])), float(np.mean(levels[-3000:]))
    assert abs(last - first) < 5
    adjusted = buffer.stats["accelerated_ms" if ppm > 0 else "stretched_ms"]
    assert adjusted > 45  # the 90 ms of drift was taken out as it came, not piled up
    assert buffer.stats["underruns"] <= 10
    assert abs(dominant_frequency(played[-RATE:]) - TONE) < 5
