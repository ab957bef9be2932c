"""The call window's side panels: chat and participants."""

from __future__ import annotations

import datetime

from PySide6.QtCore import Qt, Signal
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


class ParticipantsPanel(QWidget):
    """Everyone in the room, you first."""

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
        self._others: dict[str, str] = {}

    def set_me(self, name: str) -> None:
        self._me = name
        self._refresh()

    def set_users(self, users: dict[str, str]) -> None:
        self._others = dict(users)
        self._refresh()

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _refresh(self) -> None:
        self.list.clear()
        if self._me:
            self.list.addItem(self.tr("%1 (you)").replace("%1", self._me))
        for name in sorted(self._others.values(), key=str.lower):
            self.list.addItem(name)
        self.heading.setText(self.tr("In this call: %n", "", 1 + len(self._others)))
