"""Patient data on disk: owner-only files and folders, and no temporary files left behind.

Every writer is run under umask 000, so owner-only permissions come from rlsdesk itself and
not from a careful umask. Temporary files must go away when a write fails, too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import make_case, run
from rlsdesk.audit import record_sheet
from rlsdesk.cli import main
from rlsdesk.fileio import write_atomic, write_text_atomic
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import user_data_dir
from rlsdesk.settings import Settings, load_settings, save_settings

HAS_SHEET = importlib.util.find_spec("rlsdesk.report.command") is not None
NO_SHEET = "rlsdesk sheet is not built yet (src/rlsdesk/report/command.py does not exist)"
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Everything created is world-readable unless the writer itself restricts it."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _temp_files(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(".tmp")]


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_user_data_folder_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user data folder is created 0700, and an existing looser one is tightened."""
    monkeypatch.setenv("RLSDESK_HOME", str(tmp_path / "new" / "home"))
    assert mode(user_data_dir()) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    monkeypatch.setenv("RLSDESK_HOME", str(loose))
    assert user_data_dir() == loose
    assert mode(loose) == 0o700


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_atomic_write_is_owner_only(tmp_path: Path) -> None:
    """A written case file is 0600, also when it replaces a world-readable file."""
    target = tmp_path / "case.json"
    write_text_atomic(target, "{}")
    assert mode(target) == 0o600
    target.chmod(0o644)
    write_atomic(target, b"{ }")
    assert mode(target) == 0o600
    assert target.read_bytes() == b"{ }"


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_settings_file_is_owner_only() -> None:
    """settings.json (clinic and clinician) is 0600 in the 0700 user data folder."""
    save_settings(Settings(clinician="Dr Owner"))
    path = user_data_dir() / "settings.json"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert load_settings().clinician == "Dr Owner"


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_audit_database_is_owner_only(kb: KnowledgeBase) -> None:
    """The audit database is created 0600 and nothing beside it is readable by others."""
    assert record_sheet(run(kb), b"%PDF", "print", "Dr A") is None
    folder = user_data_dir()
    assert mode(folder / "audit.sqlite3") == 0o600
    loose = [path.name for path in folder.iterdir() if mode(path) & 0o077]
    assert loose == []


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_audit_export_is_owner_only(
    tmp_path: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit --csv FILE` writes the export 0600."""
    record_sheet(run(kb), b"%PDF", "print", "Dr A")
    assert main(["audit", "--csv", str(tmp_path / "log.csv")]) == 0
    assert mode(tmp_path / "log.csv") == 0o600


@POSIX_ONLY
@pytest.mark.usefixtures("open_umask")
def test_log_is_owner_only() -> None:
    """The diagnostic log folder is 0700 and its file 0600."""
    import logging

    from rlsdesk.logs import configure_logging, stop_logging

    try:
        path = configure_logging()
        logging.getLogger("rlsdesk").warning("hello")
    finally:
        stop_logging()
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600


@POSIX_ONLY
@pytest.mark.skipif(
    importlib.util.find_spec("rlsdesk.ui.drafts") is None,
    reason="the GUI's drafts (src/rlsdesk/ui/drafts.py) are not built yet",
)
@pytest.mark.usefixtures("open_umask")
def test_drafts_are_owner_only() -> None:
    """An autosaved draft (what was typed, name included) is 0600 in a 0700 folder."""
    from rlsdesk.session.formstate import FormState
    from rlsdesk.ui.drafts import DraftStore

    store = DraftStore(user_data_dir() / "drafts")
    store.save(FormState(name="Draft Patient", identifier="D-1"), None)
    try:
        assert mode(store.folder) == 0o700
        drafts = list(store.folder.glob("session-*.json"))
        assert drafts
        assert all(mode(draft) == 0o600 for draft in drafts)
    finally:
        store.discard()


@POSIX_ONLY
@pytest.mark.skipif(not HAS_SHEET, reason=NO_SHEET)
@pytest.mark.usefixtures("open_umask")
def test_exported_sheet_is_owner_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The PDF `rlsdesk sheet` writes (it names the patient) is 0600."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), "utf-8")
    assert main(["sheet", str(case), "-o", str(tmp_path / "sheet.pdf")]) == 0
    assert mode(tmp_path / "sheet.pdf") == 0o600


# --- temporary files, also after errors ------------------------------------------------------


def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writing fails (disk full at fsync), the old file is untouched and no temp remains."""
    target = tmp_path / "case.json"
    write_atomic(target, b"old")

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new" * 1000)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert _temp_files(tmp_path) == []


def test_interrupted_write_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C during the final rename still removes the temporary file."""
    target = tmp_path / "case.json"

    def interrupted(source: str, destination: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"data")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_write_into_a_folder_path_fails_cleanly(tmp_path: Path) -> None:
    """Writing over a folder fails, leaves the folder alone and no temporary file."""
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises((IsADirectoryError, PermissionError)):
        write_atomic(target, b"data")
    assert target.is_dir()
    assert _temp_files(tmp_path) == []


@pytest.mark.skipif(not HAS_SHEET, reason=NO_SHEET)
def test_sheet_build_failure_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If building the PDF fails, `rlsdesk sheet` writes no file, no temp, and no audit row."""
    from rlsdesk.report import sheet

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(sheet, "render", broken)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["sheet", str(case), "-o", str(out / "sheet.pdf")]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert list(out.iterdir()) == []
    assert not (user_data_dir() / "audit.sqlite3").exists()


@pytest.mark.skipif(not HAS_SHEET, reason=NO_SHEET)
def test_sheet_write_failure_is_reported_and_leaves_no_temp(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the PDF cannot be written (the name is a folder), exit 2, no temp file remains."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), "utf-8")
    (tmp_path / "sheet.pdf").mkdir()
    assert main(["sheet", str(case), "-o", str(tmp_path / "sheet.pdf")]) == 2
    assert f"{tmp_path / 'sheet.pdf'}: is a folder" in capsys.readouterr().err
    assert _temp_files(tmp_path) == []
