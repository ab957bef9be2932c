"""Leaving and joining again in one window, with someone publishing (issue #9's crash).

Each tile converts with its own swscale context in its own worker; a tile that goes is
detached from its stream and its worker joined; a call window that is left hears nothing of
the next call. Before that, the old window's tiles kept converting the same decoded frames as
the new window's, on one swscale context from two threads: a segfault, or every picture frozen.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from shiboken6 import isValid

from app.ui.video import live_render_workers
from tests.helpers import until
from tests.ui.conftest import join, participant
from tests.ui.test_app import stamp_on_screen

pytestmark = pytest.mark.slow  # a real call, and a subprocess: not in tests/run --fast

ROOT = Path(__file__).resolve().parents[2]


def render_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("huddle-render")]


async def fresh_frames_painted(tile) -> None:
    """The tile paints new frames of the live pattern: its stamp moves on."""
    await until(lambda: tile.frames_painted > 5, timeout=20)
    first = stamp_on_screen(tile)
    painted = tile.frames_painted
    await until(lambda: tile.frames_painted > painted + 5, timeout=20)
    second = stamp_on_screen(tile)
    assert first is not None and second is not None and second > first


async def test_leave_and_rejoin_five_times_with_a_publisher(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot, room="rr", name="Rita")
        await participant(huddle, "pat", "Pat Publisher")
        windows = []
        for attempt in range(6):
            window = huddle.call_window
            await until(lambda w=window: "pat-cam" in w.tiles, timeout=15)
            tile = window.tiles["pat-cam"]
            await fresh_frames_painted(tile)
            # One worker per tile that has had a picture; nothing left over from earlier calls.
            assert len(render_threads()) <= len(window.grid.tiles) + 1, render_threads()
            for old in windows:
                assert not isValid(old)  # the windows left earlier are gone, tiles and all
            if attempt == 5:
                break
            window.leave_action.trigger()  # Ctrl+Shift+H
            await until(lambda: huddle.join_dialog.isVisible() and huddle.call_window is None)
            assert tile.released  # detached from the stream, its worker joined
            windows.append(window)
            await asyncio.sleep(0)  # deleteLater runs
            await until(lambda: not any(isValid(w) for w in windows))
            await join(huddle, qtbot, room="rr", name="Rita")
        assert live_render_workers() <= 3


QUIT_SCRIPT = r"""
import asyncio, sys, threading, time
from dataclasses import replace
import qasync
from PySide6.QtWidgets import QApplication
from app.ui.app import HuddleApp, open_settings
from tests.helpers import PATTERN_AND_TONE, TEST_ENGINE_CONFIG, free_port, join_guest, until

app = QApplication(["quit-test"])
app.setQuitOnLastWindowClosed(False)
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)

async def main():
    huddle = HuddleApp(open_settings(), engine_config=replace(TEST_ENGINE_CONFIG),
                       local_port=free_port())
    run = asyncio.ensure_future(huddle.run())
    await until(lambda: huddle.join_dialog.isVisible(), 20)
    dialog = huddle.join_dialog
    dialog.room.setText("rq"); dialog.name.setText("Quinn")
    for attempt in range(3):
        dialog.join_button.click()
        await until(lambda: huddle.call_window is not None, 20)
        if attempt == 0:
            guest, _, _ = await join_guest(huddle, "pub", "Pub", source=PATTERN_AND_TONE,
                                           config=TEST_ENGINE_CONFIG)
        window = huddle.call_window
        await until(lambda: "pub-cam" in window.tiles
                    and window.tiles["pub-cam"].frames_painted > 5, 30)
        if attempt < 2:
            window.leave_action.trigger()
            await until(lambda: huddle.join_dialog.isVisible() and huddle.call_window is None)
    await guest.destroy_engine()
    huddle.quit()
    await asyncio.wait_for(run, 30)
    print("threads:", sorted(t.name for t in threading.enumerate()), flush=True)

with loop:
    loop.run_until_complete(main())
print("quit", flush=True)
"""


def test_quitting_after_rejoins_exits_promptly(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HUDDLE_CONFIG_DIR=str(tmp_path / "config"),
        HUDDLE_LOG_DIR=str(tmp_path / "logs"),
    )
    done = subprocess.run(
        [sys.executable, "-c", QUIT_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # generous: it exits in seconds; a hang in shutdown fails here
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "quit" in done.stdout
    threads = done.stdout.split("threads:", 1)[1]
    assert "huddle-render" not in threads, threads
