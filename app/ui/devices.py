"""Device pickers shared by the join dialog and the settings: one combo box per kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox

from app.engine import DeviceInfo

DeviceKind = Literal["camera", "microphone", "speaker"]

DEVICE_KEYS: dict[DeviceKind, str] = {
    "camera": "devices/camera",
    "microphone": "devices/microphone",
    "speaker": "devices/speaker",
}
"""Where the settings remember the chosen device of each kind ("" for none)."""

_NONE = "\x00none"  # the combo entry for "no device"


def fill_device_combo(
    combo: QComboBox,
    devices: Sequence[DeviceInfo],
    settings: QSettings,
    kind: DeviceKind,
    none_text: str,
) -> None:
    """List ``devices`` in ``combo`` (without emitting its signals) and choose the one the
    settings remember for ``kind``, else the system default, else the first; with no devices,
    one disabled entry saying ``none_text``."""
    combo.blockSignals(True)
    combo.clear()
    if not devices:
        combo.addItem(none_text, _NONE)
        combo.setEnabled(False)
    else:
        combo.setEnabled(True)
        for device in devices:
            combo.addItem(device.name, device.device_id)
        remembered = str(settings.value(DEVICE_KEYS[kind], ""))
        index = combo.findData(remembered) if remembered else -1
        defaults = [i for i, d in enumerate(devices) if d.is_default]
        combo.setCurrentIndex(index if index >= 0 else (defaults[0] if defaults else 0))
    combo.blockSignals(False)


def remember_device(settings: QSettings, kind: DeviceKind, device_id: str | None) -> None:
    """Remember the chosen device of ``kind`` (None: there was none)."""
    settings.setValue(DEVICE_KEYS[kind], device_id if device_id is not None else "")


def device_choice(combo: QComboBox) -> str | None:
    """The chosen device's ID, or None when there is none to choose."""
    value = combo.currentData()
    return None if value in (None, _NONE) else str(value)
