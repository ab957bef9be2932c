"""Local recording: what you see and hear, to an MP4, with an indicator and a notice to all."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import numpy as np

from app.ui.call import decode_command, encode_command
from tests.helpers import join_guest, until
from tests.ui.conftest import TEST_ENGINE, _participants, join


async def test_record_the_call_to_a_file_and_tell_everyone(
    make_huddle, qtbot, tmp_path: Path
) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot, room="weekly")
        window = huddle.call_window
        _grace, log, _ = await join_guest(
            huddle, "grace", "Grace Hopper", config=TEST_ENGINE, made=_participants
        )
        await until(lambda: "grace-cam" in window.tiles, timeout=15)
        await until(lambda: window.tiles["grace-cam"].frames_painted > 3, timeout=15)

        recorder = window.start_recording(tmp_path / "Videos")
        assert recorder is not None and window.record_action.isChecked()
        assert window.recording_label.isVisible() and "Recording" in window.recording_label.text()
        await until(
            lambda: any(
                s[0] == "command" and decode_command(s[2]) == {"huddle": "recording", "on": True}
                for s in log.sequence
            )
        )
        await asyncio.sleep(2.5)
        path = window.stop_recording()
        assert path is not None and path.exists() and path.parent == tmp_path / "Videos"
        assert path.name.startswith("Huddle weekly ") and path.suffix == ".mp4"
        assert not window.recording_label.isVisible() and not window.record_action.isChecked()
        await until(lambda: any(s[0] == "command" and '"on":false' in s[2] for s in log.sequence))

        with av.open(str(path)) as container:
            video = [f for f in container.decode(video=0)]
        with av.open(str(path)) as container:
            audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
        assert len(video) >= 15 and (video[0].width, video[0].height) == (1280, 720)
        assert video[-1].to_ndarray(format="rgb24").std() > 5  # the grid, not a blank
        assert len(audio) > 48000 and np.abs(audio).max() > 0.05  # Grace's tone is heard


async def test_others_recording_is_shown(make_huddle, qtbot) -> None:
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        grace, _, _ = await join_guest(
            huddle, "grace", "Grace Hopper", source=None, config=TEST_ENGINE, made=_participants
        )
        await until(lambda: "grace" in huddle.controller.users)
        await grace.send_custom_command(encode_command("recording", on=True))
        await until(lambda: window.others_recording_label.isVisible())
        assert "Grace Hopper" in window.others_recording_label.text()
        assert "Grace Hopper started recording the call" in window.toasts.texts()
        assert window.participants.states["grace"].recording
        await grace.send_custom_command(encode_command("recording", on=False))
        await until(lambda: not window.others_recording_label.isVisible())


async def test_a_recording_that_cannot_be_written_says_why(
    make_huddle, qtbot, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    async with make_huddle() as huddle:
        await join(huddle, qtbot)
        window = huddle.call_window
        assert window.start_recording(blocked / "sub") is None
        assert window.notice.text() == "The recording could not be written to its file."
        assert not window.record_action.isChecked()
