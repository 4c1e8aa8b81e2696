"""Nothing lost, nothing silent: the exception hook, files the app writes, files it opens,
and the Help menu (About with versions and licences, the offline help page)."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk import __version__
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.logs import configure_logging, log_path, stop_logging
from rlsdesk.paths import user_data_dir
from rlsdesk.ui import sheet_flow
from rlsdesk.ui.about import about_html, licence_files
from rlsdesk.ui.crash import CrashHandler
from ui_helpers import ScriptedDialogs, make_window, type_text, write_case

PLAIN = make_case(
    patient={"name": "Zelda Quartermain", "identifier": "ZQ-77", "age_years": 50, "sex": "female"},
    presentation={"rls": True, "leg_cramps": False},
    labs=[lab("ferritin", 38, "ng/mL")],
)
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and FIFOs")


def _draft_text() -> str:
    return "".join(p.read_text("utf-8") for p in (user_data_dir() / "drafts").glob("*.json"))


@pytest.fixture
def diagnostic_log() -> Path:
    path = configure_logging()
    yield path
    stop_logging()


def test_crash_handler_saves_the_draft_logs_redacted_and_tells(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, diagnostic_log: Path
) -> None:
    """An unexpected error: the draft is saved, the log has the traceback without the name,
    and the clinician is told what happened and where the log is."""
    window, dialogs = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", PLAIN))
    type_text(qtbot, window.form.patient.weight, "61")
    handler = CrashHandler(window.controller)
    try:
        raise RuntimeError("export failed for Zelda Quartermain")
    except RuntimeError as error:
        handler(type(error), error, error.__traceback__)
    assert '"weight": "61"' in _draft_text()
    logged = log_path().read_text("utf-8")
    assert "RuntimeError" in logged
    assert "Traceback" in logged
    assert "Quartermain" not in logged
    assert "[redacted]" in logged
    title, lines = dialogs.problems[-1]
    assert title == "rlsdesk met an internal error"
    assert "Your work was saved as a draft." in lines
    assert any(str(log_path()) in line for line in lines)


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_a_menu_command_reaches_the_handler(
    qtbot: QtBot,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    diagnostic_log: Path,
) -> None:
    """An exception raised while previewing goes to the hook: a dialog, not a stray traceback."""
    window, dialogs = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", PLAIN))
    handler = CrashHandler(window.controller)
    monkeypatch.setattr(sys, "excepthook", handler)

    def broken(*_args: object) -> bytes:
        raise ValueError("the sheet could not be built")

    monkeypatch.setattr(sheet_flow, "_build", broken)
    window.preview_action.trigger()
    assert handler.count == 1
    assert dialogs.problems[-1][0] == "rlsdesk met an internal error"
    assert "ValueError: the sheet could not be built" in log_path().read_text("utf-8")


@POSIX_ONLY
def test_printing_to_a_pdf_file_is_atomic_and_owner_only(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A sheet printed to a file is written like every other file: 0600, no debris left."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "printed.pdf"
    out.write_bytes(b"old")
    out.chmod(0o644)
    window, _ = make_window(qtbot, kb, ScriptedDialogs(printer_file=out))
    assert window.controller.open_case(write_case(tmp_path / "case.json", PLAIN))
    assert window.sheets.print_sheet()
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["printed.pdf"]


@POSIX_ONLY
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_opening_a_device_or_pipe_is_refused_at_once(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, kind: str
) -> None:
    """/dev/zero and a named pipe are refused within a second, with the case on screen kept."""
    window, dialogs = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", PLAIN))
    if kind == "fifo":
        target = tmp_path / "pipe.json"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    started = time.monotonic()
    assert not window.controller.open_case(target)
    assert time.monotonic() - started < 1.0
    title, lines = dialogs.problems[-1]
    assert target.name in title
    assert "not a file" in lines[0]
    assert window.form.patient.name.text() == "Zelda Quartermain"


def test_about_names_version_knowledge_base_and_licences(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Help > About asks for the About box, which names versions, the hash and licence texts."""
    window, dialogs = make_window(qtbot, kb)
    window.about_action.trigger()
    assert dialogs.asked[-1] == "about"
    text = about_html(kb)
    assert f"rlsdesk {__version__}" in text
    assert kb.version in text
    assert kb.sha256 in text
    files = licence_files()
    assert files
    for path in files:
        assert path.name in text
    assert "Bitstream" in text or "notices" in files[0].name.lower()


def test_help_page_opens_offline_with_the_menus_shortcuts(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """F1 opens the help page: decisions, tiers, schedule, and the menus' own shortcuts."""
    window, _ = make_window(qtbot, kb)
    window.help_action.trigger()
    help_window = window.help_window
    assert help_window is not None
    assert help_window.isVisible()
    text = help_window.browser.toPlainText()
    for heading in ("Reading a decision", "How alerts are shown", "The daily schedule"):
        assert heading in text
    for command, keys in window.shortcut_list():
        assert command in text
        assert keys in text
    assert "http" not in help_window.browser.toHtml().replace("http://www.w3.org", "")
    assert not help_window.browser.openExternalLinks()
    with qtbot.waitActive(help_window):
        help_window.activateWindow()
    qtbot.keyClick(help_window.browser, Qt.Key.Key_Escape)
    assert not help_window.isVisible()
