"""Hostile inputs and output paths: only regular files are read, and `sheet -o` and
`audit --csv` refuse what they must not replace (exit 2 naming the path)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, lab, make_case
from rlsdesk.cli import main
from rlsdesk.fileio import (
    NotARegularFileError,
    OutputPathError,
    check_output_path,
    read_regular_file,
    write_atomic,
)

POSIX_ONLY = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
HANG_LIMIT = 60  # seconds; a refusal takes about one, a hang would take forever


def _case(tmp_path: Path, name: str = "case.json") -> Path:
    path = tmp_path / name
    case = make_case(presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    path.write_text(json.dumps(case), "utf-8")
    return path


def _rlsdesk(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "src"), environment.get("PYTHONPATH", "")]
    )
    return subprocess.run(
        [sys.executable, "-m", "rlsdesk.cli", *arguments],
        capture_output=True, text=True, timeout=HANG_LIMIT, cwd=cwd, env=environment,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


# --- reading ------------------------------------------------------------------------------


@POSIX_ONLY
def test_reading_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    """read_regular_file refuses a FIFO without waiting for a writer."""
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="FIFO"):
        read_regular_file(fifo, 100)


def test_reading_a_folder_is_refused(tmp_path: Path) -> None:
    """A folder given as a case is refused as 'not a file'."""
    with pytest.raises(OSError):  # noqa: PT011 - Windows says PermissionError, POSIX ours
        read_regular_file(tmp_path, 100)


def test_reading_stops_at_the_limit(tmp_path: Path) -> None:
    """At most `limit` bytes are read from a regular file."""
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 1000)
    assert read_regular_file(path, 10) == b"x" * 10
    assert read_regular_file(path, 5000) == b"x" * 1000


@POSIX_ONLY
@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ("check", "{fifo}"),
        ("sheet", "{fifo}", "-o", "out.pdf"),
        ("--screenshot", "s.png", "{fifo}"),
    ],
    ids=["check", "sheet", "screenshot"],
)
def test_a_fifo_case_is_refused_by_every_command(tmp_path: Path, command: tuple[str, ...]) -> None:
    """check, sheet and --screenshot given a FIFO exit 2 naming it instead of hanging."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = _rlsdesk(*(part.format(fifo=fifo) for part in command), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "pipe.json" in result.stderr
    assert "FIFO" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.pdf").exists()
    assert not (tmp_path / "s.png").exists()


# --- sheet -o ------------------------------------------------------------------------------


