"""The receiver's bandwidth estimate (REMB) seam: a floor while nothing is lost."""

from __future__ import annotations

from app.engine import _aiortc_seams as seams

FLOOR = seams.ESTIMATE_FLOOR


def feed(estimator: seams.FlooredEstimator, start_ms: int, seconds: float, *, lose_every=0):
    """30 packets a second of one SSRC (and its RTX stream); returns the estimates sent."""
    sent = []
    rtx_seq = 10
    for i in range(int(seconds * 30)):
        now = start_ms + i * 33
        seq = (65500 + now // 33) & 0xFFFF  # one stream across calls, wrapping at first
        if lose_every and i % lose_every == 0:
            continue
        estimator.note_packet(1111, seq, now)
        if i % 7 == 0:  # a retransmission: another SSRC, its own numbers
            rtx_seq += 1
            estimator.note_packet(2222, rtx_seq, now)
        remb = estimator.add(
            arrival_time_ms=now, abs_send_time=(now * 262) & 0xFFFFFF, payload_size=1000, ssrc=1111
        )
        if remb is not None:
            sent.append(remb[0])
    return sent


def test_the_estimate_never_falls_below_the_floor_without_loss() -> None:
    estimator = seams.FlooredEstimator(FLOOR)
    sent = feed(estimator, 0, 5)
    assert len(sent) >= 5, "an estimate at least every 500 ms"
    assert min(sent) >= FLOOR
    assert sent[0] >= FLOOR, "the first one already carries the floor"


def test_loss_lifts_the_floor_and_it_comes_back() -> None:
    estimator = seams.FlooredEstimator(FLOOR)
    feed(estimator, 0, 2)
    assert estimator.floor_at(2000) == FLOOR
    feed(estimator, 2000, 3, lose_every=5)  # 20 % lost
    assert estimator.floor_at(5000) == 0, "aiortc's own estimate rules"
    assert estimator.floor_at(5000 + seams.FLOOR_LIFTED_MS) == FLOOR
    after = feed(estimator, 5000, seams.FLOOR_LIFTED_MS / 1000 + 2)  # no loss from here on
    assert after[-1] >= FLOOR


BROWSER_OFFER = (
    "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
)
AIORTC_OFFER = (
    "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 nack\r\n"
)


def estimator_of(receiver) -> object:
    return receiver._RTCRtpReceiver__remote_bitrate_estimator


def test_only_senders_with_their_own_control_get_the_floor() -> None:
    class Receiver:
        def __init__(self) -> None:
            self._RTCRtpReceiver__remote_bitrate_estimator = seams.RemoteBitrateEstimator()

    aiortc_sender = Receiver()
    seams.use_receiver_estimate(aiortc_sender, AIORTC_OFFER)
    assert not isinstance(estimator_of(aiortc_sender), seams.FlooredEstimator)
    with seams.stock_receiver_estimate():
        browser = Receiver()
        seams.use_receiver_estimate(browser, BROWSER_OFFER)
        assert not isinstance(estimator_of(browser), seams.FlooredEstimator)
    seams.use_receiver_estimate(browser, BROWSER_OFFER)
    assert isinstance(estimator_of(browser), seams.FlooredEstimator)
