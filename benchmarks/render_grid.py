"""Four remote streams at 640x480@30 painted in one window's grid: painted fps and CPU.

    .venv/bin/python benchmarks/render_grid.py [--json] [--markdown] [--streams 4] [--duration 20]

Publisher processes send the pattern; one player process (the desktop app's engine, grid and
tiles, offscreen) plays them all into a 1280x960 VideoGrid. On this 2-core machine the
publishers' encoders share the cores with the player, as they would not in a real call.
"""

from __future__ import annotations

import argparse
import asyncio
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
    start_server,
    stop,
    table,
)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    server, url = await start_server(1, secret)
    publishers = []
    try:
        common = ["--server", url, "--secret", secret, "--room", "grid"]
        for i in range(args.streams):
            publisher = await spawn(
                "huddle-publish", *common, "--user", f"pub{i}", "--stream", f"cam{i}"
            )
            await read_json(publisher, "ready")
            publishers.append(publisher)
        player = await spawn(
            "huddle-grid",
            *common,
            "--user",
            "viewer",
            "--expect",
            str(args.streams),
            "--warmup",
            "3",
        )
        try:
            await read_json(player, "ready")
            await asyncio.sleep(3 + args.duration)
            result = await finish(player)
        finally:
            await stop(player)
        published = [await finish(p) for p in publishers]
    finally:
        for publisher in publishers:
            await stop(publisher)
        await stop(server)
    return {
        "benchmark": "render_grid",
        "machine": machine(),
        "streams": args.streams,
        "seconds": args.duration,
        **result,
        "cpu_publishers": [p["cpu_percent"] for p in published],
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [f"tile {i + 1}", fps, rec]
        for i, (fps, rec) in enumerate(
            zip(result["fps_painted"], result["fps_received"], strict=True)
        )
    ]
    size = "×".join(map(str, result["tile_size"]))
    return table(["", "fps painted", "fps received"], rows) + (
        f"\n\nTiles {size} px; player CPU {result['cpu_percent']} % of one core; "
        f"publishers {result['cpu_publishers']} %"
    )


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--streams", type=int, default=4)
    cli.add_argument("--duration", type=float, default=20.0)
    run(main, markdown, cli.parse_args())
