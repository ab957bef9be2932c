"""Invitations: copying the room ID and links, and opening huddle:// links."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from app.ui.links import JoinLink, LinkError, join_link, parse_join_link, web_link
from tests.ui.conftest import join

ROOT = Path(__file__).resolve().parents[2]


def test_links_round_trip_and_bad_links_are_refused() -> None:
    link = join_link("design-review#2", "wss://calls.example.org:8443/ws")
    assert link.startswith("huddle://join?room=design-review%232&server=wss%3A%2F%2F")
    assert parse_join_link(link) == JoinLink("design-review#2", "wss://calls.example.org:8443/ws")
    assert parse_join_link("huddle://join?room=standup") == JoinLink("standup", "")
    for bad in (
        "https://join?room=x",
        "huddle://call?room=x",
        "huddle://join?server=ws://h/ws",
        "huddle://join?room=a&room=b",
        "huddle://join?room=" + "r" * 200,
        "huddle://join?room=x&server=http://h/ws",
    ):
        with pytest.raises(LinkError) as caught:
            parse_join_link(bad)
        assert int(caught.value.code) == 8030
    assert web_link("ws://10.0.0.5:8765/ws", "standup") == "http://10.0.0.5:8765/?room=standup"
    assert web_link("wss://calls.example.org/ws", "a&b") == "https://calls.example.org/?room=a%26b"


def test_the_desktop_entry_handles_huddle_links() -> None:
    entry = configparser.ConfigParser(interpolation=None, strict=False)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "huddle.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert "x-scheme-handler/huddle" in desktop["MimeType"].split(";")
    assert desktop["Exec"] == "huddle %u"


def test_the_command_line_opens_a_link_or_says_why_not(monkeypatch) -> None:
    import app.ui.app as app_module
    from app.cli import huddle as cli

    captured = {}
    monkeypatch.setattr(app_module, "run", lambda argv, **kw: captured.update(kw) or 0)
    assert cli.main(["huddle://join?room=standup&server=ws://127.0.0.1:8765/ws"]) == 0
    request = captured["prefill"]
    assert (request.room_id, request.mode, request.url) == (
        "standup",
        "remote",
        "ws://127.0.0.1:8765/ws",
    )
    assert not captured["join_now"]  # the user still picks devices and presses Join
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.huddle", "huddle://nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "error 8030" in done.stderr


async def test_invite_menu_copies_id_and_links(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot, room="standup")
        window = huddle.call_window
        clipboard = QGuiApplication.clipboard()
        window.copy_id_action.trigger()
        assert clipboard.text() == "standup"
        window.copy_link_action.trigger()
        assert parse_join_link(clipboard.text()) == JoinLink("standup", "")  # this computer
        window.copy_web_action.trigger()
        port = huddle.controller.local.url.split(":")[2].split("/")[0]
        assert clipboard.text() == f"http://127.0.0.1:{port}/?room=standup"
        assert window.toasts.texts()[-1] == f"Copied: {clipboard.text()}"
