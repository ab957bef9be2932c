"""The desktop app under pytest-qt, on a real qasync loop, against its embedded service."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import pytestqt.plugin
import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.engine import Engine
from app.ui.app import HuddleApp, install_crash_handler, open_settings
from app.ui.resources import stylesheet
from tests.helpers import (
    PATTERN_AND_TONE,
    TEST_ENGINE_CONFIG,
    Recorder,
    free_port,
    join_guest,
    until,
)

# pytest-qt pumps Qt events between test phases, outside any asyncio loop; qasync would then
# run task steps with no running loop (an asyncio.Queue first awaited there binds to None and
# fails later). Here the qasync loop processes Qt's events, so the extra pumping is switched off.
pytestqt.plugin._process_events = lambda: None


def _qapp() -> QApplication:
    app = QApplication.instance() or QApplication(["huddle-tests"])
    app.setStyleSheet(stylesheet())
    app.setQuitOnLastWindowClosed(False)  # as the real app: leaving is not quitting
    return app


def pytest_asyncio_loop_factories(config, item):
    # Async tests here run on qasync's loop, so widgets paint while the test awaits.
    return {"qasync": lambda: qasync.QEventLoop(_qapp())}


TEST_ENGINE = replace(TEST_ENGINE_CONFIG, reconnect_backoff=(0.1, 0.4))

_participants: list[Engine] = []  # made by participant(), destroyed as the app stops


@pytest.fixture
def make_huddle(tmp_path: Path, monkeypatch, qtbot):
    """``async with make_huddle() as app``: the running app (join dialog shown), with its own
    config and log directories.

    Not an async fixture: qasync processes Qt events after each ``run_until_complete`` with no
    running loop, and pytest-asyncio runs fixtures and the test in separate runs. Starting
    and stopping the app inside the test keeps it in one run of the loop, as in real life.
    """
    monkeypatch.setenv("HUDDLE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HUDDLE_LOG_DIR", str(tmp_path / "logs"))
    hooks = sys.excepthook, threading.excepthook

    @contextlib.asynccontextmanager
    async def running():
        app = HuddleApp(open_settings(), engine_config=replace(TEST_ENGINE), local_port=free_port())
        install_crash_handler(asyncio.get_running_loop())
        run = asyncio.ensure_future(app.run())
        try:
            await until(
                lambda: app.join_dialog.isVisible() and app.join_dialog._preview_task is None
            )
            yield app
        finally:
            try:
                while _participants:
                    await _participants.pop().destroy_engine()
            finally:
                app.quit()
                await asyncio.wait_for(run, 30)
                sys.excepthook, threading.excepthook = hooks

    return running


async def join(app: HuddleApp, qtbot, room: str = "standup", name: str = "Ada Lovelace") -> None:
    """Type into the join dialog and press Join, as a person would."""
    dialog = app.join_dialog
    dialog.room.clear()
    dialog.name.clear()
    qtbot.keyClicks(dialog.room, room)
    qtbot.keyClicks(dialog.name, name)
    assert dialog.join_button.isEnabled()
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    await until(lambda: app.call_window is not None and app.call_window.isVisible(), timeout=15)


async def participant(
    app: HuddleApp, user_id: str, name: str, *, publish: bool = True
) -> tuple[Engine, Recorder]:
    """Another user in the app's room: a real engine on the embedded service, publishing the
    pattern and tone as ``{user_id}-cam``. Destroyed when the app stops, if not before."""
    source = PATTERN_AND_TONE if publish else None
    engine, recorder, _ = await join_guest(
        app, user_id, name, source=source, config=TEST_ENGINE, made=_participants
    )
    return engine, recorder


def painted(widget) -> np.ndarray:
    """What a widget shows, as an RGB array (grabbed from its real paint)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8).reshape(height, stride)
    return data[:, : width * 3].reshape(height, width, 3).copy()
