"""Notifications: unread chat, join/leave toasts, soft sounds (a setting), the muted hint,
and the speaker's test tone."""

from __future__ import annotations

import asyncio

import numpy as np

from app.ui.notify import tone
from tests.helpers import join_guest, until
from tests.ui.conftest import TEST_ENGINE, _participants, join, participant


async def test_unread_chat_toasts_and_sounds(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        window.chat_dock.hide()
        grace, _ = await participant(huddle, "grace", "Grace Hopper", publish=False)
        await until(lambda: "Grace Hopper joined" in window.toasts.texts())
        assert window.sounds.played == ["join"]

        await grace.send_broadcast_message("one")
        await grace.send_broadcast_message("two")
        await until(lambda: window.chat_action.text() == "Chat (2)")
        assert window.unread == 2 and window.sounds.played.count("message") == 2
        window.chat_action.trigger()  # open the chat: read
        await until(lambda: window.chat_action.text() == "Chat")
        await asyncio.sleep(1.1)  # the service allows two messages a second
        await grace.send_broadcast_message("seen at once")  # the chat is open: not unread
        await until(lambda: "seen at once" in window.chat.texts())
        assert window.unread == 0

        huddle.settings.setValue("notifications/sounds", False)  # the setting: no sounds
        await grace.destroy_engine()
        await until(lambda: "Grace Hopper left" in window.toasts.texts())
        assert "leave" not in window.sounds.played


async def test_speaking_while_muted_shows_a_hint(make_huddle, qtbot, pulse) -> None:
    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        await until(lambda: dialog.preview_stream is not None and dialog.preview_stream.has_audio)
        await join(huddle, qtbot)
        window = huddle.call_window
        assert not window.muted_hint.isVisible()
        window.mic_action.trigger()  # mute; PulseAudio's microphone keeps playing its sine
        await until(lambda: huddle.controller.mic_muted)
        await until(lambda: window.muted_hint.isVisible(), timeout=10)
        assert "You are muted" in window.muted_hint.text()


def test_sounds_are_soft_and_short() -> None:
    for kind in ("join", "leave", "message", "hand"):
        samples = tone(kind)
        assert len(samples) < 48000 * 0.4  # under 0.4 s
        assert np.abs(samples).max() < 32767 * 0.2  # soft


async def test_the_speaker_test_tone_plays(make_huddle, qtbot, pulse) -> None:
    async with make_huddle() as huddle:
        dialog = await huddle.open_settings()
        assert dialog.speaker_test.isEnabled()
        recorded = []

        async def record():
            recorded.append(await asyncio.to_thread(pulse.record_speaker, 1.5))

        listening = asyncio.ensure_future(record())
        assert await dialog.test_speaker()
        await listening
        assert "three rising notes" in dialog.speaker_result.text()
        assert np.abs(recorded[0]).max() > 1000  # the tone really came out of the speaker


async def test_a_newcomer_is_toasted_once(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        await join_guest(
            huddle, "alan", "Alan Turing", source=None, config=TEST_ENGINE, made=_participants
        )
        await until(lambda: "Alan Turing joined" in window.toasts.texts())
        assert window.toasts.texts().count("Alan Turing joined") == 1
