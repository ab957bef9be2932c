"""Capture -> decoded and capture -> painted latency, Huddle beside stock aiortc, in one run.

    .venv/bin/python benchmarks/e2e_latency.py [--json] [--markdown] [--duration S]
        [--media p2p sfu]

For each codec (VP8, H.264) and size (640x480, 1280x720), a publisher process sends the
test pattern at 30 fps to a player process on 127.0.0.1, once through Huddle (engine, room
service, its jitter buffer) and once through bare aiortc as shipped; with ``--media p2p sfu``
Huddle's run is repeated through a real Janus (SFU: publisher -> Janus -> player). The player
paints into Huddle's real VideoTile (offscreen Qt) in both cases. Latencies come from the
capture time stamped in each frame's pixels; CPU is each process's own, in % of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
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

SIZES = {"640x480": (640, 480), "1280x720": (1280, 720)}


async def run_pair(publish: list[str], play: list[str], seconds: float, connect) -> dict:
    """Start a publisher and a player, ``connect`` them, let them run, collect both results;
    both processes are stopped whatever happens."""
    publisher = player = None
    try:
        publisher = await spawn(*publish)
        player = await connect(publisher, lambda: spawn(*play))
        await asyncio.sleep(seconds)
        played = await finish(player)
        published = await finish(publisher)
    finally:
        for process in (player, publisher):
            if process is not None:
                await stop(process)
    return {
        **played,
        "cpu_player": played["cpu_percent"],
        "cpu_publisher": published["cpu_percent"],
    }


async def run_huddle(
    server: str, secret: str, media: list[str], seconds: float, tag: str, jb: str
) -> dict:
    common = ["--server", server, "--secret", secret, "--room", tag, *media]

    async def connect(publisher, start_player):
        await read_json(publisher, "ready")  # published: the player finds it in the room
        return await start_player()

    return await run_pair(
        ["huddle-publish", *common, "--user", "pub"],
        ["huddle-play", *common, "--user", "play", "--paint", "--jitter-buffer", jb],
        seconds,
        connect,
    )


async def run_stock(media: list[str], seconds: float) -> dict:
    async def connect(publisher, start_player):
        offer = await read_json(publisher, "offer")  # the SDP goes through this process
        player = await start_player()
        player.stdin.write((json.dumps({"offer": offer}) + "\n").encode())
        answer = await read_json(player, "answer")
        publisher.stdin.write((json.dumps({"answer": answer}) + "\n").encode())
        return player

    return await run_pair(
        ["stock-publish", *media], ["stock-play", *media, "--paint"], seconds, connect
    )


async def main(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    server, url = await start_server(1, secret)
    janus = sfu_server = None
    urls = {"p2p": url}
    if "sfu" in args.media:
        janus = start_janus()
        sfu_server, urls["sfu"] = await start_server(1, secret, janus=janus)
    runs = []
    try:
        for codec in args.codecs:
            for size in args.sizes:
                width, height = SIZES[size]
                media = [
                    "--codec",
                    codec,
                    "--width",
                    str(width),
                    "--height",
                    str(height),
                    "--warmup",
                    "2",
                ]
                seconds = args.duration + 2
                for stack in args.stacks:
                    for mode in ["p2p"] if stack == "stock" else args.media:
                        tag = f"{codec}-{size}-{stack}-{mode}".lower()
                        if stack == "stock":
                            result = await run_stock(media, seconds)
                        else:
                            jb = "stock" if stack == "huddle-stock-jb" else "frame"
                            result = await run_huddle(urls[mode], secret, media, seconds, tag, jb)
                        row = {"stack": stack, "codec": codec, "size": size, **result}
                        if stack != "stock" and mode == "sfu":
                            row["media"] = "sfu"
                        runs.append(row)
                        p50 = result["painted_ms"]["p50"]
                        print(
                            f"# {stack:16} {mode} {codec:4} {size:9} painted p50 {p50} ms",
                            file=sys.stderr,
                        )
    finally:
        await stop(server)
        if sfu_server is not None:
            await stop(sfu_server)
        if janus is not None:
            janus.stop()
    ratios = {}
    for codec in args.codecs:
        for size in args.sizes:
            by = {
                r["stack"]: r
                for r in runs
                if r["codec"] == codec and r["size"] == size and "media" not in r
            }
            if "huddle" in by and "stock" in by and by["huddle"]["painted_ms"]["p50"]:
                ratios[f"{codec} {size}"] = round(
                    by["stock"]["painted_ms"]["p50"] / by["huddle"]["painted_ms"]["p50"], 2
                )
    return {
        "benchmark": "e2e_latency",
        "machine": machine(),
        "seconds": args.duration,
        "runs": runs,
        "stock_over_huddle_painted_p50": ratios,
    }


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for r in result["runs"]:
        rows.append(
            [
                r["stack"] + (" (sfu)" if r.get("media") == "sfu" else ""),
                r["codec"],
                r["size"],
                r["decoded_ms"]["p50"],
                r["decoded_ms"]["p95"],
                r["painted_ms"]["p50"],
                r["painted_ms"]["p95"],
                r["painted_ms"]["p99"],
                r["painted_ms"]["max"],
                r["fps_decoded"],
                r["fps_painted"],
                r["cpu_publisher"],
                r["cpu_player"],
            ]
        )
    headers = [
        "stack",
        "codec",
        "size",
        "decoded p50",
        "decoded p95",
        "painted p50",
        "painted p95",
        "painted p99",
        "painted max",
        "fps decoded",
        "fps painted",
        "CPU % pub",
        "CPU % play",
    ]
    ratio_rows = [[k, v] for k, v in result["stock_over_huddle_painted_p50"].items()]
    return (
        table(headers, rows)
        + "\n\nStock aiortc ÷ Huddle, painted p50:\n\n"
        + table(["config", "ratio"], ratio_rows)
    )


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    cli.add_argument("--codecs", nargs="+", default=["VP8", "H264"], choices=["VP8", "H264"])
    cli.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    cli.add_argument(
        "--media",
        nargs="+",
        default=["p2p"],
        choices=["p2p", "sfu"],
        help="Huddle's media path: peer to peer, and/or through a real Janus (SFU)",
    )
    cli.add_argument(
        "--stacks",
        nargs="+",
        default=["huddle", "stock"],
        choices=["huddle", "stock", "huddle-stock-jb"],
    )
    run(main, markdown, cli.parse_args())
