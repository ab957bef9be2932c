"""The settings: devices, language, and the pre-call check with its progress."""

from __future__ import annotations

from tests.helpers import until


async def test_the_check_runs_from_the_settings_with_progress(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        huddle.join_dialog.settings_button.click()
        await until(
            lambda: huddle.settings_dialog is not None and huddle.settings_dialog.isVisible()
        )
        dialog = huddle.settings_dialog
        seen: list[int] = []
        dialog.check_progress.valueChanged.connect(seen.append)
        report = await dialog.run_check()
        assert report.passed
        assert seen and max(seen) == 100 and seen == sorted(seen)
        assert dialog.check_result.text().startswith("All good: a test call worked")
        assert "no camera" in dialog.check_result.text()
        assert dialog.check_button.isEnabled() and not dialog.check_progress.isVisible()


async def test_language_choice_is_remembered(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        dialog = await huddle.open_settings()
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        dialog._apply()
        assert huddle.settings.value("ui/language") == "zh_CN"
        assert not dialog.isVisible()


async def test_ok_and_cancel_stay_on_screen_after_a_long_verdict_and_esc_closes(
    make_huddle, qtbot
) -> None:
    from PySide6.QtCore import QPoint, QRect, Qt

    from app.selftest import SelfTestReport

    async with make_huddle() as huddle:
        dialog = await huddle.open_settings()
        await until(lambda: dialog.isVisible())
        failures = [
            f"step {i} failed: the codec said something long and detailed" for i in range(40)
        ]
        dialog.show_check_result(dialog._verdict(SelfTestReport(failures=failures)))
        await until(lambda: dialog.check_scroll.verticalScrollBar().maximum() > 0)
        screen = dialog.screen().availableGeometry()
        buttons = dialog.buttons
        top_left = buttons.mapToGlobal(QPoint(0, 0))
        assert screen.contains(QRect(top_left, buttons.size()))
        assert dialog.height() <= screen.height()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        await until(lambda: not dialog.isVisible())
        assert huddle.settings.value("ui/language") in (None, "")  # Esc applies nothing
