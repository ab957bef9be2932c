"""Group calls through the SFU (Janus) beside peer to peer, in one run.

    .venv/bin/python benchmarks/sfu.py [--json] [--markdown] [--viewers 1 2 4 8]
        [--duration S] [--members 6] [--media p2p sfu]

1. Fan-out: one publisher (640x480@30 VP8 pattern and a tone) and N viewers (engines in one
   process, decoding, not painting); the publisher's CPU (% of one core, its own process) and
   uplink (kbps over every peer connection it has, from ``publishQualityUpdate``), p2p beside
   sfu for each N.
2. All-to-all: ``--members`` processes each publish and play every other member into a real
   grid of tiles (offscreen Qt); CPU per client and frames painted per tile per second.

Capture -> painted latency and login -> first frame through Janus are ``e2e_latency.py
--media p2p sfu`` and ``first_frame.py --media p2p sfu``. A real Janus is started for the run
(``tests/janus.py``: needs root for its interface) and stopped after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    finish,
    machine,
    parser,
    read_json,
    run,
    spawn,
    start_janus,
    start_server,
    stop,
    table,
)


async def fanout(url: str, secret: str, viewers: int, seconds: float, tag: str) -> dict:
    common = ["--server", url, "--secret", secret, "--room", tag, "--warmup", "1"]
    publisher = watchers = None
    try:
        publisher = await spawn("huddle-fanout-publish", *common, "--user", "pub")
        await read_json(publisher, "ready")
        watchers = await spawn(
            "huddle-viewers", *common, "--user", "viewer", "--viewers", str(viewers)
        )
        await read_json(watchers, "ready", timeout=120)
        assert publisher.stdin is not None
        publisher.stdin.write(b"measure\n")
        await asyncio.sleep(seconds + 1.5)
        watched = await finish(watchers)
        published = await finish(publisher)
    finally:
        for process in (watchers, publisher):
            if process is not None:
                await stop(process)
    return {
        "viewers": viewers,
        "publisher_cpu_percent": published["cpu_percent"],
        "uplink_kbps": published["uplink_kbps"],
        "publisher_peer_connections": published["peer_connections"],
        "viewer_fps": watched["fps"],
        "verified_frames": sum(watched["verified"]),
        "frames": sum(watched["frames"]),
    }


async def all_to_all(
    url: str, secret: str, members: int, seconds: float, tag: str, size: str
) -> dict:
    width, height = size.split("x")
    common = ["--server", url, "--secret", secret, "--room", tag, "--warmup", "3"]
    common += ["--width", width, "--height", height]
    processes = []
    try:
        for i in range(members):
            processes.append(
                await spawn(
                    "huddle-member", *common, "--user", f"m{i}", "--expect", str(members - 1)
                )
            )
        for process in processes:
            await read_json(process, "ready", timeout=180)
        await asyncio.sleep(seconds + 3)
        results = [await finish(process) for process in processes]
    finally:
        for process in processes:
            await stop(process)
    cpus = [r["cpu_percent"] for r in results]
    fps = [f for r in results for f in r["fps_painted"]]
    received = [f for r in results for f in r["fps_received"]]
    return {
        "members": members,
        "size": size,
        "cpu_percent_per_client": cpus,
        "cpu_percent_mean": round(statistics.fmean(cpus), 1),
        "fps_painted_per_tile_min": min(fps) if fps else None,
        "fps_painted_per_tile_mean": round(statistics.fmean(fps), 1) if fps else None,
        "fps_received_per_tile_min": min(received) if received else None,
        "fps_painted_each": [r["fps_painted"] for r in results],
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    janus = start_janus() if "sfu" in args.media else None
    servers: dict[str, str] = {}
    processes = []
    try:
        for media in args.media:
            process, url = await start_server(1, secret, janus=janus if media == "sfu" else None)
            processes.append(process)
            servers[media] = url
        runs = []
        for n in args.viewers:
            for media in args.media:
                result = await fanout(servers[media], secret, n, args.duration, f"fan-{media}-{n}")
                runs.append({"media": media, **result})
                print(
                    f"# fan-out {media:3} {n} viewers: publisher "
                    f"{result['publisher_cpu_percent']} % CPU, {result['uplink_kbps']} kbps",
                    file=sys.stderr,
                )
        rooms = []
        if args.members:
            for media in args.media:
                result = await all_to_all(
                    servers[media], secret, args.members, args.duration, f"all-{media}", args.size
                )
                rooms.append({"media": media, **result})
                print(
                    f"# all-to-all {media:3} {args.members}: {result['cpu_percent_mean']} % CPU "
                    f"per client, tiles >= {result['fps_painted_per_tile_min']} fps",
                    file=sys.stderr,
                )
    finally:
        for process in processes:
            await stop(process)
        if janus is not None:
            with contextlib.suppress(Exception):
                janus.stop()
    ratios: dict[str, dict[str, float | None]] = {}
    for media in args.media:
        mine = {r["viewers"]: r for r in runs if r["media"] == media}
        lo, hi = min(mine), max(mine)
        if lo != hi:

            def ratio(key: str, a: int = hi, b: int = lo, by: dict = mine) -> float | None:
                x, y = by[a][key], by[b][key]
                return round(x / y, 2) if x and y else None

            ratios[media] = {
                f"cpu_{hi}_over_{lo}": ratio("publisher_cpu_percent"),
                f"uplink_{hi}_over_{lo}": ratio("uplink_kbps"),
            }
    return {
        "benchmark": "sfu",
        "machine": machine(),
        "seconds": args.duration,
        "fanout": runs,
        "fanout_ratios": ratios,
        "all_to_all": rooms,
    }


def markdown(result: dict[str, Any]) -> str:
    fan = table(
        ["media", "viewers", "publisher CPU %", "uplink kbps", "peer conns", "viewer fps (min)"],
        [
            [
                r["media"],
                r["viewers"],
                r["publisher_cpu_percent"],
                r["uplink_kbps"],
                r["publisher_peer_connections"],
                min(r["viewer_fps"]) if r["viewer_fps"] else None,
            ]
            for r in result["fanout"]
        ],
    )
    ratios = table(
        ["media", "ratio", "value"],
        [[m, k, v] for m, by in result["fanout_ratios"].items() for k, v in by.items()],
    )
    rooms = table(
        ["media", "members", "size", "CPU % per client", "CPU % each", "tile fps min", "mean"],
        [
            [
                r["media"],
                r["members"],
                r["size"],
                r["cpu_percent_mean"],
                " ".join(str(c) for c in r["cpu_percent_per_client"]),
                r["fps_painted_per_tile_min"],
                r["fps_painted_per_tile_mean"],
            ]
            for r in result["all_to_all"]
        ],
    )
    return f"{fan}\n\n{ratios}\n\n{rooms}"


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--viewers", type=int, nargs="+", default=[1, 2, 4, 8])
    cli.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    cli.add_argument("--members", type=int, default=6, help="all-to-all room size (0: skip)")
    cli.add_argument("--media", nargs="+", default=["p2p", "sfu"], choices=["p2p", "sfu"])
    cli.add_argument("--size", default="640x480", help="all-to-all camera size (default 640x480)")
    run(main, markdown, cli.parse_args())
