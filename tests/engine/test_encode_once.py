"""One encode per published stream, however many players (peer-to-peer)."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace

import pytest

from app.engine import CustomConfig, PublishOptions
from app.engine._encoder import EncodedTrack, SharedEncoder
from tests.engine.conftest import Received
from tests.helpers import until

PATTERN = CustomConfig(video="pattern", audio="tone", tone_hz=440)


def _video_senders(publication) -> list:
    return [
        t.sender
        for peer in publication._peers.values()
        for t in peer.pc.getTransceivers()
        if t.kind == "video"
    ]


def _increasing(stamps: list[int]) -> bool:
    return all(b > a for a, b in itertools.pairwise(stamps))


@pytest.mark.parametrize("players", [2, 3])
async def test_every_player_gets_verified_frames_from_one_encoder(engines, players) -> None:
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("fan", stream)
    engines_ = [(await engines(f"p{i}"))[0] for i in range(players)]
    received = [Received(await e.start_playing_stream("fan")) for e in engines_]
    await until(lambda: all(len(r.stamps) > 45 for r in received), timeout=30)

    for r in received:
        assert _increasing(r.stamps), "frames arrive in capture order"
        assert r.unreadable <= 2
    assert all(len(r.audio) > 0 for r in received)

    publication = b._publishing.publications["fan"]
    encoder = publication._encoders["video"]
    assert isinstance(encoder, SharedEncoder) and len(encoder._players) == players
    # One encode per captured frame, not one per player ...
    assert encoder.frames_encoded <= stream.video.frames
    # ... and the senders only packetize: none of them opened a codec of its own.
    senders = _video_senders(publication)
    assert len(senders) == players
    for sender in senders:
        assert isinstance(sender.track, EncodedTrack)
        assert getattr(sender._RTCRtpSender__encoder, "codec", None) is None


async def test_a_new_player_gets_a_picture_at_once_while_the_others_keep_playing(
    engines,
) -> None:
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream)
    first, _ = await engines("first")
    early = Received(await first.start_playing_stream("s"))
    await until(lambda: len(early.stamps) > 30, timeout=20)
    encoder = b._publishing.publications["s"]._encoders["video"]
    keyframes = encoder.keyframes

    # The encoder puts a keyframe only every 3000 frames by itself: the newcomer sees a
    # picture within the wait below only because joining asked for one.
    late, _ = await engines("late")
    remote = await late.start_playing_stream("s")
    before = len(early.stamps)
    assert await remote.wait_first_frame(10)
    later = Received(remote)
    await until(lambda: len(later.stamps) > 15 and len(early.stamps) > before + 15, timeout=20)
    assert encoder.keyframes > keyframes
    assert _increasing(early.stamps), "the first player carried on without a hiccup in order"
    assert _increasing(later.stamps)


async def test_a_keyframe_request_from_any_player_gives_every_player_a_keyframe(
    engines,
) -> None:
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream)
    players = [(await engines(name))[0] for name in ("p1", "p2")]
    remotes = [await p.start_playing_stream("s") for p in players]
    for remote in remotes:
        assert await remote.wait_first_frame(10)
    encoder = b._publishing.publications["s"]._encoders["video"]
    await asyncio.sleep(1)  # past the keyframes of joining
    keyframes = encoder.keyframes
    asked: list[bool] = []
    request_keyframe = encoder.request_keyframe
    encoder.request_keyframe = lambda: (asked.append(True), request_keyframe())[1]

    # A real PLI over RTCP from the second player's receiver.
    pc = players[1]._playing.playbacks["s"]._pc
    receiver = next(t.receiver for t in pc.getTransceivers() if t.kind == "video")
    ssrc = next(s.source for s in receiver.getSynchronizationSources())
    await receiver._send_rtcp_pli(ssrc)
    await until(lambda: asked and encoder.keyframes > keyframes, timeout=10)
    frames = [r.video_frames for r in remotes]
    await until(lambda: all(r.video_frames > n + 10 for r, n in zip(remotes, frames, strict=True)))


async def test_mute_and_frame_rate_limit_apply_to_the_shared_encoding(engines) -> None:
    a, _ = await engines("alice")
    c, _ = await engines("carol")
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream, PublishOptions(fps=10))
    received = [Received(await p.start_playing_stream("s")) for p in (a, c)]
    await until(lambda: all(len(r.stamps) > 20 for r in received), timeout=20)
    encoder = b._publishing.publications["s"]._encoders["video"]
    # 10 fps out of a 30 fps capture: about a third of the frames are encoded.
    assert encoder.frames_encoded < stream.video.frames * 0.6

    await b.mute_publish_stream_video(stream, True)
    counts = [len(r.luma) for r in received]
    await until(
        lambda: all(
            len(r.luma) > n + 2 and r.luma[-1] < 20 for r, n in zip(received, counts, strict=True)
        ),
        timeout=20,
    )
    await b.mute_publish_stream_video(stream, False)
    counts = [len(r.stamps) for r in received]
    await until(
        lambda: all(len(r.stamps) > n + 5 for r, n in zip(received, counts, strict=True)),
        timeout=20,
    )


async def test_the_old_path_stays_selectable_for_benchmarks(engines, engine_config) -> None:
    config = replace(engine_config, _encode_per_player=True)
    a, _ = await engines("alice", config=config)
    b, _ = await engines("bob", config=config)
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream)
    got = Received(await a.start_playing_stream("s"))
    await until(lambda: len(got.stamps) > 20, timeout=20)
    publication = b._publishing.publications["s"]
    assert not publication._encoders
    [sender] = _video_senders(publication)
    assert sender._RTCRtpSender__encoder.codec is not None  # the sender encodes by itself


class _Track:
    def __init__(self, estimate: int | None) -> None:
        self.estimate = estimate


def test_bitrate_is_the_lowest_estimate_within_the_cap() -> None:
    encoder = SharedEncoder(
        "video", "VP8", open_source=lambda: None, cap_bps=lambda: 800_000, spawn=None
    )
    encoder._players = [_Track(None)]
    encoder.update_bitrate()
    assert encoder.target_bitrate == 800_000  # no estimate yet: the cap
    encoder._players = [_Track(600_000), _Track(None), _Track(450_000)]
    encoder.update_bitrate()
    assert encoder.target_bitrate == 450_000  # the slowest player decides
    encoder._players = [_Track(2_000_000)]
    encoder.update_bitrate()
    assert encoder.target_bitrate == 800_000  # never above the publish's cap
    encoder._players = [_Track(50_000)]
    encoder.update_bitrate()
    assert encoder.target_bitrate == 250_000  # nor below VP8's floor (aiortc's)


async def test_the_voice_encoder_plans_its_fec_for_the_loss_the_players_report(engines) -> None:
    """Receiver reports reach the one Opus encoder through each sender (the
    ``encoded_feedback`` seam): on this clean loopback the players report no loss, so it
    stops spending bits on FEC it planned for before the first report; a player reporting
    loss makes it plan for that player's loss."""
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("voice", stream)
    player, _ = await engines("ann")
    received = Received(await player.start_playing_stream("voice"))
    await until(lambda: len(received.audio) > 0, timeout=30)
    encoder = b._publishing.publications["voice"]._encoders["audio"]
    assert encoder.planned_loss == 10  # before any report: the fixed plan
    await until(lambda: encoder.planned_loss == 0, timeout=30)
    track = encoder._players[0]
    for _ in range(20):
        track.loss_reported(31 / 256)  # 12 %, smoothed over the reports
    assert encoder.planned_loss == 10  # the step at or below


