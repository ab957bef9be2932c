"""The call: everyone's video in a grid, the toolbar, chat and participants, the room's state."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFont,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import (
    DeviceLists,
    QualityLevel,
    RemoteStream,
    SoundLevel,
    StreamInfo,
    StreamQuality,
)
from app.engine.latency import latency_of
from app.protocol.errors import ErrorCode

from .bridge import EngineBridge
from .call import REACTIONS, CallController, is_screen_stream, stream_id_for
from .devices import friendly_devices, remember_device
from .grid import VideoGrid
from .i18n import error_text
from .links import join_link, web_link
from .notify import Sounds, ToastArea
from .panels import ChatPanel, ParticipantsPanel
from .recording import CallRecorder, RecordingError, recording_path
from .resources import icon
from .screen_picker import ScreenPicker, ShareSource, own_window_rects
from .video import VideoTile

log = logging.getLogger("huddle.ui")

SPEAKING_LEVEL = 12.0
"""Sound level (0-100) above which a participant counts as speaking."""
MUTED_HINT_EVERY = 15.0
"""Seconds between two "you are muted" hints."""
STALE_AFTER = 3.0
"""Seconds without a frame after which a remote picture counts as frozen."""


def _emoji_icon(emoji: str) -> QIcon:
    """An emoji drawn as a toolbar icon."""
    pixmap = QPixmap(48, 48)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    font = QFont()
    font.setPixelSize(36)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, emoji)
    painter.end()
    return QIcon(pixmap)


def _set_tip(action: QAction, tip: str) -> None:
    """A toolbar action's tooltip: what it does, and its shortcut as this platform writes it."""
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shortcut})")


