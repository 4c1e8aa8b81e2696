"""An unusable per-user folder or an unreadable knowledge base never gives a traceback:
`check` and `sheet` still work (diagnostic log on standard error, a one-line warning),
the app can ask what is wrong, and an unreadable knowledge-base file is exit 3."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT, lab, make_case
from rlsdesk.cli import main
from rlsdesk.logs import stop_logging
from rlsdesk.paths import HOME_ENV, KNOWLEDGE_ENV, UserDataError, user_data_dir, user_data_problem
from rlsdesk.settings import Settings, load_settings

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="owners and modes are POSIX")


@pytest.fixture(autouse=True)
def _no_file_handler_left() -> Iterator[None]:
    yield
    stop_logging()


def _case(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    case = make_case(presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    path.write_text(json.dumps(case), "utf-8")
    return path


def _home_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home-file"
    home.write_text("not a folder", "utf-8")
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


def _home_of_another_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    home = tmp_path / "home-other"
    home.mkdir()
    home.chmod(0o755)
    os.chown(home, 65534, 65534)  # nobody
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


def test_a_usable_folder_has_no_problem() -> None:
    """The test's own RLSDESK_HOME is usable: no problem reported."""
    assert user_data_problem() is None


def test_a_file_instead_of_the_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RLSDESK_HOME naming a file: the problem says where and what."""
    home = _home_is_a_file(tmp_path, monkeypatch)
    problem = user_data_problem()
    assert problem is not None
    assert str(home) in problem
    assert "is a file" in problem
    with pytest.raises(UserDataError):
        user_data_dir()


@POSIX_ONLY
def test_another_users_folder_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder owned by someone else is reported, and its mode is not changed."""
    home = _home_of_another_user(tmp_path, monkeypatch)
    problem = user_data_problem()
    assert problem is not None
    assert "another user" in problem
    assert str(home) in problem
    assert home.stat().st_mode & 0o777 == 0o755


@POSIX_ONLY
def test_a_folder_inside_a_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that cannot be created (its parent is a file) is reported, not raised."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv(HOME_ENV, str(blocker / "rlsdesk"))
    problem = user_data_problem()
    assert problem is not None
    assert "cannot be created" in problem


def test_settings_fall_back_to_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_settings gives the defaults when the folder is unusable."""
    _home_is_a_file(tmp_path, monkeypatch)
    assert load_settings() == Settings()


@pytest.mark.parametrize("broken", ["a file", "another user"])
def test_check_and_sheet_work_with_an_unusable_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    broken: str,
) -> None:
    """check and sheet succeed, warn in one line naming the folder, and log to stderr."""
    if broken == "a file":
        home = _home_is_a_file(tmp_path, monkeypatch)
    else:
        home = _home_of_another_user(tmp_path, monkeypatch)
    case = _case(tmp_path)
    assert main(["check", str(case)]) == 0
    captured = capsys.readouterr()
    assert "RECOMMEND" in captured.out
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert str(home) in warnings[0]
    assert "Traceback" not in captured.err
    logging.getLogger("rlsdesk.test").warning("a diagnostic record")
    assert "a diagnostic record" in capsys.readouterr().err

    output = tmp_path / "sheet.pdf"
    assert main(["sheet", str(case), "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF-")
    err = capsys.readouterr().err
    assert "not recorded in the audit log" in err
    assert "Traceback" not in err
    if broken == "another user":
        assert list(home.iterdir()) == []  # nothing written into someone else's folder


def _knowledge_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", copy)
    monkeypatch.setenv(KNOWLEDGE_ENV, str(copy))
    return copy


def test_an_unreadable_knowledge_file_is_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A knowledge file that cannot be read (here a folder in its place) is exit 3, named."""
    copy = _knowledge_copy(tmp_path, monkeypatch)
    (copy / "drugs.toml").unlink()
    (copy / "drugs.toml").mkdir()
    assert main(["check", str(_case(tmp_path))]) == 3
    err = capsys.readouterr().err
    assert "drugs.toml" in err
    assert "Traceback" not in err
    assert "internal error" not in err


@POSIX_ONLY
def test_a_knowledge_file_without_read_permission_is_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """chmod 000 on a knowledge file is exit 3 (skipped as root, who reads it anyway)."""
    if os.geteuid() == 0:
        pytest.skip("root reads a file without read permission")
    copy = _knowledge_copy(tmp_path, monkeypatch)
    (copy / "drugs.toml").chmod(0)
    assert main(["kb", "check"]) == 3
    assert "drugs.toml" in capsys.readouterr().err


def test_kb_check_writes_a_report_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kb check --report FILE` (no console on Windows) writes what it prints and the status."""
    report = tmp_path / "kb.txt"
    assert main(["kb", "check", "--report", str(report)]) == 0
    text = report.read_text("utf-8")
    assert "sha256: " in text
    assert text.endswith("exit status: 0\n")
    assert "sha256: " in capsys.readouterr().out


def test_kb_check_report_holds_the_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged knowledge base: exit 3 and the report names the damaged file."""
    copy = _knowledge_copy(tmp_path, monkeypatch)
    with (copy / "drugs.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n# edited\n")
    report = tmp_path / "kb.txt"
    assert main(["kb", "check", "--report", str(report)]) == 3
    text = report.read_text("utf-8")
    assert "drugs.toml" in text
    assert text.endswith("exit status: 3\n")
    capsys.readouterr()


def test_kb_check_report_to_a_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report path that is a folder is refused before anything runs."""
    assert main(["kb", "check", "--report", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err


def test_audit_with_an_unusable_folder_says_where_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit` cannot list a log it cannot open: exit 1 naming the folder."""
    home = _home_is_a_file(tmp_path, monkeypatch)
    assert main(["audit"]) == 1
    err = capsys.readouterr().err
    assert f"cannot open the audit log: the rlsdesk user data folder {home}" in err
    assert "internal error" not in err
