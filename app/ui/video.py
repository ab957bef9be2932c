"""Video tiles: the newest decoded frame of a stream, painted aspect-fit, with its overlays.

A tile never queues frames. ``set_frame`` keeps only the newest; one conversion per tile is in
flight at a time, in the tile's own worker thread: PyAV scales and converts YUV to RGB in one
swscale pass (releasing the GIL) straight to the size the tile shows, so painting is a plain
blit on the GUI thread.

Each tile converts with its **own** ``VideoReformatter`` (its own swscale context), never with
``frame.reformat()``: that method keeps a reformatter on the frame object (PyAV 14-18), so two
tiles showing one decoded frame (a stream shown twice, or a tile of a left call still attached
to the stream) would run one swscale context from two threads at once — a crash in libswscale,
or a deadlock that froze every picture. A tile is attached to its source with ``attach`` and
released (``release``) when it goes: the sink is removed and its worker joined.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import av
import av.video.reformatter
import numpy as np
from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .resources import icon

log = logging.getLogger("huddle.ui")

_REFORMAT_OPTIONS: dict[str, Any] = (
    {"threads": 1} if int(av.__version__.split(".")[0]) >= 17 else {}
)
"""One swscale thread per conversion (PyAV 17+ defaults to one per CPU, per context): the
tile's worker is the parallelism, and a tile's context starts no threads of its own."""

_live_renderers: weakref.WeakSet[_Renderer] = weakref.WeakSet()
_live_lock = threading.Lock()

REACTION_MS = 4000
"""How long a reaction shows on a tile."""

# Colours are made once here (a QColor needs no QGuiApplication), not on every painted frame.
BACKGROUND = QColor("#2b2c30")
SPEAKING = QColor("#34c759")
QUALITY_COLOURS = {
    0: QColor("#34c759"),
    1: QColor("#34c759"),
    2: QColor("#ffcc00"),
    3: QColor("#ff9500"),
    4: QColor("#ff3b30"),
}
QUALITY_UNKNOWN = QColor("#9aa0a6")
TEXT = QColor("white")
STATUS_TEXT = QColor("#bdc1c6")
STATS_TEXT = QColor("#e8eaed")
PILL = QColor(0, 0, 0, 150)
HAND = QColor(232, 113, 10, 220)
STATS_BOX = QColor(0, 0, 0, 170)
BAR_OFF = QColor(255, 255, 255, 60)
_PALETTE = [
    QColor(hex_code)
    for hex_code in "#5b8def #e8710a #1e8e3e #d93025 #9334e6 #12b5cb #c5221f #f9ab00".split()
]


@dataclass
class _Picture:
    image: QImage
    pixels: av.VideoFrame  # owns the image's memory; kept alive as long as the QImage
    probe: Any
    handed_at: float = 0.0
    """``time.monotonic()`` when the frame was handed to the tile."""


class _Renderer:
    """A tile's conversions: its own swscale context and one worker thread, used by one
    conversion at a time. ``close`` joins the worker."""

    def __init__(self, name: str) -> None:
        self._reformatter = av.video.reformatter.VideoReformatter()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="huddle-render")
        self.name = name
        self.closed = False
        with _live_lock:
            _live_renderers.add(self)

    def submit(
        self,
        frame: av.VideoFrame,
        width: int,
        height: int,
        probe: Callable[[Any], Any] | None,
        handed_at: float = 0.0,
    ) -> Future[_Picture]:
        return self._pool.submit(self._convert, frame, width, height, probe, handed_at)

    def _convert(
        self,
        frame: av.VideoFrame,
        width: int,
        height: int,
        probe: Callable[[Any], Any] | None,
        handed_at: float = 0.0,
    ) -> _Picture:
        # One worker thread: the reformatter is never used by two conversions at once.
        rgb = self._reformatter.reformat(
            frame, width=width, height=height, format="rgb24", **_REFORMAT_OPTIONS
        )
        plane = rgb.planes[0]  # rows are line_size apart (padded): wrap it as it is, no copy
        pixels = np.frombuffer(plane, np.uint8)
        image = QImage(pixels.data, width, height, plane.line_size, QImage.Format.Format_RGB888)
        return _Picture(image, rgb, probe(frame) if probe else None, handed_at)

    def close(self) -> None:
        """Drop what is queued and join the worker (a conversion under way finishes first)."""
        if not self.closed:
            self.closed = True
            self._pool.shutdown(wait=True, cancel_futures=True)
            with _live_lock:
                _live_renderers.discard(self)


def live_render_workers() -> int:
    """How many tiles still have a worker (each at most one thread): for tests and quitting."""
    with _live_lock:
        return len(_live_renderers)


def close_all_renderers() -> None:
    """Join every tile's worker (the app calls this as it quits)."""
    with _live_lock:
        renderers = list(_live_renderers)
    for renderer in renderers:
        renderer.close()


