"""Publisher CPU and uplink with 1, 2, 4 and 8 viewers, peer-to-peer: one encode per player
(as before) beside one encode per stream, in one run.

    .venv/bin/python benchmarks/publisher_fanout.py [--json] [--markdown] \\
        [--viewers 1 2 4 8] [--duration 10] [--modes per-player once]

For each mode and viewer count: a huddle-server on 127.0.0.1, one publisher process (the
640x480@30 VP8 pattern and a 440 Hz tone, as the camera and microphone of the app) and one
viewer process holding N engines that each play the stream (decoded, not painted; frames are
checked by the pattern's stamp; run at the lowest priority, since it stands in for other
machines). After a warm-up, the publisher's own CPU (every thread, % of
one core) and its uplink (RTP bytes sent to all its players, video and audio) are measured
over ``--duration`` seconds. "per-player" is the old path, kept selectable for this benchmark
(``EngineConfig(_encode_per_player=True)``); "once" is the default.

Unless ``--remb`` is given, the publisher ignores its players' bitrate estimates (REMB), so
both paths encode at the same rate (the 800 kbps cap for 640x480): on a shared 2-core machine
the viewer processes fall behind and their estimates drop, by different amounts from run to
run, which would make the CPU figures compare different bitrates rather than the two paths.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    PYTHON,
    ROOT,
    CpuMeter,
    machine,
    parser,
    read_json,
    run,
    start_server,
    stop,
    table,
)

STREAM = "fan"
MODES = ("per-player", "once")


# ------------------------------------------------------------ the two roles (own processes)


def _say(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


async def _stdin() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _engine(args: argparse.Namespace, **config: Any) -> Any:
    from app.engine import Engine, EngineConfig

    return Engine(
        1, args.server, EngineConfig(host_addresses=["127.0.0.1"], speaker=False, **config)
    )


async def _login(engine: Any, args: argparse.Namespace, user: str) -> None:
    from app.engine import RoomConfig, User
    from app.server.tokens import mint_token

    token = mint_token(app_id=1, secret=args.secret, user_id=user, room_id=args.room)
    assert await engine.login_room(args.room, token, User(user), RoomConfig())


async def _bytes_sent(engine: Any) -> int:
    publication = engine._publishing.publications[STREAM]
    total = 0
    for peer in list(publication._peers.values()):
        for stats in (await peer.pc.getStats()).values():
            if stats.type == "outbound-rtp":
                total += stats.bytesSent
    return total


def _ignore_remb() -> None:
    """Both paths at the cap: aiortc's senders and the shared encoder ignore REMB."""
    import aiortc.rtcrtpsender

    from app.engine._encoder import EncodedTrack

    def no_estimate(_fci: bytes) -> Any:
        raise ValueError("REMB ignored by the benchmark")

    aiortc.rtcrtpsender.unpack_remb_fci = no_estimate  # type: ignore[attr-defined]
    EncodedTrack.bitrate_estimated = lambda self, bits_per_second: None  # type: ignore[method-assign]


async def role_publish(args: argparse.Namespace) -> dict[str, Any]:
    from app.engine import CustomConfig, PublishOptions

    if not args.remb:
        _ignore_remb()
    engine = _engine(args, _encode_per_player=args.mode == "per-player")
    await _login(engine, args, "pub")
    stream = await engine.create_stream(
        custom=CustomConfig(video="pattern", audio="tone", width=640, height=480, fps=30)
    )
    await engine.start_publishing_stream(STREAM, stream, PublishOptions(video_codec="VP8"))
    _say({"ready": True})
    reader = await _stdin()
    await reader.readline()  # "measure": every viewer is playing and warmed up
    sent, started, captured = await _bytes_sent(engine), time.monotonic(), stream.video.frames
    cpu = CpuMeter()
    await reader.read()  # until the orchestrator closes stdin
    cpu_percent = cpu.percent()
    seconds = time.monotonic() - started
    publication = engine._publishing.publications[STREAM]
    players = len(publication.players)  # before awaiting the statistics
    uplink = (await _bytes_sent(engine) - sent) * 8 / 1000 / seconds
    video = publication._encoders.get("video")
    result = {
        "cpu_percent": cpu_percent,
        "uplink_kbps": round(uplink, 1),
        "players": players,
        "captured_fps": round((stream.video.frames - captured) / seconds, 1),
        "encoders": len(publication._encoders),
        "shared_target_kbps": video.target_bitrate // 1000 if video else None,
    }
    _say({"result": result})
    await engine.destroy_engine()
    return result


