"""The real windows under Xvfb (the xcb platform), saved as the README's screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UPDATE = os.environ.get("HUDDLE_UPDATE_SCREENSHOTS") == "1"
"""With HUDDLE_UPDATE_SCREENSHOTS=1 the test refreshes the README's pictures in docs/screenshots;
otherwise it renders into a temporary directory and leaves the checkout as it was."""


def render(display: str, tmp_path: Path, out: Path, language: str) -> None:
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HUDDLE_CONFIG_DIR": str(tmp_path / f"config-{language}"),
        "HUDDLE_LOG_DIR": str(tmp_path / "logs"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.screenshots", str(out), language],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr[-3000:]


def looks_rendered(path: Path, width: int, height: int, *, at_least: float = 1.0) -> None:
    """The right size (or, with ``at_least``, no larger and at least that share of it), and not
    one flat colour: text, an avatar, a picture drawn on it."""
    image = QImage(str(path))
    if at_least == 1.0:
        assert (image.width(), image.height()) == (width, height), path
    else:
        assert width * at_least <= image.width() <= width, path
        assert height * at_least <= image.height() <= height, path
    samples = [image.pixel(x, y) for x in range(0, width, 7) for y in range(0, height, 7)]
    background = max(set(samples), key=samples.count)
    assert len(set(samples)) > 30, f"{path.name} has too few colours to be a rendered window"
    assert sum(s != background for s in samples) > 0.2 * len(samples), (
        f"{path.name} is mostly empty"
    )


@pytest.mark.xvfb
def test_screenshots_of_the_join_dialog_and_a_call(xvfb, tmp_path: Path) -> None:
    out = DOCS_SCREENSHOTS if UPDATE else tmp_path / "screenshots"
    render(xvfb, tmp_path, out, "en")
    looks_rendered(out / "join.png", 1100, 600)
    # The call window fits the 1280×800 screen with room for a window frame and a panel.
    looks_rendered(out / "call.png", 1280, 800, at_least=0.9)
    for name in (
        "stats",
        "presenter",
        "sharing",
        "narrow",
        "rejoin",
        "picker",
        "settings",
        "crash",
    ):
        assert (out / f"{name}.png").exists(), name
    looks_rendered(out / "presenter.png", 1280, 800, at_least=0.9)
    looks_rendered(out / "narrow.png", 640, 520)
    render(xvfb, tmp_path, out, "zh_CN")
    looks_rendered(out / "join_zh_CN.png", 1100, 600)
    looks_rendered(out / "call_zh_CN.png", 1280, 800, at_least=0.9)
