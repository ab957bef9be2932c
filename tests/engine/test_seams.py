"""The aiortc seams against aiortc's own classes (no network)."""

from __future__ import annotations

import queue
import types

from aiortc import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import RTCRtpReceiver
from aiortc.rtp import RtpPacket

from app.engine import _aiortc_seams as seams
from app.engine.jitterbuffer import FrameJitterBuffer

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)


def vp8_frame_packet(index: int) -> RtpPacket:
    """A frame that fits in one packet (as a small or static picture does), VP8 descriptor
    included; frame 0 is a keyframe."""
    descriptor = bytes([0x10])  # S=1, partition 0
    tag = bytes([0x10, 0x00, 0x00]) + b"\x9d\x01\x2a" if index == 0 else bytes([0x11, 0, 0])
    return RtpPacket(
        payload_type=96,
        marker=True,
        sequence_number=1000 + index,
        timestamp=3000 * index,
        ssrc=1234,
        payload=descriptor + tag + index.to_bytes(4, "big"),
    )


async def test_a_packet_that_completes_two_frames_sends_both_to_the_decoder() -> None:
    seams.install()
    transport = types.SimpleNamespace(state="new")
    receiver = RTCRtpReceiver("video", transport)  # type: ignore[arg-type]
    receiver._RTCRtpReceiver__codecs[96] = VP8
    receiver._RTCRtpReceiver__decoder_thread = object()  # decoding is not what is tested
    decoder: queue.Queue = receiver._RTCRtpReceiver__decoder_queue
    seams.use_jitter_buffer(receiver, FrameJitterBuffer())

    order = [0, 1, 3, 2, 4, 5]  # frame 3 overtakes frame 2 on the way
    decoded_after = []
    for index in order:
        await receiver._handle_rtp_packet(vp8_frame_packet(index), arrival_time_ms=0)
        got = []
        while not decoder.empty():
            _codec, frame = decoder.get_nowait()
            got.append(int.from_bytes(frame.data[-4:], "big"))
        decoded_after.append(got)

    # Frame 2 completes frames 2 and 3: both go to the decoder then, not 3 a packet later
    # (which, one packet a frame, would hold every later frame back a frame for good).
    assert decoded_after == [[0], [1], [], [2, 3], [4], [5]]


async def test_sender_reports_reach_the_watcher_and_decoded_frames_get_their_timestamps() -> None:
    from aiortc.rtp import RtcpSenderInfo, RtcpSrPacket

    seams.install()
    transport = types.SimpleNamespace(state="new", _stats_id="t")
    receiver = RTCRtpReceiver("video", transport)  # type: ignore[arg-type]
    reports = []
    assert seams.watch_sender_reports(receiver, lambda *report: reports.append(report))
    info = RtcpSenderInfo(
        ntp_timestamp=123 << 32, rtp_timestamp=4_000_000_000, packet_count=0, octet_count=0
    )
    await receiver._handle_rtcp_packet(RtcpSrPacket(ssrc=77, sender_info=info))
    assert reports == [(77, 123 << 32, 4_000_000_000)]

    assert seams.decoded_rtp_timestamp(receiver, 0) is None  # nothing decoded yet
    mapper = receiver._RTCRtpReceiver__timestamp_mapper
    assert mapper.map(4_294_960_000) == 0
    assert mapper.map(3000) == 10_296  # wrapped
    assert seams.decoded_rtp_timestamp(receiver, 10_296) == 3000
