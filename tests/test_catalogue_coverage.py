"""scripts/kb_coverage.py: every brief interaction row is matched by a rule or explained, and
a row nothing encodes is reported (issue 14 item 5)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "kb_coverage", ROOT / "scripts" / "kb_coverage.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kb_coverage"] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


COVERAGE = load_script()


def test_every_brief_row_is_matched_or_explained(capsys: pytest.CaptureFixture[str]) -> None:
    """The shared brief's rows of sections 3-5 are all matched or explained."""
    brief = COVERAGE.DEFAULT_BRIEF
    if not brief.is_file():
        pytest.skip(f"no brief at {brief}")
    assert COVERAGE.main([]) == 0
    out = capsys.readouterr().out
    assert "UNMATCHED" not in out
    assert "3.1 | Fluoroquinolones | matched: iron.other_fluoroquinolone" in out


def test_a_row_nothing_encodes_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A brief row with no rule and no explanation makes the script fail and name it."""
    brief = tmp_path / "brief.md"
    brief.write_text(
        "### 3.1 Iron (oral)\n\n| Interacting drug | Severity |\n|---|---|\n"
        "| Levothyroxine | Moderate |\n| Unobtainium | Major |\n",
        "utf-8",
    )
    assert COVERAGE.main(["--brief", str(brief)]) == 1
    out = capsys.readouterr().out
    assert "3.1 | Unobtainium | UNMATCHED" in out
    assert "3.1 | Levothyroxine | matched: iron.levothyroxine" in out


def test_absent_brief_is_skipped_gracefully(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a brief there is nothing to audit: the script says so and succeeds."""
    assert COVERAGE.main(["--brief", str(tmp_path / "missing.md")]) == 0
    assert "nothing to audit" in capsys.readouterr().out
