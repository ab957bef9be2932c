"""What a person sees first: which room, under what name, on which server, with which devices."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.engine import CameraConfig, DeviceError, Engine, LocalStream
from app.protocol.errors import ErrorCode
from app.protocol.limits import ProtocolError, check_room_id, check_user_name
from app.server.embedded import LOCAL_APP_ID

from .bridge import EngineBridge
from .call import JoinRequest
from .devices import device_choice, fill_device_combo, remember_device
from .i18n import error_text
from .resources import icon
from .video import VideoTile

log = logging.getLogger("huddle.ui")


class JoinDialog(QWidget):
    """Not a modal QDialog: the event loop (qasync) keeps running while it is open."""

    join_requested = Signal(object)  # JoinRequest
    settings_requested = Signal()
    closed = Signal()

    def __init__(self, engine: Engine, bridge: EngineBridge, settings: QSettings) -> None:
        super().__init__()
        self.engine = engine
        self.settings = settings
        self.preview_stream: LocalStream | None = None
        self._preview_task: asyncio.Task[None] | None = None
        self._busy = False
        self.setObjectName("joinDialog")
        self.setWindowTitle(self.tr("Huddle — Join a call"))
        self.setWindowIcon(icon("huddle"))
        self._build()
        self._restore()
        bridge.capturedSoundLevelUpdate.connect(self._on_level)
        self._validate()

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        title = QLabel(self.tr("Join a call"))
        title.setObjectName("title")
        logo = QLabel()
        logo.setPixmap(icon("huddle").pixmap(40, 40))
        heading = QHBoxLayout()
        heading.addWidget(logo)
        heading.addWidget(title, 1)

        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("e.g. standup"))
        self.room_error = self._error_label()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("How others see you"))
        self.name_error = self._error_label()

        self.local_mode = QRadioButton(self.tr("This computer"))
        self.local_mode.setToolTip(
            self.tr(
                "A room service runs inside Huddle; other Huddle windows on this computer join it."
            )
        )
        self.remote_mode = QRadioButton(self.tr("Another server"))
        modes = QButtonGroup(self)
        modes.addButton(self.local_mode)
        modes.addButton(self.remote_mode)
        self.url = QLineEdit()
        self.url.setPlaceholderText("ws://host:8765/ws")
        self.app_id = QSpinBox()
        self.app_id.setRange(1, 2**31 - 1)
        self.credential_kind = QComboBox()
        self.credential_kind.addItem(self.tr("Token"), "token")
        self.credential_kind.addItem(self.tr("App secret"), "secret")
        self.credential = QLineEdit()
        self.credential.setEchoMode(QLineEdit.EchoMode.Password)
        self.remote_error = self._error_label()
        remote = QFormLayout()
        remote.addRow(self.tr("Server URL"), self.url)
        remote.addRow(self.tr("App ID"), self.app_id)
        credential_row = QHBoxLayout()
        credential_row.addWidget(self.credential_kind)
        credential_row.addWidget(self.credential, 1)
        remote.addRow(self.tr("Sign in with"), credential_row)
        self.remote_box = QFrame()
        self.remote_box.setLayout(remote)

        self.camera = QComboBox()
        self.microphone = QComboBox()
        self.speaker = QComboBox()
        self.camera_off = QCheckBox(self.tr("Join with camera off"))
        self.mic_muted = QCheckBox(self.tr("Join with microphone muted"))

        self.preview = VideoTile(self.tr("You"), mirrored=True)
        self.preview.setMinimumSize(320, 240)
        self.level = QProgressBar()
        self.level.setObjectName("micLevel")
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setFixedHeight(8)
        self.level_label = QLabel(self.tr("Microphone level"))
        self.level_label.setObjectName("hint")

        self.rejoin_bar = QFrame()
        self.rejoin_bar.setObjectName("rejoinBar")
        self.rejoin_text = QLabel()
        self.rejoin_text.setWordWrap(True)
        self.rejoin_button = QPushButton(self.tr("Rejoin"))
        self.rejoin_button.setObjectName("rejoin")
        self.rejoin_button.clicked.connect(self._join)
        rejoin_row = QHBoxLayout(self.rejoin_bar)
        rejoin_row.setContentsMargins(12, 6, 6, 6)
        rejoin_row.addWidget(self.rejoin_text, 1)
        rejoin_row.addWidget(self.rejoin_button)
        self.rejoin_bar.hide()

        self.error = QLabel()
        self.error.setObjectName("joinError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.join_button = QPushButton(self.tr("Join"))
        self.join_button.setObjectName("primary")
        self.join_button.setDefault(True)
        self.join_button.setAutoDefault(True)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Room ID"), self._with_error(self.room, self.room_error))
        form.addRow(self.tr("Your name"), self._with_error(self.name, self.name_error))
        server_row = QHBoxLayout()
        server_row.setSpacing(20)
        server_row.addWidget(self.local_mode)
        server_row.addWidget(self.remote_mode)
        server_row.addStretch(1)
        form.addRow(self.tr("Server"), server_row)
        form.addRow("", self._with_error(self.remote_box, self.remote_error))
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow(self.tr("Microphone"), self.microphone)
        form.addRow(self.tr("Speaker"), self.speaker)
        form.addRow("", self.camera_off)
        form.addRow("", self.mic_muted)

        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.rejoin_bar)
        left.addLayout(heading)
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(self.error)
        self.settings_button = QPushButton(self.tr("Settings"))
        self.settings_button.setToolTip(
            self.tr("Language, and a check that this computer can call")
        )
        self.settings_button.clicked.connect(self.settings_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.settings_button)
        buttons.addStretch(1)
        buttons.addWidget(self.join_button)
        left.addLayout(buttons)

        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.level_label)
        right.addWidget(self.level)

        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(460)
        grid = QGridLayout(self)
        grid.setContentsMargins(28, 24, 28, 24)
        grid.setHorizontalSpacing(28)
        grid.addWidget(left_box, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)
        self.resize(1100, 600)

        for widget in (self.room, self.name, self.url, self.credential):
            widget.textChanged.connect(self._validate)
        self.local_mode.toggled.connect(self._validate)
        self.credential_kind.currentIndexChanged.connect(self._validate)
        self.camera.currentIndexChanged.connect(self._devices_changed)
        self.microphone.currentIndexChanged.connect(self._devices_changed)
        self.name.textChanged.connect(lambda text: self.preview.set_title(text or self.tr("You")))
        self.camera_off.toggled.connect(self.preview.set_camera_off)
        self.join_button.clicked.connect(self._join)
        self.room.returnPressed.connect(self._join)
        self.name.returnPressed.connect(self._join)

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setObjectName("inlineError")
        label.setWordWrap(True)
        label.hide()
        return label

    @staticmethod
    def _with_error(widget: QWidget, error: QLabel) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(error)
        return box

    # ------------------------------------------------------------ remembered values

    def _restore(self) -> None:
        s = self.settings
        self.room.setText(str(s.value("join/room", "")))
        self.name.setText(str(s.value("join/name", "")))
        remote = s.value("join/mode", "local") == "remote"
        (self.remote_mode if remote else self.local_mode).setChecked(True)
        self.url.setText(str(s.value("join/url", "")))
        self.app_id.setValue(int(s.value("join/app_id", 1)))
        self.camera_off.setChecked(s.value("join/camera_off", False) in (True, "true"))
        self.mic_muted.setChecked(s.value("join/mic_muted", False) in (True, "true"))

    def _remember(self, request: JoinRequest) -> None:
        s = self.settings
        s.setValue("join/room", request.room_id)
        s.setValue("join/name", request.user_name)
        s.setValue("join/mode", request.mode)
        s.setValue("join/url", request.url)
        s.setValue("join/app_id", request.app_id)
        s.setValue("join/camera_off", request.camera_off)
        s.setValue("join/mic_muted", request.mic_muted)
        remember_device(s, "camera", request.camera)
        remember_device(s, "microphone", request.microphone)
        remember_device(s, "speaker", request.speaker)
        s.sync()

    # ------------------------------------------------------------ validation

    def _validate(self) -> bool:
        ok = True
        ok &= self._check(
            self.room_error, lambda: check_room_id(self.room.text()), bool(self.room.text())
        )
        ok &= self._check(self.name_error, lambda: check_user_name(self.name.text()), True)
        if not self.name.text().strip():
            ok = False
        remote = self.remote_mode.isChecked()
        self.remote_box.setVisible(remote)
        if remote:
            problem = ""
            url = self.url.text().strip()
            if url and not url.startswith(("ws://", "wss://")):
                problem = self.tr("The server URL starts with ws:// or wss://.")
            elif url and not self.credential.text():
                problem = self.tr("Give a token or the app secret for this server.")
            self.remote_error.setText(problem)
            self.remote_error.setVisible(bool(problem))
            ok &= bool(url) and bool(self.credential.text()) and not problem
        else:
            self.remote_error.hide()
        self.join_button.setEnabled(ok and not self._busy)
        return ok

    def _check(self, label: QLabel, check, show: bool) -> bool:
        try:
            check()
        except ProtocolError as exc:
            label.setText(error_text(exc.code))
            label.setVisible(show)
            return False
        label.hide()
        return True

    # ------------------------------------------------------------ devices and preview

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.preview_stream is None and self._preview_task is None:
            self._preview_task = asyncio.ensure_future(self.load_devices())

    async def load_devices(self) -> None:
        """List the devices, then open the chosen ones for the preview."""
        try:
            devices = await self.engine.enum_devices()
            s = self.settings
            fill_device_combo(self.camera, devices.cameras, s, "camera", self.tr("No camera"))
            fill_device_combo(
                self.microphone, devices.microphones, s, "microphone", self.tr("No microphone")
            )
            fill_device_combo(self.speaker, devices.speakers, s, "speaker", self.tr("No speaker"))
            await self._open_preview()
        finally:
            self._preview_task = None

    async def reload_devices(self) -> None:
        """Choose the remembered devices again (after the settings changed them, or a join
        failed). Runs as the preview task, so ``release_preview`` (at quit) waits for it and
        closes what it opened."""
        await self.release_preview()
        task = self._preview_task = asyncio.ensure_future(self.load_devices())
        await asyncio.shield(task)

    def _devices_changed(self) -> None:
        if self._preview_task is None:
            self._preview_task = asyncio.ensure_future(self._reopen_preview())

    async def _reopen_preview(self) -> None:
        try:
            await self.release_preview()
            await self._open_preview()
        finally:
            self._preview_task = None

    async def _open_preview(self) -> None:
        camera, microphone = device_choice(self.camera), device_choice(self.microphone)
        status = ""
        try:
            self.preview_stream = await self.engine.create_stream(
                camera=CameraConfig(
                    video=camera is not None,
                    audio=microphone is not None,
                    video_device=camera,
                    audio_device=microphone,
                )
            )
        except DeviceError as exc:
            self.preview_stream = None
            if camera is not None or microphone is not None:
                status = error_text(exc.code)
        stream = self.preview_stream
        if stream is not None and stream.has_video:
            self.preview.attach(stream)
        elif not status:
            status = error_text(ErrorCode.NO_CAMERA)
        self.preview.set_status_text(status)
        has_audio = stream is not None and stream.has_audio
        self.level.setEnabled(has_audio)
        self.level_label.setText(
            self.tr("Microphone level") if has_audio else error_text(ErrorCode.NO_MICROPHONE)
        )
        self.engine.set_sound_level_delegate(has_audio, 100)

    def _on_level(self, level: float) -> None:
        if self.isVisible():
            self.level.setValue(int(level))

    async def preview_ready(self) -> None:
        """Wait for a preview being opened (its devices are open, or it failed)."""
        task = self._preview_task
        if task is not None and task is not asyncio.current_task():
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(task)

    async def release_preview(self) -> None:
        """Close the preview's devices (not when the stream was handed to the call). A preview
        still being opened is waited for and closed too: left to finish on its own, its
        microphone would run with no owner (PortAudio calling a collected callback crashes
        the process)."""
        await self.preview_ready()
        stream, self.preview_stream = self.preview_stream, None
        self.preview.release()  # sink removed, worker joined (a new preview starts afresh)
        self.preview.update()
        self.level.setValue(0)
        if stream is not None:
            await self.engine.destroy_stream(stream)

    async def take_stream(self) -> LocalStream | None:
        """Hand the preview's stream to the call (its devices stay open); a preview still
        being opened is waited for, so a quick Join still joins with the devices chosen."""
        await self.preview_ready()
        stream, self.preview_stream = self.preview_stream, None
        self.preview.release()
        self.preview.update()
        self.engine.set_sound_level_delegate(False)
        return stream

    # ------------------------------------------------------------ joining

    def request(self) -> JoinRequest:
        remote = self.remote_mode.isChecked()
        kind = self.credential_kind.currentData()
        return JoinRequest(
            room_id=self.room.text(),
            user_name=self.name.text().strip(),
            mode="remote" if remote else "local",
            url=self.url.text().strip() if remote else "",
            app_id=self.app_id.value() if remote else LOCAL_APP_ID,
            token=self.credential.text() if remote and kind == "token" else "",
            secret=self.credential.text() if remote and kind == "secret" else "",
            camera=device_choice(self.camera),
            microphone=device_choice(self.microphone),
            speaker=device_choice(self.speaker),
            camera_off=self.camera_off.isChecked(),
            mic_muted=self.mic_muted.isChecked(),
        )

    def apply(self, request: JoinRequest, *, toggles: bool = False) -> None:
        """Fill the form from a request (the command line's --room, --name, --server); with
        ``toggles``, its camera-off and muted choices too, instead of the remembered ones."""
        if toggles:
            self.camera_off.setChecked(request.camera_off)
            self.mic_muted.setChecked(request.mic_muted)
        self.room.setText(request.room_id)
        self.name.setText(request.user_name)
        (self.remote_mode if request.mode == "remote" else self.local_mode).setChecked(True)
        self.url.setText(request.url)
        self.app_id.setValue(request.app_id)
        if request.token or request.secret:
            self.credential_kind.setCurrentIndex(
                self.credential_kind.findData("token" if request.token else "secret")
            )
            self.credential.setText(request.token or request.secret)

    def show_rejoin(self, room_id: str) -> None:
        """After leaving: one click joins the same room again, as before."""
        self.rejoin_text.setText(self.tr("You left %1.").replace("%1", room_id))
        self.rejoin_bar.show()

    def _join(self) -> None:
        if not self._validate() or self._busy:
            return
        self.rejoin_bar.hide()
        request = self.request()
        self._remember(request)
        self.set_busy(True)
        self.error.hide()
        self.join_requested.emit(request)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.join_button.setText(self.tr("Joining…") if busy else self.tr("Join"))
        self._validate()

    def show_error(self, sentence: str) -> None:
        self.set_busy(False)
        self.error.setText(sentence)
        self.error.show()

    def remember_typed(self) -> None:
        """Keep what was typed (room, name, server) for the next start."""
        s = self.settings
        s.setValue("join/room", self.room.text())
        s.setValue("join/name", self.name.text().strip())
        s.setValue("join/mode", "remote" if self.remote_mode.isChecked() else "local")
        s.setValue("join/url", self.url.text().strip())
        s.setValue("join/app_id", self.app_id.value())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window quits Huddle; what was typed is there next time."""
        self.remember_typed()
        self.closed.emit()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        # Esc is not "quit": it would throw away what was typed. It only leaves a field's
        # popup (handled by the field); closing the window quits.
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)
