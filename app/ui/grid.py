"""The call's video area: tiles in a grid that adapts to their count, or one tile large (pinned,
the active speaker, a shared screen) with the others in a strip; barrage over it."""

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


STRIP_SHARE = 0.2
"""The share of the height the strip of small tiles takes beside a large one."""


class VideoGrid(QWidget):
    """``mode`` "grid": every tile alike. "speaker": ``focus`` (the active speaker) large.
    A ``pinned`` tile is large in either mode (spotlight). ``hidden`` tiles are not shown
    (self-view hidden)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[VideoTile] = []
        self.mode = "grid"
        self.pinned: VideoTile | None = None
        self.presenting: VideoTile | None = None
        """A shared screen: large (presenter layout) unless a tile is pinned."""
        self.focus: VideoTile | None = None
        self.hidden: set[VideoTile] = set()
        self.barrage = BarrageLayer(self)
        self.overlays: list[QWidget] = [self.barrage]
        """Widgets over the whole video area (barrage, toasts), kept on top."""

    @property
    def large(self) -> VideoTile | None:
        """The tile shown large, or None in the plain grid."""
        if self.pinned is not None and self.pinned in self.visible_tiles():
            return self.pinned
        if self.presenting is not None and self.presenting in self.visible_tiles():
            return self.presenting
        if self.mode == "speaker":
            shown = self.visible_tiles()
            if self.focus in shown:
                return self.focus
            return shown[0] if shown else None
        return None

    def visible_tiles(self) -> list[VideoTile]:
        return [t for t in self.tiles if t not in self.hidden]

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._layout()

    def set_pinned(self, tile: VideoTile | None) -> None:
        self.pinned = tile
        self._layout()

    def set_presenting(self, tile: VideoTile | None) -> None:
        self.presenting = tile
        self._layout()

    def set_focus(self, tile: VideoTile | None) -> None:
        if tile is not self.focus:
            self.focus = tile
            if self.mode == "speaker" and self.pinned is None and self.presenting is None:
                self._layout()

    def set_hidden(self, tile: VideoTile, hidden: bool) -> None:
        if hidden:
            self.hidden.add(tile)
        else:
            self.hidden.discard(tile)
        tile.setVisible(not hidden)
        self._layout()

    def add_tile(self, tile: VideoTile) -> None:
        tile.setParent(self)
        self.tiles.append(tile)
        tile.show()
        self._layout()

    def remove_tile(self, tile: VideoTile) -> None:
        if tile in self.tiles:
            self.tiles.remove(tile)
            self.hidden.discard(tile)
            if self.pinned is tile:
                self.pinned = None
            if self.presenting is tile:
                self.presenting = None
            if self.focus is tile:
                self.focus = None
            tile.release()  # its sink removed and its worker joined: no frame reaches it again
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
            self._layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    def _layout(self) -> None:
        tiles = self.visible_tiles()
        large = self.large
        if large is not None and len(tiles) > 1:
            self._layout_large(large, [t for t in tiles if t is not large])
        else:
            self._layout_grid(tiles, 0, 0, self.width(), self.height())
        for overlay in self.overlays:
            overlay.setGeometry(self.rect())
            overlay.raise_()

    def _layout_large(self, large: VideoTile, others: list[VideoTile]) -> None:
        """One tile large on top; the others small in a row beneath it."""
        width, height = self.width(), self.height()
        strip_h = max(120, int(height * STRIP_SHARE))
        tile_h = strip_h - GAP
        tile_w = int(tile_h * ASPECT)
        fits = max(1, (width - GAP) // (tile_w + GAP))
        if len(others) > fits:  # narrower tiles so everyone stays in the strip
            tile_w = max(80, (width - GAP) // len(others) - GAP)
            tile_h = min(tile_h, int(tile_w / ASPECT))
        used_w = len(others) * (tile_w + GAP) - GAP
        left = max(GAP, (width - used_w) // 2)
        top = height - tile_h - GAP
        for index, tile in enumerate(others):
            tile.setGeometry(left + index * (tile_w + GAP), top, tile_w, tile_h)
        main_h = top - 2 * GAP
        main_w = width - 2 * GAP
        large.setGeometry(GAP, GAP, main_w, max(40, main_h))

    def _layout_grid(self, tiles: list[VideoTile], x: int, y: int, width: int, height: int) -> None:
        cols, rows = grid_shape(len(tiles), width, height)
        if not cols:
            return
        cell_w = (width - GAP * (cols + 1)) // cols
        cell_h = (height - GAP * (rows + 1)) // rows
        # Tiles keep 4:3; the grid as a whole is centred in the space.
        tile_w = int(min(cell_w, cell_h * ASPECT))
        tile_h = int(tile_w / ASPECT)
        used_h = rows * tile_h + (rows - 1) * GAP
        top = y + max(GAP, (height - used_h) // 2)
        for index, tile in enumerate(tiles):
            row, col = divmod(index, cols)
            in_row = min(cols, len(tiles) - row * cols)
            used_w = in_row * tile_w + (in_row - 1) * GAP
            left = x + max(GAP, (width - used_w) // 2)
            tile.setGeometry(
                left + col * (tile_w + GAP), top + row * (tile_h + GAP), tile_w, tile_h
            )


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
