"""The seed's call, between two real engines over real WebRTC on 127.0.0.1."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from app.engine import (
    CustomConfig,
    Engine,
    ErrorCode,
    MessageError,
    PlayError,
    PlayerState,
    PublishOptions,
    QualityLevel,
    RemoteStream,
    UpdateType,
)
from app.media import dominant_frequency, read_stamp
from tests.engine.conftest import Received
from tests.helpers import until

PATTERN = CustomConfig(video="pattern", audio="tone", tone_hz=440)


def play_on_add(engine: Engine, played: dict[str, RemoteStream], *, stop_on_delete: bool = True):
    """The seed's handler: play every stream that is added (unless already playing) and, with
    ``stop_on_delete``, stop every one deleted."""

    async def on_update(room_id, update_type, streams, extended_data) -> None:
        for info in streams:
            if update_type == UpdateType.ADD:
                if engine.playing.get(info.stream_id) is None:
                    played[info.stream_id] = await engine.start_playing_stream(info.stream_id)
            elif stop_on_delete:
                await engine.stop_playing_stream(info.stream_id)

    return engine.on("roomStreamUpdate", on_update)


async def test_the_seed_flow_pattern_and_tone_arrive_in_order(engines) -> None:
    a, a_log = await engines("alice")
    b, b_log = await engines("bob")
    played: dict[str, RemoteStream] = {}
    # Alice plays what is added but does not stop on DELETE, to see the engine's own NO_PLAY.
    play_on_add(a, played, stop_on_delete=False)
    stream = await b.create_stream(custom=PATTERN)
    assert await b.start_publishing_stream("bob-cam", stream)
    await until(lambda: "bob-cam" in played)
    remote = played["bob-cam"]
    received = Received(remote)
    await until(lambda: len(received.stamps) >= 90 and len(received.samples) >= 100, timeout=15)

    counters = received.stamps
    assert counters == sorted(counters) and len(set(counters)) == len(counters), (
        "in order, no repeats"
    )
    assert len(counters) / (len(counters) + received.unreadable) >= 0.95
    assert abs(dominant_frequency(received.audio[-48000:]) - 440) < 5
    assert remote.first_frame_ms is not None and remote.first_frame_ms < 5000

    assert a_log.take() == [
        ("room", "LOGINING", 0),
        ("room", "LOGINED", 0),
        ("user", "ADD", ["bob"]),
        ("stream", "ADD", ["bob-cam"]),
        ("player", "bob-cam", "PLAY_REQUESTING", 0),
        ("player", "bob-cam", "PLAYING", 0),
    ]
    assert b_log.take() == [
        ("room", "LOGINING", 0),
        ("room", "LOGINED", 0),
        ("user", "ADD", ["alice"]),
        ("publisher", "bob-cam", "PUBLISH_REQUESTING", 0),
        ("publisher", "bob-cam", "PUBLISHING", 0),
    ]

    assert await b.stop_publishing_stream("bob-cam")
    await until(lambda: a.playing.get("bob-cam") == PlayerState.NO_PLAY)
    assert a_log.take() == [
        ("stream", "DELETE", ["bob-cam"]),
        ("player", "bob-cam", "NO_PLAY", ErrorCode.PUBLISHER_LEFT),
    ]
    assert b_log.take() == [("publisher", "bob-cam", "NO_PUBLISH", 0)]

    # Published again: the player Alice never stopped plays again by itself.
    before = remote.video_frames
    assert await b.start_publishing_stream("bob-cam", stream)
    await until(lambda: remote.video_frames > before + 10)
    assert a_log.take() == [
        ("stream", "ADD", ["bob-cam"]),
        ("player", "bob-cam", "PLAY_REQUESTING", 0),
        ("player", "bob-cam", "PLAYING", 0),
    ]


async def test_seed_handler_stops_on_delete(engines) -> None:
    a, a_log = await engines("alice")
    b, _ = await engines("bob")
    played: dict[str, RemoteStream] = {}
    handler = play_on_add(a, played)
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s1", stream)
    await until(lambda: a.playing.get("s1") == PlayerState.PLAYING)
    await b.destroy_stream(stream)
    await until(lambda: "s1" not in a.playing)
    assert a_log.sequence[-2:] == [
        ("stream", "DELETE", ["s1"]),
        ("player", "s1", "NO_PLAY", ErrorCode.PUBLISHER_LEFT),
    ]
    # Stopped by the app: a new stream under the same ID is a new ADD, not a resumed player.
    a.off("roomStreamUpdate", handler)
    again = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s1", again)
    await until(lambda: a_log.sequence[-1] == ("stream", "ADD", ["s1"]))
    await asyncio.sleep(0.5)
    assert "s1" not in a.playing


async def test_streams_already_published_are_announced_at_login(engines) -> None:
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("early", stream)
    a, a_log = await engines("alice")
    assert a_log.sequence == [
        ("room", "LOGINING", 0),
        ("room", "LOGINED", 0),
        ("user", "ADD", ["bob"]),
        ("stream", "ADD", ["early"]),
    ]
    remote = await a.start_playing_stream("early")
    assert await remote.wait_first_frame(10)
    await until(lambda: remote.video_frame is not None)  # the audio may come first
    assert read_stamp(remote.video_frame) is not None


async def test_three_players_share_one_capture(engines) -> None:
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("fan", stream)
    players = [await engines(name) for name in ("p1", "p2", "p3")]
    remotes = [await engine.start_playing_stream("fan") for engine, _ in players]
    for remote in remotes:
        assert await remote.wait_first_frame(10)
    await until(lambda: all(r.video_frames > 30 for r in remotes))
    # One capture feeds them all: the pattern counted one frame per tick, not three.
    captured = stream.video.frames
    assert all(r.video_frames <= captured for r in remotes)
    assert len(b._publications["fan"].players) == 3


async def test_duplicate_stream_id_is_refused_with_its_code(engines) -> None:
    a, _ = await engines("alice")
    c, c_log = await engines("carol", room="other-room")
    for engine in (a, c):
        engine.stream = await engine.create_stream(custom=PATTERN)
    assert await a.start_publishing_stream("same-id", a.stream)
    assert not await c.start_publishing_stream("same-id", c.stream)
    assert c_log.sequence[-2:] == [
        ("publisher", "same-id", "PUBLISH_REQUESTING", 0),
        ("publisher", "same-id", "NO_PUBLISH", ErrorCode.STREAM_ID_TAKEN),
    ]
    assert "same-id" not in c.publishing


async def test_bad_publish_and_play_arguments(engines) -> None:
    a, a_log = await engines("alice")
    stream = await a.create_stream(custom=PATTERN)
    assert not await a.start_publishing_stream("bad id!", stream)
    assert a_log.sequence[-1] == ("publisher", "bad id!", "NO_PUBLISH", ErrorCode.STREAM_ID_INVALID)
    with pytest.raises(PlayError) as info:
        await a.start_playing_stream("nobody-publishes-this")
    assert info.value.code is ErrorCode.STREAM_NOT_FOUND
    assert a_log.sequence[-1] == (
        "player",
        "nobody-publishes-this",
        "NO_PLAY",
        ErrorCode.STREAM_NOT_FOUND,
    )
    with pytest.raises(PlayError) as info:
        await a.start_playing_stream("x" * 300)
    assert info.value.code is ErrorCode.STREAM_ID_INVALID


async def test_kickout_when_the_same_user_logs_in_elsewhere(engines) -> None:
    a, a_log = await engines("alice")
    stream = await a.create_stream(custom=PATTERN)
    await a.start_publishing_stream("a-cam", stream)
    a_log.take()
    await engines("alice", room="room-2")
    await until(lambda: a.room_state == "DISCONNECTED")
    assert a_log.take() == [
        ("publisher", "a-cam", "NO_PUBLISH", ErrorCode.KICKED_DUPLICATE_LOGIN),
        ("room", "KICKOUT", ErrorCode.KICKED_DUPLICATE_LOGIN),
    ]
    # The local stream survives; the user can log in again.
    assert not stream.destroyed
    await asyncio.sleep(0.3)
    assert a.room_state == "DISCONNECTED", "a kicked engine does not reconnect by itself"


async def test_messages_round_trip(engines) -> None:
    a, _a_log = await engines("alice")
    _b, b_log = await engines("bob")
    _c, c_log = await engines("carol")
    first = await a.send_broadcast_message("hello room")
    second = await a.send_barrage_message("👏")
    assert second == first + 1
    await a.send_custom_command('{"raise": true}', ["bob"])
    await until(lambda: len(b_log.of("IMRecvCustomCommand")) == 1)
    await until(lambda: len(c_log.of("IMRecvBarrageMessage")) == 1)
    room_id, [chat] = b_log.of("IMRecvBroadcastMessage")[0]
    assert (room_id, chat.message, chat.from_user.user_id, chat.message_id) == (
        "room-1",
        "hello room",
        "alice",
        first,
    )
    assert chat.send_time > 1_700_000_000_000
    assert [s for s in c_log.sequence if s[0] in ("broadcast", "barrage", "command")] == [
        ("broadcast", [("alice", "hello room")]),
        ("barrage", [("alice", "👏")]),
    ]
    assert b_log.of("IMRecvCustomCommand")[0][1:] == (a.user, '{"raise": true}')

    with pytest.raises(MessageError) as info:
        await a.send_broadcast_message("x" * 1025)
    assert info.value.code is ErrorCode.MESSAGE_INVALID
    with pytest.raises(MessageError) as info:
        for _ in range(3):
            await a.send_broadcast_message("too fast")
    assert info.value.code is ErrorCode.RATE_LIMITED
    assert a.room_state == "CONNECTED"


async def test_mute_camera_and_mic_and_extra_info_reach_the_player(engines) -> None:
    a, a_log = await engines("alice")
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("bob-cam", stream, PublishOptions(extra_info="v1"))
    remote = await a.start_playing_stream("bob-cam")
    received = Received(remote)
    assert await remote.wait_first_frame(10)
    assert remote.info.extra_info == "v1"
    a_log.take()

    assert await b.mute_publish_stream_video(stream, True)
    await b.mute_publish_stream_audio(stream, True)
    await b.set_stream_extra_info("bob-cam", "v2")
    await until(lambda: len(a_log.sequence) >= 3)
    assert a_log.take() == [
        ("camera", "bob-cam", "MUTE"),
        ("mic", "bob-cam", "MUTE"),
        ("extra", [("bob-cam", "v2")]),
    ]
    # Muted video is black (luma 16) and muted audio silent.
    received.luma.clear()
    received.samples.clear()
    await until(lambda: len(received.luma) >= 2 and len(received.samples) >= 25)
    assert received.luma[-1] < 20
    assert np.abs(received.audio[-4800:]).max() < 50
    assert a.streams[0].video_muted and a.streams[0].audio_muted

    await b.mute_publish_stream_video(stream, False)
    await until(lambda: a_log.sequence == [("camera", "bob-cam", "OPEN")])
    received.luma.clear()
    await until(lambda: len(received.luma) >= 5)
    assert received.luma[-1] > 40


async def test_h264(engines) -> None:
    a, _ = await engines("alice")
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=CustomConfig(video="pattern"))
    await b.start_publishing_stream("h264", stream, PublishOptions(video_codec="H264"))
    remote = await a.start_playing_stream("h264")
    received = Received(remote)
    await until(lambda: len(received.stamps) >= 30)
    assert a._playbacks["h264"].codec == "H264"


async def test_publish_options_scale_and_limit_the_frame_rate(engines) -> None:
    a, _ = await engines("alice")
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=CustomConfig(video="pattern"))
    options = PublishOptions(width=320, height=240, fps=15, max_bitrate_kbps=300)
    await b.start_publishing_stream("small", stream, options)
    remote = await a.start_playing_stream("small")
    received = Received(remote)
    assert await remote.wait_first_frame(10)
    start = remote.video_frames
    await asyncio.sleep(2.0)
    assert (remote.width, remote.height) == (320, 240)
    assert 20 <= remote.video_frames - start <= 34  # ~15 fps, not 30
    assert len(received.stamps) >= 0.95 * (len(received.stamps) + received.unreadable)


async def test_quality_and_sound_level_events(engines) -> None:
    a, a_log = await engines("alice")
    b, b_log = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    b.set_sound_level_delegate(True, 200)
    a.set_sound_level_delegate(True, 200)
    await b.start_publishing_stream("q", stream)
    await a.start_playing_stream("q")

    def measured(log, event) -> bool:
        updates = log.of(event)
        return len(updates) >= 3 and updates[-1][1].rtt_ms is not None

    # RTT needs a sender report and the receiver's answer to it: a second or two.
    await until(
        lambda: measured(a_log, "playQualityUpdate") and measured(b_log, "publishQualityUpdate")
    )
    _, play = a_log.of("playQualityUpdate")[-1]
    _, publish = b_log.of("publishQualityUpdate")[-1]
    for stats in (play, publish):
        assert (stats.width, stats.height) == (640, 480)
        assert 25 <= stats.fps <= 35
        assert stats.video_kbps > 50 and stats.audio_kbps > 10
        assert stats.packet_loss == 0
        assert stats.level in (QualityLevel.EXCELLENT, QualityLevel.GOOD)
        assert stats.rtt_ms is not None and stats.rtt_ms < 50
        assert stats.codec == "VP8"
    assert publish.peers == 1
    await until(
        lambda: any(lv[0] and lv[0][0].type == "pull" for lv in a_log.of("soundLevelUpdate"))
    )
    [pull] = a_log.of("soundLevelUpdate")[-1][0]
    assert pull.stream_id == "q" and 30 < pull.sound_level <= 100  # a 0.3 full-scale tone
    assert b_log.of("capturedSoundLevelUpdate")[-1][0] > 30
    [push] = b_log.of("soundLevelUpdate")[-1][0]
    assert (push.stream_id, push.type) == ("q", "push")


async def test_sound_levels_turned_off_and_on_again_come_once_per_interval(engines) -> None:
    engine, log = await engines("alice")
    await engine.create_stream(custom=PATTERN)
    engine.set_sound_level_delegate(True, 100)
    engine.set_sound_level_delegate(False)
    engine.set_sound_level_delegate(True, 100)  # while the first loop still sleeps

    def loops() -> list[asyncio.Task]:
        return [t for t in asyncio.all_tasks() if t.get_name() == "huddle-sound-level"]

    await until(lambda: len(log.of("capturedSoundLevelUpdate")) >= 3)
    assert len(loops()) == 1
    engine.set_sound_level_delegate(False)
    await until(lambda: not loops())
