"""The benchmarks still run and say what they measure. No figure is asserted here: figures
belong in benchmarks/BENCHMARKS.md, from full runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--json", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.timeout(300)
def test_e2e_latency_compares_huddle_and_stock_aiortc() -> None:
    result = run("e2e_latency.py", "--codecs", "VP8", "--sizes", "640x480", "--duration", "2")
    stacks = {r["stack"]: r for r in result["runs"]}
    assert set(stacks) == {"huddle", "stock"}
    for r in stacks.values():
        assert r["verified"] > 0 and r["painted_ms"]["n"] > 0
        assert {"p50", "p95", "p99", "max"} <= r["painted_ms"].keys()
        assert r["cpu_player"] is not None and r["cpu_publisher"] is not None
    assert "VP8 640x480" in result["stock_over_huddle_painted_p50"]


@pytest.mark.timeout(300)
def test_first_frame_and_call_cpu_and_server_load() -> None:
    first = run("first_frame.py", "--joins", "2")
    assert first["joins"] == 2 and first["first_painted_ms"]["n"] == 2
    call = run("call_cpu.py", "--duration", "3")
    assert set(call["clients"]) == {"alice", "bob"}
    assert all(c["frames"] > 0 and c["audio_frames"] > 0 for c in call["clients"].values())
    grid = run("render_grid.py", "--streams", "2", "--duration", "2")
    assert len(grid["fps_painted"]) == 2 and all(fps > 0 for fps in grid["fps_painted"])
    load = run("server_load.py", "--clients", "40", "--rooms", "4", "--duration", "2")
    assert load["clients"] == 40 and load["login_ms"]["n"] == 40 and load["errors"] == 0
    assert load["fanout_ms"]["n"] > 0


@pytest.mark.timeout(300)
def test_audio_path_measures_mouth_to_ear_for_huddle_and_stock_aiortc() -> None:
    result = run("audio_path.py", "--cases", "clean", "--duration", "5")
    stacks = {r["stack"]: r for r in result["runs"]}
    assert set(stacks) == {"huddle", "stock"}
    for r in stacks.values():
        assert r["mouth_to_ear_ms"]["n"] > 0 and r["mouth_to_ear_ms"]["p50"] is not None
        assert {"per_minute", "silent_percent", "longest_ms"} <= r["glitches"].keys()
