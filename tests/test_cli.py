"""The rlsdesk command line: output formats, exit statuses, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import lab, make_case
from rlsdesk.cli import main


def write(tmp_path: Path, case: object) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), "utf-8")
    return path


def test_check_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary names the decisions, alerts and tests to order."""
    case = make_case(
        presentation={"rls": True},
        labs=[lab("ferritin", 38, "ng/mL")],
        medications=[{"name": "Zoloft"}],
    )
    assert main(["check", str(write(tmp_path, case))]) == 0
    out = capsys.readouterr().out
    assert "START (RECOMMEND) oral" in out
    assert "Zoloft → sertraline" in out
    assert "TESTS TO ORDER" in out
    assert "Transferrin saturation" in out


def test_check_json_is_the_assessment_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints exactly one rlsdesk-assessment/1 document with all 13 decisions."""
    assert main(["check", str(write(tmp_path, make_case())), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["format"] == "rlsdesk-assessment/1"
    assert len(result["decisions"]) == 13
    assert set(result) >= {
        "knowledge_base",
        "egfr",
        "labs",
        "medications",
        "decisions",
        "alerts",
        "tests_to_order",
        "monitoring",
        "lifestyle",
        "red_flags",
    }


def test_invalid_input_exits_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, each problem on its own line naming the field, nothing on stdout."""
    case = make_case(labs=[lab("magnesium", 2, "mg"), lab("ferritin", -1, "ng/mL")])
    assert main(["check", str(write(tmp_path, case))]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith("labs[0].unit: 'mg' is not a unit for magnesium")
    assert lines[1].startswith("labs[1].value:")


def test_missing_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case file that does not exist is reported, not a traceback."""
    assert main(["check", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_kb_check_prints_version_hash_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """`rlsdesk kb check` prints version, sha256 and counts one per line, including drugs."""
    assert main(["kb", "check"]) == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert len(lines["sha256"]) == 64
    assert lines["version"]
    assert int(lines["drugs"]) >= 150


def test_damaged_knowledge_base_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tampered knowledge base is refused with a distinct status and how to fix it."""
    import shutil

    from rlsdesk.paths import knowledge_dir

    folder = tmp_path / "kb"
    shutil.copytree(knowledge_dir(), folder)
    with (folder / "rules.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n# edited\n")
    monkeypatch.setenv("RLSDESK_KNOWLEDGE", str(folder))
    assert main(["check", str(write(tmp_path, make_case()))]) == 3
    err = capsys.readouterr().err
    assert "rules.toml: changed or damaged" in err
    assert "Reinstall" in err
    assert main(["kb", "check"]) == 3


def test_real_process_exit_codes(tmp_path: Path) -> None:
    """Run as a real process: exit 0 and JSON for a good case, 2 and no traceback for a bad one."""
    env = dict(os.environ)
    good = subprocess.run(
        [sys.executable, "-m", "rlsdesk.cli", "check", str(write(tmp_path, make_case())), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["format"] == "rlsdesk-assessment/1"
    bad_path = tmp_path / "bad.json"
    bad_path.write_bytes(b"{not json")
    bad = subprocess.run(
        [sys.executable, "-m", "rlsdesk.cli", "check", str(bad_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "not valid JSON" in bad.stderr


def test_internal_error_is_logged_without_the_patient_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An internal error exits 1 without a traceback; the log keeps the stack, redacted."""
    import logging

    import rlsdesk.domain.engine as engine
    from rlsdesk.paths import user_data_dir

    def broken(case: object, kb: object) -> None:
        raise RuntimeError("engine failed for Zebulon Quixote MRN-777")

    monkeypatch.setattr(engine, "assess", broken)
    case = make_case(patient={"name": "Zebulon Quixote", "identifier": "MRN-777"})
    assert main(["check", str(write(tmp_path, case))]) == 1
    assert "Traceback" not in capsys.readouterr().err
    logging.shutdown()
    log = (user_data_dir() / "logs" / "rlsdesk.log").read_text("utf-8")
    assert "RuntimeError" in log
    assert "Traceback" in log
    assert "Zebulon" not in log
    assert "MRN-777" not in log


def test_many_problems_are_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case with hundreds of problems prints the first 50 and how many more."""
    case = make_case(labs=[lab("magnesium", 2, "mg") for _ in range(120)])
    assert main(["check", str(write(tmp_path, case))]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... and 70 more problems"
