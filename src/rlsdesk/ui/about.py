"""Help > About and Help > Help contents: version, knowledge base, licences, the offline page.

The About text names the program's version, the knowledge base's version and hash (the
same stamp every sheet carries), and the licences: the third-party notices an installed
build ships (``rlsdesk.paths.third_party_notices_path``), else the licence files beside the
bundled fonts. The help page is resources/help/index.html, shown without any network.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import resources_dir, third_party_notices_path

HELP_PAGE = Path("help") / "index.html"
SHORTCUTS_MARK = "<!-- shortcuts -->"  # where the page gets the menus' shortcut table
MAX_NOTICE_CHARS = 200_000  # a notices file is text, but never let it freeze the dialog


def licence_files() -> list[Path]:
    """The notices of an installed build, else the bundled fonts' licence files."""
    notices = third_party_notices_path()
    if notices is not None:
        return [notices]
    return sorted((resources_dir() / "fonts").glob("LICENSE*"))


def about_html(kb: KnowledgeBase) -> str:
    from rlsdesk import __version__

    parts = [
        f"<h2>rlsdesk {html.escape(__version__)}</h2>",
        "<p>Offline decision support for supplements in restless legs syndrome and "
        "nocturnal leg cramps. It supports, and never replaces, the clinician's judgement.</p>",
        f"<p><b>Knowledge base</b> {html.escape(kb.version)}<br>"
        f"sha256 <code>{html.escape(kb.sha256)}</code></p>",
        "<h3>Licences and third-party notices</h3>",
    ]
    for path in licence_files():
        try:
            text = path.read_text("utf-8", errors="replace")[:MAX_NOTICE_CHARS]
        except OSError as error:
            text = f"(could not be read: {error.strerror or error})"
        notice = f"<pre style='white-space: pre-wrap'>{html.escape(text)}</pre>"
        parts.append(f"<p><b>{html.escape(path.name)}</b></p>{notice}")
    return "\n".join(parts)


def _browser(name: str) -> QTextBrowser:
    browser = QTextBrowser()
    browser.setAccessibleName(name)
    browser.setOpenExternalLinks(False)  # offline: no link leaves the app
    browser.setOpenLinks(True)
    return browser


class AboutDialog(QDialog):
    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About rlsdesk")
        self.setMinimumSize(420, 320)
        self.resize(640, 520)
        self.text = _browser("About rlsdesk")
        self.text.setHtml(about_html(kb))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


def shortcut_table(shortcuts: list[tuple[str, str]]) -> str:
    """(command, keys) pairs as the help page's table, from the menus themselves."""
    rows = "".join(
        f"<tr><td>{html.escape(command)}</td><td><b>{html.escape(keys)}</b></td></tr>"
        for command, keys in shortcuts
    )
    return f"<table cellpadding='3'>{rows}</table>"


def help_html(shortcuts: list[tuple[str, str]]) -> str:
    page = (resources_dir() / HELP_PAGE).read_text("utf-8")
    return page.replace(SHORTCUTS_MARK, shortcut_table(shortcuts))


class HelpWindow(QWidget):
    """The offline help page in its own window, beside the case."""

    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("rlsdesk help")
        self.setMinimumSize(420, 320)
        self.resize(640, 600)
        self.browser = _browser("rlsdesk help")
        self.browser.setHtml(help_html(shortcuts))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(close)
