"""Devices and language, during a call or before one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.engine import DeviceInfo, DeviceLists, Engine
from app.media.errors import MediaError
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
from .i18n import LANGUAGES, error_text
from .notify import SOUNDS_KEY, play_test_tone, sounds_enabled
from .resources import icon


class SettingsDialog(QDialog):
    """Non-modal (the call goes on while it is open); Esc closes it like Cancel. ``applied``
    carries the choices."""

    applied = Signal(object, object, object)  # camera, microphone, speaker (None: none/default)
    export_requested = Signal()

    def __init__(
        self, devices: DeviceLists, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setObjectName("settingsDialog")
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
        # The speaker test: a short tone on the chosen speaker, before choosing it.
        self.speaker_test = QPushButton(self.tr("Test"))
        self.speaker_test.setToolTip(self.tr("Play a short tone on this speaker"))
        self.speaker_test.clicked.connect(self._start_speaker_test)
        self.speaker_test.setEnabled(device_choice(self.speaker) is not None)
        self.speaker_result = QLabel()
        self.speaker_result.setObjectName("hint")
        self.speaker_result.setWordWrap(True)
        self.speaker_result.hide()
        self._speaker_task: asyncio.Task[None] | None = None
        speaker_row = QHBoxLayout()
        speaker_row.addWidget(self.speaker, 1)
        speaker_row.addWidget(self.speaker_test)
        # Notifications.
        self.sounds = QCheckBox(
            self.tr("Play soft sounds when people join, leave, write or raise a hand")
        )
        self.sounds.setChecked(sounds_enabled(settings))
        form = QFormLayout()
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow(self.tr("Microphone"), self.microphone)
        form.addRow(self.tr("Speaker"), speaker_row)
        form.addRow("", self.speaker_result)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.language_note)
        form.addRow(self.tr("Notifications"), self.sounds)
        self._add_voice_block(form)  # #10
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
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
        self.check_result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # However long the check's verdict, it scrolls: OK and Cancel stay on the screen.
        self.check_scroll = QScrollArea()
        self.check_scroll.setObjectName("checkResult")
        self.check_scroll.setWidget(self.check_result)
        self.check_scroll.setWidgetResizable(True)
        self.check_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.check_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.check_scroll.setMaximumHeight(140)
        self.check_scroll.hide()  # until there is something to say
        self._check_task: asyncio.Task[None] | None = None
        # Support: the last call's timeline, quality samples and logs, in one file.
        self.export_button = QPushButton(self.tr("Export diagnostics"))
        self.export_button.setToolTip(
            self.tr("Save the last call's timeline, quality samples and logs in a zip for support")
        )
        self.export_button.clicked.connect(self.export_requested)
        self.export_result = QLabel()
        self.export_result.setObjectName("hint")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_result.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button)
        layout.addWidget(self.check_progress)
        layout.addWidget(self.check_scroll)
        layout.addWidget(self.export_button)
        layout.addWidget(self.export_result)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        screen = self.screen().availableGeometry()
        self.setMaximumHeight(screen.height())
        frame = self.frameGeometry()
        if not screen.contains(frame):  # keep it, and its buttons, on the screen
            self.move(
                min(max(screen.left(), frame.left()), screen.right() - frame.width()),
                min(max(screen.top(), frame.top()), screen.bottom() - frame.height()),
            )

    def _combo(self, devices: list[DeviceInfo], kind: DeviceKind, none_text: str) -> QComboBox:
        combo = QComboBox()
        fill_device_combo(combo, devices, self.settings, kind, none_text)
        return combo

    # ------------------------------------------------------------ the speaker test

    def _start_speaker_test(self) -> None:
        if self._speaker_task is None:
            self._speaker_task = asyncio.ensure_future(self.test_speaker())

    async def test_speaker(self) -> bool:
        """Play the test tone on the chosen speaker; True if it played."""
        device = device_choice(self.speaker)
        name = self.speaker.currentText()
        self.speaker_test.setEnabled(False)
        self.speaker_result.show()
        self.speaker_result.setText(self.tr("Playing a tone on %1…").replace("%1", name))
        try:
            played = await play_test_tone(device)
        except MediaError as exc:
            self.speaker_result.setText(error_text(exc.code))
            return False
        finally:
            self._speaker_task = None
            self.speaker_test.setEnabled(True)
        self.speaker_result.setText(
            self.tr("Did you hear three rising notes? If not, choose another speaker.")
            if played
            else self.tr("The speaker did not play.")
        )
        return played

    def show_export(self, result: tuple[Path | None, str]) -> None:
        """Say where the diagnostics were saved (or why they were not)."""
        path, problem = result
        self.export_result.setText(
            self.tr("Saved to %1").replace("%1", str(path)) if path is not None else problem
        )
        self.export_result.show()

    # ------------------------------------------------------------ the self-test

    def _start_check(self) -> None:
        if self._check_task is None:
            self._check_task = asyncio.ensure_future(self.run_check())

    async def run_check(self) -> SelfTestReport:
        """Run the pre-call check, showing its progress; returns the report."""
        self.check_button.setEnabled(False)
        self.check_progress.setValue(0)
        self.check_progress.show()
        self.check_scroll.show()
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
        self.show_check_result(self._verdict(report))
        return report

    def show_check_result(self, text: str) -> None:
        """The check's verdict, however long: it scrolls, OK and Cancel stay in view."""
        self.check_scroll.show()
        self.check_result.setText(text)

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
        self.settings.setValue(SOUNDS_KEY, self.sounds.isChecked())
        self._save_voice_block()  # #10
        self.settings.sync()
        self.applied.emit(*chosen.values())
        self.accept()

    # ------------------------------------------------------------ voice processing (#10)

    def _add_voice_block(self, form: QFormLayout) -> None:
        self.voice = {
            key: QCheckBox(text)
            for key, text in (
                ("aec", self.tr("Cancel echo (speakers heard by the microphone)")),
                ("ans", self.tr("Suppress background noise")),
                ("agc", self.tr("Even out my voice level")),
                ("headset", self.tr("I use a headset (no echo cancellation needed)")),
                ("dtx", self.tr("Send nothing while I am silent (saves data)")),
            )
        }
        for key, box in self.voice.items():
            box.setChecked(voice_setting(self.settings, key))
            form.addRow(self.tr("Voice") if key == "aec" else "", box)

    def _save_voice_block(self) -> None:
        for key, box in self.voice.items():
            self.settings.setValue(f"audio/{key}", box.isChecked())


VOICE_DEFAULTS = {"aec": True, "ans": True, "agc": False, "headset": False, "dtx": False}


def voice_setting(settings: QSettings, key: str) -> bool:
    value = settings.value(f"audio/{key}", VOICE_DEFAULTS[key])
    return value in (True, "true", "1", 1)


def apply_voice_settings(engine: Engine, settings: QSettings) -> None:
    """The remembered echo cancellation, noise suppression, gain control, headset and DTX
    choices, applied to the engine (echo cancellation and noise suppression are on by
    default, DTX off)."""
    engine.enable_aec(voice_setting(settings, "aec"))
    engine.enable_ans(voice_setting(settings, "ans"))
    engine.enable_agc(voice_setting(settings, "agc"))
    engine.enable_headset_mode(True if voice_setting(settings, "headset") else None)
    engine.enable_dtx(voice_setting(settings, "dtx"))
