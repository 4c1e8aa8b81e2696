"""rlsdesk works with no network and never tries to use one: `check`, `sheet` and a GUI session.

Each runs in a subprocess with tests/offline_guard.py installed (every socket, connection and
host-name lookup from Python refused and recorded) and, where strace is available, under
strace, which also sees sockets opened by C and C++ code (Qt's own network stack). The GUI
session may use local AF_UNIX sockets (they cannot leave the machine); the CLI uses none.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
VALID_CASE = TESTS / "corpus" / "valid.json"
STRACE = shutil.which("strace")
HAS_SHEET = importlib.util.find_spec("rlsdesk.report.command") is not None
HAS_GUI = importlib.util.find_spec("rlsdesk.ui.main_window") is not None
# System calls that create, address or name a network endpoint.
TRACED = "trace=socket,connect,bind,sendto,sendmsg"
LOCAL_FAMILIES = ("AF_UNIX", "AF_LOCAL")
FAMILY = re.compile(r"\b(?:socket\(|sa_family=)(AF_[A-Z0-9]+)")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class OfflineRun:
    code: int
    out: str
    err: str
    attempts: list[str]  # recorded by the Python guard
    families: list[str] | None  # address families in traced system calls; None without strace


def run_offline(body: str, tmp_path: Path, *, allow_unix: bool = False) -> OfflineRun:
    """Run ``body`` (Python) in a fresh interpreter with the guard installed first."""
    report = tmp_path / "guard.json"
    trace = tmp_path / "strace.txt"
    script = (
        "import offline_guard\n"
        f"offline_guard.install(allow_unix={allow_unix})\n" + textwrap.dedent(body)
    )
    command = [sys.executable, "-c", script]
    if STRACE:
        command = [STRACE, "-f", "-qq", "-e", TRACED, "-o", str(trace), *command]
    environment = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        OFFLINE_GUARD_REPORT=str(report),
        QT_QPA_PLATFORM="offscreen",
        # A proxy setting must not tempt anything into the network either.
        http_proxy="http://192.0.2.1:9", https_proxy="http://192.0.2.1:9",
    )  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=180)
    attempts = json.loads(report.read_text("utf-8"))["attempts"] if report.exists() else ["?"]
    families = FAMILY.findall(trace.read_text("utf-8", "replace")) if STRACE else None
    return OfflineRun(done.returncode, done.stdout, done.stderr, attempts, families)


def assert_offline(result: OfflineRun, *, allow_unix: bool = False) -> None:
    assert result.code == 0, result.err[-3000:]
    assert "Traceback" not in result.err, result.err[-3000:]
    assert result.attempts == [], f"network attempts: {result.attempts}"
    if result.families is not None:
        allowed = LOCAL_FAMILIES if allow_unix else ()
        network = sorted({family for family in result.families if family not in allowed})
        assert network == [], f"system calls on {network} sockets"


def test_guard_catches_and_records_network_use(tmp_path: Path) -> None:
    """The guard is not vacuous: each network attempt, even a swallowed one, is refused and
    recorded."""
    result = run_offline(
        """
        import socket, urllib.request
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
                        lambda: urllib.request.urlopen("http://example.org", timeout=1),
                        lambda: socket.getaddrinfo("example.org", 443),
                        lambda: socket.socket(socket.AF_INET6)):
            try:
                attempt()
            except OSError:
                pass  # swallowed, as careless code would
        """,
        tmp_path,
    )
    assert result.code == 0, result.err
    assert len(result.attempts) >= 4, result.attempts
    assert any("getaddrinfo" in attempt for attempt in result.attempts)


@pytest.mark.skipif(STRACE is None, reason="strace is not installed: only the Python guard runs")
def test_system_call_trace_sees_sockets_from_c_code(tmp_path: Path) -> None:
    """The strace layer is not vacuous: a socket made below Python's socket module is seen."""
    result = run_offline("import _socket\n_socket.socket(_socket.AF_INET).close()\n", tmp_path)
    assert result.attempts == []  # invisible to the Python guard...
    assert result.families is not None
    assert "AF_INET" in result.families


def test_check_runs_offline(tmp_path: Path) -> None:
    """`rlsdesk check` (text and JSON) opens no socket of any kind."""
    result = run_offline(
        f"""
        import sys
        from rlsdesk.cli import main
        assert main(["check", {str(VALID_CASE)!r}]) == 0
        assert main(["check", {str(VALID_CASE)!r}, "--json"]) == 0
        assert main(["kb", "check"]) == 0
        """,
        tmp_path,
    )
    assert_offline(result)
    assert "rlsdesk-assessment/1" in result.out


@pytest.mark.skipif(not HAS_SHEET, reason="rlsdesk sheet is not built yet (report/command.py)")
def test_sheet_runs_offline(tmp_path: Path) -> None:
    """`rlsdesk sheet` (with the handout) and `rlsdesk audit` open no socket of any kind."""
    output = tmp_path / "sheet.pdf"
    result = run_offline(
        f"""
        from rlsdesk.cli import main
        assert main(["sheet", {str(VALID_CASE)!r}, "-o", {str(output)!r}, "--handout"]) == 0
        assert main(["audit", "--csv", "-"]) == 0
        """,
        tmp_path,
    )
    assert_offline(result)
    assert output.read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(not HAS_GUI, reason="the GUI is not built yet (src/rlsdesk/ui/main_window.py)")
def test_gui_session_runs_offline(tmp_path: Path) -> None:
    """A GUI session (main window, a case opened, live assessment, sheet preview) makes no
    network attempt; only local AF_UNIX sockets are allowed."""
    result = run_offline(
        f"""
        import json, sys
        from pathlib import Path
        import offline_guard
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        from rlsdesk.knowledge import load_knowledge_base
        from rlsdesk.paths import user_data_dir
        from rlsdesk.settings import load_settings, save_settings
        from rlsdesk.ui.drafts import DraftStore
        from rlsdesk.ui.main_window import MainWindow
        from rlsdesk.ui.recent import RecentFiles

        app = QApplication(["rlsdesk"])
        home = user_data_dir()
        recent = RecentFiles(QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat))
        window = MainWindow(load_knowledge_base(), load_settings(), recent,
                            DraftStore(home / "drafts"), store_settings=save_settings)
        window.show()
        assert window.open_path(Path({str(VALID_CASE)!r}))
        window.live.flush()
        window.preview_action.trigger()
        app.processEvents()
        assert window.preview is not None and window.preview.page_count() >= 1
        print("open sockets:", json.dumps(offline_guard.open_inet_sockets()))
        window.close()
        app.processEvents()
        """,
        tmp_path,
        allow_unix=True,
    )
    assert_offline(result, allow_unix=True)
    assert "open sockets: []" in result.out or "open sockets: null" in result.out, result.out
