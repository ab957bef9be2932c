"""Device pickers shared by the join dialog and the settings: one combo box per kind."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from PySide6.QtCore import QCoreApplication, QSettings
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


_PLUGINS = re.compile(
    r"^(dmix|dsnoop|dsp|front|rear|center_lfe|side|surround\d*|iec958|spdif|hdmi|lavrate|"
    r"samplerate|speexrate|upmix|vdownmix|jack|oss|null)(:.*)?$",
    re.IGNORECASE,
)
"""ALSA plugin names PortAudio lists beside the real devices: nobody picks these."""


@functools.cache
def pulse_description(kind: str) -> str:
    """The sound server's default sink (speaker) or source (microphone), as it names it
    ("Built-in Audio Analog Stereo"); "" without PulseAudio / PipeWire's pactl."""
    if not shutil.which("pactl"):
        return ""
    what = "sink" if kind == "speaker" else "source"
    try:
        name = subprocess.run(
            ["pactl", f"get-default-{what}"], capture_output=True, text=True, timeout=2
        ).stdout.strip()
        listing = subprocess.run(
            ["pactl", "list", f"{what}s"], capture_output=True, text=True, timeout=2
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    for block in listing.split("\n\n"):
        if re.search(rf"^\s*Name: {re.escape(name)}$", block, re.MULTILINE):
            found = re.search(r"^\s*Description: (.+)$", block, re.MULTILINE)
            return found.group(1).strip() if found else ""
    return ""


def friendly_devices(devices: Sequence[DeviceInfo], kind: DeviceKind) -> list[DeviceInfo]:
    """The devices as a person should see them: "System default (Built-in Audio)" rather
    than "default", no "pulse" twin of the default, no ALSA plugins, no "(hw:0,0)" tails.
    IDs are kept, so choices still open the same device."""
    if kind == "camera":
        return list(devices)
    names = {d.name for d in devices}
    shown = []
    for device in devices:
        name = device.name
        if name == "pulse" and "default" in names:
            continue  # the default goes to the sound server too: one entry, not two
        if _PLUGINS.match(name) and len(devices) > 1:
            continue
        if name in ("default", "pulse", "sysdefault"):
            where = pulse_description(kind) if name != "sysdefault" else ""
            label = (
                QCoreApplication.translate("Devices", "System default")
                if name != "pulse"
                else QCoreApplication.translate("Devices", "Sound server")
            )
            name = f"{label} ({where})" if where else label
        else:
            name = re.sub(r"\s*\((hw|plughw):\d+,\d+\)$", "", name)
        shown.append(replace(device, name=name))
    return shown or list(devices)


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
        devices = friendly_devices(devices, kind)
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
