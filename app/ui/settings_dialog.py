"""Devices and language, during a call or before one."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.engine import DeviceLists

from .i18n import LANGUAGES
from .resources import icon

_NONE = "\x00none"


class SettingsDialog(QWidget):
    """Non-modal (the call goes on while it is open). ``applied`` carries the choices."""

    applied = Signal(object, object, object)  # camera, microphone, speaker (None: none/default)

    def __init__(
        self, devices: DeviceLists, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Devices and settings"))
        self.setWindowIcon(icon("settings"))
        self.settings = settings
        self.camera = self._combo(devices.cameras, "devices/camera", self.tr("No camera"))
        self.microphone = self._combo(
            devices.microphones, "devices/microphone", self.tr("No microphone")
        )
        self.speaker = self._combo(devices.speakers, "devices/speaker", self.tr("No speaker"))
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        index = self.language.findData(str(settings.value("ui/language", "")))
        self.language.setCurrentIndex(max(0, index))
        self.language_note = QLabel(self.tr("A new language applies the next time Huddle starts."))
        self.language_note.setObjectName("hint")
        self.language_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow(self.tr("Microphone"), self.microphone)
        form.addRow(self.tr("Speaker"), self.speaker)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.language_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def _combo(self, devices: list, key: str, none_text: str) -> QComboBox:
        combo = QComboBox()
        if not devices:
            combo.addItem(none_text, _NONE)
            combo.setEnabled(False)
            return combo
        for device in devices:
            combo.addItem(device.name, device.device_id)
        index = combo.findData(str(self.settings.value(key, "")))
        defaults = [i for i, d in enumerate(devices) if d.is_default]
        combo.setCurrentIndex(index if index >= 0 else (defaults[0] if defaults else 0))
        return combo

    @staticmethod
    def _value(combo: QComboBox) -> str | None:
        value = combo.currentData()
        return None if value in (None, _NONE) else str(value)

    def _apply(self) -> None:
        choices = (
            self._value(self.camera),
            self._value(self.microphone),
            self._value(self.speaker),
        )
        for key, value in zip(("camera", "microphone", "speaker"), choices, strict=True):
            self.settings.setValue(f"devices/{key}", value or "")
        self.settings.setValue("ui/language", self.language.currentData())
        self.settings.sync()
        self.applied.emit(*choices)
        self.close()
