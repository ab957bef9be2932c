"""The call's video area: tiles in a grid that adapts to their count, barrage over it."""

from __future__ import annotations

import math
import random
from html import escape

from PySide6.QtCore import QEasingCurve, QPoint, QPropertyAnimation, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from .video import VideoTile

GAP = 8
ASPECT = 4 / 3


def grid_shape(count: int, width: int, height: int) -> tuple[int, int]:
    """Columns and rows that make the tiles (at 4:3) as large as possible."""
    if count <= 0:
        return 0, 0
    best, best_area = (1, count), -1.0
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        cell_w = (width - GAP * (cols + 1)) / cols
        cell_h = (height - GAP * (rows + 1)) / rows
        tile_w = min(cell_w, cell_h * ASPECT)
        area = tile_w * (tile_w / ASPECT)
        if area > best_area:
            best, best_area = (cols, rows), area
    return best


class VideoGrid(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[VideoTile] = []
        self.barrage = BarrageLayer(self)

    def add_tile(self, tile: VideoTile) -> None:
        tile.setParent(self)
        self.tiles.append(tile)
        tile.show()
        self._layout()

    def remove_tile(self, tile: VideoTile) -> None:
        if tile in self.tiles:
            self.tiles.remove(tile)
            tile.release()  # its sink removed and its worker joined: no frame reaches it again
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
            self._layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    def _layout(self) -> None:
        width, height = self.width(), self.height()
        cols, rows = grid_shape(len(self.tiles), width, height)
        if not cols:
            return
        cell_w = (width - GAP * (cols + 1)) // cols
        cell_h = (height - GAP * (rows + 1)) // rows
        # Tiles keep 4:3; the grid as a whole is centred in the space.
        tile_w = int(min(cell_w, cell_h * ASPECT))
        tile_h = int(tile_w / ASPECT)
        used_h = rows * tile_h + (rows - 1) * GAP
        top = max(GAP, (height - used_h) // 2)
        for index, tile in enumerate(self.tiles):
            row, col = divmod(index, cols)
            in_row = min(cols, len(self.tiles) - row * cols)
            used_w = in_row * tile_w + (in_row - 1) * GAP
            left = max(GAP, (width - used_w) // 2)
            tile.setGeometry(
                left + col * (tile_w + GAP), top + row * (tile_h + GAP), tile_w, tile_h
            )
        self.barrage.setGeometry(self.rect())
        self.barrage.raise_()


class BarrageLayer(QWidget):
    """Barrage (bullet-screen) messages flying right to left across the video."""

    DURATION_MS = 8000

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._lane = 0
        self.flying: list[QLabel] = []

    def fly(self, text: str, author: str) -> QLabel:
        label = QLabel(f"<b>{escape(author, quote=False)}</b>  {escape(text, quote=False)}", self)
        label.setObjectName("barrage")
        label.adjustSize()
        lanes = max(1, (self.height() - 60) // 36)
        self._lane = (self._lane + random.randint(1, 2)) % lanes
        y = 20 + self._lane * 36
        label.move(self.width(), y)
        label.show()
        animation = QPropertyAnimation(label, b"pos", label)
        animation.setStartValue(QPoint(self.width(), y))
        animation.setEndValue(QPoint(-label.width(), y))
        animation.setDuration(self.DURATION_MS)
        animation.setEasingCurve(QEasingCurve.Type.Linear)
        animation.finished.connect(lambda: self._landed(label))
        animation.start()
        self.flying.append(label)
        return label

    def _landed(self, label: QLabel) -> None:
        if label in self.flying:
            self.flying.remove(label)
        label.deleteLater()