async def role_viewers(args: argparse.Namespace) -> dict[str, Any]:
    from app.media import read_stamp

    # The viewers stand in for other machines: they yield the CPU to the publisher measured.
    os.nice(19)
    engines = []
    for i in range(args.viewers[0]):
        engine = _engine(args)
        await _login(engine, args, f"viewer-{i}")
        engines.append(engine)
    counts = [{"frames": 0, "verified": 0} for _ in engines]
    measuring = False

    def sink(count: dict[str, int]) -> Any:
        def on_frame(frame: Any) -> None:
            if measuring:
                count["frames"] += 1
                # Stamps are read on every 10th frame only, to keep this process light.
                if count["frames"] % 10 == 0 and read_stamp(frame) is not None:
                    count["verified"] += 10

        return on_frame

    for engine, count in zip(engines, counts, strict=True):
        remote = await engine.start_playing_stream(STREAM)
        remote.add_video_sink(sink(count))
    for engine in engines:
        remote = engine.remote_stream(STREAM)
        assert remote is not None and await remote.wait_first_frame(30)
    _say({"ready": True})
    reader = await _stdin()
    await reader.readline()
    measuring, started = True, time.monotonic()
    await reader.read()
    seconds = time.monotonic() - started
    result = {
        "fps": [round(c["frames"] / seconds, 1) for c in counts],
        "verified": sum(c["verified"] for c in counts),
        "frames": sum(c["frames"] for c in counts),
    }
    _say({"result": result})  # before the slow part: eight engines closing at low priority
    for engine in engines:
        await engine.destroy_engine()
    return result


# ------------------------------------------------------------ the orchestrator


async def _spawn(role: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "benchmarks.publisher_fanout",
        "--role",
        role,
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


async def one_run(mode: str, viewers: int, args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    server, url = await start_server(1, secret)
    processes: list[asyncio.subprocess.Process] = []
    try:
        common = ["--server", url, "--secret", secret, "--room", f"fan-{mode}-{viewers}"]
        remb = ["--remb"] if args.remb else []
        publisher = await _spawn("publish", *common, "--mode", mode, *remb)
        processes.append(publisher)
        await read_json(publisher, "ready")
        watchers = await _spawn("viewers", *common, "--viewers", str(viewers))
        processes.append(watchers)
        await read_json(watchers, "ready", timeout=120)
        await asyncio.sleep(args.warmup)
        for process in (publisher, watchers):
            assert process.stdin is not None
            process.stdin.write(b"measure\n")
            await process.stdin.drain()
        await asyncio.sleep(args.duration)
        # The publisher reports first, while every viewer still plays: viewers that had
        # begun to log out would be missing from its count of players.
        assert publisher.stdin is not None and watchers.stdin is not None
        publisher.stdin.close()
        published = await read_json(publisher, "result", timeout=120)
        watchers.stdin.close()
        watched = await read_json(watchers, "result", timeout=120)
    finally:
        for process in processes:
            await stop(process)
        await stop(server)
    return {"mode": mode, "viewers": viewers, **published, "viewer": watched}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    runs = []
    for viewers in args.viewers:
        for mode in args.modes:
            runs.append(await one_run(mode, viewers, args))
            print(f"{mode} x{viewers}: {runs[-1]['cpu_percent']} % CPU", file=sys.stderr)
    by = {(r["mode"], r["viewers"]): r for r in runs}
    ratios: dict[str, Any] = {}
    for mode in args.modes:
        base = by.get((mode, min(args.viewers)))
        ratios[mode] = {
            str(n): round(by[(mode, n)]["cpu_percent"] / base["cpu_percent"], 2)
            if base and base["cpu_percent"]
            else None
            for n in args.viewers
        }
    return {
        "benchmark": "publisher_fanout",
        "machine": machine(),
        "seconds": args.duration,
        "remb": args.remb,
        "runs": runs,
        "cpu_over_fewest_viewers": ratios,
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        (
            r["viewers"],
            r["mode"],
            r["cpu_percent"],
            r["uplink_kbps"],
            r["captured_fps"],
            min(r["viewer"]["fps"]) if r["viewer"]["fps"] else None,
            f"{r['viewer']['verified']}/{r['viewer']['frames']}",
        )
        for r in result["runs"]
    ]
    return table(
        [
            "viewers",
            "p2p encode",
            "publisher CPU %",
            "uplink kbps",
            "captured fps",
            "slowest viewer fps",
            "verified/frames",
        ],
        rows,
    )


def cli() -> argparse.Namespace:
    p = parser(__doc__ or "")
    p.add_argument("--viewers", type=int, nargs="+", default=[1, 2, 4, 8])
    p.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument(
        "--remb", action="store_true", help="let the players' bitrate estimates steer the encoder"
    )
    # The roles (this file run as its own processes).
    p.add_argument("--role", choices=("publish", "viewers"))
    p.add_argument("--server")
    p.add_argument("--secret")
    p.add_argument("--room")
    p.add_argument("--mode", choices=MODES)
    return p.parse_args()


if __name__ == "__main__":
    arguments = cli()
    if arguments.role is not None:
        role = role_publish if arguments.role == "publish" else role_viewers
        asyncio.run(role(arguments))
    else:
        run(main, markdown, arguments)
