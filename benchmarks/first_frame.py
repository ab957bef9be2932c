"""Login -> first remote frame decoded and painted, through the real room service.

    .venv/bin/python benchmarks/first_frame.py [--json] [--markdown] [--joins N]
        [--media p2p sfu]

A publisher process sends the pattern; a second process joins the room N times (a fresh
engine each time), plays the stream and paints it into the real VideoTile (offscreen),
timing each join from the call to ``login_room``. ``--media sfu`` does it through a real Janus
(SFU), beside peer to peer when both are given.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    finish,
    machine,
    parser,
    percentiles,
    read_json,
    run,
    spawn,
    start_janus,
    start_server,
    stop,
    table,
)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    if args.media == ["p2p"]:
        return await measure(args, "p2p")
    by_media = {mode: await measure(args, mode) for mode in args.media}
    return {"benchmark": "first_frame", "machine": machine(), "media": by_media}


async def measure(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    janus = start_janus() if mode == "sfu" else None
    server, url = await start_server(1, secret, janus=janus)
    try:
        common = [
            "--server",
            url,
            "--secret",
            secret,
            "--room",
            "first-frame",
            "--codec",
            args.codec,
        ]
        publisher = await spawn("huddle-publish", *common, "--user", "pub")
        try:
            await read_json(publisher, "ready")
            joiner = await spawn(
                "huddle-joins", *common, "--user", "joiner", "--joins", str(args.joins)
            )
            try:
                assert joiner.stdin is not None
                joiner.stdin.close()  # the joins run to completion, then it reports
                joins = (await read_json(joiner, "result", timeout=60 + 10 * args.joins))["joins"]
                await joiner.wait()
            finally:
                await stop(joiner)
            await finish(publisher)
        finally:
            await stop(publisher)
    finally:
        await stop(server)
        if janus is not None:
            janus.stop()
    return {
        "benchmark": "first_frame",
        "machine": machine(),
        "codec": args.codec,
        "joins": len(joins),
        "login_ms": percentiles([j["login_ms"] for j in joins]),
        "first_decoded_ms": percentiles([j["first_decoded_ms"] for j in joins]),
        "first_painted_ms": percentiles([j["first_painted_ms"] for j in joins]),
        "each": joins,
    }


def markdown(result: dict[str, Any]) -> str:
    if "media" in result:
        return "\n\n".join(f"{mode}:\n\n{markdown(r)}" for mode, r in result["media"].items())
    rows = [
        [name, result[key]["p50"], result[key]["p95"], result[key]["max"]]
        for name, key in (
            ("login", "login_ms"),
            ("login → first frame decoded", "first_decoded_ms"),
            ("login → first frame painted", "first_painted_ms"),
        )
    ]
    return table(["from the call to login_room (ms)", "p50", "p95", "max"], rows)


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--joins", type=int, default=12)
    cli.add_argument("--codec", default="VP8", choices=["VP8", "H264"])
    cli.add_argument("--media", nargs="+", default=["p2p"], choices=["p2p", "sfu"])
    run(main, markdown, cli.parse_args())
