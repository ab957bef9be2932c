"""The call window's side panels: chat and participants."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import ChatMessage
from app.protocol.limits import MAX_MESSAGE_BYTES, ProtocolError, check_message

from .i18n import error_text
from .resources import icon


class ChatPanel(QWidget):
    """Broadcast messages of the room, and a line to send one (or a barrage)."""

    send_requested = Signal(str, bool)  # text, as barrage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self.messages = QListWidget()
        self.messages.setWordWrap(True)
        self.messages.setObjectName("chatMessages")
        self.error = QLabel()
        self.error.setObjectName("inlineError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(self.tr("Message everyone"))
        self.entry.setMaxLength(MAX_MESSAGE_BYTES)
        self.entry.returnPressed.connect(self._send)
        self.barrage = QCheckBox(self.tr("Barrage"))
        self.barrage.setToolTip(self.tr("Send the message flying across everyone's video"))
        self.send = QPushButton(self.tr("Send"))
        self.send.clicked.connect(self._send)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.messages, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(self.barrage)

    def _send(self) -> None:
        text = self.entry.text().strip()
        if not text:
            return
        try:
            check_message(text)
        except ProtocolError as exc:
            self.show_error(error_text(exc.code))
            return
        self.send_requested.emit(text, self.barrage.isChecked())

    def sent(self) -> None:
        """The last message went out: clear the line."""
        self.entry.clear()
        self.error.hide()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def add_message(self, chat: ChatMessage, *, own: bool = False) -> None:
        when = datetime.datetime.fromtimestamp(chat.send_time / 1000).strftime("%H:%M")
        author = self.tr("You") if own else (chat.from_user.user_name or chat.from_user.user_id)
        item = QListWidgetItem(f"{author}  ·  {when}\n{chat.message}")
        item.setData(Qt.ItemDataRole.UserRole, chat.message_id)
        if own:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight)
        self.messages.addItem(item)
        self.messages.scrollToBottom()

    def texts(self) -> list[str]:
        return [
            self.messages.item(i).text().split("\n", 1)[1] for i in range(self.messages.count())
        ]


NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class ParticipantRow(QWidget):
    """One person: a raised hand, the name, microphone and camera marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("participantRow")
        self.hand = QLabel("✋")
        self.hand.setObjectName("hand")
        self.name = QLabel()
        self.mic = QLabel()
        self.camera = QLabel()
        self.recording = QLabel("⏺")
        self.recording.setObjectName("recordingMark")
        self.setMinimumHeight(30)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(6)
        layout.addWidget(self.hand)
        layout.addWidget(self.name, 1)
        layout.addWidget(self.recording)
        layout.addWidget(self.mic)
        layout.addWidget(self.camera)

    def show_state(self, name: str, state: ParticipantState) -> None:
        self.name.setText(name)
        self.hand.setVisible(state.hand)
        self.recording.setVisible(state.recording)
        self.recording.setToolTip(self.tr("Recording the call"))
        self.mic.setPixmap(icon("mic" if state.mic else "mic-off").pixmap(18, 18))
        self.mic.setToolTip(self.tr("Microphone on") if state.mic else self.tr("Muted"))
        self.camera.setPixmap(icon("camera" if state.camera else "camera-off").pixmap(18, 18))
        self.camera.setToolTip(self.tr("Camera on") if state.camera else self.tr("Camera off"))


@dataclass
class ParticipantState:
    mic: bool = False
    camera: bool = False
    hand: bool = False
    recording: bool = False


class ParticipantsPanel(QWidget):
    """Everyone in the room, you first, raised hands next: name, hand, mic and camera."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("participants")
        self.heading = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        self._me = ""
        self._me_id = ""
        self._others: dict[str, str] = {}
        self.states: dict[str, ParticipantState] = {}
        """By user ID (mine too): what the list shows beside each name."""

    def set_me(self, name: str, user_id: str = "") -> None:
        self._me, self._me_id = name, user_id
        self._refresh()

    def set_users(self, users: dict[str, str]) -> None:
        self._others = dict(users)
        self._refresh()

    def set_media(self, user_id: str, *, mic: bool, camera: bool) -> None:
        state = self.states.setdefault(user_id, ParticipantState())
        if (state.mic, state.camera) != (mic, camera):
            state.mic, state.camera = mic, camera
            self._refresh()

    def set_hands(self, hands: set[str]) -> None:
        for user_id in set(self.states) | hands:
            self.states.setdefault(user_id, ParticipantState()).hand = user_id in hands
        self._refresh()

    def set_recording(self, user_id: str, on: bool) -> None:
        self.states.setdefault(user_id, ParticipantState()).recording = on
        self._refresh()

    def names(self) -> list[str]:
        return [self.list.item(i).data(NAME_ROLE) for i in range(self.list.count())]

    def row(self, index: int) -> ParticipantRow:
        return self.list.itemWidget(self.list.item(index))

    def _refresh(self) -> None:
        self.list.clear()
        people: list[tuple[str, str]] = []
        if self._me:
            people.append((self._me_id, self.tr("%1 (you)").replace("%1", self._me)))
        others = sorted(self._others.items(), key=lambda item: item[1].lower())
        # Raised hands first (after you), in name order: the order a host takes them in.
        others.sort(key=lambda item: not self.states.get(item[0], ParticipantState()).hand)
        people.extend(others)
        for user_id, name in people:
            item = QListWidgetItem()
            item.setData(NAME_ROLE, name)
            item.setData(Qt.ItemDataRole.UserRole, user_id)
            row = ParticipantRow()
            row.show_state(name, self.states.get(user_id, ParticipantState()))
            item.setSizeHint(QSize(0, max(34, row.sizeHint().height())))
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        self.heading.setText(self.tr("In this call: %n", "", 1 + len(self._others)))
