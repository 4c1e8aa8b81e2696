"""The desktop app in a deployment that went wrong: upgraded under the running session, or
started with an unusable per-user folder, or with an unreadable knowledge base."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import make_case
from rlsdesk import app, installation
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.logs import stop_logging
from rlsdesk.paths import user_data_problem
from rlsdesk.settings import Settings
from rlsdesk.ui.launch import LaunchWindow
from rlsdesk.ui.main_window import MainWindow
from ui_helpers import ScriptedDialogs, make_window, write_case

CASE = make_case(patient={"name": "Upgrade Patient", "identifier": "U-1", "age_years": 50})
UPGRADED = "rlsdesk was upgraded while it was open (test). Restart rlsdesk."


def _preview(window: MainWindow) -> None:
    window.preview_action.trigger()


def _print(window: MainWindow) -> None:
    window.print_action.trigger()


def _export(window: MainWindow) -> None:
    window.export_action.trigger()


SHEET_ACTIONS = [
    pytest.param(_preview, id="preview"),
    pytest.param(_print, id="print"),
    pytest.param(_export, id="export"),
]


def _opened(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> tuple[MainWindow, ScriptedDialogs]:
    dialogs = ScriptedDialogs(
        export_paths=[tmp_path / "sheet.pdf"], printer_file=tmp_path / "printed.pdf"
    )
    window, _ = make_window(qtbot, kb, dialogs)
    assert window.open_path(write_case(tmp_path / "case.json", CASE))
    return window, dialogs


@pytest.mark.parametrize("act", SHEET_ACTIONS)
def test_sheet_action_after_an_upgrade_asks_for_a_restart_and_writes_nothing(
    qtbot: QtBot,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    act: Callable[[MainWindow], None],
) -> None:
    """After an upgrade Preview, Print and Export say "restart" and produce no sheet."""
    monkeypatch.setattr(installation, "installation_changed", lambda: UPGRADED)
    window, dialogs = _opened(qtbot, kb, tmp_path)
    window.form.patient.weight.setText("70")  # typed but not saved: must survive
    act(window)
    assert dialogs.warnings == [UPGRADED]
    assert "export" not in dialogs.asked
    assert "print" not in dialogs.asked
    assert not dialogs.acknowledge_requests
    assert not (tmp_path / "sheet.pdf").exists()
    assert not (tmp_path / "printed.pdf").exists()
    assert window.preview is None
    assert window.form.patient.weight.text() == "70"
    assert window.form.state().name == "Upgrade Patient"


def test_replaced_installed_file_blocks_export_with_the_restart_message(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code file replaced after start (a real upgrade) stops Export with the restart text."""
    monkeypatch.setattr(installation, "_recorded", None)  # restored after the test
    code = tmp_path / "rlsdesk-executable"
    code.write_bytes(b"version 1")
    installation.record_installation([code])
    window, dialogs = _opened(qtbot, kb, tmp_path)
    replacement = tmp_path / "new-executable"
    replacement.write_bytes(b"version 2, longer")
    replacement.replace(code)
    window.export_action.trigger()
    assert len(dialogs.warnings) == 1
    assert "rlsdesk-executable was replaced" in dialogs.warnings[0]
    assert "start it again" in dialogs.warnings[0]
    assert not (tmp_path / "sheet.pdf").exists()


