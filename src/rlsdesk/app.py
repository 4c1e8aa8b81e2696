"""The desktop app's composition root: builds every object once and wires them together.

``rlsdesk`` opens the main window; ``rlsdesk CASE.json`` opens it with the case loaded;
``rlsdesk --screenshot OUT.png [CASE.json]`` renders the window with the case and its live
assessment to a PNG and exits (headless when there is no display).

Start-up shows a light launch window at once and builds the rest from the event loop's
first turn, so the clinician sees rlsdesk as quickly as a bare Qt window appears.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rlsdesk.logs import configure_logging

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from rlsdesk.knowledge import KnowledgeBase
    from rlsdesk.ui.launch import LaunchWindow
    from rlsdesk.ui.main_window import MainWindow

SCREENSHOT_SIZE = (1366, 768)
SCREENSHOT_FORM_WIDTH = 730
EXIT_OK, EXIT_INPUT, EXIT_KNOWLEDGE = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rlsdesk", description="Open the rlsdesk desktop app.")
    parser.add_argument("case", nargs="?", help="a case file (rlsdesk-case/1 JSON) to open")
    parser.add_argument(
        "--screenshot", metavar="OUT.png", help="render the window to a PNG and exit"
    )
    return parser


def _has_display() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(arguments: list[str]) -> int:
    args = _parser().parse_args(arguments)
    configure_logging()
    if args.screenshot and not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from rlsdesk.paths import user_data_dir
    from rlsdesk.ui.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName("rlsdesk")
    app.setApplicationName("rlsdesk")
    apply_theme(app, stylesheet=bool(args.screenshot))  # the launch window needs no more
    ui_settings = QSettings(str(user_data_dir() / "ui.ini"), QSettings.Format.IniFormat)
    case = Path(args.case) if args.case else None
    if args.screenshot:
        _set_icon(app)
        kb = _knowledge_base(interactive=False)
        if kb is None:
            return EXIT_KNOWLEDGE
        return _screenshot(
            _build_window(kb, ui_settings, drafts=False), Path(args.screenshot), case
        )

    from rlsdesk.ui.launch import LaunchWindow

    launch = LaunchWindow()
    geometry = ui_settings.value("geometry")
    if geometry is not None:
        launch.restoreGeometry(geometry)
    launch.show()
    windows: list[MainWindow | None] = []  # holds the main window while the loop runs
    QTimer.singleShot(0, lambda: windows.append(_finish_start(app, launch, ui_settings, case)))
    return app.exec()


def _set_icon(app: QApplication) -> None:
    from rlsdesk.ui.icons import app_icon

    app.setWindowIcon(app_icon())


def _knowledge_base(interactive: bool) -> KnowledgeBase | None:
    from rlsdesk.knowledge import (
        KnowledgeBaseError,
        KnowledgeBaseIntegrityError,
        load_knowledge_base,
    )

    try:
        return load_knowledge_base()
    except (KnowledgeBaseIntegrityError, KnowledgeBaseError) as error:
        message = "The knowledge base is damaged, changed or invalid; rlsdesk will not assess."
        details = "\n".join(error.problems[:20])
        print(f"rlsdesk: {message}\n{details}", file=sys.stderr)
        if interactive:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "rlsdesk", f"{message}\n\n{details}\n\nReinstall rlsdesk.")
        return None


def _build_window(kb: KnowledgeBase, ui_settings: QSettings, drafts: bool) -> MainWindow:
    from rlsdesk.paths import user_data_dir
    from rlsdesk.settings import load_settings, save_settings
    from rlsdesk.ui.drafts import DraftStore
    from rlsdesk.ui.main_window import MainWindow
    from rlsdesk.ui.recent import RecentFiles

    store = DraftStore(user_data_dir() / "drafts") if drafts else None
    return MainWindow(
        kb, load_settings(), RecentFiles(ui_settings), store, store_settings=save_settings
    )


def _finish_start(
    app: QApplication, launch: LaunchWindow, ui_settings: QSettings, case: Path | None
) -> MainWindow | None:
    """From the event loop's first turn: load, build, replace the launch window."""
    from rlsdesk.ui.theme import apply_stylesheet

    _set_icon(app)
    apply_stylesheet(app)
    kb = _knowledge_base(interactive=True)
    if kb is None:
        launch.close()
        app.exit(EXIT_KNOWLEDGE)
        return None
    window = _build_window(kb, ui_settings, drafts=True)
    window.restoreGeometry(launch.saveGeometry())
    window.show()
    launch.close()
    launch.deleteLater()
    window.controller.restore_drafts()
    if case is not None:
        window.open_path(case)
    window.controller.autosave()
    app.aboutToQuit.connect(lambda: ui_settings.setValue("geometry", window.saveGeometry()))
    return window


def _screenshot(window: MainWindow, out: Path, case: Path | None) -> int:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    from rlsdesk.domain.case import CaseInputError, load_case_bytes
    from rlsdesk.fileio import write_atomic

    if case is not None:
        try:
            load_case_bytes(case.read_bytes(), window.kb)  # problems to stderr, never a dialog
        except OSError as error:
            print(f"rlsdesk: {case}: {error.strerror or error}", file=sys.stderr)
            return EXIT_INPUT
        except CaseInputError as error:
            for problem in error.problems:
                print(f"{case}: {problem}", file=sys.stderr)
            return EXIT_INPUT
        window.open_path(case)
    window.resize(*SCREENSHOT_SIZE)
    window.splitter.setSizes([SCREENSHOT_FORM_WIDTH, SCREENSHOT_SIZE[0] - SCREENSHOT_FORM_WIDTH])
    window.show()
    window.live.flush()
    window.panel.expand_first()
    QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.grab().save(buffer, "PNG")
    write_atomic(out, bytes(data.data()), mode=0o644)
    window.hide()
    return EXIT_OK
