"""Where the app finds its icons, style sheet and translations."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """``$HUDDLE_RESOURCES``, the bundle's copy (PyInstaller), or the checkout's ``resources/``."""
    if os.environ.get("HUDDLE_RESOURCES"):
        return Path(os.environ["HUDDLE_RESOURCES"])
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@functools.cache
def icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


def stylesheet() -> str:
    return (resources_dir() / "style.qss").read_text(encoding="utf-8")
