"""Logging in and failing to, losing the service and getting it back, and ending cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import replace

import pytest

from app.engine import (
    CameraConfig,
    CustomConfig,
    DeviceError,
    EngineStateError,
    ErrorCode,
    LocalStream,
    PlayerState,
    RoomConfig,
    User,
)
from app.protocol import messages as m
from tests.helpers import TEST_ENGINE_CONFIG, Recorder, until

PATTERN = CustomConfig(video="pattern", audio="tone")


def room_events(recorder: Recorder) -> list[tuple]:
    return [s for s in recorder.sequence if s[0] == "room"]


async def test_login_failures_say_why_and_leave_the_engine_usable(engines, server, token) -> None:
    engine, log = await engines("alice", login=False)
    bad = token("alice", room_id="another-room")
    assert not await engine.login_room("room-1", bad, User("alice"))
    assert not await engine.login_room("bad room id", token("alice"), User("alice"))
    assert not await engine.login_room("room-1", token("alice"), User("bob"))
    assert room_events(log) == [
        ("room", "LOGINING", 0),
        ("room", "LOGIN_FAILED", ErrorCode.TOKEN_ROOM_MISMATCH),
        ("room", "LOGINING", 0),
        ("room", "LOGIN_FAILED", ErrorCode.ROOM_ID_INVALID),
        ("room", "LOGINING", 0),
        ("room", "LOGIN_FAILED", ErrorCode.TOKEN_USER_ID_MISMATCH),
    ]
    message = log.of("roomStateChanged")[1][3]["message"]
    assert "another-room" in message  # the sentence says which room the token was for
    assert await engine.login_room("room-1", token("alice"), User("alice"))
    with pytest.raises(EngineStateError) as info:
        await engine.login_room("room-1", token("alice"), User("alice"))
    assert info.value.code is ErrorCode.INVALID_STATE


async def test_unreachable_service(engines, token) -> None:
    engine, log = await engines("alice", login=False, url="ws://127.0.0.1:9/ws")
    assert not await engine.login_room("room-1", token("alice"), User("alice"))
    assert room_events(log)[-1] == ("room", "LOGIN_FAILED", ErrorCode.SERVER_UNREACHABLE)


async def test_server_killed_and_restarted_reconnects_and_frames_flow_again(
    room_server, engines
) -> None:
    first = await room_server()
    a, a_log = await engines("alice", url=first.url)
    b, b_log = await engines("bob", url=first.url)
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("bob-cam", stream)
    remote = await a.start_playing_stream("bob-cam")
    assert await remote.wait_first_frame(10)

    await first.stop()
    await until(lambda: a.room_state == "RECONNECTING" and b.room_state == "RECONNECTING")
    frozen = remote.video_frames
    second = await room_server(port=first.port)
    await until(lambda: a.room_state == "CONNECTED" and b.room_state == "CONNECTED", timeout=15)
    await until(lambda: a.playing.get("bob-cam") == PlayerState.PLAYING, timeout=15)
    await until(lambda: remote.video_frames > frozen + 30, timeout=10)
    assert room_events(a_log)[-2:] == [
        ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST),
        ("room", "RECONNECTED", 0),
    ]
    assert room_events(b_log)[-2:] == room_events(a_log)[-2:]
    # The call went on without the service: the restarted one took the publication and the
    # play session back as they were (tests/engine/test_resume.py looks closer).
    publisher = [s for s in b_log.sequence if s[0] == "publisher"]
    assert publisher == [
        ("publisher", "bob-cam", "PUBLISH_REQUESTING", 0),
        ("publisher", "bob-cam", "PUBLISHING", 0),
    ]
    assert a.playing == {"bob-cam": PlayerState.PLAYING}
    assert second.service.stats()["streams"] == 1


async def test_a_silent_service_is_detected_by_heartbeat(server, engines, monkeypatch) -> None:
    config = replace(TEST_ENGINE_CONFIG, request_timeout=0.8, reconnect_backoff=(0.1, 0.3))
    a, log = await engines("alice", config=config)
    with monkeypatch.context() as patch:  # the service stops answering, then answers again
        patch.setitem(server.service._handlers, m.Heartbeat, lambda session, msg: None)
        await until(lambda: ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST) in room_events(log))
    await until(lambda: room_events(log)[-1] == ("room", "RECONNECTED", 0), timeout=5)
    await asyncio.sleep(1.0)  # heartbeats are answered again: it stays connected
    assert a.room_state == "CONNECTED" and room_events(log)[-1] == ("room", "RECONNECTED", 0)


async def test_reconnect_gives_up_after_its_timeout(room_server, engines) -> None:
    server = await room_server()
    config = replace(TEST_ENGINE_CONFIG, reconnect_timeout=1.5, reconnect_backoff=(0.1, 0.3))
    engine, log = await engines("alice", config=config, url=server.url, user_update=False)
    stream = await engine.create_stream(custom=PATTERN)
    await engine.start_publishing_stream("s", stream)
    await server.stop()
    await until(lambda: engine.room_state == "DISCONNECTED", timeout=10)
    assert log.sequence[-3:] == [
        ("room", "RECONNECTING", ErrorCode.CONNECTION_LOST),
        ("publisher", "s", "NO_PUBLISH", ErrorCode.RECONNECT_TIMEOUT),
        ("room", "RECONNECT_FAILED", ErrorCode.RECONNECT_TIMEOUT),
    ]


async def test_logout_while_reconnecting_stops_trying(room_server, engines) -> None:
    server = await room_server()
    config = replace(TEST_ENGINE_CONFIG)  # the engine's own reconnect timing
    engine, log = await engines("alice", config=config, url=server.url, user_update=False)
    await server.stop()
    await until(lambda: engine.room_state == "RECONNECTING")
    await engine.logout_room()
    assert room_events(log)[-1] == ("room", "LOGOUT_FAILED", ErrorCode.CONNECTION_LOST)
    assert engine.room_state == "DISCONNECTED"


def _huddle_threads() -> set[str]:
    return {
        t.name
        for t in threading.enumerate()
        if t.name.startswith("huddle-") or t.name.endswith("-decoder")
    }


async def test_destroy_engine_leaves_nothing_running(engines) -> None:
    baseline_tasks = {t for t in asyncio.all_tasks() if not t.done()}
    a, _ = await engines("alice")
    b, _ = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream)
    remote = await a.start_playing_stream("s")
    assert await remote.wait_first_frame(10)
    b.set_sound_level_delegate(True, 200)
    assert _huddle_threads(), "decoder threads run while playing"
    publication = b._publishing.publications["s"]
    peers = list(publication._peers.values())

    for engine in (a, b):
        await engine.destroy_engine()
        await engine.destroy_engine()  # twice is fine

    def leftover() -> set[asyncio.Task]:
        return (
            {t for t in asyncio.all_tasks() if not t.done()}
            - baseline_tasks
            - {asyncio.current_task()}
        )

    with contextlib.suppress(TimeoutError):  # the asserts below say what is left, if anything
        await until(lambda: not leftover() and not _huddle_threads(), timeout=2)
    assert not leftover(), sorted(t.get_name() for t in leftover())
    assert not _huddle_threads()
    assert all(peer.pc.connectionState == "closed" for peer in peers)
    assert stream.destroyed and stream.video.readyState == "ended"
    with pytest.raises(EngineStateError):
        await a.create_stream(custom=PATTERN)


async def test_destroy_engine_called_twice_at_once(engines) -> None:
    """Two destroys racing: the second returns once the first has released everything."""
    a, _ = await engines("alice")
    b, log = await engines("bob")
    stream = await b.create_stream(custom=PATTERN)
    await b.start_publishing_stream("s", stream)
    remote = await a.start_playing_stream("s")
    assert await remote.wait_first_frame(10)
    room_before = len(room_events(log))

    first = asyncio.create_task(b.destroy_engine())
    await asyncio.sleep(0)  # the first is under way (logging out) when the second comes
    second = asyncio.create_task(b.destroy_engine())
    await asyncio.wait_for(second, 30)

    assert first.done() and first.exception() is None
    assert b.room_state.name == "DISCONNECTED"
    assert stream.destroyed and stream.video.readyState == "ended"
    assert room_events(log)[room_before:] == [("room", "LOGOUT", 0)]  # left once
    with pytest.raises(EngineStateError) as info:
        await b.create_stream(custom=PATTERN)
    assert info.value.code is ErrorCode.ENGINE_DESTROYED
    await b.destroy_engine()  # and a third, later, returns at once


async def test_no_camera_is_reported_and_the_stream_has_what_works(engines, pulse) -> None:
    engine, log = await engines("alice")
    stream = await engine.create_stream()  # this machine has no camera, PulseAudio a microphone
    assert not stream.has_video and stream.has_audio
    assert [e.code for e in stream.errors] == [ErrorCode.NO_CAMERA]
    assert log.of("deviceError") == [(ErrorCode.NO_CAMERA, "0")]
    assert await engine.start_publishing_stream("audio-only", stream)

    with pytest.raises(DeviceError) as info:
        await engine.create_stream(camera=CameraConfig(audio_device="no such microphone"))
    assert info.value.code is ErrorCode.NO_CAMERA
    assert "no such microphone" in info.value.message

    fallback = await engine.create_stream(
        camera=CameraConfig(audio_device="no such microphone", fallback="both")
    )
    assert fallback.has_video and fallback.has_audio
    assert [e.code for e in fallback.errors] == [ErrorCode.NO_CAMERA, ErrorCode.DEVICE_NOT_FOUND]


async def test_devices_still_opening_when_the_engine_is_destroyed_are_released(
    engines, engine_config, pulse
) -> None:
    """A stream, a microphone switch and the speaker that finish opening after
    ``destroy_engine`` release their devices (nobody owns them any more); left running,
    PortAudio would call into a collected callback."""
    from app.media import audio

    engine, _ = await engines("alice", login=False, config=replace(engine_config, speaker=None))
    stream = await engine.create_stream(camera=CameraConfig(video=False))
    assert engine.open_sound_output() is not None  # the speaker starts opening
    creating = asyncio.ensure_future(engine.create_stream(camera=CameraConfig(video=False)))
    switching = asyncio.ensure_future(engine.use_audio_device(stream, None))
    await asyncio.sleep(0)  # both under way in the executor
    await engine.destroy_engine()
    results = await asyncio.gather(creating, switching, return_exceptions=True)
    assert all(r is None or isinstance(r, (LocalStream, EngineStateError)) for r in results)
    await until(lambda: not audio._open_streams and pulse.open_streams() == 0)


async def test_a_user_with_no_devices_joins_and_plays(engines) -> None:
    b, _ = await engines("bob")
    await b.start_publishing_stream("b", await b.create_stream(custom=PATTERN))
    a, _ = await engines("alice")  # never creates a stream
    remote = await a.start_playing_stream("b")
    assert await remote.wait_first_frame(10)


async def test_check_system_requirements_probes_this_machine(engines, pulse, monkeypatch) -> None:
    engine, _ = await engines("alice", login=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    result = await engine.check_system_requirements()
    seed = result.to_dict()
    assert set(seed) == {
        "webRTC",
        "customCapture",
        "camera",
        "microphone",
        "videoCodec",
        "screenSharing",
        "errInfo",
        "audioProcessing",  # Huddle's own: echo cancellation and noise suppression can run
    }
    assert seed["webRTC"] and seed["customCapture"] and seed["microphone"]
    assert seed["audioProcessing"] and "audioProcessing" not in seed["errInfo"]
    assert seed["videoCodec"] == {"H264": True, "H265": False, "VP8": True, "VP9": False}
    assert not seed["camera"] and "camera" in seed["errInfo"]
    assert not seed["screenSharing"] and "display" in seed["errInfo"]["screenSharing"]
    assert "RTP" in seed["errInfo"]["videoCodec.H265"]


async def test_events_reject_unknown_names_and_survive_raising_handlers(
    engines, token, caplog
) -> None:
    engine, log = await engines("alice", login=False)
    with pytest.raises(ValueError, match="unknown event"):
        engine.on("roomStateChange", print)

    def broken(*args) -> None:
        raise RuntimeError("handler bug")

    engine.on("roomStateChanged", broken)
    assert await engine.login_room("room-1", token("alice"), User("alice"), RoomConfig())
    assert room_events(log)[-1] == ("room", "LOGINED", 0)
    assert "handler bug" in caplog.text


async def test_every_candidate_stays_on_loopback_and_no_stun_is_used(engines) -> None:
    a, _ = await engines("alice")
    b, _ = await engines("bob")
    await b.start_publishing_stream("s", await b.create_stream(custom=PATTERN))
    remote = await a.start_playing_stream("s")
    assert await remote.wait_first_frame(10)
    offer = next(iter(b._publishing.publications["s"]._peers.values())).pc.localDescription.sdp
    answer = a._playing.playbacks["s"]._pc.localDescription.sdp
    for sdp in (offer, answer):
        candidates = [line for line in sdp.splitlines() if line.startswith("a=candidate:")]
        assert candidates and all(" 127.0.0.1 " in c and "typ host" in c for c in candidates)
    assert a._session.ice_servers() == [] and b._session.ice_servers() == []


async def test_ice_servers_come_from_the_service(
    room_server, engines, service_config, engine_config, token
) -> None:
    config = replace(
        service_config,
        ice_servers=[m.IceServer(urls=["turn:127.0.0.1:3478"], username="u", credential="p")],
    )
    server = await room_server(config=config)
    engine, _ = await engines(
        "alice", login=False, url=server.url, config=replace(engine_config, ice_servers=None)
    )
    assert await engine.login_room("r", token("alice"), User("alice"))
    [ice] = engine._session.ice_servers()
    assert (ice.urls, ice.username, ice.credential) == (["turn:127.0.0.1:3478"], "u", "p")
