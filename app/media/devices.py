"""What devices this machine has: cameras, microphones, speakers and screens, with names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .audio import audio_devices
from .camera import camera_name
from .screen import list_monitors

DeviceKind = Literal["camera", "microphone", "speaker", "screen"]


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    kind: DeviceKind
    device_id: str
    """What to pass back to open the device: an index, a path or a monitor number."""
    name: str
    is_default: bool = False


def list_cameras() -> list[DeviceInfo]:
    """V4L2 capture nodes (a UVC camera's metadata node is left out)."""
    indices = []
    for node in Path("/sys/class/video4linux").glob("video*"):
        match = re.fullmatch(r"video(\d+)", node.name)
        if not match:
            continue
        index_file = node / "index"
        try:
            if index_file.exists() and index_file.read_text().strip() != "0":
                continue  # secondary node of the same device (metadata)
        except OSError:
            continue
        indices.append(int(match.group(1)))
    return [
        DeviceInfo("camera", str(index), camera_name(index), is_default=i == 0)
        for i, index in enumerate(sorted(indices))
    ]


def list_microphones() -> list[DeviceInfo]:
    return [
        DeviceInfo("microphone", str(d.index), d.name, d.is_default) for d in audio_devices("input")
    ]


def list_speakers() -> list[DeviceInfo]:
    return [
        DeviceInfo("speaker", str(d.index), d.name, d.is_default) for d in audio_devices("output")
    ]


def list_screens() -> list[DeviceInfo]:
    monitors = list_monitors()
    return [
        DeviceInfo("screen", str(i), f"Screen {i} ({m['width']}×{m['height']})", i == 1)
        for i, m in enumerate(monitors)
        if i > 0
    ]
