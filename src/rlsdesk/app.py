"""The desktop app's composition root: builds every object once and wires them together.

``rlsdesk`` opens the main window; ``rlsdesk CASE.json`` opens it with the case loaded;
``rlsdesk --screenshot OUT.png [CASE.json]`` renders the window with the case and its live
assessment to a PNG and exits (headless when there is no display).

Start-up shows a light launch window at once and builds the rest from the event loop's
first turn, so the clinician sees rlsdesk as quickly as a bare Qt window appears.

An unusable per-user folder (``rlsdesk.paths.user_data_problem()``) does not stop the app:
it says what is wrong and where, and runs with the defaults (settings and recent files in
memory, no drafts). Once the window is up, ``preload_code()`` loads everything Preview,
Print and Export need, so an upgrade under the running session cannot break them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from rlsdesk.knowledge import KnowledgeBase
    from rlsdesk.ui.dialogs import Dialogs
    from rlsdesk.ui.launch import LaunchWindow
    from rlsdesk.ui.main_window import MainWindow
    from rlsdesk.ui.recent import UiSettings

SCREENSHOT_SIZE = (1366, 768)
EXIT_OK, EXIT_INPUT, EXIT_KNOWLEDGE = 0, 2, 3
PRELOAD_DELAY_MS = 1500  # after the first paint and the draft question
STORAGE_TITLE = "rlsdesk cannot save its files"


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
    if args.screenshot and not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QByteArray, QTimer
    from PySide6.QtWidgets import QApplication

    from rlsdesk.paths import user_data_problem
    from rlsdesk.ui.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName("rlsdesk")
    app.setApplicationName("rlsdesk")
    apply_theme(app, stylesheet=bool(args.screenshot))  # the launch window needs no more
    problem = user_data_problem()
    ui_settings = _ui_settings(problem)
    case = Path(args.case) if args.case else None
    if args.screenshot:
        _start_session()
        _set_icon(app)
        if problem is not None:
            print(f"rlsdesk: warning: {problem}", file=sys.stderr)
        kb = _knowledge_base(interactive=False)
        if kb is None:
            return EXIT_KNOWLEDGE
        window = _build_window(kb, ui_settings, drafts=False, problem=problem)
        return _screenshot(window, Path(args.screenshot), case)

    from rlsdesk.ui.geometry import place_on_screen
    from rlsdesk.ui.launch import LaunchWindow

    launch = LaunchWindow()
    geometry = ui_settings.value("geometry")
    place_on_screen(launch, geometry if isinstance(geometry, QByteArray) else None)
    launch.show()
    windows: list[MainWindow | None] = []  # holds the main window while the loop runs
    QTimer.singleShot(
        0, lambda: windows.append(_finish_start(app, launch, ui_settings, case, problem))
    )
    return app.exec()


def _ui_settings(problem: str | None) -> UiSettings:
    """Window geometry and recent files: in ui.ini, or in memory when the folder is unusable."""
    from PySide6.QtCore import QSettings

    from rlsdesk.paths import user_data_dir
    from rlsdesk.ui.recent import MemorySettings

    if problem is not None:
        return MemorySettings()
    return QSettings(str(user_data_dir() / "ui.ini"), QSettings.Format.IniFormat)


def _start_session() -> None:
    """What every session does first (in the GUI from the event loop's first turn, so the
    launch window is on screen a few tens of milliseconds sooner)."""
    from rlsdesk.installation import record_installation
    from rlsdesk.logs import configure_logging

    record_installation()  # installation_changed() tells an upgraded-under-us session
    configure_logging()


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
    except OSError as error:  # a file of the knowledge base cannot be read at all
        message = "The knowledge base cannot be read; rlsdesk will not assess."
        where = error.filename or "the knowledge base"
        details = f"knowledge base: {where}: cannot be read ({error.strerror or error})"
    print(f"rlsdesk: {message}\n{details}\nReinstall rlsdesk.", file=sys.stderr)
    if interactive:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "rlsdesk", f"{message}\n\n{details}\n\nReinstall rlsdesk.")
    return None


def _build_window(
    kb: KnowledgeBase,
    ui_settings: UiSettings,
    drafts: bool,
    problem: str | None = None,
    dialogs: Dialogs | None = None,
) -> MainWindow:
    """The main window; with an unusable user folder (``problem``): no drafts, settings kept
    in memory, and a banner that says so."""
    from rlsdesk.paths import user_data_dir
    from rlsdesk.settings import load_settings, save_settings
    from rlsdesk.ui.drafts import DraftStore
    from rlsdesk.ui.main_window import MainWindow
    from rlsdesk.ui.recent import RecentFiles

    usable = problem is None
    store = DraftStore(user_data_dir() / "drafts") if drafts and usable else None
    window = MainWindow(
        kb,
        load_settings(),
        RecentFiles(ui_settings),
        store,
        dialogs=dialogs,
        store_settings=save_settings if usable else None,
    )
    if problem is not None:
        window.show_storage_problem(problem)
    return window


def _finish_start(
    app: QApplication,
    launch: LaunchWindow,
    ui_settings: UiSettings,
    case: Path | None,
    problem: str | None = None,
    dialogs: Dialogs | None = None,
    preload_delay_ms: int | None = PRELOAD_DELAY_MS,
) -> MainWindow | None:
    """From the event loop's first turn: load, build, replace the launch window.

    ``dialogs`` replaces the real dialogs (tests); ``preload_delay_ms=None`` skips the
    preload of the sheet code."""
    from PySide6.QtCore import QTimer

    from rlsdesk.ui.theme import apply_stylesheet

    _start_session()
    _set_icon(app)
    apply_stylesheet(app)
    kb = _knowledge_base(interactive=True)
    if kb is None:
        launch.close()
        app.exit(EXIT_KNOWLEDGE)
        return None
    from rlsdesk.ui.crash import install

    window = _build_window(kb, ui_settings, drafts=True, problem=problem, dialogs=dialogs)
    install(window.controller)  # from now on an unexpected error saves the draft and says so
    window.restoreGeometry(launch.saveGeometry())
    window.show()
    window.share_width()
    launch.close()
    launch.deleteLater()
    if problem is not None:
        window.dialogs.show_warning(STORAGE_TITLE, window.banner.text())
    if preload_delay_ms is not None:  # owned by the window: no preload once it is gone
        QTimer.singleShot(preload_delay_ms, window, _preload)
    window.controller.restore_drafts()
    if case is not None:
        window.open_path(case)
    window.controller.autosave()
    app.aboutToQuit.connect(lambda: ui_settings.setValue("geometry", window.saveGeometry()))
    return window


def _preload() -> None:
    """Load what Preview, Print and Export need while the code on disk is still ours."""
    from rlsdesk.installation import installation_changed, preload_code

    if installation_changed() is None:  # after an upgrade, loading would mix versions
        preload_code()


def _screenshot(window: MainWindow, out: Path, case: Path | None) -> int:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    from rlsdesk.domain.case import CaseInputError, load_case_bytes, read_case_file
    from rlsdesk.fileio import write_atomic

    if case is not None:
        try:
            load_case_bytes(read_case_file(case), window.kb)  # problems to stderr, not a dialog
        except OSError as error:
            print(f"rlsdesk: {case}: {error.strerror or error}", file=sys.stderr)
            return EXIT_INPUT
        except CaseInputError as error:
            for problem in error.problems:
                print(f"{case}: {problem}", file=sys.stderr)
            return EXIT_INPUT
        window.open_path(case)
    window.resize(*SCREENSHOT_SIZE)
    window.share_width()
    window.show()
    window.live.flush()
    window.panel.expand_first()
    QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.grab().save(buffer, "PNG")
    write_atomic(out, bytes(data.data()))  # owner-only, like every file rlsdesk writes
    window.hide()
    return EXIT_OK
