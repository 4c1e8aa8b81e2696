"""How the assessment is shown, as a clinician sees it: interruptive alerts first, the other
alerts below, the schedule as a timeline with its reasons on demand, background alerts inside
the avoid decision they explain, the last valid picture kept while a field is wrong, and what
each medication row says. Assessments are built here, so the tiers are exactly the test's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from conftest import lab, run
from rlsdesk.domain.assessment import (
    Alert,
    Assessment,
    DoseCheck,
    MedicationResult,
    ScheduleConflict,
    ScheduleItem,
    ScheduleSlot,
    SeparationOut,
)
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.clipboard_note import note_text
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.ui.main_window import MainWindow
from rlsdesk.ui.richtree import STALE_ROLE
from rlsdesk.ui.schedule_timeline import tooltip
from ui_helpers import (
    OFFSCREEN_POPUP_NOTICES,
    add_medication,
    choose,
    enter_patient,
    make_window,
    type_text,
)

pytestmark = OFFSCREEN_POPUP_NOTICES
RLS = {"presentation": {"rls": True, "leg_cramps": False}, "labs": [lab("ferritin", 38, "ng/mL")]}


def alert(code: str, tier: str, **fields: Any) -> Alert:
    base: dict[str, Any] = {
        "code": code,
        "severity": "major",
        "kind": "interaction",
        "agents": [],
        "drugs": [],
        "message": f"Message of {code}.",
        "management": f"Management of {code}.",
        "references": ["R1"],
        "tier": tier,
    }
    return Alert.model_validate({**base, **fields})


def shown(window: MainWindow, assessment: Assessment, **fields: Any) -> None:
    """Show ``assessment`` as the live result, as the debounce would."""
    result = LiveResult(assessment, assessment.case, egfr=assessment.egfr, **fields)
    window.form.show_live(result)
    window.panel.show_result(result, window.form.describe)


def test_interruptive_alerts_come_first_with_a_banner(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Interruptive alerts lead the panel and its banner; `alert` tier is listed below them."""
    window, _ = make_window(qtbot, kb)
    urgent = alert("potassium.hyperkalemia", "interruptive", severity="contraindicated")
    other = alert("sertraline.rls", "alert", severity="moderate", kind="aggravates_rls")
    shown(window, run(kb, **RLS).model_copy(update={"alerts": [other, urgent]}))
    panel = window.panel
    assert panel.section_keys()[:2] == ["interruptive", "alerts"]
    assert panel.item_texts()[0] == "✖ Must be acknowledged before printing (1)"
    assert panel.interruptive.isVisibleTo(window)
    assert urgent.message in panel.interruptive.text()
    assert other.message not in panel.interruptive.text()
    assert panel.item("alert:sertraline.rls") is not None
    assert panel.status.text().startswith("Up to date · 1 to acknowledge · 1 alert")


