"""Choosing what to share: a whole screen or one window, each with a thumbnail of what it
shows now. Huddle's own windows are not offered (and are blanked out of a shared screen)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.media.screen import list_monitors
from app.media.windows import list_windows

log = logging.getLogger("huddle.ui")

THUMB = QSize(240, 150)


@dataclass(frozen=True)
class ShareSource:
    kind: str  # "screen" or "window"
    title: str
    monitor: int = 1
    window: int | None = None
    region: tuple[int, int, int, int] = (0, 0, 0, 0)


def own_window_ids() -> set[int]:
    """The X11 IDs of Huddle's own top-level windows."""
    ids = set()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_Created):
            ids.add(int(widget.winId()))
    return ids


def own_window_rects() -> list[tuple[int, int, int, int]]:
    """Where Huddle's visible windows are on the X screen (frames included); none when Qt
    does not draw on that X screen (offscreen, Wayland: its coordinates are not the X
    screen's)."""
    if QGuiApplication.platformName() != "xcb":
        return []
    rects = []
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and not widget.isMinimized():
            frame = widget.frameGeometry()
            rects.append((frame.x(), frame.y(), frame.width(), frame.height()))
    return rects


def list_sources(exclude_ids: set[int]) -> list[ShareSource]:
    """Every screen, then every window that is not Huddle's own."""
    sources = []
    for index, monitor in enumerate(list_monitors()):
        if index == 0:
            continue
        sources.append(
            ShareSource(
                "screen",
                f"{monitor['width']}×{monitor['height']}",
                monitor=index,
                region=(monitor["left"], monitor["top"], monitor["width"], monitor["height"]),
            )
        )
    for window in list_windows():
        if window.window_id not in exclude_ids:
            sources.append(
                ShareSource(
                    "window",
                    window.title,
                    window=window.window_id,
                    region=(window.x, window.y, window.width, window.height),
                )
            )
    return sources


def thumbnails(
    sources: list[ShareSource], blank: Callable[[], list[tuple[int, int, int, int]]]
) -> list[QImage | None]:
    """What each source shows now, small (in a worker thread: mss and numpy only)."""
    import mss

    images: list[QImage | None] = []
    own = blank()
    with mss.MSS() as grabber:
        for source in sources:
            x, y, w, h = source.region
            try:
                shot = grabber.grab({"left": x, "top": y, "width": w, "height": h})
            except Exception:
                images.append(None)
                continue
            pixels = np.frombuffer(shot.bgra, np.uint8).reshape(shot.height, shot.width, 4)
            if source.kind == "screen":
                pixels = pixels.copy()
                for ox, oy, ow, oh in own:  # as the others will see it: Huddle blanked out
                    left, top = max(0, ox - x), max(0, oy - y)
                    right, bottom = min(w, ox + ow - x), min(h, oy + oh - y)
                    if right > left and bottom > top:
                        pixels[top:bottom, left:right, :3] = 48
            image = QImage(
                pixels.tobytes(),
                shot.width,
                shot.height,
                shot.width * 4,
                QImage.Format.Format_RGB32,
            )
            images.append(
                image.scaled(
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
    return images


class ScreenPicker(QDialog):
    """Non-modal; ``chosen`` carries the ShareSource."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screenPicker")
        self.setWindowTitle(self.tr("Share your screen"))
        self.setModal(False)
        self.tabs = QTabWidget()
        self.screens = self._list()
        self.windows = self._list()
        self.tabs.addTab(self.screens, self.tr("Entire screen"))
        self.tabs.addTab(self.windows, self.tr("Window"))
        self.note = QLabel(self.tr("Huddle's own windows are never shown to the others."))
        self.note.setObjectName("hint")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.share_button = self.buttons.addButton(
            self.tr("Share"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.share_button.setObjectName("primary")
        self.share_button.setEnabled(False)
        self.buttons.accepted.connect(self._share)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.resize(820, 520)
        self.sources: list[ShareSource] = []
        for widget in (self.screens, self.windows):
            widget.itemSelectionChanged.connect(self._selection_changed)
            widget.itemDoubleClicked.connect(lambda _item: self._share())
        self.tabs.currentChanged.connect(lambda _i: self._selection_changed())

    def _list(self) -> QListWidget:
        widget = QListWidget()
        widget.setViewMode(QListView.ViewMode.IconMode)
        widget.setIconSize(THUMB)
        widget.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 48))
        widget.setResizeMode(QListView.ResizeMode.Adjust)
        widget.setMovement(QListView.Movement.Static)
        widget.setWordWrap(True)
        widget.setUniformItemSizes(True)
        return widget

    async def load(self) -> list[ShareSource]:
        """List the screens and windows (Huddle's excluded) with their thumbnails."""
        own_ids = own_window_ids()
        self.sources = await asyncio.to_thread(list_sources, own_ids)
        images = await asyncio.to_thread(thumbnails, self.sources, own_window_rects)
        self.screens.clear()
        self.windows.clear()
        screen_number = 0
        for source, image in zip(self.sources, images, strict=True):
            if source.kind == "screen":
                screen_number += 1
                text = self.tr("Screen %1 (%2)").replace("%1", str(screen_number))
                text = text.replace("%2", source.title)
                target = self.screens
            else:
                text, target = source.title, self.windows
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, source)
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            target.addItem(item)
        if self.screens.count():
            self.screens.setCurrentRow(0)
        self.tabs.setTabEnabled(1, self.windows.count() > 0)
        self._selection_changed()
        return self.sources

    def current(self) -> ShareSource | None:
        widget = self.tabs.currentWidget()
        item = widget.currentItem() if isinstance(widget, QListWidget) else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _selection_changed(self) -> None:
        self.share_button.setEnabled(self.current() is not None)

    def _share(self) -> None:
        source = self.current()
        if source is not None:
            self.chosen.emit(source)
            self.accept()
