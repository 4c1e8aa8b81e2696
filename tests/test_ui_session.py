"""The desktop form's Qt-free session package: form state, live evaluation, row and schedule
words. Nothing here needs a display or imports PySide6."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

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
from rlsdesk.domain.case import parse_case
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveSession, evaluate
from rlsdesk.session.formstate import FormState, MedicationRow, from_case, to_raw
from rlsdesk.session.medication_view import NOT_CHECKED, dose_text, row_view
from rlsdesk.session.schedule_view import item_text, minutes, schedule_view

VALID = FormState(age="62", sex="female", rls=True)


def _alert(code: str, **fields: Any) -> Alert:
    base: dict[str, Any] = {
        "code": code,
        "severity": "moderate",
        "kind": "interaction",
        "agents": [],
        "drugs": [],
        "message": f"message of {code}",
        "management": f"management of {code}",
        "references": ["R1"],
    }
    return Alert.model_validate({**base, **fields})


def test_session_package_does_not_load_qt() -> None:
    """Importing the form state and the evaluation loads neither PySide6 nor reportlab."""
    code = (
        "import sys, rlsdesk.session.evaluation, rlsdesk.session.formstate, "
        "rlsdesk.session.medication_view, rlsdesk.session.schedule_view, "
        "rlsdesk.session.clipboard_note; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'reportlab')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_live_session_keeps_the_last_valid_assessment_while_a_field_is_wrong(
    kb: KnowledgeBase,
) -> None:
    """An invalid edit carries the last valid assessment as out of date; fixing it clears it."""
    session = LiveSession(kb)
    good = session.evaluate(VALID)
    assert good.assessment is not None
    assert good.out_of_date is None
    bad = session.evaluate(FormState(age="6x", sex="female", rls=True))
    assert bad.assessment is None
    assert bad.out_of_date == good.assessment
    assert "patient.age_years" in bad.problems
    again = session.evaluate(VALID)
    assert again.out_of_date is None
    assert again.assessment is not None


def test_live_session_forgets_the_previous_case(kb: KnowledgeBase) -> None:
    """After another case is loaded, or a blank form, no earlier assessment is offered."""
    session = LiveSession(kb)
    session.evaluate(VALID)
    session.forget()
    assert session.evaluate(FormState(age="6x")).out_of_date is None
    session.evaluate(VALID)
    assert session.evaluate(FormState()).out_of_date is None
    assert session.evaluate(FormState(age="6x")).out_of_date is None


def test_structured_dose_goes_into_the_case_and_back(kb: KnowledgeBase) -> None:
    """Amount, unit, basis and frequency become dose_detail beside the free text, and return."""
    row = MedicationRow("magnesium oxide", "400 mg", "400", "mg", "salt", "at_night")
    state = FormState(age="62", sex="female", supplements=[row])
    case = parse_case(to_raw(state).data, kb)
    detail = case.supplements[0].dose_detail
    assert detail is not None
    assert (detail.amount, detail.unit, detail.basis, detail.frequency) == (
        400,
        "mg",
        "salt",
        "at_night",
    )
    assert case.supplements[0].dose == "400 mg"
    assert from_case(case, kb).supplements == [row]


def test_a_row_without_an_amount_has_no_structured_dose(kb: KnowledgeBase) -> None:
    """A unit chosen without an amount is not a dose; basis and frequency defaults are no entry."""
    state = FormState(age="62", sex="female", medications=[MedicationRow("sertraline", unit="mg")])
    assert "dose_detail" not in to_raw(state).data["medications"][0]
    assert MedicationRow(unit="mg").is_blank()


def test_a_structured_dose_error_is_shown_at_its_row_field(kb: KnowledgeBase) -> None:
    """An amount without a unit is named at the row's unit field, not inside dose_detail."""
    state = FormState(age="62", sex="female", supplements=[MedicationRow("zinc", amount="0")] * 2)
    result = evaluate(state, kb)
    assert "supplements[1].unit" in result.problems
    assert "supplements[1].amount" in result.problems


def test_valid_rows_carry_the_engine_result(kb: KnowledgeBase) -> None:
    """When the case is valid each row gets the assessment's own result (dose check included)."""
    rows = [MedicationRow(), MedicationRow("magnesium oxide", "400 mg at night")]
    result = evaluate(FormState(age="62", sex="female", supplements=rows), kb)
    assert result.assessment is not None
    assert result.medications[("supplement", 1)] == result.assessment.medications[0]


def test_row_view_names_a_corrected_spelling(kb: KnowledgeBase) -> None:
    """A corrected name reads "typed → generic, corrected spelling"."""
    result = MedicationResult(
        entered="sertralin", resolved="sertraline", kind="medication", corrected_from="sertralin"
    )
    view = row_view(result, True, [], kb)
    assert view.resolved == "sertralin → sertraline, corrected spelling"
    assert view.state == "corrected"


