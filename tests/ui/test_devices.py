"""Friendly device names, and switching devices from the call bar."""

from __future__ import annotations

from app.engine import DeviceInfo
from app.ui.devices import friendly_devices
from tests.helpers import until
from tests.ui.conftest import join


def test_names_a_person_understands() -> None:
    devices = [
        DeviceInfo("speaker", "0", "HDA Intel PCH: ALC892 Analog (hw:0,0)", False),
        DeviceInfo("speaker", "1", "hdmi", False),
        DeviceInfo("speaker", "2", "dmix", False),
        DeviceInfo("speaker", "3", "pulse", False),
        DeviceInfo("speaker", "4", "default", True),
    ]
    shown = friendly_devices(devices, "speaker")
    names = [d.name for d in shown]
    assert names[0] == "HDA Intel PCH: ALC892 Analog"
    assert not {"pulse", "default", "dmix", "hdmi"} & set(names)
    assert any(n.startswith("System default") for n in names)
    assert [d.device_id for d in shown] == ["0", "4"]  # the same devices open
    lonely = [DeviceInfo("microphone", "0", "pulse", True)]
    assert friendly_devices(lonely, "microphone")[0].name.startswith("Sound server")


async def test_devices_switch_from_the_call_bar(make_huddle, qtbot, pulse) -> None:
    async with make_huddle() as huddle:
        dialog = huddle.join_dialog
        await until(lambda: dialog.preview_stream is not None and dialog.preview_stream.has_audio)
        shown = [dialog.microphone.itemText(i) for i in range(dialog.microphone.count())]
        assert shown and not {"pulse", "default"} & set(shown)
        assert shown[0].startswith("System default")
        await join(huddle, qtbot)
        window = huddle.call_window
        await until(lambda: window.devices is not None)
        window.mic_menu.aboutToShow.emit()
        texts = [a.text() for a in window.mic_menu.actions()]
        assert "Microphone" in texts and "Speaker" in texts
        speakers = [a for a in window.mic_menu.actions() if a.data() and a.data()[0] == "speaker"]
        assert speakers and all(not a.text().startswith(("pulse", "default")) for a in speakers)
        target = speakers[-1]
        target.trigger()
        device_id = target.data()[1]
        await until(lambda: huddle.controller.request.speaker == device_id)
        assert huddle.engine.config.speaker == device_id
        await until(lambda: huddle.settings.value("devices/speaker") == device_id)
        mics = [a for a in window.mic_menu.actions() if a.data() and a.data()[0] == "microphone"]
        mics[-1].trigger()
        await until(lambda: huddle.controller.request.microphone == mics[-1].data()[1])
        assert huddle.controller.stream.has_audio
        window.camera_menu.aboutToShow.emit()
        assert any(not a.isEnabled() for a in window.camera_menu.actions())  # "None found"
