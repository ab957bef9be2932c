"""The voice block of the settings: echo cancellation and noise suppression on by default."""

from __future__ import annotations


async def test_echo_cancellation_and_noise_suppression_are_on_in_the_app(make_huddle, qtbot):
    async with make_huddle() as huddle:
        config = huddle.engine.config
        assert config.enable_aec and config.enable_ans and not config.enable_agc
        dialog = await huddle.open_settings()
        assert dialog.voice["aec"].isChecked() and dialog.voice["ans"].isChecked()
        dialog.voice["aec"].setChecked(False)
        dialog.voice["agc"].setChecked(True)
        dialog._apply()
        assert huddle.settings.value("audio/aec") in (False, "false")
        assert not config.enable_aec and config.enable_agc and config.enable_ans
        assert not dialog.voice["dtx"].isChecked() and not config.opus_dtx
