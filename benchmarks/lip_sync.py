"""Lip sync, measured from outside the engine: the voice against the picture, sync off and on.

    .venv/bin/python benchmarks/lip_sync.py [--json] [--markdown] [--duration S] [--settle S]
        [--modes off,on]

Engine A publishes its microphone and the test pattern through a real ``huddle-server`` on
127.0.0.1; engine B plays both, its speaker on the audio rig (``benchmarks/_audio_rig.py``:
a private PulseAudio whose devices are channels of one recorded null sink) and its picture
painted into Huddle's real ``VideoTile`` (offscreen Qt). Each in its own process
(``benchmarks/_lipsync_peer.py``).

* mouth -> ear: A's voice is the rig's pulse voice (a tone with a unique 10 ms noise burst
  every 250 ms); each burst is found in B's speaker channel by cross-correlation, on the
  rig's one clock (as in ``audio_path.py``).
* capture -> painted: each pattern frame carries its capture time in its pixels; B's tile
  reads it back when it paints the frame.
* offset = mouth -> ear less capture -> painted (p50s): how much later the voice is heard
  than the matching picture is seen. ITU-R BT.1359 tolerates -45 (voice ahead) to +125 ms.
  Beside it, what the engine itself reports (``av_timestamp_diff_ms`` in
  ``playQualityUpdate``), which the engine works from.

Only the time after ``--settle`` seconds counts (sync moves at most 40 ms a second). Figures
are noisy on a shared machine; they are reported as measured.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._audio_rig import RATE, SPEAKER_B, Rig, start_rig
from benchmarks._common import PYTHON, ROOT, machine, parser, percentiles, run, stop, table
from benchmarks.audio_path import burst_delays, pulse_voice, read_line

BT1359 = (-45.0, 125.0)


async def _line(process: asyncio.subprocess.Process, key: str, timeout: float) -> Any:
    return await read_line(process, key, timeout)


async def one_call(rig: Rig, *, sync: bool, seconds: float, settle: float) -> dict[str, Any]:
    env = {**rig.env, "QT_QPA_PLATFORM": "offscreen"}
    processes: list[asyncio.subprocess.Process] = []

    async def spawn(*args: str, extra: dict[str, str]) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**env, **extra},
        )
        processes.append(process)
        return process

    try:
        secret = secrets.token_hex(32)
        server = await spawn(
            str(Path(PYTHON).parent / "huddle-server"),
            *("--port", "0", "--app-id", "1", "--log-level", "warning"),
            extra={"HUDDLE_SECRET": secret},
        )
        url = await _line(server, "listening", 30)
        common = ["--server", url, "--secret", secret]
        peer = [PYTHON, "-m", "benchmarks._lipsync_peer"]
        a = await spawn(*peer, "publish", *common, extra=rig.devices("A"))
        await _line(a, "ready", 90)
        b = await spawn(*peer, "play", *common, "--sync", str(int(sync)), extra=rig.devices("B"))
        await _line(b, "ready", 90)
        await asyncio.sleep(1.0)
        rig.start_recording()
        recording_started = time.time()
        await asyncio.sleep(0.2)
        voice, _ = pulse_voice(seconds)
        player = rig.play(voice, "mouthA")
        await asyncio.get_running_loop().run_in_executor(None, player.wait, seconds + 30)
        voice_ended = time.time()
        await asyncio.sleep(1.0)
        recording = rig.stop_recording()
        results = []
        for process in (b, a):
            assert process.stdin is not None
            process.stdin.close()
            results.append(await _line(process, "result", 60))
        played = results[0]
    finally:
        for process in reversed(processes):
            await stop(process)

    window = (recording_started + settle, voice_ended)
    ears = [d for _t, d in burst_delays(recording, SPEAKER_B, skip=settle)]
    eyes = [ms for at, ms in played["painted"] if window[0] <= at <= window[1]]
    reported = [o for at, o in played["offsets"] if window[0] <= at <= window[1]]
    mouth_to_ear = percentiles(ears)
    capture_to_painted = percentiles(eyes)
    offset = (
        round(mouth_to_ear["p50"] - capture_to_painted["p50"], 1)
        if mouth_to_ear["p50"] is not None and capture_to_painted["p50"] is not None
        else None
    )
    known = [o for o in reported if o is not None]
    return {
        "sync": sync,
        "seconds": seconds,
        "settle_seconds": settle,
        "mouth_to_ear_ms": mouth_to_ear,
        "capture_to_painted_ms": capture_to_painted,
        "offset_ms": offset,
        "within_bt1359": offset is not None and BT1359[0] <= offset <= BT1359[1],
        "engine_reported_offset_ms": round(statistics.median(known), 1) if known else None,
        "engine_reports": len(reported),
        "engine_reports_unknown": len(reported) - len(known),
        "video_hold_ms": played.get("lip_sync_hold_ms"),
        "bursts_found": len(ears),
        "recording_seconds": round(len(recording) / RATE, 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    rig = start_rig()
    result: dict[str, Any] = {"machine": machine(), "runs": []}
    started = time.monotonic()
    try:
        for mode in args.modes.split(","):
            result["runs"].append(
                await one_call(rig, sync=mode == "on", seconds=args.duration, settle=args.settle)
            )
    finally:
        rig.close()
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [
            "on" if r["sync"] else "off",
            r["mouth_to_ear_ms"]["p50"],
            r["capture_to_painted_ms"]["p50"],
            r["offset_ms"],
            r["engine_reported_offset_ms"],
            r["video_hold_ms"],
            "yes" if r["within_bt1359"] else "no",
        ]
        for r in result["runs"]
    ]
    return table(
        [
            "lip sync",
            "mouth→ear p50 ms",
            "capture→painted p50 ms",
            "offset ms (measured)",
            "offset ms (engine)",
            "pictures held ms",
            "in BT.1359",
        ],
        rows,
    )


if __name__ == "__main__":
    cli = parser(__doc__)
    cli.add_argument("--duration", type=float, default=30.0, help="seconds of voice per call")
    cli.add_argument("--settle", type=float, default=10.0, help="seconds left out at the start")
    cli.add_argument("--modes", default="off,on")
    run(main, markdown, cli.parse_args())
