"""The look: Fusion with a neutral light palette and the stylesheet in resources/."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from rlsdesk.paths import resources_dir

STYLESHEET = "style.qss"


def apply_theme(app: QApplication, stylesheet: bool = True) -> None:
    """Same calm look on every platform; high-DPI scaling is Qt 6's default.

    ``stylesheet=False`` sets only style and palette (the launch window needs no more).
    """
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f4f5f7",
        QPalette.ColorRole.WindowText: "#1f2a37",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f7f8fa",
        QPalette.ColorRole.Text: "#1f2a37",
        QPalette.ColorRole.Button: "#f4f5f7",
        QPalette.ColorRole.ButtonText: "#1f2a37",
        QPalette.ColorRole.Highlight: "#2f6f8f",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: "#1f2a37",
        QPalette.ColorRole.PlaceholderText: "#8a929c",
        QPalette.ColorRole.Link: "#2f557f",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    if stylesheet:
        apply_stylesheet(app)


def apply_stylesheet(app: QApplication) -> None:
    sheet = resources_dir() / STYLESHEET
    if sheet.exists():
        app.setStyleSheet(sheet.read_text("utf-8"))