class StateBanner(QFrame):
    """The room's state, always visible while it is not simply "connected"."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stateBanner")
        self.spinner = QProgressBar()
        self.spinner.setObjectName("spinner")
        self.spinner.setRange(0, 0)  # busy: an indeterminate spinner
        self.spinner.setFixedSize(64, 6)
        self.spinner.setTextVisible(False)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.back = QPushButton(self.tr("Back to the join screen"))
        self.back.clicked.connect(self.back_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.spinner)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.back)
        self.phase = "idle"

    def show_phase(self, phase: str, sentence: str) -> None:
        self.phase = phase
        self.setProperty("phase", phase)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(sentence)
        self.spinner.setVisible(phase in ("connecting", "reconnecting"))
        self.back.setVisible(phase in ("kicked", "failed"))
        self.setVisible(phase not in ("connected", "idle", "left"))


class CallWindow(QMainWindow):
    leave_requested = Signal()
    settings_requested = Signal()

    def __init__(
        self,
        controller: CallController,
        bridge: EngineBridge,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings if settings is not None else QSettings()
        self.sounds = Sounds(controller.engine, self.settings)
        self.unread = 0
        self._known_users: dict[str, str] = {}
        self._loud_while_muted = 0
        self._muted_hint_at = -MUTED_HINT_EVERY
        self.setObjectName("callWindow")
        self.setWindowIcon(icon("huddle"))
        self.setMinimumSize(480, 360)
        self.fit_to_screen()
        self.tiles: dict[str, VideoTile] = {}
        self._hands_seen: set[str] = set()
        self._owners: dict[str, str] = {}
        """stream ID -> the user ID publishing it."""
        self.local_tile: VideoTile | None = None
        self.screen_tile: VideoTile | None = None
        self._closing = False
        """Leaving because the window is closing: quit after."""
        self.quit_box: QMessageBox | None = None

        self.banner = StateBanner()
        self.banner.back_requested.connect(self.leave_requested)
        self.grid = VideoGrid()
        self.picker: ScreenPicker | None = None
        self._own_rects: list[tuple[int, int, int, int]] = []
        self._own_rects_timer = QTimer(self, interval=500, timeout=self._update_own_rects)
        self.sharing_bar = QFrame()
        self.sharing_bar.setObjectName("sharingBar")
        self.sharing_text = QLabel()
        self.stop_sharing = QPushButton(self.tr("Stop sharing"))
        self.stop_sharing.setObjectName("stopSharing")
        self.stop_sharing.clicked.connect(
            lambda: self.controller.spawn(self.controller.set_screen_sharing(False))
        )
        sharing_row = QHBoxLayout(self.sharing_bar)
        sharing_row.setContentsMargins(16, 6, 8, 6)
        sharing_row.addWidget(self.sharing_text, 1)
        sharing_row.addWidget(self.stop_sharing)
        self.sharing_bar.hide()
        self.toasts = ToastArea(self.grid)
        self.grid.overlays.append(self.toasts)
        self.muted_hint = QLabel(
            self.tr("You are muted. Press %1 to speak.").replace("%1", "Ctrl+D")
        )
        self.muted_hint.setObjectName("mutedHint")
        self.muted_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.muted_hint.hide()
        self._muted_hint_timer = QTimer(
            self, singleShot=True, interval=4000, timeout=self.muted_hint.hide
        )
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self, singleShot=True, interval=6000, timeout=self.notice.hide)
        self._stale_timer = QTimer(self, interval=1000, timeout=self._check_stale)
        self._stale_timer.start()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.sharing_bar)
        column.addWidget(self.grid, 1)
        column.addWidget(self.muted_hint)
        column.addWidget(self.notice)
        self.setCentralWidget(central)

        self.chat = ChatPanel()
        self.chat_dock = self._dock(self.tr("Chat"), self.chat, "chatDock")
        self.participants = ParticipantsPanel()
        self.people_dock = self._dock(self.tr("Participants"), self.participants, "peopleDock")
        self.people_dock.hide()
        self._build_toolbar()
        self.room_label = QLabel()
        self.statusBar().addWidget(self.room_label)
        self.recording_label = QLabel()
        self.recording_label.setObjectName("recordingLabel")
        self.recording_label.hide()
        self.statusBar().addPermanentWidget(self.recording_label)
        self.others_recording_label = QLabel()
        self.others_recording_label.setObjectName("recordingLabel")
        self.others_recording_label.hide()
        self.statusBar().addPermanentWidget(self.others_recording_label)
        self.recorder: CallRecorder | None = None
        self._recording_sinks: dict[str, tuple[object, object]] = {}
        self._recording_timer = QTimer(self, interval=1000, timeout=self._show_recording)

        c = controller
        # The controller and the bridge outlive this window: every connection is kept, and
        # cut in finish(), so a window of a call left earlier never hears of the next call.
        self._connections = [
            c.phase_changed.connect(self._on_phase),
            c.remote_added.connect(self._add_remote),
            c.remote_removed.connect(self._remove_remote),
            c.remote_info_changed.connect(self._remote_info),
            c.users_changed.connect(self.participants.set_users),
            c.users_changed.connect(self._users_changed),
            c.local_changed.connect(self._sync_local),
            c.screen_stream_changed.connect(self._screen_stream),
            c.chat_received.connect(self._on_chat),
            c.barrage_received.connect(self._on_barrage),
            c.notice.connect(self.show_notice),
            c.hands_changed.connect(self._show_hands),
            c.reaction.connect(self._show_reaction),
            c.recording_changed.connect(self._others_recording),
            bridge.playQualityUpdate.connect(self._play_quality),
            bridge.publishQualityUpdate.connect(self._publish_quality),
            bridge.soundLevelUpdate.connect(self._sound_levels),
            bridge.capturedSoundLevelUpdate.connect(self._captured_level),
        ]
        self.chat.send_requested.connect(self._send)

    # ------------------------------------------------------------ building

    def fit_to_screen(self) -> None:
        """Open at 1280×800 where the screen has room, else at what it has (frame, title
        and status bar included), centred on the available area."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        area = screen.availableGeometry()
        # The window frame is not known before the window is shown: leave room for it.
        width = max(self.minimumWidth(), min(1280, area.width() - 16))
        height = max(self.minimumHeight(), min(800, area.height() - 48))
        self.resize(width, height)
        self.move(
            area.left() + (area.width() - width - 16) // 2,
            area.top() + (area.height() - height - 48) // 2 + 32,
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_toolbar()

    def _fit_toolbar(self) -> None:
        """Labels under the icons when they fit; icons alone (names in the tooltips) when the
        window is narrow, so no button, Leave least of all, is pushed out of sight."""
        toolbar = self.toolbar
        self._set_compact(False)
        if toolbar.sizeHint().width() > self.width():
            self._set_compact(True)

    def _set_compact(self, compact: bool) -> None:
        toolbar = self.toolbar
        if toolbar.property("compact") == compact:
            return
        toolbar.setProperty("compact", compact)
        toolbar.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextUnderIcon
        )
        for button in toolbar.findChildren(QToolButton):
            button.style().unpolish(button)
            button.style().polish(button)
        toolbar.style().unpolish(toolbar)
        toolbar.style().polish(toolbar)

    def createPopupMenu(self):
        """No right-click menu over the toolbar or the docks: it could hide the call bar,
        Leave included, with no way back."""
        return None

    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.setMinimumWidth(280)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _action(
        self, name: str, text: str, shortcut: str, slot, *, checkable: bool = False
    ) -> QAction:
        action = QAction(icon(name), text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.setObjectName(f"action_{name}")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        self.mic_action = self._action(
            "mic", self.tr("Microphone"), "Ctrl+D", self._toggle_mic, checkable=True
        )
        self.camera_action = self._action(
            "camera", self.tr("Camera"), "Ctrl+E", self._toggle_camera, checkable=True
        )
        self.screen_action = self._action(
            "screen", self.tr("Share screen"), "Ctrl+Shift+S", self._toggle_screen, checkable=True
        )
        self.chat_action = self.chat_dock.toggleViewAction()
        self.chat_action.setIcon(icon("chat"))
        self.chat_action.setText(self.tr("Chat"))
        self.chat_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.chat_dock.visibilityChanged.connect(self._chat_seen)
        self.people_action = self.people_dock.toggleViewAction()
        self.people_action.setIcon(icon("people"))
        self.people_action.setText(self.tr("Participants"))
        self.people_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.stats_action = self._action(
            "stats", self.tr("Statistics"), "Ctrl+I", self._toggle_stats, checkable=True
        )
        self.settings_action = self._action(
            "settings", self.tr("Devices and settings"), "Ctrl+,", self.settings_requested
        )
        self.leave_action = self._action(
            "leave", self.tr("Leave"), "Ctrl+Shift+H", self.leave_requested
        )
        self.record_action = self._action(
            "record", self.tr("Record"), "Ctrl+Shift+R", self._toggle_record, checkable=True
        )
        self.hand_action = self._action(
            "hand", self.tr("Raise hand"), "Ctrl+Shift+K", self._toggle_hand, checkable=True
        )
        self._build_device_menus()
        self._build_reactions_menu()
        self._build_invite_menu()
        self._build_view_menu()
        # Less often used: one "More" menu keeps the bar short enough for a narrow window.
        self.more_menu = QMenu(self)
        self.more_menu.setObjectName("more")
        for action in (self.record_action, self.stats_action, self.settings_action):
            self.more_menu.addAction(action)
        self.more_action = QAction(icon("more"), self.tr("More"), self)
        self.more_action.setObjectName("action_more")
        self.more_action.setMenu(self.more_menu)
        self.more_action.setToolTip(self.tr("Record, statistics, devices and settings"))
        tips = {
            self.hand_action: self.tr("Raise or lower your hand"),
            self.record_action: self.tr(
                "Record what you see and hear to your videos folder (everyone is told)"
            ),
            self.chat_action: self.tr("Show or hide the chat"),
            self.people_action: self.tr("Show or hide who is in the call"),
            self.stats_action: self.tr(
                "Show resolution, frame rate, bitrate, round trip and loss on each video"
            ),
            self.settings_action: self.tr("Choose camera, microphone, speaker and language"),
            self.leave_action: self.tr("Leave the call"),
            self.screen_action: self.tr("Share your screen or a window"),
        }
        for action, tip in tips.items():
            _set_tip(action, tip)

        toolbar = self.toolbar = QToolBar(self.tr("Call controls"))
        toolbar.setObjectName("controls")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        toolbar.toggleViewAction().setEnabled(False)  # the call bar cannot be hidden
        toolbar.setIconSize(QSize(24, 24))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        left, right = QWidget(), QWidget()
        for spacer in (left, right):
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(left)
        for action in (self.mic_action, self.camera_action, self.screen_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.hand_action, self.react_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (
            self.chat_action,
            self.people_action,
            self.invite_action,
            self.view_action,
            self.more_action,
        ):
            toolbar.addAction(action)
        for action in (self.view_action, self.react_action, self.invite_action, self.more_action):
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addSeparator()
        toolbar.addAction(self.leave_action)
        leave_button = toolbar.widgetForAction(self.leave_action)
        if isinstance(leave_button, QToolButton):
            leave_button.setObjectName("leaveButton")
        self.leave_button = leave_button
        toolbar.addWidget(right)
        for action in (self.mic_action, self.camera_action):
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setObjectName("deviceButton")  # red while off
                button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, toolbar)

    def _build_device_menus(self) -> None:
        """The arrows beside Microphone and Camera: switch devices without leaving the call."""
        self.devices: DeviceLists | None = None
        self.mic_menu = QMenu(self)
        self.mic_menu.setObjectName("micMenu")
        self.mic_menu.aboutToShow.connect(self._fill_mic_menu)
        self.mic_action.setMenu(self.mic_menu)
        self.camera_menu = QMenu(self)
        self.camera_menu.setObjectName("cameraMenu")
        self.camera_menu.aboutToShow.connect(self._fill_camera_menu)
        self.camera_action.setMenu(self.camera_menu)

    async def refresh_devices(self) -> DeviceLists:
        self.devices = await self.controller.engine.enum_devices()
        return self.devices

    def _device_section(self, menu: QMenu, title: str, kind: str, devices, current) -> None:
        menu.addSection(title)
        group = QActionGroup(menu)
        shown = friendly_devices(devices, kind)
        if not shown:
            menu.addAction(self.tr("None found")).setEnabled(False)
        defaults = [d.device_id for d in shown if d.is_default]
        chosen = current if current is not None else (defaults[0] if defaults else None)
        for device in shown:
            action = menu.addAction(device.name)
            action.setCheckable(True)
            action.setChecked(device.device_id == chosen)
            action.setData((kind, device.device_id))
            group.addAction(action)
            action.triggered.connect(
                lambda _on=False, k=kind, d=device.device_id: self.switch_device(k, d)
            )

    def _fill_mic_menu(self) -> None:
        menu, request = self.mic_menu, self.controller.request
        menu.clear()
        if self.devices is None or request is None:
            menu.addAction(self.tr("Looking for devices…")).setEnabled(False)
        else:
            self._device_section(
                menu,
                self.tr("Microphone"),
                "microphone",
                self.devices.microphones,
                request.microphone,
            )
            self._device_section(
                menu, self.tr("Speaker"), "speaker", self.devices.speakers, request.speaker
            )
        self.controller.spawn(self.refresh_devices())  # plugged in since: there next time

    def _fill_camera_menu(self) -> None:
        menu, request = self.camera_menu, self.controller.request
        menu.clear()
        if self.devices is None or request is None:
            menu.addAction(self.tr("Looking for devices…")).setEnabled(False)
        else:
            self._device_section(
                menu, self.tr("Camera"), "camera", self.devices.cameras, request.camera
            )
        self.controller.spawn(self.refresh_devices())

    def switch_device(self, kind: str, device_id: str | None) -> None:
        async def switch() -> None:
            if await self.controller.switch_device(kind, device_id):
                remember_device(self.settings, kind, device_id)  # type: ignore[arg-type]
                self.settings.sync()

        self.controller.spawn(switch())

    def _build_reactions_menu(self) -> None:
        menu = self.reactions_menu = QMenu(self)
        menu.setObjectName("reactions")
        for emoji in REACTIONS:
            action = menu.addAction(emoji)
            action.triggered.connect(
                lambda _on=False, e=emoji: self.controller.spawn(self.controller.react(e))
            )
        self.react_action = QAction(self.tr("React"), self)
        self.react_action.setObjectName("action_react")
        self.react_action.setIcon(_emoji_icon("😊"))
        self.react_action.setMenu(menu)
        self.react_action.setToolTip(self.tr("Send a reaction everyone sees on your video"))

    def _build_invite_menu(self) -> None:
        menu = self.invite_menu = QMenu(self)
        menu.setObjectName("invite")
        self.copy_id_action = menu.addAction(self.tr("Copy room ID"))
        self.copy_id_action.triggered.connect(lambda: self._copy(self.invite_texts()["id"]))
        self.copy_link_action = menu.addAction(self.tr("Copy room link (opens Huddle)"))
        self.copy_link_action.triggered.connect(lambda: self._copy(self.invite_texts()["link"]))
        self.copy_web_action = menu.addAction(self.tr("Copy invite link (opens in a browser)"))
        self.copy_web_action.triggered.connect(lambda: self._copy(self.invite_texts()["web"]))
        self.invite_action = QAction(icon("invite"), self.tr("Invite"), self)
        self.invite_action.setObjectName("action_invite")
        self.invite_action.setMenu(menu)
        self.invite_action.setToolTip(self.tr("Copy the room ID or a link that joins this room"))

    def invite_texts(self) -> dict[str, str]:
        """The room ID, the huddle:// link and the browser link of this call."""
        c = self.controller
        request = c.request
        if request is None:
            return {"id": "", "link": "", "web": ""}
        server = c.engine.server
        return {
            "id": request.room_id,
            "link": join_link(request.room_id, server if request.mode == "remote" else ""),
            "web": web_link(server, request.room_id),
        }

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.toasts.show_toast(self.tr("Copied: %1").replace("%1", text))

    def _build_view_menu(self) -> None:
        """Grid or speaker view, and the self-view shown or hidden."""
        menu = self.view_menu = QMenu(self)
        group = QActionGroup(self)
        self.grid_view_action = menu.addAction(self.tr("Grid: everyone alike"))
        self.speaker_view_action = menu.addAction(self.tr("Speaker: who talks, large"))
        for action, mode in (
            (self.grid_view_action, "grid"),
            (self.speaker_view_action, "speaker"),
        ):
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _on=False, m=mode: self.set_view(m))
        self.grid_view_action.setChecked(True)
        menu.addSeparator()
        self.hide_self_action = menu.addAction(self.tr("Hide self view"))
        self.hide_self_action.setCheckable(True)
        self.hide_self_action.toggled.connect(self._hide_self)
        self.unpin_action = menu.addAction(self.tr("Unpin"))
        self.unpin_action.triggered.connect(lambda: self.pin(None))
        self.unpin_action.setEnabled(False)
        self.view_action = QAction(icon("layout"), self.tr("View"), self)
        self.view_action.setObjectName("action_view")
        self.view_action.setMenu(menu)
        self.view_action.setToolTip(
            self.tr("Grid or speaker view, hide your own video; double-click a video to pin it")
        )

    def set_view(self, mode: str) -> None:
        self.grid.set_mode(mode)
        (self.speaker_view_action if mode == "speaker" else self.grid_view_action).setChecked(True)

    def pin(self, tile: VideoTile | None) -> None:
        """Show ``tile`` large whatever the view (None: unpin)."""
        for other in self.grid.tiles:
            other.set_pinned(other is tile)
        self.grid.set_pinned(tile)
        self.unpin_action.setEnabled(tile is not None)

    def _toggle_pin(self, tile: VideoTile) -> None:
        self.pin(None if self.grid.pinned is tile else tile)

    def _hide_self(self, hidden: bool) -> None:
        if self.local_tile is not None:
            self.grid.set_hidden(self.local_tile, hidden)

    # ------------------------------------------------------------ recording

    def _toggle_record(self, on: bool) -> None:
        if on:
            self.start_recording()
        else:
            self.stop_recording()

    def start_recording(self, directory: Path | None = None) -> CallRecorder | None:
        c = self.controller
        if self.recorder is not None or c.request is None:
            return self.recorder
        recorder = CallRecorder(self.grid, recording_path(c.request.room_id, directory), self)
        try:
            recorder.start()
        except RecordingError as exc:
            log.warning("%s", exc)
            self.record_action.setChecked(False)
            self.show_notice(error_text(exc.code))
            return None
        self.recorder = recorder
        if c.stream is not None and c.stream.has_audio:
            mine = recorder.audio_sink("me")

            def my_voice(frame, sink=mine) -> None:
                if not c.mic_muted:  # muted: the recording hears you as the others do
                    sink(frame)

            c.stream.add_audio_sink(my_voice)
            self._recording_sinks["me"] = (c.stream, my_voice)
        for stream_id, remote in c.remotes.items():
            self._record_remote(stream_id, remote)
        c.spawn(c.announce_recording(True))
        self.record_action.setChecked(True)
        self.record_action.setText(self.tr("Stop recording"))
        self._show_recording()
        self.recording_label.show()
        self._recording_timer.start()
        self.toasts.show_toast(self.tr("Recording to %1").replace("%1", str(recorder.path)))
        return recorder

    def _record_remote(self, stream_id: str, remote: RemoteStream) -> None:
        if self.recorder is not None and stream_id not in self._recording_sinks:
            sink = self.recorder.audio_sink(stream_id)
            remote.add_audio_sink(sink)
            self._recording_sinks[stream_id] = (remote, sink)

    def _unrecord(self, key: str) -> None:
        found = self._recording_sinks.pop(key, None)
        if found is not None:
            source, sink = found
            source.remove_audio_sink(sink)  # type: ignore[attr-defined]
            if self.recorder is not None:
                self.recorder.remove_audio(key)

    def stop_recording(self) -> Path | None:
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        for key in list(self._recording_sinks):
            self._unrecord(key)
        path = recorder.stop()
        self._recording_timer.stop()
        self.recording_label.hide()
        self.record_action.setChecked(False)
        self.record_action.setText(self.tr("Record"))
        c = self.controller
        if c.request is not None:
            c.spawn(c.announce_recording(False))
        if recorder.error is not None:
            self.show_notice(error_text(ErrorCode.RECORDING_FAILED))
        else:
            self.toasts.show_toast(self.tr("Recording saved to %1").replace("%1", str(path)))
        return path

    def _show_recording(self) -> None:
        if self.recorder is not None:
            minutes, seconds = divmod(int(self.recorder.seconds), 60)
            self.recording_label.setText(
                self.tr("● Recording %1").replace("%1", f"{minutes}:{seconds:02d}")
            )

    def _others_recording(self, user_id: str, on: bool) -> None:
        name = self.controller.users.get(user_id, user_id)
        self.participants.set_recording(user_id, on)
        self.toasts.show_toast(
            (
                self.tr("%1 started recording the call") if on else self.tr("%1 stopped recording")
            ).replace("%1", name)
        )
        names = sorted(self.controller.users.get(u, u) for u in self.controller.recording_users)
        self.others_recording_label.setText(
            self.tr("● Recorded by %1").replace("%1", ", ".join(names)) if names else ""
        )
        self.others_recording_label.setVisible(bool(names))

    def _toggle_hand(self, up: bool) -> None:
        self.controller.spawn(self.controller.set_hand_raised(up))

    def tile_of_user(self, user_id: str) -> VideoTile | None:
        """The tile of someone's camera (mine for my ID or "")."""
        user = self.controller.user
        if not user_id or (user is not None and user_id == user.user_id):
            return self.local_tile
        return self.tiles.get(stream_id_for(user_id, "cam"))

    def _show_hands(self, hands: set[str]) -> None:
        me = self.controller.user.user_id if self.controller.user else ""
        for user_id in hands - self._hands_seen - {me}:
            name = self.controller.users.get(user_id, user_id)
            self.toasts.show_toast(self.tr("%1 raised their hand").replace("%1", name))
            self.sounds.play("hand")
        self._hands_seen = set(hands)
        for stream_id, tile in self.tiles.items():
            owner = self._owners.get(stream_id)
            tile.set_hand_raised(owner in hands and not is_screen_stream(stream_id))
        if self.local_tile is not None:
            self.local_tile.set_hand_raised(me in hands)
        self.hand_action.setChecked(me in hands)
        self.hand_action.setText(self.tr("Lower hand") if me in hands else self.tr("Raise hand"))
        self.participants.set_hands(hands)

    def _show_reaction(self, user_id: str, emoji: str) -> None:
        tile = self.tile_of_user(user_id)
        if tile is not None:
            tile.set_reaction(emoji)

    def _wire_tile(self, tile: VideoTile) -> None:
        tile.double_clicked.connect(lambda: self._toggle_pin(tile))
        tile.menu_requested.connect(lambda pos: self._tile_menu(tile, pos))

    def _tile_menu(self, tile: VideoTile, pos: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("tileMenu")
        pinned = self.grid.pinned is tile
        pin = menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin for me"))
        pin.triggered.connect(lambda: self._toggle_pin(tile))
        if tile is self.local_tile:
            hide = menu.addAction(self.tr("Hide self view"))
            hide.triggered.connect(lambda: self.hide_self_action.setChecked(True))
        menu.popup(pos)
        self.tile_menu = menu
        return menu

    # ------------------------------------------------------------ the call starts

    def start(self) -> None:
        """Show the local tile and the room; call after the controller joined."""
        c = self.controller
        user = c.user
        assert user is not None and c.request is not None
        self.setWindowTitle(self.tr("Huddle — %1").replace("%1", c.request.room_id))
        self.room_label.setText(
            self.tr("Room %1 · you are %2")
            .replace("%1", c.request.room_id)
            .replace("%2", user.user_name)
        )
        self.participants.set_me(user.user_name, user.user_id)
        self.participants.set_users(c.users)
        self._known_users = dict(c.users)  # toasts are for who comes and goes from now on
        self.local_tile = VideoTile(user.user_name, mirrored=True)
        self.local_tile.setObjectName("localTile")
        self._wire_tile(self.local_tile)
        stream = c.stream
        if stream is not None and stream.has_video:
            self.local_tile.attach(stream)
        self.grid.add_tile(self.local_tile)
        for stream_id, remote in c.remotes.items():
            self._add_remote(stream_id, remote, remote.info)
        self._on_phase(c.phase, "")
        c.spawn(self.refresh_devices())

    def _sync_local(self) -> None:
        """Show the local stream's state; mic and camera can be toggled only while connected."""
        c = self.controller
        stream = c.stream
        connected = c.phase == "connected"
        has_audio = stream is not None and stream.has_audio
        has_video = stream is not None and stream.has_video
        self.mic_action.setEnabled(connected and has_audio)
        self.mic_action.setChecked(has_audio and not c.mic_muted)
        self.mic_action.setIcon(icon("mic" if has_audio and not c.mic_muted else "mic-off"))
        _set_tip(
            self.mic_action,
            self.tr("Mute microphone")
            if has_audio and not c.mic_muted
            else self.tr("Unmute microphone"),
        )
        self.camera_action.setEnabled(connected and has_video)
        self.camera_action.setChecked(has_video and not c.camera_off)
        self.camera_action.setIcon(
            icon("camera" if has_video and not c.camera_off else "camera-off")
        )
        _set_tip(
            self.camera_action,
            self.tr("Turn camera off")
            if has_video and not c.camera_off
            else self.tr("Turn camera on"),
        )
        self.screen_action.setChecked(c.screen is not None)
        self.hand_action.setEnabled(connected)
        self.record_action.setEnabled(connected or self.recorder is not None)
        self.react_action.setEnabled(connected)
        if c.user is not None:
            self.participants.set_media(
                c.user.user_id,
                mic=has_audio and not c.mic_muted,
                camera=has_video and not c.camera_off,
            )
        tile = self.local_tile
        if tile is not None:
            tile.set_mic_muted(not has_audio or c.mic_muted)
            tile.set_camera_off(not has_video or c.camera_off)
            if not has_video:
                tile.set_status_text(self.tr("No camera"))
            elif c.camera_off:
                tile.set_status_text(self.tr("Camera off"))
            else:
                tile.set_status_text("")

    # ------------------------------------------------------------ remote tiles

    def _add_remote(self, stream_id: str, remote: RemoteStream, info: StreamInfo | None) -> None:
        if stream_id in self.tiles:
            return
        name = (info.user.user_name or info.user.user_id) if info else stream_id
        if info is not None and is_screen_stream(stream_id):
            name = self.tr("%1's screen").replace("%1", name)
        tile = VideoTile(name)
        tile.setObjectName(f"tile_{stream_id}")
        tile.set_show_stats(self.stats_action.isChecked())
        self._wire_tile(tile)
        self.tiles[stream_id] = tile
        if info is not None:
            self._owners[stream_id] = info.user.user_id
            tile.set_hand_raised(
                info.user.user_id in self.controller.hands and not is_screen_stream(stream_id)
            )
        tile.attach(remote)
        self.grid.add_tile(tile)
        self._record_remote(stream_id, remote)
        if is_screen_stream(stream_id):
            self.grid.set_presenting(tile)  # presenter layout: the screen large, people below
        if info is not None:
            self._remote_info(stream_id, info)

    def _remove_remote(self, stream_id: str) -> None:
        self._unrecord(stream_id)
        self._owners.pop(stream_id, None)
        tile = self.tiles.pop(stream_id, None)
        if tile is not None:
            self.grid.remove_tile(tile)
            if self.grid.presenting is None:  # another screen still shared: it takes over
                screens = [t for s, t in self.tiles.items() if is_screen_stream(s)]
                if screens:
                    self.grid.set_presenting(screens[-1])

    def _remote_info(self, stream_id: str, info: StreamInfo) -> None:
        tile = self.tiles.get(stream_id)
        if tile is None:
            return
        screen = is_screen_stream(stream_id)
        tile.set_mic_muted(not screen and (info.audio_muted or not info.audio))
        tile.set_camera_off(info.video_muted or not info.video)
        if not screen:
            self.participants.set_media(
                info.user.user_id,
                mic=info.audio and not info.audio_muted,
                camera=info.video and not info.video_muted,
            )
        if not info.video:
            tile.set_status_text(self.tr("Audio only"))
        elif info.video_muted:
            tile.set_status_text(self.tr("Camera off"))
        else:
            tile.set_status_text("")

    def _screen_stream(self, stream) -> None:
        if self.screen_tile is not None:
            self.grid.remove_tile(self.screen_tile)
            self.screen_tile = None
        sharing = self.controller.sharing
        if stream is not None and sharing is not None:
            self.screen_tile = VideoTile(self.tr("Your screen"))
            self._wire_tile(self.screen_tile)
            self.screen_tile.attach(stream)
            self.grid.add_tile(self.screen_tile)
            what = (
                self.tr("your screen")
                if sharing.kind == "screen"
                else self.tr("the window “%1”").replace("%1", sharing.title)
            )
            self.sharing_text.setText(
                self.tr("You are sharing %1 with everyone.").replace("%1", what)
            )
            self.sharing_bar.show()
            self._own_rects_timer.start()
            self._update_own_rects()
        else:
            self.sharing_bar.hide()
            self._own_rects_timer.stop()

    # ------------------------------------------------------------ quality, speaking, stats

    def _stats_text(self, q: StreamQuality) -> str:
        rtt = f"{q.rtt_ms:.0f} ms" if q.rtt_ms is not None else "–"
        return (
            f"{q.width}×{q.height}  {q.fps:.0f} fps  {q.codec}\n"
            f"{q.video_kbps + q.audio_kbps:.0f} kbps  RTT {rtt}\n"
            + self.tr("loss %1 %").replace("%1", f"{q.packet_loss * 100:.1f}")
        )

    def _latency_text(self, stream_id: str, quality: StreamQuality, tile: VideoTile) -> str:
        """Where this picture's latency goes: measured here, or estimated (marked ~)."""
        remote = self.controller.remotes.get(stream_id)
        measured = latency_of(remote) if remote is not None else None
        paint = tile.paint_ms
        parts = []
        total = 0.0
        if quality.rtt_ms is not None:
            network = quality.rtt_ms / 2
            total += network
            parts.append(self.tr("network ~%1").replace("%1", f"{network:.0f}"))
        if measured is not None:
            total += measured.jitter_buffer_ms + measured.decode_ms
            parts.append(self.tr("jitter %1").replace("%1", f"{measured.jitter_buffer_ms:.0f}"))
            parts.append(self.tr("decode %1").replace("%1", f"{measured.decode_ms:.0f}"))
            if measured.lip_sync_ms >= 1:
                total += measured.lip_sync_ms
                parts.append(self.tr("lip sync %1").replace("%1", f"{measured.lip_sync_ms:.0f}"))
        if paint is not None:
            total += paint
            parts.append(self.tr("paint %1").replace("%1", f"{paint:.0f}"))
        if not parts:
            return ""
        # Three parts to a line: five on one were cut off in a 640-pixel tile.
        lines = [" · ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
        text = (
            self.tr("latency ≈ %1 ms:").replace("%1", f"{total:.0f}")
            + "\n  "
            + "\n  ".join(lines)
            + "\n  "
            + self.tr("~ estimate (RTT/2); capture→sent is the sender's")
        )
        offset = quality.av_timestamp_diff_ms
        if offset is not None:
            text += "\n" + self.tr("voice after picture %1 ms").replace("%1", f"{offset:+.0f}")
        return text

    def _play_quality(self, stream_id: str, quality: StreamQuality) -> None:
        tile = self.tiles.get(stream_id)
        if tile is not None:
            known = quality.level != QualityLevel.UNKNOWN and self.controller.phase == "connected"
            tile.set_quality(int(quality.level) if known else None)
            text = self._stats_text(quality)
            latency = self._latency_text(stream_id, quality, tile)
            tile.set_stats_text(f"{text}\n{latency}" if latency else text)

    def _publish_quality(self, stream_id: str, quality: StreamQuality) -> None:
        if self.local_tile is not None and stream_id == self.controller.camera_stream_id:
            level = (
                None
                if quality.level == QualityLevel.UNKNOWN or not quality.peers
                else int(quality.level)
            )
            self.local_tile.set_quality(level)
            self.local_tile.set_stats_text(self._stats_text(quality))

    def _sound_levels(self, levels: list[SoundLevel]) -> None:
        own = self.controller.camera_stream_id

        def muted(stream_id: str) -> bool:
            if stream_id == own:
                return self.controller.mic_muted
            tile = self.tiles.get(stream_id)
            return tile is None or tile.mic_muted

        # A muted microphone is nobody speaking, however loud the room behind it.
        heard = [lv for lv in levels if not muted(lv.stream_id)]
        loudest = max(heard, key=lambda lv: lv.sound_level, default=None)
        speaker = loudest.stream_id if loudest and loudest.sound_level >= SPEAKING_LEVEL else None
        if self.controller.phase != "connected":
            speaker = None
        if speaker is not None:  # speaker view follows whoever talks (and stays on them)
            self.grid.set_focus(self.local_tile if speaker == own else self.tiles.get(speaker))
        for stream_id, tile in self.tiles.items():
            tile.set_speaking(stream_id == speaker)
        if self.local_tile is not None:
            self.local_tile.set_speaking(speaker is not None and speaker == own)

    def _toggle_stats(self, show: bool) -> None:
        for tile in [*self.tiles.values(), self.local_tile]:
            if tile is not None:
                tile.set_show_stats(show)

    # ------------------------------------------------------------ state, notices

    def _check_stale(self) -> None:
        """A remote picture with no new frame for a while is frozen: show the initials and
        say so rather than a still picture that looks live."""
        now = time.monotonic()
        for tile in self.tiles.values():
            if tile.is_stale(now, STALE_AFTER):
                tile.clear_picture()
                tile.set_quality(None)
                if not tile.status_text:
                    tile.set_status_text(self.tr("Waiting for video…"))

    def _on_phase(self, phase: str, sentence: str) -> None:
        self.banner.show_phase(phase, sentence)
        connected = phase == "connected"
        if phase in ("reconnecting", "kicked", "failed"):
            # No frozen pictures and no green bars for a connection that is not there: the
            # tiles say so until frames come again.
            waiting = (
                self.tr("Reconnecting…") if phase == "reconnecting" else self.tr("Not connected")
            )
            for tile in self.tiles.values():
                if phase != "reconnecting":
                    tile.detach()  # the call is over: no frame will come
                tile.clear_picture()
                tile.set_quality(None)
                tile.set_speaking(False)
                tile.set_status_text(waiting)
            if self.local_tile is not None:
                self.local_tile.set_quality(None)
                self.local_tile.set_speaking(False)
        elif connected:
            for stream_id, remote in self.controller.remotes.items():
                if remote.info is not None:
                    self._remote_info(stream_id, remote.info)
        self.screen_action.setEnabled(connected)
        self._sync_local()  # mic and camera follow the phase too
        self.chat.entry.setEnabled(connected)

    def show_notice(self, sentence: str) -> None:
        self.notice.setText(sentence)
        self.notice.show()
        self._notice_timer.start()

    # ------------------------------------------------------------ actions

    def _toggle_mic(self, on: bool) -> None:
        self.controller.spawn(self.controller.set_mic_muted(not on))

    def _toggle_camera(self, on: bool) -> None:
        self.controller.spawn(self.controller.set_camera_off(not on))

    def _toggle_screen(self, on: bool) -> None:
        if not on:
            self.controller.spawn(self.controller.set_screen_sharing(False))
            return
        self.screen_action.setChecked(False)  # checked once something is shared
        self.open_screen_picker()

    def open_screen_picker(self) -> ScreenPicker:
        if self.picker is not None and self.picker.isVisible():
            self.picker.raise_()
            return self.picker
        picker = self.picker = ScreenPicker(self)
        picker.chosen.connect(self._share)
        picker.finished.connect(picker.deleteLater)
        picker.show()
        self.controller.spawn(picker.load())
        return picker

    def _share(self, source: ShareSource) -> None:
        self.controller.spawn(
            self.controller.set_screen_sharing(True, source, exclude=lambda: self._own_rects)
        )

    def _update_own_rects(self) -> None:
        """Where Huddle's windows are, for the capture thread to blank them out."""
        self._own_rects = own_window_rects()  # one assignment: the thread sees old or new

    def _send(self, text: str, barrage: bool) -> None:
        async def send() -> None:
            if await self.controller.send_message(text, barrage):
                self.chat.sent()

        self.controller.spawn(send())

    def _on_chat(self, chat, own: bool) -> None:
        self.chat.add_message(chat, own=own)
        if not own and not self.chat_dock.isVisible():
            self.unread += 1
            self._show_unread()
            self.sounds.play("message")

    def _chat_seen(self, visible: bool) -> None:
        if visible and self.unread:
            self.unread = 0
            self._show_unread()

    def _show_unread(self) -> None:
        text = self.tr("Chat")
        self.chat_action.setText(f"{text} ({self.unread})" if self.unread else text)

    def _users_changed(self, users: dict[str, str]) -> None:
        """Toasts (and a soft sound) for who joined and who left."""
        for user_id, name in users.items():
            if user_id not in self._known_users:
                self.toasts.show_toast(self.tr("%1 joined").replace("%1", name))
                self.sounds.play("join")
        for user_id, name in self._known_users.items():
            if user_id not in users:
                self.toasts.show_toast(self.tr("%1 left").replace("%1", name))
                self.sounds.play("leave")
        self._known_users = dict(users)

    def _captured_level(self, level: float) -> None:
        """Speaking while muted: say so (at most every so often)."""
        c = self.controller
        if not (c.mic_muted and c.phase == "connected" and level >= SPEAKING_LEVEL):
            self._loud_while_muted = 0
            return
        self._loud_while_muted += 1
        now = time.monotonic()
        if self._loud_while_muted >= 2 and now - self._muted_hint_at > MUTED_HINT_EVERY:
            self._muted_hint_at = now
            self.muted_hint.show()
            self._muted_hint_timer.start()

    def _on_barrage(self, chat, own: bool) -> None:
        author = self.tr("You") if own else (chat.from_user.user_name or chat.from_user.user_id)
        self.grid.barrage.fly(chat.message, author)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-call asks once (leave and quit, or stay); then leaves cleanly first."""
        if self._closing:
            super().closeEvent(event)
            return
        event.ignore()
        if self.phase_is_over():
            self._confirmed_quit()
            return
        if self.quit_box is not None:
            self.quit_box.raise_()
            return
        box = self.quit_box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Leave the call?"),
            self.tr("Closing this window leaves the call and quits Huddle."),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("quitBox")
        leave = box.addButton(self.tr("Leave and quit"), QMessageBox.ButtonRole.AcceptRole)
        leave.setObjectName("leaveAndQuit")
        stay = box.addButton(self.tr("Stay in the call"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)

        def answered() -> None:
            self.quit_box = None
            if box.clickedButton() is leave:
                self._confirmed_quit()
            box.deleteLater()

        box.finished.connect(answered)
        box.open()  # not exec(): the call goes on while it asks

    def phase_is_over(self) -> bool:
        return self.controller.phase in ("kicked", "failed", "left", "idle")

    def _confirmed_quit(self) -> None:
        self._closing = True
        self.leave_requested.emit()

    def finish(self) -> None:
        """Close for real (after leaving): cut every connection to the controller and the
        engine, release every tile (sinks removed, workers joined), and go."""
        self._closing = True
        self.stop_recording()  # finished and saved before the streams go
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        for stream_id in list(self.tiles):
            self._remove_remote(stream_id)
        for tile in (self.local_tile, self.screen_tile):
            if tile is not None:
                self.grid.remove_tile(tile)
        self.local_tile = self.screen_tile = None
        self.sounds.close()
        self.close()
        self.deleteLater()