def _refused_sheet(
    tmp_path: Path, output: Path, capsys: pytest.CaptureFixture[str], case: Path | None = None
) -> str:
    case = case or _case(tmp_path)
    assert main(["sheet", str(case), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert str(output) in err
    assert "Traceback" not in err
    return err


def test_sheet_never_replaces_its_own_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sheet c.json -o c.json` is refused and the case stays the case."""
    case = _case(tmp_path)
    before = case.read_bytes()
    err = _refused_sheet(tmp_path, case, capsys, case)
    assert "input file" in err
    assert case.read_bytes() == before


def test_sheet_never_replaces_its_case_through_another_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hard link (or ./ spelling) of the case is still the case."""
    case = _case(tmp_path)
    alias = tmp_path / "alias.json"
    os.link(case, alias)
    _refused_sheet(tmp_path, alias, capsys, case)
    assert json.loads(case.read_text("utf-8"))["format"] == "rlsdesk-case/1"


def test_sheet_refuses_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing folder as output is refused, and stays a folder."""
    folder = tmp_path / "out.pdf"
    folder.mkdir()
    assert "folder" in _refused_sheet(tmp_path, folder, capsys)
    assert folder.is_dir()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_sheet_refuses_a_symbolic_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink is refused: neither the link nor its target is replaced."""
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", "utf-8")
    link = tmp_path / "out.pdf"
    link.symlink_to(target)
    assert "symbolic link" in _refused_sheet(tmp_path, link, capsys)
    assert link.is_symlink()
    assert target.read_text("utf-8") == "keep me"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_sheet_refuses_a_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A device node (/dev/null) is refused and left alone."""
    assert "device" in _refused_sheet(tmp_path, Path("/dev/null"), capsys)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_sheet_honours_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file without write permission is not replaced, even by root."""
    locked = tmp_path / "out.pdf"
    locked.write_bytes(b"an earlier sheet")
    locked.chmod(0o444)
    assert "read-only" in _refused_sheet(tmp_path, locked, capsys)
    assert locked.read_bytes() == b"an earlier sheet"


def test_sheet_refuses_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An output in a folder that does not exist is exit 2 naming the path."""
    assert "does not exist" in _refused_sheet(tmp_path, tmp_path / "no" / "out.pdf", capsys)


def test_sheet_replaces_an_ordinary_writable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier sheet at the output path is simply replaced (the refusals are the exceptions)."""
    output = tmp_path / "out.pdf"
    output.write_bytes(b"old")
    assert main(["sheet", str(_case(tmp_path)), "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF-")
    capsys.readouterr()


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


def test_a_name_at_the_file_system_limit_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 255-byte name is written; one byte more is exit 2 naming the path, no traceback."""
    limit = _name_max(tmp_path)
    longest = tmp_path / ("s" * (limit - 4) + ".pdf")
    assert main(["sheet", str(_case(tmp_path)), "-o", str(longest)]) == 0
    assert longest.read_bytes().startswith(b"%PDF-")
    capsys.readouterr()
    too_long = tmp_path / ("s" * (limit - 3) + ".pdf")
    _refused_sheet(tmp_path, too_long, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["case.json", longest.name])


def test_the_temporary_name_is_never_longer_than_the_final_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_atomic's temporary name is no longer than the final name (or 16 bytes), and
    does not reveal it (a sheet's name may be the patient's)."""
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, target: str) -> None:
        seen.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    for length in (1, 15, 16, 17, 100, 255):
        write_atomic(tmp_path / ("n" * length), b"data")
        assert len(seen[-1]) <= max(length, 16), (length, seen[-1])
        assert "nnnn" not in seen[-1]


def test_check_output_path_accepts_a_new_file(tmp_path: Path) -> None:
    """A new file in a writable folder passes the check."""
    check_output_path(tmp_path / "new.pdf", protect=[tmp_path / "case.json"])


def test_check_output_path_names_the_path(tmp_path: Path) -> None:
    """The refusal's message starts with the path."""
    with pytest.raises(OutputPathError) as refusal:
        check_output_path(tmp_path)
    assert str(refusal.value).startswith(str(tmp_path))


# --- audit --csv ---------------------------------------------------------------------------


def test_audit_csv_to_a_missing_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --csv missing/x.csv` is exit 2 naming the path."""
    target = tmp_path / "missing" / "x.csv"
    assert main(["audit", "--csv", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err
    assert "Traceback" not in err


def test_audit_csv_to_a_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --csv FOLDER` is exit 2 naming the folder, which is left alone."""
    assert main(["audit", "--csv", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
    assert tmp_path.is_dir()


# --- terminal safety ---------------------------------------------------------------------


def test_check_summary_escapes_control_characters_in_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name with ESC sequences or a newline cannot clear the terminal or forge a line."""
    case = make_case(
        patient={"name": "Eve\x1b[2J\x1b[HMallory", "identifier": "ID\rFORGED"},
        medications=[{"name": "Zoloft\nALERTS none"}],
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), "utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\r" not in out
    assert "\\x1b[2J" in out
    assert "Zoloft\\nALERTS none" in out
    assert not any(line.startswith("ALERTS none") for line in out.splitlines())


def test_the_note_format_escapes_control_characters_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --format note` cannot carry a terminal escape sequence from a name either."""
    case = make_case(patient={"name": "Eve\x1b]0;pwned\x07Mallory", "identifier": "ID-1"})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), "utf-8")
    assert main(["check", str(path), "--format", "note"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
