"""The plain-text outputs of `rlsdesk check`: the note for the patient record
(`--format note`, render_note) and the default terminal summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import lab, make_case, run
from report_cases import typical, with_schedule
from rlsdesk.cli import main
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.note import render_note
from rlsdesk.summary import render_summary
from rlsdesk.vocabulary import PLAN_ACTION, SEVERITY

HOSTILE_NAME = "Eve\x1b[2J\rMallory\nforged line"


def test_note_lists_plan_schedule_alerts_tests_follow_up_and_version(kb: KnowledgeBase) -> None:
    """The note carries each decision with its dose, the schedule, shown alerts, tests,
    follow-up and the knowledge base version."""
    assessment = with_schedule(typical(kb))
    labels = {key: agent.label for key, agent in kb.agents.items()}
    note = render_note(assessment, labels)
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    assert iron.dose is not None
    assert f"{PLAN_ACTION['start'].word} Iron (RECOMMEND): {iron.dose} · oral" in note
    assert "  7:00: levothyroxine, on an empty stomach (on waking)" in note
    assert "  8:00: Iron, every other day" in note
    for alert in assessment.alerts:
        shown = alert.tier in ("interruptive", "alert")
        assert (alert.message in note) == shown, alert.code
    for test in assessment.tests_to_order:
        assert f"  {test.label}: {test.reason}" in note
    assert assessment.monitoring
    assert "[V;" not in note
    assert f"Knowledge base {kb.version}" in note
    assert render_note(assessment, labels) == note


def test_note_orders_stop_before_start_and_leaves_out_not_indicated(kb: KnowledgeBase) -> None:
    """Stopping comes first, with the alert that decided it; an agent that is not indicated
    is not in the note."""
    assessment = run(
        kb,
        labs=[lab("potassium", 6.1, "mmol/L")],
        presentation={"rls": True},
        supplements=[{"name": "potassium chloride"}],
    )
    note = render_note(assessment)
    plan = note.split("Plan:")[1].split("Daily schedule:")[0]
    first, why = plan.strip().splitlines()[:2]
    assert first == "STOP potassium"
    assert why.startswith("    why: Hyperkalemia")
    assert "zinc" not in plan


def test_note_of_an_empty_assessment_says_none(kb: KnowledgeBase) -> None:
    """Each section of a note with nothing in it says 'none' rather than vanish."""
    note = render_note(run(kb))
    for section in ("Plan:", "Daily schedule:", "Alerts:", "Tests to order:"):
        assert f"{section}\n  none" in note


def test_note_and_summary_escape_control_characters_in_names(kb: KnowledgeBase) -> None:
    """A name with an escape sequence, a carriage return or a line break cannot forge
    lines or control the terminal in the note or the summary."""
    assessment = run(
        kb,
        patient={"name": HOSTILE_NAME},
        medications=[{"name": "Zolo\x1bft\nRECOMMEND everything"}],
    )
    for text in (render_note(assessment), render_summary(assessment)):
        assert "\x1b" not in text
        assert "\r" not in text
        assert "Eve\\x1b[2J\\rMallory\\nforged line" in text
        assert not any(line.startswith("forged line") for line in text.splitlines())
        assert not any(line.startswith("RECOMMEND everything") for line in text.splitlines())


def test_summary_uses_the_shared_vocabulary(kb: KnowledgeBase) -> None:
    """The summary prints severities as the sheet does (✖ CONTRAINDICATED, never ⛔)."""
    assessment = run(
        kb,
        conditions=["hemochromatosis"],
        presentation={"rls": True},
        labs=[lab("ferritin", 38, "ng/mL")],
        supplements=[{"name": "iron"}],
    )
    summary = render_summary(assessment)
    assert SEVERITY["contraindicated"].label in summary
    assert "⛔" not in summary


def _write(tmp_path: Path) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(make_case(presentation={"rls": True})), "utf-8")
    return str(path)


def test_cli_check_format_note_prints_the_note(
    tmp_path: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk check --format note` prints render_note with the knowledge base's labels."""
    assert main(["check", _write(tmp_path), "--format", "note"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rlsdesk decision support: Test Patient (T-1), 45 y, female")
    assert f"Knowledge base {kb.version}" in out


def test_cli_check_keeps_json_and_the_default_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json and --format json print the same assessment; no option prints the summary."""
    case = _write(tmp_path)
    assert main(["check", case, "--json"]) == 0
    by_flag = json.loads(capsys.readouterr().out)
    assert main(["check", case, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == by_flag
    assert main(["check", case]) == 0
    assert capsys.readouterr().out.startswith("rlsdesk assessment — Test Patient")


def test_note_module_needs_neither_qt_nor_reportlab() -> None:
    """The app's Copy summary calls render_note: importing it loads no GUI or PDF library."""
    code = (
        "import sys, rlsdesk.note; "
        "print(sorted(m for m in ('PySide6', 'reportlab') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_terminal_summary_shows_alerts_by_tier_and_the_schedule(kb: KnowledgeBase) -> None:
    """`rlsdesk check`'s summary lists only interruptive and alert tiers under ALERTS; timing
    rules appear with the schedule, and each decision carries its plan action."""
    assessment = run(
        kb,
        presentation={"rls": True},
        labs=[lab("ferritin", 30, "ng/mL"), lab("tsat", 15, "%")],
        medications=[{"name": "levothyroxine"}],
    )
    timing = [a for a in assessment.alerts if a.tier == "schedule"]
    assert timing, [(a.code, a.tier) for a in assessment.alerts]
    text = render_summary(assessment)
    alerts_part = text.split("ALERTS", 1)[1].split("SCHEDULE", 1)[0]
    schedule_part = text.split("SCHEDULE", 1)[1].split("DECISIONS", 1)[0]
    for alert in timing:
        assert alert.message not in alerts_part
        assert alert.message in schedule_part
    assert "START (RECOMMEND) oral" in text
