"""Devices and language, during a call or before one."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import DeviceInfo, DeviceLists
from app.selftest import (
    STEP_CLEANUP,
    STEP_DEVICES,
    STEP_DONE,
    STEP_LOGIN,
    STEP_PLAY,
    STEP_PUBLISH,
    STEP_SERVICE,
    STEP_VERIFY,
    SelfTestReport,
    run_self_test,
)

from .devices import DeviceKind, device_choice, fill_device_combo, remember_device
from .i18n import LANGUAGES
from .resources import icon


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
        self.camera = self._combo(devices.cameras, "camera", self.tr("No camera"))
        self.microphone = self._combo(devices.microphones, "microphone", self.tr("No microphone"))
        self.speaker = self._combo(devices.speakers, "speaker", self.tr("No speaker"))
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
        self._add_voice_block(form)  # #10
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self.close)
        self.check_button = QPushButton(self.tr("Check this computer"))
        self.check_button.setToolTip(
            self.tr("Test the camera, microphone, codecs and a call over this computer's network")
        )
        self.check_button.clicked.connect(self._start_check)
        self.check_progress = QProgressBar()
        self.check_progress.setRange(0, 100)
        self.check_progress.hide()
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        self.check_result.setObjectName("hint")
        self._check_task: asyncio.Task[None] | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button)
        layout.addWidget(self.check_progress)
        layout.addWidget(self.check_result)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def _combo(self, devices: list[DeviceInfo], kind: DeviceKind, none_text: str) -> QComboBox:
        combo = QComboBox()
        fill_device_combo(combo, devices, self.settings, kind, none_text)
        return combo

    # ------------------------------------------------------------ the self-test

    def _start_check(self) -> None:
        if self._check_task is None:
            self._check_task = asyncio.ensure_future(self.run_check())

    async def run_check(self) -> SelfTestReport:
        """Run the pre-call check, showing its progress; returns the report."""
        self.check_button.setEnabled(False)
        self.check_progress.setValue(0)
        self.check_progress.show()
        self.check_result.setText("")
        steps = {
            STEP_DEVICES: self.tr("Checking devices and codecs…"),
            STEP_SERVICE: self.tr("Starting a test room service…"),
            STEP_LOGIN: self.tr("Logging in…"),
            STEP_PUBLISH: self.tr("Sending a test picture and tone…"),
            STEP_PLAY: self.tr("Receiving them over WebRTC…"),
            STEP_VERIFY: self.tr("Checking what arrives…"),
            STEP_CLEANUP: self.tr("Cleaning up…"),
            STEP_DONE: "",
        }

        def progress(what: str, fraction: float) -> None:
            self.check_progress.setValue(int(fraction * 100))
            self.check_result.setText(steps.get(what, what))

        try:
            report = await run_self_test(progress)
        finally:
            self._check_task = None
            self.check_button.setEnabled(True)
        self.check_progress.hide()
        self.check_result.setText(self._verdict(report))
        return report

    def _verdict(self, report: SelfTestReport) -> str:
        if report.passed:
            text = self.tr("All good: a test call worked (first picture after %1 ms, %2 fps).")
            text = text.replace("%1", f"{report.first_frame_ms:.0f}").replace(
                "%2", f"{report.fps:.0f}"
            )
            missing = [
                self.tr("no camera") if not report.devices.get("camera") else "",
                self.tr("no microphone") if not report.devices.get("microphone") else "",
            ]
            missing = [m for m in missing if m]
            if missing:
                text += " " + self.tr("Note: %1.").replace("%1", ", ".join(missing))
            return text
        return self.tr("The check failed: %1").replace("%1", "; ".join(report.failures))

    def _apply(self) -> None:
        chosen: dict[DeviceKind, str | None] = {
            "camera": device_choice(self.camera),
            "microphone": device_choice(self.microphone),
            "speaker": device_choice(self.speaker),
        }
        for kind, device_id in chosen.items():
            remember_device(self.settings, kind, device_id)
        self.settings.setValue("ui/language", self.language.currentData())
        self._save_voice_block()  # #10
        self.settings.sync()
        self.applied.emit(*chosen.values())
        self.close()

    # ------------------------------------------------------------ voice processing (#10)

    def _add_voice_block(self, form: QFormLayout) -> None:
        self.voice = {
            key: QCheckBox(text)
            for key, text in (
                ("aec", self.tr("Cancel echo (speakers heard by the microphone)")),
                ("ans", self.tr("Suppress background noise")),
                ("agc", self.tr("Even out my voice level")),
                ("headset", self.tr("I use a headset (no echo cancellation needed)")),
            )
        }
        for key, box in self.voice.items():
            box.setChecked(voice_setting(self.settings, key))
            form.addRow(self.tr("Voice") if key == "aec" else "", box)

    def _save_voice_block(self) -> None:
        for key, box in self.voice.items():
            self.settings.setValue(f"audio/{key}", box.isChecked())


VOICE_DEFAULTS = {"aec": True, "ans": True, "agc": False, "headset": False}


def voice_setting(settings: QSettings, key: str) -> bool:
    value = settings.value(f"audio/{key}", VOICE_DEFAULTS[key])
    return value in (True, "true", "1", 1)


def apply_voice_settings(engine: Any, settings: QSettings) -> None:
    """The remembered echo cancellation, noise suppression, gain control and headset choices,
    applied to the engine (echo cancellation and noise suppression are on by default)."""
    engine.enable_aec(voice_setting(settings, "aec"))
    engine.enable_ans(voice_setting(settings, "ans"))
    engine.enable_agc(voice_setting(settings, "agc"))
    engine.enable_headset_mode(True if voice_setting(settings, "headset") else None)
