"""The benchmarks still run and say what they measure. No figure is asserted here: figures
belong in benchmarks/BENCHMARKS.md, from full runs."""

from __future__ import annotations

import json
import os
import shutil
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


@pytest.mark.timeout(600)
def test_sfu_fanout_and_all_to_all_beside_p2p() -> None:
    from tests.janus import janus_missing

    if reason := janus_missing():
        pytest.skip(reason)
    result = run("sfu.py", "--viewers", "1", "2", "--duration", "2", "--members", "2")
    runs = {(r["media"], r["viewers"]): r for r in result["fanout"]}
    assert set(runs) == {("p2p", 1), ("p2p", 2), ("sfu", 1), ("sfu", 2)}
    for r in runs.values():
        assert r["verified_frames"] > 0 and r["publisher_cpu_percent"] is not None
    # Through the SFU the publisher keeps one peer connection, however many watch.
    assert runs["sfu", 2]["publisher_peer_connections"] == 1
    assert runs["p2p", 2]["publisher_peer_connections"] == 2
    assert {r["media"] for r in result["all_to_all"]} == {"p2p", "sfu"}
    first = run("first_frame.py", "--joins", "1", "--media", "p2p", "sfu")
    assert set(first["media"]) == {"p2p", "sfu"}
    latency = run(
        "e2e_latency.py",
        "--codecs",
        "VP8",
        "--sizes",
        "640x480",
        "--duration",
        "2",
        "--stacks",
        "huddle",
        "--media",
        "p2p",
        "sfu",
    )
    assert [r.get("media", "p2p") for r in latency["runs"]] == ["p2p", "sfu"]


@pytest.mark.timeout(300)
def test_browser_call_measures_both_directions() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (bash tests/run installs it)")
    result = run("browser_call.py", "--duration", "2", "--stacks", "huddle")
    (call,) = result["runs"]
    assert call["stack"] == "huddle"
    assert call["browser_to_huddle"]["fps"] > 0 and call["browser_to_huddle"]["samples"]
    assert call["huddle_to_browser"]["frames_decoded"] > 0


@pytest.mark.timeout(300)
def test_publisher_fanout_compares_encode_per_player_and_once() -> None:
    result = run("publisher_fanout.py", "--viewers", "1", "2", "--duration", "2", "--warmup", "1")
    runs = {(r["mode"], r["viewers"]): r for r in result["runs"]}
    assert set(runs) == {(m, n) for m in ("per-player", "once") for n in (1, 2)}
    for (mode, viewers), r in runs.items():
        assert r["players"] == viewers and r["cpu_percent"] > 0 and r["uplink_kbps"] > 0
        assert r["viewer"]["frames"] > 0 and r["viewer"]["verified"] > 0
        assert r["encoders"] == (0 if mode == "per-player" else 2)  # video and audio
    assert set(result["cpu_over_fewest_viewers"]) == {"per-player", "once"}


@pytest.mark.timeout(300)
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="makes network namespaces: root"
)
def test_network_conditions_harness_measures_both_stacks_and_a_signalling_cut() -> None:
    result = run(
        "netcond.py",
        "--conditions",
        "loss10",
        "sigcut",
        "--duration",
        "4",
        "--warmup",
        "1",
        "--event-at",
        "1",
    )
    rows = {(r["stack"], r["condition"]): r for r in result["runs"]}
    assert set(rows) == {("huddle", "loss10"), ("stock", "loss10"), ("huddle", "sigcut")}
    for row in rows.values():
        assert row["frames"] > 0 and row["latency_ms"]["n"] > 0
        assert row["first_frame_ms"] is not None and row["longest_freeze_ms"] > 0
        assert row["audio_frames"] > 0
    assert "events" in rows[("huddle", "sigcut")] and "event_gap_ms" in rows[("huddle", "sigcut")]
    leftovers = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert result["namespaces"] and not set(result["namespaces"]) & set(leftovers.split())


@pytest.mark.timeout(300)
def test_audio_path_measures_mouth_to_ear_for_huddle_and_stock_aiortc() -> None:
    result = run("audio_path.py", "--cases", "clean,dtx,speech10", "--duration", "5")
    stacks = {r["stack"]: r for r in result["runs"]}
    assert set(stacks) == {"huddle", "stock"}
    for r in stacks.values():
        assert r["mouth_to_ear_ms"]["n"] > 0 and r["mouth_to_ear_ms"]["p50"] is not None
        assert {"per_minute", "silent_percent", "longest_ms"} <= r["glitches"].keys()
    dtx = result["dtx"]
    assert dtx["on"]["first_word_ms"]["n"] > 0 and dtx["off"]["first_word_ms"]["n"] > 0
    assert dtx["on"]["packets_received"] < dtx["off"]["packets_received"]
    assert dtx["on"]["dtx_ms"] > 0 == dtx["off"]["dtx_ms"]
    speech = {r["stack"]: r for r in result["speech_loss"]}
    assert set(speech) == {"huddle", "stock"}
    for r in speech.values():
        assert r["speech_windows"] > 0 and r["speech_lost_percent"] is not None
        assert r["delay_ms"]["n"] > 0
    assert speech["huddle"]["jitter_buffer"]["packets"] > 0


@pytest.mark.timeout(300)
def test_lip_sync_measures_voice_against_picture_with_sync_off_and_on() -> None:
    result = run("lip_sync.py", "--duration", "5", "--settle", "2")
    runs = {r["sync"]: r for r in result["runs"]}
    assert set(runs) == {False, True}
    for r in runs.values():
        assert r["mouth_to_ear_ms"]["n"] > 0 and r["capture_to_painted_ms"]["n"] > 0
        assert r["offset_ms"] is not None and "engine_reported_offset_ms" in r
        assert "within_bt1359" in r and "video_hold_ms" in r