def test_unchanged_installation_still_exports(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the installation as it was at start, Export writes the sheet as before."""
    monkeypatch.setattr(installation, "_recorded", None)
    code = tmp_path / "rlsdesk-executable"
    code.write_bytes(b"version 1")
    installation.record_installation([code])
    window, dialogs = _opened(qtbot, kb, tmp_path)
    window.export_action.trigger()
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert dialogs.warnings == []


@pytest.fixture
def start_app(
    qtbot: QtBot, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., tuple[MainWindow, ScriptedDialogs]]]:
    """Runs the app's real start-up (``_finish_start``) with scripted dialogs, and undoes
    what it changes for the whole process (exception hook, log handler, stylesheet)."""
    from PySide6.QtWidgets import QApplication

    assert isinstance(qapp, QApplication)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(installation, "_recorded", None)
    stylesheet = qapp.styleSheet()

    def start(
        dialogs: ScriptedDialogs | None = None, preload_delay_ms: int | None = None
    ) -> tuple[MainWindow, ScriptedDialogs]:
        dialogs = dialogs or ScriptedDialogs()
        problem = user_data_problem()
        window = app._finish_start(
            qapp,
            LaunchWindow(),
            app._ui_settings(problem),
            None,
            problem,
            dialogs=dialogs,
            preload_delay_ms=preload_delay_ms,
        )
        assert window is not None
        qtbot.addWidget(window)
        return window, dialogs

    yield start
    stop_logging()
    qapp.setStyleSheet(stylesheet)


def test_user_folder_that_is_a_file_still_opens_the_window_and_says_why(
    start_app: Callable[..., tuple[MainWindow, ScriptedDialogs]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """RLSDESK_HOME a regular file: the window opens, names the problem and where, no traceback."""
    home = tmp_path / "not-a-folder"
    home.write_text("a file\n", "utf-8")
    monkeypatch.setenv("RLSDESK_HOME", str(home))
    window, dialogs = start_app()
    assert window.isVisible()
    banner = window.banner.text()
    assert window.banner.isVisible()
    assert str(home) in banner
    assert "is a file, not a folder" in banner
    assert "will not be saved" in banner
    assert dialogs.warnings == [banner]  # said once in a dialog too
    assert window.controller.drafts is None  # no autosave into a folder that cannot hold it
    assert home.read_text("utf-8") == "a file\n"
    assert "Traceback" not in capfd.readouterr().err


def test_unusable_user_folder_keeps_settings_in_memory_and_still_exports(
    start_app: Callable[..., tuple[MainWindow, ScriptedDialogs]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a user folder the clinician's settings last the session and Export still works."""
    home = tmp_path / "not-a-folder"
    home.write_text("", "utf-8")
    monkeypatch.setenv("RLSDESK_HOME", str(home))
    window, dialogs = start_app(
        ScriptedDialogs(settings=Settings(clinician="Dr Rowe"), export_paths=[tmp_path / "out.pdf"])
    )
    window.edit_settings()
    assert window.settings.clinician == "Dr Rowe"
    assert window.open_path(write_case(tmp_path / "case.json", CASE))
    assert window.controller.recent.paths() == [(tmp_path / "case.json").resolve()]
    window.export_action.trigger()
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert any("not recorded in the audit log" in warning for warning in dialogs.warnings)
    assert home.read_text("utf-8") == ""


def test_preload_runs_once_after_the_window_is_shown(
    start_app: Callable[..., tuple[MainWindow, ScriptedDialogs]],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shortly after start the sheet code is preloaded, quietly, once."""
    calls: list[int] = []
    real = installation.preload_code

    def counted() -> list[str]:
        calls.append(1)
        return real()

    monkeypatch.setattr(installation, "preload_code", counted)
    window, _ = start_app(preload_delay_ms=0)
    assert calls == []  # not before the first paint
    qtbot.waitUntil(lambda: calls == [1], timeout=30_000)
    qtbot.wait(50)
    assert calls == [1]
    assert window.isVisible()


def test_preload_is_skipped_after_an_upgrade(
    start_app: Callable[..., tuple[MainWindow, ScriptedDialogs]],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Code replaced before the preload is not loaded (versions would mix); Export will ask."""
    calls: list[int] = []
    monkeypatch.setattr(installation, "preload_code", lambda: calls.append(1) or [])
    monkeypatch.setattr(installation, "installation_changed", lambda: UPGRADED)
    window, dialogs = start_app(preload_delay_ms=0)
    qtbot.wait(100)
    assert calls == []
    window.export_action.trigger()
    assert dialogs.warnings == [UPGRADED]


def test_unreadable_knowledge_base_file_is_a_clear_message_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A knowledge-base file that cannot be read names the file and stops with exit code 3."""
    import rlsdesk.knowledge

    def unreadable() -> KnowledgeBase:
        raise PermissionError(13, "Permission denied", "/opt/rlsdesk/knowledge/drugs.toml")

    monkeypatch.setattr(rlsdesk.knowledge, "load_knowledge_base", unreadable)
    assert app._knowledge_base(interactive=False) is None
    err = capsys.readouterr().err
    assert "/opt/rlsdesk/knowledge/drugs.toml: cannot be read (Permission denied)" in err
    assert "Traceback" not in err
    assert app.EXIT_KNOWLEDGE == 3


def test_screenshot_with_a_user_folder_that_is_a_file_works_and_warns(tmp_path: Path) -> None:
    """`rlsdesk --screenshot` with RLSDESK_HOME a file: a picture, one warning line, exit 0."""
    home = tmp_path / "home-file"
    home.write_text("", "utf-8")
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RLSDESK_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "rlsdesk.cli", "--screenshot", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert result.stderr.strip().splitlines() == [
        f"rlsdesk: warning: the rlsdesk user data folder {home} is a file, not a folder"
    ]