def test_row_view_offers_suggestions_for_an_unknown_name(kb: KnowledgeBase) -> None:
    """An unrecognised name is "not checked" and carries the "did you mean" names."""
    result = MedicationResult(
        entered="sertrolane",
        resolved=None,
        kind="medication",
        suggestions=["sertraline", "selegiline"],
    )
    view = row_view(result, True, [], kb)
    assert view.resolved == NOT_CHECKED
    assert view.suggestions == ("sertraline", "selegiline")
    assert row_view(None, False, [], kb).resolved == ""


def test_dose_text_says_what_was_read_and_against_which_limit() -> None:
    """Within, above and not checked each say so, with the reading and the limit."""
    within = DoseCheck(
        status="within_limit", daily_amount=240, unit="mg", reading="400 mg oxide", limit="350 mg"
    )
    above = within.model_copy(update={"status": "above_limit", "daily_amount": 480})
    unread = DoseCheck(status="not_checked", reason="the text has no amount")
    assert dose_text(within) == (
        "✓ dose checked: 240 mg a day (read as 400 mg oxide), within the limit (350 mg)"
    )
    assert dose_text(above) == (
        "▲ dose above the limit: 480 mg a day (read as 400 mg oxide); limit 350 mg"
    )
    assert dose_text(unread) == "dose not checked: the text has no amount"
    assert dose_text(None) == ""


def test_duplicate_therapy_is_named_on_every_row_it_involves(kb: KnowledgeBase) -> None:
    """A duplicate-therapy alert appears on each row whose drug it names, and no other."""
    duplicate = _alert("duplicate_therapy:sertraline", drugs=["sertraline"])
    other = _alert("interaction.iron.levothyroxine", drugs=["levothyroxine"])
    zoloft = MedicationResult(
        entered="Zoloft", resolved="sertraline", kind="medication", ingredients=["sertraline"]
    )
    levo = MedicationResult(entered="levothyroxine", resolved="levothyroxine", kind="medication")
    assert row_view(zoloft, True, [duplicate, other], kb).duplicates == (duplicate.message,)
    assert row_view(levo, True, [duplicate, other], kb).duplicates == ()


def _with_schedule(assessment: Assessment, alerts: list[Alert]) -> Assessment:
    slots = [
        ScheduleSlot(
            time="07:00",
            items=[ScheduleItem(name="levothyroxine", label="Levothyroxine", frequency="daily",
                                with_food=False)],
        ),
        ScheduleSlot(
            time="12:30",
            items=[ScheduleItem(name="iron", label="Iron", frequency="every_other_day",
                                with_food=True, note="with vitamin C")],
        ),
    ]  # fmt: skip
    conflicts = [ScheduleConflict(names=["zinc", "iron"], reason="no time keeps 2 h apart")]
    return assessment.model_copy(
        update={"alerts": alerts, "schedule": slots, "schedule_conflicts": conflicts}
    )


def test_schedule_view_attaches_each_timing_rule_to_its_times(kb: KnowledgeBase) -> None:
    """A schedule alert sits at every time holding one of its sides; others stay listed."""
    separation = SeparationOut(a="iron", b="levothyroxine", b_before_h=4, b_after_h=4)
    timing = _alert("iron.levothyroxine", tier="schedule", separation=separation)
    elsewhere = _alert("zinc.calcium", tier="schedule", agents=["zinc", "calcium"])
    shown = _alert("aggravates.sertraline", tier="alert")
    assessment = _with_schedule(run(kb), [timing, elsewhere, shown])
    view = schedule_view(assessment)
    assert [s.time for s in view.slots] == ["07:00", "12:30"]
    assert [s.minutes for s in view.slots] == [420, 750]
    assert all(slot.reasons == (timing,) for slot in view.slots)
    assert view.slots[1].text == "Iron, every other day, with food (with vitamin C)"
    assert view.unplaced_reasons == (elsewhere,)
    assert view.conflicts == ("zinc, iron: no time keeps 2 h apart",)


def test_schedule_words_for_items_and_times() -> None:
    """Daily items read as their label; food and frequency in brackets; bad times sort first."""
    item = ScheduleItem(name="vitamin_d", label="Vitamin D", frequency="daily")
    assert item_text(item) == "Vitamin D"
    assert minutes("23:59") == 1439
    assert minutes("later") == 0


def test_copy_summary_note_is_the_record_note(kb: KnowledgeBase) -> None:
    """The clipboard text is rlsdesk.note's note for the record, with the agents' labels."""
    from rlsdesk.note import render_note
    from rlsdesk.session.clipboard_note import note_text

    assessment = run(kb, presentation={"rls": True, "leg_cramps": False},
                     labs=[lab("ferritin", 38, "ng/mL")])  # fmt: skip
    labels = {key: agent.label for key, agent in kb.agents.items()}
    assert note_text(assessment, kb) == render_note(assessment, labels)
