"""``huddle --self-test``: the pre-call check, without a display."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import BIN

pytestmark = pytest.mark.slow  # services or processes: not in tests/run --fast


def test_self_test_passes_and_reports_as_json() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [BIN / "huddle", "--self-test", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["passed"] and report["failures"] == []
    assert report["devices"]["webRTC"] and report["devices"]["videoCodec"]["VP8"]
    assert report["frames"] > 0 and report["frames_verified"] >= 0.9 * report["frames"]
    assert (
        report["audio_frames"] > 0 and report["first_frame_ms"] > 0 and report["rtt_ms"] is not None
    )
    assert not report["devices"]["camera"] and any("camera" in w for w in report["warnings"])


def test_self_test_in_words() -> None:
    result = subprocess.run(
        [BIN / "huddle", "--self-test"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("Huddle ") and first.endswith("self-test: PASS")
    assert "frames:" in result.stdout and "intact" in result.stdout