async def test_dtx_switched_on_mid_call_sends_silence_sparsely_and_the_voice_comes_back(
    engines,
) -> None:
    """``enable_dtx`` reaches the voice encoder already running: while the microphone hears
    silence, about one packet in 400 ms goes out instead of one in 20; the player takes the
    gaps for DTX (comfort noise), not for loss; and the voice comes back at every packet."""
    from app.media import ToneSource

    tone = ToneSource(440, amplitude=0.3)
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=CustomConfig(audio=tone))
    await b.start_publishing_stream("voice", stream)
    player, _ = await engines("ann")
    await player.start_playing_stream("voice")
    playback = player._playing.playbacks["voice"]
    await until(lambda: playback.audio_buffer is not None, timeout=30)
    buffer = playback.audio_buffer
    await until(lambda: buffer.stats["packets"] > 10, timeout=30)

    async def packets_in(seconds: float) -> int:
        before = buffer.stats["packets"]
        await asyncio.sleep(seconds)
        return buffer.stats["packets"] - before

    tone.amplitude = 0.0
    await asyncio.sleep(0.3)
    assert await packets_in(2) >= 60  # DTX off (the default): silence goes out in full
    b.enable_dtx(True)
    await asyncio.sleep(0.5)
    assert await packets_in(2) <= 15
    tone.amplitude = 0.3
    await asyncio.sleep(0.3)
    assert await packets_in(1) >= 30
    assert b.config.opus_dtx
