"""The application icon: one SVG, with PNG renders for platforms that want bitmaps.

``python -m rlsdesk.ui.icons`` re-renders resources/icons/rlsdesk-<size>.png from the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter

from rlsdesk.paths import resources_dir

SIZES = (16, 24, 32, 48, 64, 128, 256)
APP_ICON = "rlsdesk.svg"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def render_svg(svg: Path, size: int) -> QImage:
    from PySide6.QtSvg import QSvgRenderer  # only for re-rendering the PNGs

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def render_pngs(folder: Path | None = None) -> list[Path]:
    from rlsdesk.fileio import write_atomic

    folder = folder or icons_dir()
    written = []
    for size in SIZES:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        render_svg(folder / APP_ICON, size).save(buffer, b"PNG")
        path = folder / f"rlsdesk-{size}.png"
        write_atomic(path, bytes(data.data()), mode=0o644)
        written.append(path)
    return written


def app_icon() -> QIcon:
    """The SVG plus every PNG render that exists (small sizes stay crisp)."""
    folder = icons_dir()
    icon = QIcon(str(folder / APP_ICON))
    for size in SIZES:
        png = folder / f"rlsdesk-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    return icon


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    application = QGuiApplication(sys.argv)
    for written in render_pngs():
        print(written)
