"""A running session notices that its installation was upgraded under it (PyInstaller reads
its archive again by path) and asks for a restart instead of failing silently."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rlsdesk import installation
from rlsdesk.installation import code_files, installation_changed, record_installation


@pytest.fixture(autouse=True)
def _forget_the_record() -> Iterator[None]:
    yield
    installation._recorded = None


def _installed(tmp_path: Path) -> Path:
    executable = tmp_path / "rlsdesk"
    executable.write_bytes(b"archive v1")
    return executable


def test_nothing_changed_means_no_message(tmp_path: Path) -> None:
    """Right after start-up, and while the files stay, there is nothing to say."""
    record_installation([_installed(tmp_path)])
    assert installation_changed() is None


def test_an_upgrade_replacing_the_executable_is_detected(tmp_path: Path) -> None:
    """dpkg's way: a new file renamed over the old one (same size, same time) is detected."""
    executable = _installed(tmp_path)
    record_installation([executable])
    before = executable.stat()
    replacement = tmp_path / "rlsdesk.dpkg-new"
    replacement.write_bytes(b"archive v2")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    replacement.replace(executable)
    message = installation_changed()
    assert message is not None
    assert "rlsdesk was replaced" in message
    assert "start it again" in message


def test_a_removed_installation_is_detected(tmp_path: Path) -> None:
    """apt remove under a running session: the message says the file was removed."""
    executable = _installed(tmp_path)
    record_installation([executable])
    executable.unlink()
    message = installation_changed()
    assert message is not None
    assert "removed" in message


def test_without_a_record_nothing_is_reported() -> None:
    """A process that never recorded its start (the command line) is never told to restart."""
    assert installation_changed() is None


def test_from_source_the_package_itself_is_watched() -> None:
    """Running from source, the identity is the rlsdesk package's own __init__.py."""
    (watched,) = code_files()
    assert watched.name == "__init__.py"
    assert watched.parent.name == "rlsdesk"


def _run_probe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upgrade: bool
) -> tuple[int, list[str]]:
    """Run the self-test's upgrade probe in a thread; 'upgrade' the watched file meanwhile."""
    import threading

    from rlsdesk import selftest

    executable = _installed(tmp_path)
    monkeypatch.setattr(installation, "code_files", lambda: [executable])
    folder = tmp_path / "probe"
    folder.mkdir()
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(selftest.upgrade_probe(folder, 60)))
    worker.start()
    for _ in range(300):
        if (folder / "ready").exists():
            break
        worker.join(0.1)
    if upgrade:
        replacement = tmp_path / "new"
        replacement.write_bytes(b"archive v2")
        replacement.replace(executable)
    (folder / "go").touch()
    worker.join(120)
    return result[0], sorted(p.name for p in folder.iterdir())


def test_the_upgrade_probe_reports_detection_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an 'upgrade' the probe prints the detection and still exports the sheet."""
    status, files = _run_probe(tmp_path, monkeypatch, upgrade=True)
    out = capsys.readouterr().out
    assert status == 0
    assert "detected: yes" in out
    assert "start it again" in out
    assert "export: ok" in out
    assert "after-upgrade.pdf" in files


def test_the_upgrade_probe_without_an_upgrade_detects_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without an upgrade the probe says so (the detection is not always on)."""
    status, _files = _run_probe(tmp_path, monkeypatch, upgrade=False)
    assert status == 0
    assert "detected: no" in capsys.readouterr().out


def test_preload_imports_everything_an_action_needs() -> None:
    """preload_code imports the sheet, print and export code, and every other rlsdesk module."""
    import sys

    from rlsdesk.installation import preload_code

    imported = preload_code()
    for needed in ("rlsdesk.report.sheet", "rlsdesk.report.command", "rlsdesk.cli"):
        assert needed in imported
        assert needed in sys.modules
    assert not [name for name in imported if name.endswith("__main__")]


def test_preload_skips_a_module_that_cannot_be_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module failing at import is logged and skipped: preloading never stops a session."""
    import importlib

    from rlsdesk.installation import preload_code

    real_import = importlib.import_module

    def failing(name: str) -> object:
        if name == "rlsdesk.note":
            raise ImportError("cannot import name 'X'")
        return real_import(name)

    monkeypatch.setattr(importlib, "import_module", failing)
    imported = preload_code()
    assert "rlsdesk.note" not in imported
    assert "rlsdesk.report.sheet" in imported
