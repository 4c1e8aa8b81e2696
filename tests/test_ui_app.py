"""The ``rlsdesk`` desktop entry point: screenshot mode, icons, draft restore on start-up."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk.paths import resources_dir
from rlsdesk.ui.icons import SIZES
from ui_helpers import write_case

CASE = make_case(
    patient={"name": "Screenshot Patient", "age_years": 55, "sex": "female"},
    presentation={"rls": True, "leg_cramps": False, "irls_score": 18},
    labs=[lab("ferritin", 40, "ng/mL")],
    medications=[{"name": "Benadryl"}],
)


def run_app(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "rlsdesk.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_screenshot_renders_the_window_with_the_case(tmp_path: Path) -> None:
    """`rlsdesk --screenshot OUT.png CASE.json` writes a 1366x768 owner-only picture and exits."""
    out = tmp_path / "shot.png"
    result = run_app("--screenshot", str(out), str(write_case(tmp_path / "case.json", CASE)))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    assert result.stderr == ""  # no Qt warning either
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600  # owner-only, like every file written


def test_screenshot_of_an_invalid_case_names_the_problems(tmp_path: Path) -> None:
    """An invalid case for the screenshot exits 2, one line per problem, and writes no picture."""
    bad = write_case(tmp_path / "bad.json", make_case(patient={"age_years": -1}))
    out = tmp_path / "shot.png"
    result = run_app("--screenshot", str(out), str(bad))
    assert result.returncode == 2
    assert "patient.age_years" in result.stderr
    assert not out.exists()


def test_application_icon_has_an_svg_and_every_png_size(qtbot: QtBot) -> None:
    """The icon is a clean SVG with PNG renders from 16 to 256 pixels."""
    folder = resources_dir() / "icons"
    assert (folder / "rlsdesk.svg").read_text("utf-8").startswith("<?xml")
    for size in SIZES:
        image = QImage(str(folder / f"rlsdesk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
