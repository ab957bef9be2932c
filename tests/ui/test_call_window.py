"""The call window's behaviour beyond joining: what a demanding user tries (issue #9)."""

from __future__ import annotations

import asyncio

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor

from app.engine import SoundLevel
from app.ui.call_window import StateBanner
from app.ui.resources import stylesheet
from tests.helpers import join_guest, until
from tests.ui.conftest import TEST_ENGINE, _participants, join, painted, participant
from tests.ui.test_rejoin import fresh_frames_painted


def inside(widget, outer) -> bool:
    """Is ``widget`` wholly inside ``outer`` (both on screen)?"""
    rect = QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size())
    return outer.rect().contains(rect)


async def test_a_muted_participant_never_takes_the_speaker_ring(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        grace, _, stream = await join_guest(
            huddle, "grace", "Grace Hopper", config=TEST_ENGINE, made=_participants
        )
        await participant(huddle, "alan", "Alan Turing")
        await until(lambda: {"grace-cam", "alan-cam"} <= set(window.tiles), timeout=15)
        loud = [SoundLevel("grace-cam", 80, "pull"), SoundLevel("alan-cam", 30, "pull")]
        window._sound_levels(loud)
        assert window.tiles["grace-cam"].speaking and not window.tiles["alan-cam"].speaking
        await grace.mute_publish_stream_audio(stream, True)
        await until(lambda: window.tiles["grace-cam"].mic_muted)
        window._sound_levels(loud)  # loud behind a muted microphone: not speaking
        assert not window.tiles["grace-cam"].speaking and window.tiles["alan-cam"].speaking
        # Me, muted, am never the speaker either.
        own = huddle.controller.camera_stream_id
        huddle.controller.mic_muted = True
        window._sound_levels([SoundLevel(own, 90, "push")])
        assert not window.local_tile.speaking


async def test_the_call_bar_cannot_be_hidden(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        toolbar = window.toolbar
        assert window.createPopupMenu() is None
        assert not toolbar.toggleViewAction().isEnabled()
        qtbot.mouseClick(toolbar, Qt.MouseButton.RightButton, pos=QPoint(5, 5))
        toolbar.toggleViewAction().trigger()  # even if something triggers it
        assert toolbar.isVisible() and window.leave_button.isVisible()


async def test_the_window_fits_the_screen_and_leave_fits_a_narrow_window(
    make_huddle, qtbot
) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        area = window.screen().availableGeometry()
        assert area.contains(window.geometry())
        assert window.width() <= 1280 and window.height() <= 800
        assert window.statusBar().isVisible()
        for width in (640, 520):
            window.resize(width, 480)
            await until(lambda w=width: window.width() == w)
            await until(lambda: inside(window.leave_button, window))
            assert window.leave_button.isVisible()
            assert window.toolbar.property("compact") is True
        window.resize(1200, 700)
        await until(lambda: window.toolbar.property("compact") is False, timeout=5)


def test_banner_text_sits_on_the_banners_colour(qapp, qtbot) -> None:
    qapp.setStyleSheet(stylesheet())
    banner = StateBanner()
    qtbot.addWidget(banner)
    banner.resize(600, 48)
    banner.show_phase("reconnecting", "Connection lost. Reconnecting…")
    banner.show()
    qtbot.waitExposed(banner)
    background = QColor("#41331c")
    label = banner.text.geometry()
    behind_text = painted(banner)[label.top() + 2, label.right() - 3].astype(int)
    expected = [background.red(), background.green(), background.blue()]
    assert np.abs(behind_text - expected).max() < 6  # not a black (or window-coloured) box


async def test_join_dialog_esc_keeps_what_was_typed(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        dialog.room.clear()
        qtbot.keyClicks(dialog.room, "typed-room")
        qtbot.keyClick(dialog.room, Qt.Key.Key_Escape)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible() and not huddle._quit.is_set()
        assert dialog.room.text() == "typed-room"
        dialog.close()  # closing the window quits, and remembers
        await until(lambda: huddle._quit.is_set())
        assert huddle.settings.value("join/room") == "typed-room"


async def test_reconnecting_tiles_show_no_frozen_picture_or_green_bars(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        tile = window.tiles["grace-cam"]
        await until(lambda: tile.has_picture and tile.quality is not None, timeout=15)
        await huddle.controller.local.stop()
        await until(lambda: window.banner.phase == "reconnecting")
        # The picture goes at once; media that still flows peer to peer paints again (live,
        # not frozen); the bars say nothing while the room is not connected.
        painted_before = tile.frames_painted
        assert tile.quality is None and tile.status_text == "Reconnecting…"
        await asyncio.sleep(1.2)  # quality events keep coming meanwhile
        if window.banner.phase == "reconnecting":
            assert tile.quality is None
            assert not tile.has_picture or tile.frames_painted > painted_before
        await until(lambda: huddle.controller.phase == "connected", timeout=20)
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        await fresh_frames_painted(window.tiles["grace-cam"])


async def test_a_picture_whose_frames_stop_is_not_left_frozen(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        tile = window.tiles["grace-cam"]
        await until(lambda: tile.has_picture, timeout=15)
        huddle.engine.mute_play_stream_video("grace-cam", True)  # frames stop reaching it
        await until(lambda: not tile.has_picture, timeout=10)
        assert tile.status_text == "Waiting for video…"
        huddle.engine.mute_play_stream_video("grace-cam", False)
        await fresh_frames_painted(tile)


async def test_kicked_out_tiles_stop_and_show_no_frozen_picture(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        tile = window.tiles["grace-cam"]
        await until(lambda: tile.has_picture and tile.quality is not None, timeout=15)
        await participant(huddle, huddle.controller.user.user_id, "Ada elsewhere", publish=False)
        await until(lambda: window.banner.phase == "kicked")
        painted_then = tile.frames_painted
        await asyncio.sleep(1.0)
        assert not tile.has_picture and tile.quality is None and not tile.speaking
        assert tile.frames_painted == painted_then and tile.status_text == "Not connected"


async def test_join_on_the_command_line_never_reuses_a_remembered_mute(
    make_huddle, qtbot, monkeypatch
) -> None:
    import app.ui.app as app_module
    from app.cli import huddle as cli

    captured = {}
    monkeypatch.setattr(app_module, "run", lambda argv, **kw: captured.update(kw) or 0)
    assert cli.main(["--room", "r1", "--name", "Ada", "--join"]) == 0
    request = captured["prefill"]
    assert captured["join_now"] and not request.mic_muted and not request.camera_off
    assert cli.main(["--room", "r1", "--name", "Ada", "--join", "--mic-off"]) == 0
    assert captured["prefill"].mic_muted

    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        dialog.mic_muted.setChecked(True)  # remembered from an earlier call
        dialog.camera_off.setChecked(True)
        dialog.apply(request, toggles=True)  # what `huddle --join` does
        assert not dialog.mic_muted.isChecked() and not dialog.camera_off.isChecked()
        dialog.mic_muted.setChecked(True)
        dialog.apply(request)  # only filling in (no --join): the dialog shows the choice
        assert dialog.mic_muted.isChecked()


def area(tile) -> int:
    return tile.width() * tile.height()


async def test_pin_speaker_view_and_hide_self_view(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await participant(huddle, "alan", "Alan Turing")
        await until(lambda: {"grace-cam", "alan-cam"} <= set(window.tiles), timeout=15)
        grace, alan, me = window.tiles["grace-cam"], window.tiles["alan-cam"], window.local_tile
        await until(lambda: area(grace) == area(alan) == area(me))  # the grid: all alike

        qtbot.mouseDClick(alan, Qt.MouseButton.LeftButton)  # pin
        assert window.grid.pinned is alan and alan.pinned
        assert area(alan) > 4 * area(grace) and area(grace) == area(me)
        qtbot.mouseDClick(alan, Qt.MouseButton.LeftButton)  # and unpin
        assert window.grid.pinned is None and area(alan) == area(grace)

        menu = window._tile_menu(grace, grace.mapToGlobal(QPoint(10, 10)))  # right-click menu
        [pin] = [a for a in menu.actions() if a.text() == "Pin for me"]
        pin.trigger()
        assert window.grid.pinned is grace and window.unpin_action.isEnabled()
        window.unpin_action.trigger()
        assert window.grid.pinned is None

        window.speaker_view_action.trigger()  # speaker view: the one who talks, large
        window._sound_levels([SoundLevel("grace-cam", 60, "pull")])
        assert area(grace) > 4 * area(alan)
        window._sound_levels([SoundLevel("alan-cam", 60, "pull")])
        assert area(alan) > 4 * area(grace)
        window._sound_levels([])  # silence: the last speaker stays large
        assert area(alan) > 4 * area(grace)
        window.grid_view_action.trigger()
        assert area(alan) == area(grace)

        before = area(grace)
        window.hide_self_action.trigger()
        assert not me.isVisible() and area(grace) > before  # the others get the room
        window.hide_self_action.trigger()
        assert me.isVisible()


async def test_raise_hand_and_reactions_reach_everyone_and_show_in_the_list(
    make_huddle, qtbot
) -> None:
    from app.ui.call import decode_command, encode_command

    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        me = huddle.controller.user.user_id
        grace, log, stream = await join_guest(
            huddle, "grace", "Grace Hopper", config=TEST_ENGINE, made=_participants
        )
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        tile = window.tiles["grace-cam"]
        people = window.participants

        # Their hand and their reaction, over custom commands.
        await grace.send_custom_command(encode_command("hand", up=True))
        await until(lambda: tile.hand_raised)
        assert people.names() == ["Ada Lovelace (you)", "Grace Hopper"]
        assert people.row(1).hand.isVisibleTo(people.row(1))
        await grace.send_custom_command(encode_command("react", emoji="🎉"))
        await until(lambda: tile.reaction == "🎉")
        await grace.send_custom_command('{"huddle": "react", "emoji": "<script>"}')  # ignored
        await grace.send_custom_command("not huddle's")  # someone else's command: left alone

        # Mine: the others receive them.
        window.hand_action.trigger()
        await until(lambda: window.local_tile.hand_raised and window.hand_action.isChecked())
        await until(
            lambda: any(
                s[0] == "command" and decode_command(s[2]) == {"huddle": "hand", "up": True}
                for s in log.sequence
            )
        )
        assert window.hand_action.text() == "Lower hand"
        window.reactions_menu.actions()[0].trigger()
        await until(lambda: window.local_tile.reaction == "👍")
        await until(lambda: any(s[0] == "command" and "👍" in s[2] for s in log.sequence))

        # Mic and camera state in the list; a muted microphone shows as muted.
        assert people.states["grace"].mic and people.states["grace"].camera
        await grace.mute_publish_stream_audio(stream, True)
        await until(lambda: not people.states["grace"].mic)
        assert not people.states[me].camera  # no camera on this machine

        # Someone joining later learns my hand is up.
        _alan, alan_log, _ = await join_guest(
            huddle, "alan", "Alan Turing", source=None, config=TEST_ENGINE, made=_participants
        )
        await until(lambda: any(s[0] == "command" and s[1] == me for s in alan_log.sequence))
        window.hand_action.trigger()
        await until(lambda: not window.local_tile.hand_raised)
        await grace.send_custom_command(encode_command("hand", up=False))
        await until(lambda: not tile.hand_raised)


async def test_the_statistics_show_where_the_latency_goes(make_huddle, qtbot) -> None:
    from app.engine.latency import latency_of

    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await participant(huddle, "grace", "Grace Hopper")
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        tile = window.tiles["grace-cam"]
        window.stats_action.trigger()
        await until(lambda: "paint" in tile.stats_text and "jitter" in tile.stats_text, timeout=15)
        text = tile.stats_text
        assert "network ~" in text and "decode" in text and "estimate" in text
        breakdown = latency_of(huddle.controller.remotes["grace-cam"])
        assert breakdown is not None and breakdown.frames > 0
        assert 0 <= breakdown.jitter_buffer_ms < 1000 and 0 <= breakdown.decode_ms < 1000
        assert tile.paint_ms is not None and tile.paint_ms >= 0
        assert tile.show_stats and painted(tile).std() > 0
        # Lip sync's offset (``playQualityUpdate``'s av_timestamp_diff_ms), when known.
        from app.engine import StreamQuality

        quality = StreamQuality("grace-cam", rtt_ms=2.0, av_timestamp_diff_ms=12.4)
        assert "voice after picture +12 ms" in window._latency_text("grace-cam", quality, tile)
        quality = StreamQuality("grace-cam", rtt_ms=2.0)
        assert "voice after picture" not in window._latency_text("grace-cam", quality, tile)
