"""A browser in a call with a Huddle engine: quality both ways, through the real room service.

    .venv/bin/python benchmarks/browser_call.py [--json] [--markdown] [--duration S]
                                               [--stacks huddle,stock]

Headless Chromium (fake camera, 640x480 at 30 fps) runs the JavaScript SDK and publishes;
a Huddle engine in this process plays it and, each second, reads the size, decoded frame
rate and received bitrate, while the browser's getStats() says what it sends and why it holds
back (``qualityLimitationReason``, the congestion controller's ``availableOutgoingBitrate``).
A second engine, in its own process as a desktop app would be, publishes the test pattern the
other way; the browser times login -> first frame
painted (requestVideoFrameCallback) and its decoded frame rate.

``huddle`` is the engine as shipped (receiver-side bandwidth estimate from
``app/engine/_aiortc_seams.py``); ``stock`` turns that seam off (aiortc's own REMB), in the
same run, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web

from app.engine import Engine, EngineConfig, RoomConfig, UpdateType, User
from app.engine import _aiortc_seams as seams
from app.server import RoomServer, ServiceConfig, mint_token
from benchmarks._common import finish, machine, parser, read_json, run, spawn, stop, table
from tests.helpers import until
from tests.web.cdp import Chromium

APP_ID = 1
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>bench</title>
<script src="/sdk/huddle-express.js"></script></head>
<body><div id="remote" style="width:640px;height:480px"></div></body></html>"""

BROWSER_STATS = """(async () => {
  const pub = __zg._publications.get('browser-cam');
  const session = pub && [...pub.sessions.values()][0];
  if (!session) return null;
  const r = await session.pc.getStats();
  const out = {};
  r.forEach(s => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      Object.assign(out, {width: s.frameWidth, height: s.frameHeight, fps: s.framesPerSecond,
        bytes: s.bytesSent, target: s.targetBitrate, limit: s.qualityLimitationReason});
    }
    if (s.type === 'candidate-pair' && s.nominated) out.available = s.availableOutgoingBitrate;
  });
  return out;
})()"""

JOIN = """(async () => {
  const zg = window.__zg = new ZegoExpressEngine(%(app)d, '');

  window.__t0 = performance.now();
  window.__first = null;
  zg.on('roomStreamUpdate', async (room, type, list) => {
    if (type !== 'ADD') return;
    const stream = await zg.startPlayingStream(list[0].streamID);
    const view = zg.createRemoteStreamView(stream);
    await view.play('remote', {enableAutoplayDialog: false});
    const v = document.querySelector('#remote video');
    window.__painted = 0;
    const tick = (now) => {
      if (window.__first === null) window.__first = now - window.__t0;
      window.__painted++;
      v.requestVideoFrameCallback(tick);
    };
    v.requestVideoFrameCallback(tick);
  });
  await zg.loginRoom('%(room)s', '%(token)s', {userID: 'browser', userName: 'Browser'},
    {userUpdate: true});
  const local = await zg.createZegoStream({camera: {videoQuality: 2}});
  zg.startPublishingStream('browser-cam', local);
  return true;
})()"""

PLAYED_STATS = """(async () => {
  const p = __zg._playbacks.get('engine-cam');
  if (!p || !p.session) return null;
  const r = await p.session.pc.getStats();
  let v = null;
  r.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') v = s; });
  return v && {frames: v.framesDecoded, received: v.framesReceived, dropped: v.framesDropped,
    width: v.frameWidth, height: v.frameHeight};
})()"""


async def one_run(browser: Chromium, stack: str, duration: float) -> dict[str, Any]:
    secret = secrets.token_hex(32)
    config = ServiceConfig(app_id=APP_ID, secret=secret)
    server = RoomServer(config)

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    server.app.router.add_get("/bench", page)
    room = f"bench-{stack}-{secrets.token_hex(3)}"
    engine_config = EngineConfig(host_addresses=["127.0.0.1"], speaker=False)
    stock = seams.stock_receiver_estimate() if stack == "stock" else contextlib.nullcontext()
    with stock:
        return await _call(browser, server, secret, room, engine_config, duration, stack)


