"""Render the app icon (SVG) into the hicolor theme's standard sizes (and keep the SVG).

python packaging/render_icons.py ICON.svg SHARE/icons/hicolor
"""

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def main() -> None:
    svg, theme = Path(sys.argv[1]), Path(sys.argv[2])
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs an application to render
    renderer = QSvgRenderer(str(svg))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = theme / f"{size}x{size}" / "apps" / "huddle.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            raise SystemExit(f"could not write {target}")
    scalable = theme / "scalable" / "apps" / "huddle.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(svg, scalable)


if __name__ == "__main__":
    main()
