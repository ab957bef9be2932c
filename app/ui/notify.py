"""Telling the user what happened without getting in the way: toasts over the video, soft
sounds on the call's speaker (a setting turns them off), and the short tones they are made of.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import av
import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.media.audio import Mixer, Speaker

log = logging.getLogger("huddle.ui")

SoundKind = Literal["join", "leave", "message", "hand", "test"]
SOUNDS_KEY = "notifications/sounds"
TOAST_MS = 4000
MAX_TOASTS = 4
RATE = 48000

# Two soft notes each (Hz, seconds): rising for arrivals, falling for departures.
_NOTES: dict[str, tuple[tuple[float, float], ...]] = {
    "join": ((660.0, 0.09), (880.0, 0.14)),
    "leave": ((880.0, 0.09), (660.0, 0.14)),
    "message": ((990.0, 0.07),),
    "hand": ((740.0, 0.08), (740.0, 0.08)),
    "test": ((440.0, 0.5), (660.0, 0.5), (880.0, 0.5)),
}


def tone(kind: SoundKind, volume: float = 0.18) -> np.ndarray:
    """The sound of ``kind`` as 48 kHz mono int16: sine notes with soft attack and release."""
    parts = []
    for frequency, seconds in _NOTES[kind]:
        t = np.arange(int(RATE * seconds)) / RATE
        envelope = np.minimum(1.0, np.minimum(t / 0.01, (seconds - t) / 0.04))
        parts.append(np.sin(2 * np.pi * frequency * t) * envelope)
        parts.append(np.zeros(int(RATE * 0.02)))
    samples = np.concatenate(parts) * volume * 32767
    return samples.astype(np.int16)


def tone_frame(kind: SoundKind, volume: float = 0.18) -> av.AudioFrame:
    samples = tone(kind, volume)
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = RATE
    return frame


def sounds_enabled(settings: QSettings) -> bool:
    return settings.value(SOUNDS_KEY, True) not in (False, "false")


class Sounds:
    """Soft notification sounds, mixed into the call's speaker by the engine."""

    def __init__(self, engine: Any, settings: QSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.played: list[str] = []
        """What was played (or would have been, with no speaker): for tests and diagnostics."""
        self._output: Any = None

    @property
    def enabled(self) -> bool:
        return sounds_enabled(self.settings)

    def play(self, kind: SoundKind) -> bool:
        if not self.enabled:
            return False
        self.played.append(kind)
        if self._output is None:
            self._output = self.engine.open_sound_output() or False
        if self._output:
            self._output.write(tone_frame(kind))
        return True

    def close(self) -> None:
        if self._output:
            self._output.close()
        self._output = None


async def play_test_tone(device: str | None, seconds: float = 1.7) -> bool:
    """Open ``device`` (None: the default speaker), play the test tone on it, close it; True if
    the speaker played it through. Raises ``MediaError`` when the speaker cannot be opened."""
    speaker = await Speaker.open(device, Mixer())
    try:
        speaker.mixer.add_input().write(tone_frame("test", volume=0.25))
        await asyncio.sleep(seconds)
        return speaker.frames_played >= int(RATE * 1.5)
    finally:
        speaker.close()


class ToastArea(QWidget):
    """Short notes stacked in a corner of the video ("Grace joined"), each gone after a while."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toasts")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(12, 12, 12, 48)  # clear of the tiles' name pills
        self._column.setSpacing(6)
        self._column.addStretch(1)
        self.toasts: list[QLabel] = []

    def show_toast(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("toast")
        self._column.addWidget(label, 0, Qt.AlignmentFlag.AlignLeft)
        self.toasts.append(label)
        while len(self.toasts) > MAX_TOASTS:
            self._drop(self.toasts[0])
        QTimer.singleShot(TOAST_MS, label, lambda: self._drop(label))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        return label

    def texts(self) -> list[str]:
        return [t.text() for t in self.toasts]

    def _drop(self, label: QLabel) -> None:
        if label in self.toasts:
            self.toasts.remove(label)
            label.hide()
            label.deleteLater()
