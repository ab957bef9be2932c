"""One side of the lip-sync benchmark, as its own process (``python -m benchmarks._lipsync_peer``).

Roles:
  publish  an engine publishing its microphone (``PULSE_SOURCE``, the rig's ``micA``) and the
           test pattern (each frame carries its capture time in its pixels) as ``av``
  play     an engine playing ``av`` on its speaker (``PULSE_SINK``, the rig's ``spkB``) and
           painting the picture into Huddle's real ``VideoTile`` (offscreen Qt); it records
           each painted frame's capture -> painted time and the offset the engine reports

Both print ``{"ready": true}`` once media flows and ``{"result": {...}}`` when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from app.engine import CustomConfig, Engine, EngineConfig, RoomConfig, User
from app.engine.latency import latency_of
from app.server.tokens import mint_token
from benchmarks._audio_peer import say, stdin_closed
from benchmarks._peer import qt_loop

STREAM = "av"
PROCESSING_OFF = {"enable_aec": False, "enable_ans": False, "enable_agc": False}


async def _engine(args: argparse.Namespace, user: str, **config: Any) -> Engine:
    engine = Engine(
        1, args.server, EngineConfig(host_addresses=["127.0.0.1"], **PROCESSING_OFF, **config)
    )
    token = mint_token(app_id=1, secret=args.secret, user_id=user, room_id=args.room)
    assert await engine.login_room(args.room, token, User(user), RoomConfig())
    return engine


async def publish(args: argparse.Namespace) -> dict[str, Any]:
    from app.media import MicrophoneSource

    engine = await _engine(args, "a", speaker=False)
    microphone = await MicrophoneSource.open()
    stream = await engine.create_stream(
        custom=CustomConfig(video="pattern", audio=microphone, width=640, height=480, fps=30)
    )
    await engine.start_publishing_stream(STREAM, stream)
    say({"ready": True})
    await stdin_closed()
    await engine.destroy_engine()
    return {}


async def play(args: argparse.Namespace) -> dict[str, Any]:
    from app.media import read_stamp
    from app.ui.video import VideoTile

    painted: list[tuple[float, float]] = []
    """(wall time painted, capture -> painted ms)"""

    def on_painted(stamp: Any, at: float) -> None:
        if stamp is not None:
            painted.append((at, stamp.age_ms(int(at * 1e6))))

    tile = VideoTile("lipsync")
    tile.resize(640, 480)
    tile.frame_probe = read_stamp
    tile.paint_probe = on_painted
    tile.show()
    engine = await _engine(args, "b", speaker=None, av_sync=bool(args.sync))
    offsets: list[tuple[float, float | None]] = []
    engine.on(
        "playQualityUpdate",
        lambda _stream, quality: offsets.append((time.time(), quality.av_timestamp_diff_ms)),
    )
    for _ in range(600):
        if STREAM in {s.stream_id for s in engine.streams}:
            break
        await asyncio.sleep(0.05)
    remote = await engine.start_playing_stream(STREAM)
    remote.add_video_sink(tile.set_frame)
    assert await remote.wait_first_frame(30)
    for _ in range(600):
        if remote.audio_frames:
            break
        await asyncio.sleep(0.05)
    say({"ready": True})
    await stdin_closed()
    breakdown = latency_of(remote)
    result = {
        "painted": painted,
        "offsets": offsets,
        "lip_sync_hold_ms": round(breakdown.lip_sync_ms, 1) if breakdown else None,
    }
    tile.release()
    await engine.destroy_engine()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["publish", "play"])
    parser.add_argument("--server", default="")
    parser.add_argument("--secret", default="")
    parser.add_argument("--room", default="lipsync")
    parser.add_argument("--sync", type=int, default=1, help="EngineConfig.av_sync (player)")
    args = parser.parse_args()
    loop = qt_loop() if args.role == "play" else asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        result = loop.run_until_complete(publish(args) if args.role == "publish" else play(args))
    finally:
        loop.close()
    say({"result": result})


if __name__ == "__main__":
    main()