class _Delivery(QObject):
    """Carries finished conversions from the worker threads to the GUI thread."""

    done = Signal(object, object, object)  # weakref to the tile, Future, (renderer, generation)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _deliver(
        ref: weakref.ref[VideoTile], future: Future[_Picture], key: tuple[_Renderer, int]
    ) -> None:
        tile = ref()
        if tile is not None:
            tile._converted(future, key)


_delivery: _Delivery | None = None


def _get_delivery() -> _Delivery:
    global _delivery
    if _delivery is None:
        _delivery = _Delivery()
    return _delivery


def fit(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest even size of ``width:height`` proportions inside the box."""
    if width <= 0 or height <= 0 or box_w <= 0 or box_h <= 0:
        return 0, 0
    scale = min(box_w / width, box_h / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def initials(name: str) -> str:
    """Up to two initials for a placeholder: "Ada Lovelace" -> "AL", "张伟" -> "张"."""
    words = name.split()
    if not words:
        return "?"
    if not words[0].isascii():
        return words[0][0]
    letters = [w[0] for w in words[:2]]
    return "".join(letters).upper()


def colour_for(name: str) -> QColor:
    return QColor(_PALETTE[sum(map(ord, name)) % len(_PALETTE)])  # a copy: callers may change it


class VideoTile(QWidget):
    """One participant: video (or initials), name, mic and network marks, speaking highlight,
    a raised hand, the latest reaction, a pin."""

    double_clicked = Signal()
    menu_requested = Signal(QPoint)  # global position

    def __init__(
        self, title: str, *, mirrored: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(80, 60)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.title = title
        self.mirrored = mirrored
        self.mic_muted = False
        self.camera_off = False
        self.status_text = ""
        """A line under the initials when there is no picture (e.g. "No camera")."""
        self.quality: int | None = None
        self.speaking = False
        self.stats_text = ""
        self.show_stats = False
        self.hand_raised = False
        self.pinned = False
        self.reaction = ""
        self._reaction_timer = QTimer(self, singleShot=True, interval=REACTION_MS)
        self._reaction_timer.timeout.connect(lambda: self.set_reaction(""))
        self.frames_received = 0
        self.last_frame_at = 0.0
        """``time.monotonic()`` of the newest frame handed to the tile."""
        self.frames_painted = 0
        self.frame_probe: Callable[[av.VideoFrame], Any] | None = None
        """Called in the worker thread with each converted frame (benchmarks read stamps)."""
        self.paint_probe: Callable[[Any, float], None] | None = None
        """Called when a picture is painted, with the frame probe's result and the time."""
        self._pending: av.VideoFrame | None = None
        self._pending_at = 0.0
        self._paint_ms: collections.deque[float] = collections.deque(maxlen=60)
        self._converting = False
        self._renderer: _Renderer | None = None
        self._generation = 0
        """Bumped by clear_picture: a conversion started before it is not shown."""
        self._source: Any = None
        """What this tile is attached to (a stream with ``remove_video_sink``), or None."""
        self.released = False
        self._picture: _Picture | None = None
        self._painted_picture: _Picture | None = None
        self._conversion_failed = False
        self._overlay_fonts: tuple[QFont, QFont] | None = None
        """The name's and the statistics' fonts, made from the tile's font when first painted."""

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    # ------------------------------------------------------------ state

    def set_title(self, title: str) -> None:
        self.title = title
        self.update()

    def set_mic_muted(self, muted: bool) -> None:
        self.mic_muted = muted
        self.update()

    def set_camera_off(self, off: bool) -> None:
        self.camera_off = off
        self.update()

    def set_status_text(self, text: str) -> None:
        self.status_text = text
        self.update()

    def set_quality(self, level: int | None) -> None:
        self.quality = level
        self.update()

    def set_speaking(self, speaking: bool) -> None:
        if speaking != self.speaking:
            self.speaking = speaking
            self.update()

    def set_hand_raised(self, raised: bool) -> None:
        self.hand_raised = raised
        self.update()

    def set_pinned(self, pinned: bool) -> None:
        self.pinned = pinned
        self.update()

    def set_reaction(self, emoji: str) -> None:
        """Show ``emoji`` large over the tile for a few seconds ("" clears it)."""
        self.reaction = emoji
        if emoji:
            self._reaction_timer.start()
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:
        self.double_clicked.emit()
        event.accept()

    def contextMenuEvent(self, event) -> None:
        self.menu_requested.emit(event.globalPos())
        event.accept()

    def set_stats_text(self, text: str) -> None:
        self.stats_text = text
        if self.show_stats:
            self.update()

    def set_show_stats(self, show: bool) -> None:
        self.show_stats = show
        self.update()

    def clear_picture(self) -> None:
        """Show no picture (initials) until the next frame; a conversion under way is dropped."""
        self._pending = None
        self._picture = None
        self._painted_picture = None
        self._generation += 1
        self.update()

    # ------------------------------------------------------------ the source

    def attach(self, source: Any) -> None:
        """Show ``source``'s frames (a ``LocalStream`` or ``RemoteStream``), instead of any
        source attached before."""
        self.detach()
        self.released = False
        self._source = source
        source.add_video_sink(self.set_frame)

    def detach(self) -> None:
        """Stop receiving frames from the attached source (the picture stays)."""
        source, self._source = self._source, None
        if source is not None:
            source.remove_video_sink(self.set_frame)

    def release(self) -> None:
        """The tile goes: detach, drop the picture, join the worker. Safe to call twice; a
        later ``attach`` or ``set_frame`` starts afresh."""
        self.detach()
        self.released = True
        self._pending = None
        renderer, self._renderer = self._renderer, None
        if renderer is not None:
            renderer.close()
        self._converting = False
        self._picture = self._painted_picture = None

    @property
    def paint_ms(self) -> float | None:
        """The average time from a frame handed to the tile to its picture painted (the
        conversion, the hop to the GUI thread, the paint), over the last frames."""
        return sum(self._paint_ms) / len(self._paint_ms) if self._paint_ms else None

    def is_stale(self, now: float, after: float) -> bool:
        """Shows a picture, but no frame came for ``after`` seconds: it is frozen."""
        return self._picture is not None and now - self.last_frame_at > after

    @property
    def has_picture(self) -> bool:
        return self._picture is not None and not self.camera_off

    # ------------------------------------------------------------ frames

    def set_frame(self, frame: av.VideoFrame) -> None:
        """Show this frame (the newest wins; never queued). Call on the GUI thread."""
        if self.released:
            return
        self.frames_received += 1
        self.last_frame_at = self._pending_at = time.monotonic()
        self._pending = frame
        if not self._converting:
            self._convert_next()

    def _convert_next(self) -> None:
        frame, self._pending = self._pending, None
        if frame is None or self.camera_off:
            return
        ratio = self.devicePixelRatioF()
        width, height = fit(
            frame.width, frame.height, int(self.width() * ratio), int(self.height() * ratio)
        )
        if not width:
            return
        if self._renderer is None:
            self._renderer = _Renderer(self.title)
        renderer = self._renderer
        self._converting = True
        future = renderer.submit(frame, width, height, self.frame_probe, self._pending_at)
        delivery, ref = _get_delivery(), weakref.ref(self)
        key = (renderer, self._generation)
        future.add_done_callback(lambda f: delivery.done.emit(ref, f, key))

    def _converted(self, future: Future[_Picture], key: tuple[_Renderer, int]) -> None:
        renderer, generation = key
        if renderer is not self._renderer or future.cancelled():
            return  # converted for a renderer released since: not this tile's picture any more
        self._converting = False
        try:
            picture = future.result()
            if generation == self._generation:
                self._picture = picture
        except Exception:
            if not self._conversion_failed:  # once per tile, not once per frame
                log.exception("converting a frame for %r failed", self.title)
            self._conversion_failed = True
        self.update()
        if self._pending is not None:
            self._convert_next()

    # ------------------------------------------------------------ painting

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._overlay_fonts = None  # made again from the new font
        super().changeEvent(event)

    def _fonts(self) -> tuple[QFont, QFont]:
        if self._overlay_fonts is None:
            name = QFont(self.font())
            name.setPixelSize(13)
            stats = QFont(name)
            stats.setFamily("monospace")
            stats.setPixelSize(12)
            self._overlay_fonts = name, stats
        return self._overlay_fonts

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bounds = QRectF(self.rect())
        painter.fillRect(self.rect(), self.palette().window())
        path = QPainterPath()
        path.addRoundedRect(bounds.adjusted(1, 1, -1, -1), 10, 10)
        painter.fillPath(path, BACKGROUND)
        painter.setClipPath(path)
        picture = self._picture
        if picture is not None and not self.camera_off:
            self._paint_picture(painter, picture)
        else:
            self._paint_placeholder(painter, bounds)
        painter.setClipping(False)
        self._paint_overlays(painter, bounds)
        if self.speaking:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(SPEAKING, 3))
            painter.drawPath(path)
        painter.end()

    def _paint_picture(self, painter: QPainter, picture: _Picture) -> None:
        ratio = self.devicePixelRatioF()
        size = QSize(int(picture.image.width() / ratio), int(picture.image.height() / ratio))
        target = QRect(
            (self.width() - size.width()) // 2,
            (self.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )
        if self.mirrored:
            painter.save()
            painter.translate(target.center().x() * 2 + 1, 0)
            painter.scale(-1, 1)
            painter.drawImage(target, picture.image)
            painter.restore()
        else:
            painter.drawImage(target, picture.image)
        if picture is not self._painted_picture:
            self._painted_picture = picture
            self.frames_painted += 1
            if picture.handed_at:
                self._paint_ms.append((time.monotonic() - picture.handed_at) * 1000)
            if self.paint_probe is not None:
                self.paint_probe(picture.probe, time.time())

    def _paint_placeholder(self, painter: QPainter, bounds: QRectF) -> None:
        radius = max(24.0, min(bounds.width(), bounds.height()) * 0.18)
        centre = bounds.center() - QPointF(0, radius * 0.25 if self.status_text else 0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour_for(self.title))
        painter.drawEllipse(centre, radius, radius)
        font = QFont(self.font())
        font.setPixelSize(int(radius * 0.8))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(TEXT)
        circle = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, initials(self.title))
        below = QRectF(bounds.left(), circle.bottom() + 8, bounds.width(), 22)
        if self.status_text and below.bottom() < bounds.height() - 38:  # clear of the name
            font.setPixelSize(13)
            font.setBold(False)
            painter.setFont(font)
            painter.setPen(STATUS_TEXT)
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, self.status_text)

    def _paint_overlays(self, painter: QPainter, bounds: QRectF) -> None:
        name_font, stats_font = self._fonts()
        painter.setFont(name_font)
        metrics = painter.fontMetrics()
        name = metrics.elidedText(
            self.title, Qt.TextElideMode.ElideRight, int(bounds.width() * 0.6)
        )
        pill_w = metrics.horizontalAdvance(name) + 16 + (22 if self.mic_muted else 0)
        pill = QRectF(8, bounds.height() - 34, pill_w, 26)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PILL)
        painter.drawRoundedRect(pill, 6, 6)
        text_x = pill.left() + 8
        if self.mic_muted:
            icon("mic-off").paint(painter, QRect(int(pill.left() + 5), int(pill.top() + 4), 18, 18))
            text_x += 20
        painter.setPen(TEXT)
        painter.drawText(
            QRectF(text_x, pill.top(), pill_w, pill.height()), Qt.AlignmentFlag.AlignVCenter, name
        )

        if self.quality is not None and self.quality >= 0:
            # Bottom right, clear of the picture's top edge (where the test pattern's stamp is).
            bars = max(1, 4 - self.quality) if self.quality < 4 else 0
            colour = QUALITY_COLOURS.get(self.quality, QUALITY_UNKNOWN)
            pill = QRectF(bounds.width() - 42, bounds.height() - 34, 34, 26)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PILL)
            painter.drawRoundedRect(pill, 6, 6)
            for i in range(4):
                height = 4 + i * 4
                painter.setBrush(colour if i < bars else BAR_OFF)
                painter.drawRect(
                    QRectF(pill.left() + 6 + i * 6, pill.bottom() - 5 - height, 4, height)
                )

        badges = ("✋" if self.hand_raised else "") + ("📌" if self.pinned else "")
        if badges:
            painter.setFont(name_font)
            metrics = painter.fontMetrics()
            badge_w = metrics.horizontalAdvance(badges) + 16
            pill = QRectF(bounds.width() - badge_w - 8, 8, badge_w, 28)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HAND if self.hand_raised else PILL)
            painter.drawRoundedRect(pill, 8, 8)
            painter.setPen(TEXT)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, badges)

        if self.reaction:
            font = QFont(name_font)
            font.setPixelSize(int(max(28, min(bounds.height() * 0.28, 72))))
            painter.setFont(font)
            area = QRectF(0, bounds.height() * 0.35, bounds.width(), bounds.height() * 0.4)
            painter.setPen(TEXT)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.reaction)

        if self.show_stats and self.stats_text:
            painter.setFont(stats_font)
            room = max(40, int(bounds.width()) - 28)
            lines = [
                painter.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, room)
                for line in self.stats_text.splitlines()
            ]
            height = 6 + 16 * len(lines)
            box = QRectF(
                8,
                8,
                max(painter.fontMetrics().horizontalAdvance(line) for line in lines) + 12,
                height,
            )
            painter.setBrush(STATS_BOX)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(box, 6, 6)
            painter.setPen(STATS_TEXT)
            for i, line in enumerate(lines):
                painter.drawText(
                    QRectF(14, 11 + 16 * i, box.width(), 16), Qt.AlignmentFlag.AlignLeft, line
                )
