"""English and 简体中文: complete, in step with the code, and really used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.engine import DeviceLists
from app.protocol.errors import ErrorCode
from app.ui import i18n
from app.ui.resources import resources_dir
from app.ui.settings_dialog import SettingsDialog


@pytest.fixture
def chinese(qapp):
    assert i18n.install(qapp, "zh_CN"), "run `python -m app.ui.i18n build` first"
    yield
    i18n.install(qapp, "en")


def test_every_string_in_the_code_is_translated(tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir() / "translations", copy / "translations")
    monkeypatch.setenv("HUDDLE_RESOURCES", str(copy))
    i18n.update()  # re-extract from app/ui and the error table into the copy
    for ts in i18n.ts_files():
        assert i18n.unfinished(ts) == [], f"{ts.name} has untranslated strings"
    committed = (resources_dir() / "translations" / "huddle_zh_CN.ts").read_text()
    assert "加入通话" in committed


def test_the_chinese_ui_is_chinese(chinese, qtbot) -> None:
    from app.engine import Engine
    from app.ui.bridge import EngineBridge
    from app.ui.join_dialog import JoinDialog

    engine = Engine(1, "ws://127.0.0.1:9/ws")
    dialog = JoinDialog(engine, EngineBridge(engine), QSettings())
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Huddle — 加入通话"
    assert dialog.join_button.text() == "加入"
    assert dialog.camera_off.text() == "加入时关闭摄像头"
    assert i18n.error_text(ErrorCode.TOKEN_EXPIRED) == "令牌已过期。"
    assert (
        i18n.error_text(ErrorCode.KICKED_DUPLICATE_LOGIN)
        == "同一用户 ID 在别处登录，本会话已关闭。"
    )
    settings = SettingsDialog(DeviceLists([], [], []), QSettings())
    qtbot.addWidget(settings)
    ok = settings.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() in ("确定", "确定(&O)")  # Qt's own strings come in Chinese too


def test_language_follows_the_system_unless_the_settings_say(monkeypatch) -> None:
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    assert i18n.pick_language(None) == "zh_CN"
    assert i18n.pick_language("en") == "en"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("de_DE")))
    assert i18n.pick_language(None) == "en"
    assert i18n.pick_language("zh_CN") == "zh_CN"


def test_a_missing_translation_falls_back_to_english(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HUDDLE_RESOURCES", str(tmp_path))
    assert not i18n.install(QApplication.instance(), "zh_CN")
    assert i18n.error_text(ErrorCode.TOKEN_EXPIRED) == "The token has expired."
