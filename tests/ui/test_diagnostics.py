"""Export diagnostics: the last call's timeline, quality samples and logs in one zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from app.ui import diagnostics
from tests.helpers import until
from tests.ui.conftest import join, participant


async def test_export_after_a_call(make_huddle, qtbot, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "downloads"
    monkeypatch.setattr(diagnostics, "default_export_dir", lambda: out)
    async with make_huddle() as huddle:
        await join(huddle, qtbot, room="support-me")
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        await until(
            lambda: any(s["direction"] == "play" for s in huddle.last_call.samples), timeout=15
        )
        window.leave_action.trigger()
        await until(lambda: huddle.join_dialog.isVisible())

        dialog = await huddle.open_settings()  # from the join screen, after the call
        dialog.export_button.click()
        [path] = out.glob("huddle-diagnostics-*.zip")
        assert str(path) in dialog.export_result.text()
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            assert {"system.json", "timeline.jsonl", "quality.jsonl", "recent.log"} <= names
            timeline = [json.loads(line) for line in archive.read("timeline.jsonl").splitlines()]
            kinds = [e["event"] for e in timeline]
            assert kinds[0] == "join" and timeline[0]["room"] == "support-me"
            assert {"phase", "stream added", "users"} <= set(kinds)
            assert any(e["event"] == "phase" and e["phase"] == "left" for e in timeline)
            samples = [json.loads(line) for line in archive.read("quality.jsonl").splitlines()]
            play = [s for s in samples if s["stream_id"] == "grace-cam"]
            assert play and "fps" in play[0] and "rtt_ms" in play[0]
            assert json.loads(archive.read("system.json"))["huddle"]


async def test_an_export_that_cannot_be_written_says_why(
    make_huddle, qtbot, tmp_path: Path, monkeypatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setattr(diagnostics, "default_export_dir", lambda: blocked / "sub")
    async with make_huddle() as huddle:
        dialog = await huddle.open_settings()
        dialog.export_button.click()
        assert dialog.export_result.text() == "The diagnostics file could not be written."
