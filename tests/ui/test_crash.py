"""A native crash (segfault) leaves its stacks in a crash-*.log, and the next start offers it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from app.ui import crash
from tests.helpers import until

ROOT = Path(__file__).resolve().parents[2]

SEGFAULT = r"""
import faulthandler, logging, sys
from pathlib import Path
from app.ui import crash
directory = Path(sys.argv[1])
(directory / "huddle.log").parent.mkdir(parents=True, exist_ok=True)
(directory / "huddle.log").write_text("INFO huddle.ui: converting frames\n")
crash.arm(directory)
faulthandler._sigsegv()  # as libswscale did
"""


def crash_once(logs: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SEGFAULT, str(logs)], cwd=ROOT, capture_output=True, timeout=60
    )
    assert done.returncode == -11  # really killed by SIGSEGV


def test_a_segfault_leaves_a_report_with_every_threads_stack(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    crash_once(logs)
    [pending] = logs.glob("native-*.pending")
    assert "Segmentation fault" in pending.read_text()
    [report] = crash.collect_native_crashes(logs)
    text = report.read_text()
    assert report.name.startswith("crash-") and report.name.endswith(".log")
    assert "native crash" in text and "Segmentation fault" in text
    assert "converting frames" in text  # the end of huddle.log comes with it
    assert not list(logs.glob("*.pending"))


def test_a_clean_exit_leaves_nothing(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    script = "import sys; from pathlib import Path; from app.ui import crash\n"
    script += "crash.arm(Path(sys.argv[1])); crash.disarm()\n"
    subprocess.run([sys.executable, "-c", script, str(logs)], cwd=ROOT, check=True, timeout=60)
    assert list(logs.iterdir()) == []


async def test_the_next_start_offers_to_show_the_report(make_huddle, qtbot, tmp_path) -> None:
    crash_once(tmp_path / "logs")
    async with make_huddle() as huddle:
        await until(lambda: huddle.crash_dialog is not None and huddle.crash_dialog.isVisible())
        dialog = huddle.crash_dialog
        assert "closed unexpectedly" in dialog.message.text()
        assert str(tmp_path / "logs") in dialog.message.text()
        assert not dialog.details.isVisible()
        qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
        assert dialog.details.isVisible()
        assert "Segmentation fault" in dialog.details.toPlainText()
        dialog.close()
        assert huddle.join_dialog.isVisible()
        # Offered once: the next start says nothing.
        assert huddle.offer_crash_report() is None