async def _call(browser, server, secret, room, engine_config, duration, stack) -> dict[str, Any]:
    async with server:
        engine = Engine(APP_ID, server.url, replace(engine_config))
        tab = None
        publisher = None
        try:
            token = mint_token(app_id=APP_ID, secret=secret, user_id="engine", room_id=room)
            assert await engine.login_room(
                room, token, User("engine", "Engine"), RoomConfig(user_update=True)
            )
            # The desktop side's camera: a publisher in its own process, as a desktop app is.
            publisher = await spawn(
                "huddle-publish",
                *("--server", server.url, "--secret", secret, "--room", room),
                *("--user", "desktop", "--stream", "engine-cam", "--audio"),
            )
            await read_json(publisher, "ready")
            played: dict[str, Any] = {}

            async def on_streams(room_id, update_type, streams, extended) -> None:
                if update_type == UpdateType.ADD:
                    for info in streams:
                        played[info.stream_id] = await engine.start_playing_stream(info.stream_id)

            engine.on("roomStreamUpdate", on_streams)
            tab = await browser.new_page(f"{server.http_url}/bench")
            await tab.wait_for("typeof ZegoExpressEngine === 'function'")
            browser_token = mint_token(app_id=APP_ID, secret=secret, user_id="browser")
            await tab.evaluate(JOIN % {"app": APP_ID, "room": room, "token": browser_token})
            await until(
                lambda: "browser-cam" in played and played["browser-cam"].video_frames > 0, 60
            )
            remote = played["browser-cam"]
            playback = engine._playbacks["browser-cam"]
            samples = []
            start_frames = remote.video_frames
            start_bytes = _received(playback)
            start = time.monotonic()
            previous = (start, remote.video_frames, start_bytes)
            sent_before = None
            painted_before = await tab.evaluate("window.__painted || 0")
            while time.monotonic() - start < duration:
                await asyncio.sleep(1.0)
                now, frames, got = time.monotonic(), remote.video_frames, _received(playback)
                elapsed = now - previous[0]
                sent = await tab.evaluate(BROWSER_STATS) or {}
                sample = {
                    "t": round(now - start, 1),
                    "width": remote.width,
                    "height": remote.height,
                    "fps": round((frames - previous[1]) / elapsed, 1),
                    "kbps": round((got - previous[2]) * 8 / 1000 / elapsed),
                    "sent_size": f"{sent.get('width')}x{sent.get('height')}",
                    "sent_fps": sent.get("fps"),
                    "target_kbps": round((sent.get("target") or 0) / 1000),
                    "available_kbps": round((sent.get("available") or 0) / 1000),
                    "limited_by": sent.get("limit"),
                }
                if sent_before is not None and sent.get("bytes"):
                    sample["sent_kbps"] = round((sent["bytes"] - sent_before) * 8 / 1000 / elapsed)
                sent_before = sent.get("bytes")
                samples.append(sample)
                previous = (now, frames, got)
            total = time.monotonic() - start
            received_kbps = round((_received(playback) - start_bytes) * 8 / 1000 / total)
            received_fps = round((remote.video_frames - start_frames) / total, 1)
            painted_fps = ((await tab.evaluate("window.__painted || 0")) - painted_before) / total
            # Then the browser only plays: the engine encodes without also decoding.
            await tab.evaluate("__zg.stopPublishingStream('browser-cam')")
            await asyncio.sleep(2.0)
            quiet_before = await tab.evaluate("window.__painted || 0")
            stats_before = await tab.evaluate(PLAYED_STATS) or {}
            decoded_before = stats_before.get("frames", 0)
            quiet_start = time.monotonic()
            await asyncio.sleep(min(duration, 10.0))
            quiet = time.monotonic() - quiet_start
            quiet_fps = ((await tab.evaluate("window.__painted || 0")) - quiet_before) / quiet
            stats_after = await tab.evaluate(PLAYED_STATS) or {}
            decoded_fps = (stats_after.get("frames", 0) - decoded_before) / quiet
            arrived_fps = (stats_after.get("received", 0) - stats_before.get("received", 0)) / quiet
            played_stats = await tab.evaluate(PLAYED_STATS) or {}
            first_ms = await tab.evaluate("window.__first")
            painted = await tab.evaluate("window.__painted || 0")
            return {
                "stack": stack,
                "browser_to_huddle": {
                    "seconds": round(total, 1),
                    "fps": received_fps,
                    "kbps": received_kbps,
                    "sizes": sorted({f"{s['width']}x{s['height']}" for s in samples}),
                    "seconds_at_640x480": sum(
                        1 for s in samples if (s["width"], s["height"]) == (640, 480)
                    ),
                    "min_kbps": min(s["kbps"] for s in samples),
                    "median_kbps": statistics.median(s["kbps"] for s in samples),
                    "samples": samples,
                },
                "huddle_to_browser": {
                    "login_to_first_frame_ms": round(first_ms, 1) if first_ms else None,
                    "frames_decoded": played_stats.get("frames"),
                    "painted": painted,
                    "painted_fps": round(painted_fps, 1),
                    "painted_fps_play_only": round(quiet_fps, 1),
                    "decoded_fps_play_only": round(decoded_fps, 1),
                    "received_fps_play_only": round(arrived_fps, 1),
                    "publisher_cpu_percent": (await finish(publisher))["cpu_percent"],
                    "size": f"{played_stats.get('width')}x{played_stats.get('height')}",
                },
            }
        finally:
            if tab is not None:
                await tab.evaluate("__zg && __zg.destroyEngine()")
                await tab.close()
            await engine.destroy_engine()
            if publisher is not None:
                await stop(publisher)


def _received(playback: Any) -> int:
    pc = playback._pc
    if pc is None:
        return 0
    return sum(seams.received_bytes(r) for r in pc.getReceivers() if r.track.kind == "video")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    stacks = args.stacks.split(",")
    async with Chromium() as browser:
        # A first call warms the browser up (camera, codecs, the engine's first peer
        # connection); its figures are kept apart.
        cold = await one_run(browser, "huddle", 2.0)
        runs = []
        for stack in stacks:
            result = await one_run(browser, stack, args.duration)
            # The browser's decode rate of the engine's stream over the same window.
            runs.append(result)
    return {
        "machine": machine(),
        "duration": args.duration,
        "cold_login_to_first_frame_ms": cold["huddle_to_browser"]["login_to_first_frame_ms"],
        "runs": runs,
    }


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for r in result["runs"]:
        b = r["browser_to_huddle"]
        h = r["huddle_to_browser"]
        rows.append(
            [
                r["stack"],
                ", ".join(b["sizes"]),
                f"{b['seconds_at_640x480']}/{len(b['samples'])}",
                b["fps"],
                b["kbps"],
                b["min_kbps"],
                h["login_to_first_frame_ms"],
                f"{h['painted_fps']} / {h['painted_fps_play_only']}",
            ]
        )
    return table(
        [
            "stack",
            "sizes received",
            "s at 640x480",
            "fps",
            "kbps",
            "min kbps (1 s)",
            "browser login→first frame ms",
            "browser painted fps (both ways / play only)",
        ],
        rows,
    )


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--stacks", default="huddle,stock")
    run(main, markdown, p.parse_args())
