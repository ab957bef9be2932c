"""The desktop app as a person uses it: join, see and hear others, toggle, chat, leave."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from shiboken6 import isValid

from app.engine import DeviceStatus
from app.media.pattern import read_stamp_luma
from app.ui.video import colour_for, fit
from tests.devices import write_pattern_video
from tests.helpers import until
from tests.ui.conftest import join, painted, participant


def stamp_on_screen(tile) -> int | None:
    """The pattern counter read back from the pixels the tile painted, or None."""
    rgb = painted(tile)
    height, width = rgb.shape[:2]
    w, h = fit(640, 480, width, height)
    left, top = (width - w) // 2, (height - h) // 2
    picture = rgb[top : top + h, left : left + w].astype(np.float32)
    luma = (0.299 * picture[..., 0] + 0.587 * picture[..., 1] + 0.114 * picture[..., 2]).astype(
        np.uint8
    )
    stamp = read_stamp_luma(luma)
    return stamp.counter if stamp else None


async def test_join_through_the_dialog_and_see_the_other_participant(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        assert not huddle.join_dialog.isVisible()
        assert huddle.controller.phase == "connected" and not window.banner.isVisible()
        assert window.windowTitle() == "Huddle — standup"

        # No camera on this machine: the local tile shows initials on a colour, not a black box.
        local = window.local_tile
        assert not local.has_picture and local.title == "Ada Lovelace"
        centre = painted(local)[local.height() // 2 - 30, local.width() // 2]
        expected = colour_for("Ada Lovelace")
        assert (
            abs(int(centre[0]) - expected.red()) < 8 and abs(int(centre[1]) - expected.green()) < 8
        )

        grace, _ = await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=10)
        tile = window.tiles["grace-cam"]
        assert tile.title == "Grace Hopper"
        await until(lambda: tile.frames_painted > 10, timeout=10)
        first = stamp_on_screen(tile)
        await asyncio.sleep(0.5)
        second = stamp_on_screen(tile)
        assert first is not None and second is not None and second > first  # live, painted frames
        assert len(window.grid.tiles) == 2
        assert window.participants.names() == ["Ada Lovelace (you)", "Grace Hopper"]

        await grace.destroy_engine()
        await until(lambda: "grace-cam" not in window.tiles, timeout=10)
        assert len(window.grid.tiles) == 1
        assert window.participants.names() == ["Ada Lovelace (you)"]


async def test_mic_and_camera_toggles_reach_the_other_side(
    make_huddle, qtbot, pulse, tmp_path: Path
) -> None:
    async with make_huddle() as huddle:
        camera = tmp_path / "camera.avi"
        write_pattern_video(camera)
        dialog = huddle.join_dialog
        dialog.camera.addItem("Test camera", str(camera))  # a recording OpenCV opens as a camera
        dialog.camera.setEnabled(True)
        dialog.camera.setCurrentIndex(dialog.camera.count() - 1)
        await until(lambda: dialog.preview_stream is not None and dialog.preview_stream.has_video)
        await until(lambda: dialog.preview.frames_painted > 3)

        await join(huddle, qtbot)
        window = huddle.call_window
        grace, log = await participant(huddle, "grace", "Grace Hopper", publish=False)
        stream_id = next(s.stream_id for s in grace.streams)
        remote = await grace.start_playing_stream(stream_id)
        assert await remote.wait_first_frame(10)
        assert window.mic_action.isChecked() and window.camera_action.isChecked()

        window.mic_action.trigger()
        await until(lambda: ("mic", stream_id, "MUTE") in log.sequence)
        assert window.local_tile.mic_muted and window.mic_action.toolTip().startswith("Unmute")
        window.camera_action.trigger()
        await until(lambda: ("camera", stream_id, "MUTE") in log.sequence)
        assert window.local_tile.camera_off and not window.local_tile.has_picture
        assert huddle.controller.stream.video.blank  # the camera is released, not just hidden

        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # the shortcut
        await until(lambda: log.sequence[-1] == ("camera", stream_id, str(DeviceStatus.OPEN)))
        await until(lambda: window.local_tile.has_picture, timeout=5)
        await grace.destroy_engine()


async def test_chat_and_barrage_round_trip(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        grace, log = await participant(huddle, "grace", "Grace Hopper", publish=False)

        qtbot.keyClicks(window.chat.entry, "hello from the app")
        qtbot.keyClick(window.chat.entry, Qt.Key.Key_Return)
        await until(lambda: log.of("IMRecvBroadcastMessage"))
        room, [chat] = log.of("IMRecvBroadcastMessage")[0]
        assert (room, chat.message, chat.from_user.user_name) == (
            "standup",
            "hello from the app",
            "Ada Lovelace",
        )
        assert window.chat.entry.text() == ""

        await grace.send_broadcast_message("hi Ada 你好")
        await until(lambda: window.chat.texts() == ["hello from the app", "hi Ada 你好"])
        await grace.send_barrage_message("🎉")
        await until(lambda: len(window.grid.barrage.flying) == 1)
        assert "🎉" in window.grid.barrage.flying[0].text()

        # Too fast: the service refuses, the app says so in a sentence and keeps the text.
        for text in ("one", "two", "three"):
            window.chat.entry.setText(text)
            window.chat.send.click()
            await asyncio.sleep(0.05)
        await until(lambda: window.notice.isVisible())
        assert "Too many messages" in window.notice.text()
        await grace.destroy_engine()


async def test_kicked_out_is_shown_with_a_sentence(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        user_id = huddle.controller.user.user_id
        twin, _ = await participant(huddle, user_id, "Ada elsewhere", publish=False)
        await until(lambda: window.banner.phase == "kicked")
        assert window.banner.isVisible() and window.banner.back.isVisible()
        assert "logged in elsewhere" in window.banner.text.text()
        assert not window.banner.spinner.isVisible()
        window.banner.back.click()
        await until(lambda: huddle.join_dialog.isVisible())
        await twin.destroy_engine()


async def test_reconnecting_is_shown_and_the_service_comes_back(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        local = huddle.controller.local
        assert local.server is not None  # this app runs this computer's service
        await local.stop()  # as if the huddle that ran it had quit
        await until(lambda: window.banner.phase == "reconnecting")
        assert window.banner.isVisible() and window.banner.spinner.isVisible()
        assert "Reconnecting" in window.banner.text.text()
        # Nobody runs the service any more: this app starts it again and reconnects to it.
        await until(lambda: huddle.controller.phase == "connected", timeout=15)
        assert local.server is not None and not window.banner.isVisible()


async def test_leave_releases_everything_and_returns_to_the_join_dialog(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        grace, _ = await participant(huddle, "grace", "Grace Hopper")
        await until(
            lambda: "grace-cam" in window.tiles and window.tiles["grace-cam"].frames_painted > 0
        )
        assert any(t.name.endswith("-decoder") for t in threading.enumerate())
        tiles = list(window.grid.tiles)
        window.leave_action.trigger()
        await until(lambda: huddle.join_dialog.isVisible() and huddle.call_window is None)
        engine = huddle.engine
        assert (
            engine.room_state == "DISCONNECTED" and engine.publishing == {} and engine.playing == {}
        )
        assert all(tile.released for tile in tiles)  # sinks removed, workers joined
        await until(lambda: not isValid(window))  # the window is deleted, not just hidden
        await until(lambda: not any(t.name.endswith("-decoder") for t in threading.enumerate()))
        # Leaving asked nothing; the join screen offers the room again, one click away.
        dialog = huddle.join_dialog
        assert dialog.rejoin_bar.isVisible() and "standup" in dialog.rejoin_text.text()
        dialog.rejoin_button.click()
        await until(lambda: huddle.call_window is not None and huddle.call_window.isVisible())
        assert huddle.controller.request.room_id == "standup"
        assert not dialog.rejoin_bar.isVisible()
        await grace.destroy_engine()


async def test_closing_the_window_mid_call_logs_out_and_quits(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        grace, log = await participant(huddle, "grace", "Grace Hopper", publish=False)
        window = huddle.call_window
        window.close()  # asks once; "Stay in the call" keeps the call
        await until(lambda: window.quit_box is not None and window.quit_box.isVisible())
        window.close()  # a second close while it asks does not ask twice
        assert len(window.findChildren(QMessageBox)) == 1
        window.quit_box.escapeButton().click()
        await until(lambda: window.quit_box is None)
        assert huddle.call_window is window and huddle.controller.phase == "connected"
        window.close()
        await until(lambda: window.quit_box is not None and window.quit_box.isVisible())
        window.quit_box.findChild(QPushButton, "leaveAndQuit").click()
        await until(lambda: huddle._quit.is_set())
        await until(lambda: any(s[:2] == ("user", "DELETE") for s in log.sequence))
        await grace.destroy_engine()


async def test_inline_validation_and_remembered_values(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        qtbot.keyClicks(dialog.room, "has space")
        qtbot.keyClicks(dialog.name, "Ada")
        assert dialog.room_error.isVisible() and "room ID" in dialog.room_error.text()
        assert not dialog.join_button.isEnabled()
        dialog.room.setText("r" * 129)
        assert dialog.room_error.isVisible() and not dialog.join_button.isEnabled()
        dialog.room.setText("ok-room")
        assert not dialog.room_error.isVisible() and dialog.join_button.isEnabled()
        dialog.remote_mode.setChecked(True)
        assert not dialog.join_button.isEnabled()
        qtbot.keyClicks(dialog.url, "http://wrong")
        qtbot.keyClicks(dialog.credential, "token")
        assert "ws://" in dialog.remote_error.text()
        dialog.local_mode.setChecked(True)

        await join(huddle, qtbot, room="remember-me", name="Ada")
        settings = huddle.settings
        assert (settings.value("join/room"), settings.value("join/name")) == ("remember-me", "Ada")
        from app.ui.join_dialog import JoinDialog

        again = JoinDialog(huddle.engine, huddle.bridge, settings)
        assert (again.room.text(), again.name.text()) == ("remember-me", "Ada")
        again.deleteLater()


async def test_a_join_that_fails_says_why_in_the_dialog(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        dialog.remote_mode.setChecked(True)
        dialog.url.setText("ws://127.0.0.1:9/ws")
        dialog.credential_kind.setCurrentIndex(dialog.credential_kind.findData("secret"))
        dialog.credential.setText("whatever")
        qtbot.keyClicks(dialog.room, "r1")
        qtbot.keyClicks(dialog.name, "Ada")
        dialog.join_button.click()
        await until(lambda: dialog.error.isVisible(), timeout=15)
        assert dialog.error.text() == "The room service could not be reached."
        assert dialog.join_button.isEnabled() and huddle.call_window is None


async def test_crashes_are_written_to_a_log_file_and_the_user_told(
    make_huddle, qtbot, tmp_path: Path
) -> None:
    async with make_huddle() as huddle:
        from app.ui import app as app_module

        async def broken() -> None:
            raise RuntimeError("a bug in a task")

        task = asyncio.get_running_loop().create_task(broken())
        await asyncio.sleep(0.05)
        del task  # never retrieved: the loop's handler reports it when collected
        import gc

        gc.collect()
        await until(lambda: list((tmp_path / "logs").glob("crash-*.log")))
        report = next((tmp_path / "logs").glob("crash-*.log")).read_text()
        assert "RuntimeError: a bug in a task" in report
        box = app_module._open_boxes[-1]
        assert str(tmp_path / "logs") in box.text()
        box.close()
        assert huddle.join_dialog.isVisible()  # the app keeps running
