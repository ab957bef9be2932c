"""Screen sharing: the picker (screens and windows, with thumbnails), the "you are sharing"
bar, Huddle's own windows blanked out, and the presenter layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.media.windows import list_windows
from tests.helpers import join_guest, until
from tests.ui.conftest import TEST_ENGINE, _participants, join, participant

ROOT = Path(__file__).resolve().parents[2]

OTHER_APP = r"""
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
w = QWidget()
w.setWindowTitle("Shared document")
w.setStyleSheet("background: #ff0000")
w.setGeometry(100, 100, 400, 300)
w.show()
print("shown", flush=True)
app.exec()
"""


@pytest.fixture
def other_window(xvfb, monkeypatch):
    """Another program's window on the X display (a red one), and the display for the app."""
    monkeypatch.setenv("DISPLAY", xvfb)
    process = subprocess.Popen(
        [sys.executable, "-c", OTHER_APP],
        env={**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "shown"
        yield process
    finally:
        process.kill()
        process.wait(10)


def red_share(frame) -> float:
    rgb = frame.to_ndarray(format="rgb24").astype(int)
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)
    return float(red.mean())


async def watch(engine, stream_id: str):
    """A guest plays the stream; returns a list filled with decoded frames."""
    remote = await engine.start_playing_stream(stream_id)
    frames: list = []
    remote.add_video_sink(frames.append)
    return frames


async def test_picker_lists_screens_and_windows_and_shares_a_window(
    make_huddle, qtbot, other_window
) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        guest, _, _ = await join_guest(
            huddle, "gus", "Gus", source=None, config=TEST_ENGINE, made=_participants
        )
        await until(lambda: any(w.title == "Shared document" for w in list_windows()))
        window.screen_action.trigger()  # opens the picker; nothing is shared yet
        picker = window.picker
        assert picker is not None and not window.screen_action.isChecked()
        await until(lambda: picker.screens.count() > 0 and picker.windows.count() > 0, timeout=15)
        assert picker.screens.item(0).text().startswith("Screen 1 (1280×800)")
        assert not picker.screens.item(0).icon().isNull()  # a thumbnail
        titles = [picker.windows.item(i).text() for i in range(picker.windows.count())]
        assert "Shared document" in titles
        picker.tabs.setCurrentIndex(1)
        picker.windows.setCurrentRow(titles.index("Shared document"))
        picker.share_button.click()

        await until(lambda: window.sharing_bar.isVisible(), timeout=15)
        assert "Shared document" in window.sharing_text.text()
        assert window.screen_action.isChecked()
        stream_id = f"{huddle.controller.camera_stream_id[:-4]}-screen"
        await until(lambda: any(s.stream_id == stream_id for s in guest.streams), timeout=15)
        frames = await watch(guest, stream_id)
        await until(lambda: len(frames) > 2, timeout=20)
        assert red_share(frames[-1]) > 0.9  # the window, and only it
        assert (frames[-1].width, frames[-1].height) == (400, 300)

        window.stop_sharing.click()  # the bar's Stop
        await until(lambda: not window.sharing_bar.isVisible())
        assert huddle.controller.screen is None and not window.screen_action.isChecked()
        assert window.screen_tile is None


async def test_a_shared_screen_blanks_huddles_own_windows(make_huddle, qtbot, other_window) -> None:
    from app.ui.screen_picker import ShareSource

    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        guest, _, _ = await join_guest(
            huddle, "gus", "Gus", source=None, config=TEST_ENGINE, made=_participants
        )
        # Say Huddle's window covers the red one: the others must see grey there, not red.
        # (Under the offscreen platform Huddle's windows are not on the X screen, so the
        # rectangles are given here as the call window gives them on X11.)
        own = [(90, 90, 420, 320)]
        await huddle.controller.set_screen_sharing(
            True, ShareSource("screen", "", monitor=1), exclude=lambda: own
        )
        await until(lambda: window.sharing_bar.isVisible())
        assert "your screen" in window.sharing_text.text()
        stream_id = f"{huddle.controller.camera_stream_id[:-4]}-screen"
        await until(lambda: any(s.stream_id == stream_id for s in guest.streams), timeout=15)
        frames = await watch(guest, stream_id)
        await until(lambda: len(frames) > 2, timeout=20)
        rgb = frames[-1].to_ndarray(format="rgb24").astype(int)
        scale = frames[-1].width / 1280
        inside = rgb[int(150 * scale) : int(350 * scale), int(150 * scale) : int(450 * scale)]
        assert red_share(frames[-1]) < 0.01 and abs(inside.mean() - 48) < 12
        own.clear()  # Huddle's window moved away: the red window shows
        await until(lambda: red_share(frames[-1]) > 0.05, timeout=20)
        await huddle.controller.set_screen_sharing(False)


async def test_presenter_layout_shows_a_shared_screen_large(make_huddle, qtbot) -> None:
    from app.engine import CustomConfig

    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        presenter, _, _ = await join_guest(
            huddle, "pat", "Pat", source=None, config=TEST_ENGINE, made=_participants
        )
        screen = await presenter.create_stream(custom=CustomConfig(video="pattern"))
        await presenter.start_publishing_stream("pat-screen", screen)
        await until(lambda: {"grace-cam", "pat-screen"} <= set(window.tiles), timeout=15)
        shared, grace = window.tiles["pat-screen"], window.tiles["grace-cam"]
        assert shared.title == "Pat's screen" and window.grid.presenting is shared
        await until(lambda: shared.width() * shared.height() > 6 * grace.width() * grace.height())
        assert grace.y() > shared.y() + shared.height() - 1  # people in a strip below
        window.pin(grace)  # a pin still wins
        assert grace.width() > shared.width()
        window.pin(None)
        await presenter.stop_publishing_stream("pat-screen")
        await until(lambda: "pat-screen" not in window.tiles, timeout=15)
        assert window.grid.presenting is None and window.grid.large is None