def test_without_interruptive_alerts_there_is_no_banner(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """No interruptive alert: no banner and no must-acknowledge section."""
    window, _ = make_window(qtbot, kb)
    shown(window, run(kb, **RLS).model_copy(update={"alerts": [alert("a.b", "alert")]}))
    assert not window.panel.interruptive.isVisibleTo(window)
    assert window.panel.section_keys()[0] == "alerts"


def _scheduled(kb: KnowledgeBase) -> tuple[Assessment, Alert]:
    separation = SeparationOut(a="iron", b="levothyroxine", b_before_h=4, b_after_h=4)
    timing = alert("iron.levothyroxine", "schedule", severity="moderate", separation=separation)
    slots = [
        ScheduleSlot(time="07:00", items=[ScheduleItem(
            name="levothyroxine", label="Levothyroxine", frequency="daily", with_food=False)]),
        ScheduleSlot(time="12:00", items=[ScheduleItem(
            name="iron", label="Iron", frequency="every_other_day", with_food=True)]),
    ]  # fmt: skip
    conflicts = [ScheduleConflict(names=["zinc"], reason="no time keeps zinc 2 h from iron")]
    update = {"alerts": [timing], "schedule": slots, "schedule_conflicts": conflicts}
    return run(kb, **RLS).model_copy(update=update), timing


def test_schedule_is_a_timeline_with_reasons_on_demand(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Timing alerts are not alerts: each sits, closed, under the times it shapes."""
    window, _ = make_window(qtbot, kb)
    assessment, timing = _scheduled(kb)
    shown(window, assessment)
    panel = window.panel
    assert "schedule" in panel.section_keys()
    assert panel.item("alert:iron.levothyroxine") is None
    assert panel.item("alerts/none") is not None
    morning = panel.item("schedule:07:00")
    assert morning is not None
    assert morning.text(0) == "07:00 Levothyroxine, on an empty stomach"
    assert not morning.isExpanded()  # the reason is there on demand
    morning.setExpanded(True)
    assert morning.child(0).text(0) == f"Why: {timing.message}"
    texts = panel.item_texts()
    assert texts.index("⚠ Could not be placed: zinc: no time keeps zinc 2 h from iron") < (
        texts.index("07:00 Levothyroxine, on an empty stomach")
    )
    timeline = panel.timeline
    assert timeline.isVisibleTo(window)
    slot = timeline.slot_at(QPoint(timeline.x_of(12 * 60), 10))
    assert slot is not None
    assert slot.time == "12:00"
    assert f"Timing: {timing.message}" in tooltip(slot)
    assert "12:00 Iron, every other day, with food" in timeline.accessibleDescription()
    assert "1 timing rule in the schedule" in panel.status.text()


def test_background_alert_is_the_reason_inside_its_avoid_decision(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """An info-tier alert shows inside the avoid decision it explains, not among the alerts;
    one that explains no avoid decision is kept under Background."""
    window, _ = make_window(qtbot, kb)
    assessment = run(kb, **RLS)
    decisions = [
        d.model_copy(update={"decision": "avoid"}) if d.agent == "vitamin_k2" else d
        for d in assessment.decisions
    ]
    reason = alert("vitamin_k2.warfarin", "info", agents=["vitamin_k2"], drugs=["warfarin"])
    loose = alert("zinc.background", "info", agents=["zinc"])
    shown(window, assessment.model_copy(update={"alerts": [reason, loose], "decisions": decisions}))
    panel = window.panel
    decision = panel.item("decision:vitamin_k2")
    assert decision is not None
    decision.setExpanded(True)
    assert decision.child(0).text(0) == f"Reason: {reason.message}"
    assert panel.item(f"alert:{reason.code}") is None
    assert panel.item(f"alert:{loose.code}") is not None
    assert panel.section_keys()[-4] == "background"


def test_last_valid_assessment_stays_faded_while_a_field_is_wrong(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """A typo keeps the previous assessment, faded, under "Out of date: fix <field>"."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    qtbot.mouseClick(window.form.presentation.rls, Qt.MouseButton.LeftButton)
    window.live.flush()
    decisions = window.panel.item("decisions")
    assert decisions is not None
    before = [decisions.child(0).text(0)]
    type_text(qtbot, window.form.patient.age, "6x")
    window.live.flush()
    panel = window.panel
    assert panel.out_of_date
    assert panel.status.text().startswith("⚠ Out of date: fix Age (years) (Patient).")
    assert panel.status.property("state") == "stale"
    assert panel.section_keys()[0] == "problems"
    iron = next(i for i in panel.tree.walk() if i.text(0) == before[0])
    assert iron.data(0, STALE_ROLE) is True
    assert panel.tree.top_items()[0].data(0, STALE_ROLE) is None  # what to fix is not faded
    assert panel.timeline.graphicsEffect() is not None  # the day plan is faded too
    type_text(qtbot, window.form.patient.age, "62")
    window.live.flush()
    assert not panel.out_of_date
    assert panel.status.property("state") == "valid"
    assert all(not i.data(0, STALE_ROLE) for i in panel.tree.walk())
    assert panel.timeline.graphicsEffect() is None


def test_a_new_case_does_not_show_the_previous_patient(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """After New case, an invalid entry shows what to fix and nothing of the previous case."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    window.live.flush()
    assert window.controller.new_case()
    type_text(qtbot, window.form.patient.age, "6x")
    window.live.flush()
    assert not window.panel.out_of_date
    assert window.panel.section_keys() == ["problems"]


def test_medication_rows_show_correction_dose_check_and_duplicates(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """Each row says what the domain made of it: corrected name, dose check, duplicate therapy
    on both rows it involves."""
    window, _ = make_window(qtbot, kb)
    first = add_medication(qtbot, window, "sertralin")
    second = add_medication(qtbot, window, "Zoloft")
    supplement = add_medication(qtbot, window, "magnesium oxide", supplement=True)
    check = DoseCheck(status="not_checked", reason="no amount in the text")
    results = {
        ("medication", 0): MedicationResult(
            entered="sertralin", resolved="sertraline", kind="medication",
            ingredients=["sertraline"], corrected_from="sertralin"),
        ("medication", 1): MedicationResult(
            entered="Zoloft", resolved="sertraline", kind="medication",
            ingredients=["sertraline"]),
        ("supplement", 0): MedicationResult(
            entered="magnesium oxide", resolved="magnesium", kind="supplement",
            agent="magnesium", dose_check=check),
    }  # fmt: skip
    duplicate = alert("duplicate_therapy:sertraline", "alert", drugs=["sertraline"])
    shown(window, run(kb).model_copy(update={"alerts": [duplicate]}), medications=results)
    assert first.resolved.text() == "sertralin → sertraline, corrected spelling"
    assert first.resolved.property("state") == "corrected"
    assert second.resolved.text() == "→ sertraline"
    for row in (first, second):
        assert row.duplicate.isVisibleTo(row)
        assert row.duplicate.text() == f"⚠ {duplicate.message}"
    assert not supplement.duplicate.isVisibleTo(supplement)
    assert supplement.dose_result.text() == "dose not checked: no amount in the text"
    assert supplement.dose_result.property("state") == "not_checked"


def test_did_you_mean_is_a_one_click_fix(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """A suggestion button replaces the name and the row is assessed again."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    row = add_medication(qtbot, window, "sertrolane")
    unknown = MedicationResult(
        entered="sertrolane", resolved=None, kind="medication", suggestions=["sertraline"]
    )
    shown(window, run(kb), medications={("medication", 0): unknown})
    assert row.suggestion_bar.isVisibleTo(row)
    (button,) = row.suggestion_buttons
    assert button.text() == "sertraline"
    with qtbot.waitSignal(window.live.updated, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert row.name.text() == "sertraline"
    assert row.resolved.text() == "→ sertraline"
    assert not row.suggestion_bar.isVisibleTo(row)


def test_structured_dose_is_entered_beside_the_free_text(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Amount, unit, elemental or salt and frequency typed on the row reach the case."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    row = add_medication(qtbot, window, "magnesium oxide", supplement=True)
    type_text(qtbot, row.dose, "400 mg at night")
    type_text(qtbot, row.amount, "400")
    choose(qtbot, row.unit, "mg")
    choose(qtbot, row.basis, "salt")
    choose(qtbot, row.frequency, "at night")
    result = window.live.flush()
    assert result.case is not None, result.problems
    detail = result.case.supplements[0].dose_detail
    assert detail is not None
    assert (detail.amount, detail.unit, detail.basis, detail.frequency) == (
        400,
        "mg",
        "salt",
        "at_night",
    )
    assert result.case.supplements[0].dose == "400 mg at night"
    type_text(qtbot, row.amount, "lots")
    window.live.flush()
    assert row.amount.property("invalid") is True
    assert "amount" in row.errors.text()


def test_copy_summary_puts_the_note_on_the_clipboard(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Copy summary copies the record note of a valid case; an invalid case copies nothing."""
    window, _ = make_window(qtbot, kb)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    type_text(qtbot, window.form.patient.age, "6x")
    assert window.copy_summary() is None
    assert clipboard.text() == "before"
    assert window.statusBar().currentMessage().startswith("Nothing copied")
    enter_patient(qtbot, window)
    text = window.copy_summary()
    result = window.live.result
    assert result is not None
    assert result.assessment is not None
    assert text == note_text(result.assessment, kb)
    assert clipboard.text() == text


def test_the_engine_names_corrections_and_duplicates_on_the_rows(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """Typed end to end: a misspelling is shown corrected, and a brand entered beside its
    generic marks both rows as duplicate therapy."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    misspelt = add_medication(qtbot, window, "metforminn")
    generic = add_medication(qtbot, window, "sertraline")
    brand = add_medication(qtbot, window, "Zoloft")
    window.live.flush()
    assert misspelt.resolved.text() == "metforminn → metformin, corrected spelling"
    assert not misspelt.duplicate.isVisibleTo(misspelt)
    for row in (generic, brand):
        assert row.duplicate.isVisibleTo(row)
        assert row.duplicate.text().startswith("⚠ Duplicate therapy: sertraline")
