"""A 1:1 call, both directions at 640x480@30 with audio: CPU per client and sustained fps.

    .venv/bin/python benchmarks/call_cpu.py [--json] [--markdown] [--duration 60]

Two client processes (as the desktop app does it: engine, pattern "camera" and tone
"microphone" published, the other side played and painted into the real VideoTile) call each
other through a huddle-server on 127.0.0.1. CPU is each process's own, in % of one core,
over the measured window (after a warm-up).
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
    process_cpu_seconds,
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
    clients = []
    try:
        common = ["--server", url, "--secret", secret, "--room", "call", "--warmup", "3"]
        alice = await spawn("huddle-call", *common, "--user", "alice", "--other", "bob")
        bob = await spawn("huddle-call", *common, "--user", "bob", "--other", "alice")
        clients = [alice, bob]
        for client in clients:
            await read_json(client, "ready")
        await asyncio.sleep(3)
        server_cpu = process_cpu_seconds(server.pid)
        await asyncio.sleep(args.duration)
        server_cpu = process_cpu_seconds(server.pid) - server_cpu
        results = [await finish(client) for client in clients]
    finally:
        for client in clients:
            await stop(client)
        await stop(server)
    return {
        "benchmark": "call_cpu",
        "machine": machine(),
        "seconds": args.duration,
        "clients": {
            name: {
                "cpu_percent": r["cpu_percent"],
                "fps_decoded": r["fps_decoded"],
                "fps_painted": r["fps_painted"],
                "frames": r["frames"],
                "audio_frames": r["audio_frames"],
            }
            for name, r in zip(("alice", "bob"), results, strict=True)
        },
        "server_cpu_percent": round(100 * server_cpu / args.duration, 2),
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [name, c["cpu_percent"], c["fps_decoded"], c["fps_painted"], c["audio_frames"]]
        for name, c in result["clients"].items()
    ]
    headers = ["client", "CPU % of one core", "fps decoded", "fps painted", "audio frames"]
    return table(headers, rows) + f"\n\nRoom service CPU: {result['server_cpu_percent']} %"


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--duration", type=float, default=60.0)
    run(main, markdown, cli.parse_args())
