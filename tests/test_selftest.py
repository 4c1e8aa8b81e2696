"""`rlsdesk --self-test`: what clinic IT runs to prove an installation works."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from rlsdesk import selftest

STEPS = (
    "user-data",
    "knowledge-base",
    "assessment",
    "sheet",
    "qt-platform",
    "qt",
    "main-window",
    "print-plugin",
    "printer",
    "pdf-render",
)


def _run_self_test(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    report = tmp_path / "report.txt"
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "RLSDESK_HOME": str(tmp_path / "home"),
        **env,
    }
    environment.pop("DISPLAY", None)
    environment.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rlsdesk.selftest",
            "--self-test",
            "--self-test-report",
            str(report),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    return result, report


def _step_lines(output: str) -> dict[str, str]:
    lines = [line for line in output.splitlines() if line.startswith(("ok ", "FAIL "))]
    return {line.split()[1]: line for line in lines}


@pytest.mark.slow
def test_self_test_passes_from_source(tmp_path: Path) -> None:
    """Every step (knowledge base, assessment, sheet, window, printing, PDF) reports ok."""
    result, report = _run_self_test(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = _step_lines(result.stdout)
    assert tuple(steps) == STEPS
    assert all(line.startswith("ok ") for line in steps.values()), steps
    assert "iron recommend" in steps["assessment"]
    total = len(STEPS)
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"self-test passed: {total} of")
    assert report.read_text("utf-8") == result.stdout


@pytest.mark.slow
def test_self_test_fails_on_a_tampered_knowledge_base(tmp_path: Path) -> None:
    """A knowledge base that differs from its manifest fails the self-test, naming the file."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", knowledge)
    with (knowledge / "drugs.toml").open("a", encoding="utf-8") as drugs:
        drugs.write("\n# an unreviewed local edit\n")
    result, report = _run_self_test(tmp_path, RLSDESK_KNOWLEDGE=str(knowledge))
    assert result.returncode == selftest.EXIT_KNOWLEDGE
    steps = _step_lines(result.stdout)
    assert steps["knowledge-base"].startswith("FAIL knowledge-base")
    assert "drugs.toml" in steps["knowledge-base"]
    assert "not run, needs knowledge-base" in steps["assessment"]
    assert steps["qt"].startswith("ok ")  # the rest still reports, for the support call
    assert "self-test FAILED" in report.read_text("utf-8")


def test_a_failing_step_is_reported_with_its_reason_and_blocks_what_needs_it() -> None:
    """A step that raises prints FAIL with the reason; steps that need it are not run."""

    def broken() -> tuple[object, str]:
        raise OSError("disk gone")

    out = io.StringIO()
    test = selftest.SelfTest([out])
    test.step("first", lambda: (1, "fine"))
    test.step("second", broken)
    test.step("third", lambda: (3, "never"), "second")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ok first (")
    assert lines[0].endswith("): fine")
    assert lines[1].startswith("FAIL second (")
    assert "OSError: disk gone. What to do: " in lines[1]
    assert lines[2].endswith("not run, needs second. What to do: fix second first")
    assert test.failed == ["second", "third"]


def test_an_unwritable_report_path_fails_the_self_test(tmp_path: Path) -> None:
    """When the report cannot be written, the self-test says so and does not pass."""
    out = io.StringIO()
    status = selftest.run_self_test(tmp_path / "missing-folder" / "report.txt", out=out)
    assert status == selftest.EXIT_FAILED
    assert out.getvalue().startswith("FAIL report: cannot write")


@pytest.mark.parametrize(
    ("arguments", "wanted"),
    [
        (["--self-test"], True),
        (["--self-test-report", "r.txt"], True),
        (["--self-test-report=r.txt"], True),
        ([], False),
        (["case.json"], False),
        (["check", "case.json"], False),
    ],
)
def test_the_self_test_is_recognised_on_the_command_line(
    arguments: list[str], wanted: bool
) -> None:
    """Only --self-test and --self-test-report start the self-test instead of the app."""
    assert selftest.wants_self_test(arguments) is wanted


def test_the_rlsdesk_command_routes_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """`rlsdesk --self-test-report PATH` reaches the self-test, not the desktop app."""
    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(list(argv))
        return 7

    monkeypatch.setattr(selftest, "main", fake_main)
    from rlsdesk.cli import main

    assert main(["--self-test-report", "report.txt"]) == 7
    assert seen == [["--self-test-report", "report.txt"]]


def _fail_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL ")]


@pytest.mark.slow
def test_an_unusable_user_folder_fails_the_self_test(tmp_path: Path) -> None:
    """RLSDESK_HOME naming a file: FAIL user-data naming it and what to do; the rest runs."""
    home = tmp_path / "home-is-a-file"
    home.write_text("x", "utf-8")
    result, report = _run_self_test(tmp_path, RLSDESK_HOME=str(home))
    assert result.returncode == selftest.EXIT_FAILED, result.stdout + result.stderr
    steps = _step_lines(result.stdout)
    assert steps["user-data"].startswith("FAIL user-data")
    assert str(home) in steps["user-data"]
    assert "What to do: set RLSDESK_HOME" in steps["user-data"]
    assert all(steps[step].startswith("ok ") for step in STEPS if step != "user-data")
    assert "Traceback" not in result.stderr
    assert report.read_text("utf-8").endswith(result.stdout.splitlines()[-1] + "\n")


@pytest.mark.slow
def test_a_qt_platform_that_cannot_start_is_a_fail_line_not_an_abort(tmp_path: Path) -> None:
    """Qt aborting in the child gives FAIL qt-platform with advice; no step aborts the run."""
    result, _report = _run_self_test(tmp_path, QT_QPA_PLATFORM="no-such-platform")
    assert result.returncode == selftest.EXIT_FAILED
    steps = _step_lines(result.stdout)
    assert steps["qt-platform"].startswith("FAIL qt-platform")
    for step in ("user-data", "knowledge-base", "assessment", "sheet"):
        assert steps[step].startswith("ok "), steps[step]
    assert "not run, needs qt-platform" in steps["qt"]
    assert result.stdout.splitlines()[-1].startswith("self-test FAILED")
    assert all("What to do: " in line for line in _fail_lines(result.stdout))


def test_a_missing_xcb_library_names_the_package() -> None:
    """Qt's loader messages become `apt-get install <package>` advice."""
    output = (
        'qt.core.plugin.loader: "Cannot load library .../libqxcb.so: (libxcb-cursor.so.0: '
        'cannot open shared object file: No such file or directory)"\n'
        "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt "
        "xcb platform plugin.\n"
        "libfoo-unknown.so.3: cannot open shared object file\n"
    )
    advice = selftest.missing_library_advice(output)
    assert advice == (
        "apt-get install libxcb-cursor0; install the package that provides libfoo-unknown.so.3"
    )
    assert selftest.missing_library_advice("could not connect to display") is None


def test_every_step_has_advice() -> None:
    """Each step of the self-test has its own 'What to do' text."""
    assert set(STEPS) <= set(selftest.ADVICE)


def test_the_qt_probe_is_routed_to_the_self_test() -> None:
    """The child's --self-test-qt-probe flag never opens the desktop app."""
    assert selftest.wants_self_test([selftest.QT_PROBE_FLAG])
