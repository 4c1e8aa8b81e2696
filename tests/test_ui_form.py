"""The case form driven as a clinician would: typing, choosing, live assessment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rlsdesk.knowledge import KnowledgeBase
from ui_helpers import (
    OFFSCREEN_POPUP_NOTICES,
    add_lab,
    add_medication,
    choose,
    enter_patient,
    make_window,
    type_text,
)

pytestmark = OFFSCREEN_POPUP_NOTICES


def test_full_case_through_the_form_shows_expected_alerts_and_decisions(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """An RLS case typed field by field gives the expected alerts and iron/magnesium decisions."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    qtbot.mouseClick(window.form.presentation.rls, Qt.MouseButton.LeftButton)
    type_text(qtbot, window.form.presentation.irls, "24")
    type_text(qtbot, window.form.kidney.egfr, "45")
    add_lab(qtbot, window, "Ferritin", "38", "ng/mL")
    add_lab(qtbot, window, "Transferrin saturation", "17")
    add_lab(qtbot, window, "Magnesium", "0.62", "mmol/L")
    for name in ("sertraline", "Benadryl", "ciprofloxacin", "levothyroxine"):
        add_medication(qtbot, window, name)
    add_medication(qtbot, window, "magnesium oxide", supplement=True)
    result = window.live.flush()

    assert result.assessment is not None, result.problems
    codes = {alert.code: alert.severity for alert in result.assessment.alerts}
    major = [code for code, severity in codes.items() if severity == "major"]
    assert len(major) == 2
    assert all("ciprofloxacin" in code for code in major)
    decisions = {d.agent: d.decision for d in result.assessment.decisions}
    assert decisions["iron"] == "recommend"
    assert decisions["magnesium"] == "caution"
    texts = window.panel.item_texts()
    shown = [a for a in result.assessment.alerts if a.tier == "alert"]
    assert f"Alerts ({len(shown)})" in texts
    assert any(t.startswith("Iron: START (RECOMMEND) · oral") for t in texts)
    assert any(t.startswith("Magnesium: CONTINUE (CAUTION) · oral · already taking") for t in texts)
    assert window.form.presentation.band.text() == "Severity: severe"
    assert "KDIGO stage <b>G3a</b>" in window.form.kidney.computed.text()
    benadryl = window.form.medications.medication_rows()[1]
    assert benadryl.resolved.text() == "→ diphenhydramine"


def test_alert_opens_to_its_basis_evidence_and_references(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """An alert opens to what to do, the inputs that fired it, its evidence tag and citations."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window, age="70", sex="Male")
    type_text(qtbot, window.form.kidney.egfr, "25")
    add_lab(qtbot, window, "Magnesium", "0.62", "mmol/L")
    add_medication(qtbot, window, "magnesium oxide", supplement=True)
    window.live.flush()
    first = window.panel.item("alert:magnesium.egfr_below_30")
    assert first is not None
    assert first.childCount() == 0  # built when opened: a rebuild per keystroke stays small
    first.setExpanded(True)
    assert first.text(0).startswith("CONTRAINDICATED — Contraindication: eGFR below 30")
    children = [first.child(n).text(0) for n in range(first.childCount())]
    assert children[0].startswith("What to do: ")
    assert "No OTC magnesium" in children[0]
    assert any(c.startswith("Basis: eGFR") for c in children)
    assert any(c.startswith("Evidence: editorial") for c in children)
    references = first.child(first.childCount() - 1)
    assert references.text(0) == "References: R28, R26"

    assert references.child(0).text(0).startswith("R28: ")


def test_changing_the_unit_changes_the_flag(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Magnesium 0.9 is normal in mmol/L; switching the unit to mg/dL makes the same number low."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    row = add_lab(qtbot, window, "Magnesium", "0.9", "mmol/L")
    window.live.flush()
    assert row.flag.text() == "Normal"
    assert row.range.text() == "0.75 – 0.955 mmol/L"
    choose(qtbot, row.unit, "mg/dL")
    window.live.flush()
    assert row.flag.text() == "▼ Low"
    assert row.flag.property("flag") == "low"


def test_unit_choices_are_limited_to_the_analyte(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """The unit list offers only the chosen analyte's units, defaulting to the preferred system."""
    window, _ = make_window(qtbot, kb, unit_system="si")
    row = add_lab(qtbot, window, "Ferritin", "38")
    assert [row.unit.itemText(i) for i in range(row.unit.count())] == list(
        kb.analytes["ferritin"].units
    )
    assert row.unit.currentText() == kb.analytes["ferritin"].si_unit


def test_unresolved_medication_is_marked_not_checked(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """An unknown name is marked "not checked" in words; a known brand shows its generic."""
    window, _ = make_window(qtbot, kb)
    unknown = add_medication(qtbot, window, "Zyxoprin")
    known = add_medication(qtbot, window, "Zoloft")
    window.live.flush()
    assert "not checked" in unknown.resolved.text()
    assert unknown.resolved.property("state") == "unresolved"
    assert known.resolved.text() == "→ sertraline"


def test_bad_value_shows_its_error_at_the_field_and_loses_nothing(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """A typo in the age shows at the age field (label, tooltip, accessible text); text stays."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window, age="6x")
    window.live.flush()
    age = window.form.patient.age
    slot = window.form.slot("patient.age_years")
    assert slot is not None
    assert age.text() == "6x"
    assert age.property("invalid") is True
    assert slot.error_text == "⚠ enter a whole number"
    assert slot.error_label is not None
    assert slot.error_label.isVisibleTo(window)
    assert "enter a whole number" in age.toolTip()
    assert "enter a whole number" in age.accessibleDescription()
    assert window.panel.status.property("state") == "invalid"
    assert window.panel.item_texts()[1] == "Age (years) (Patient): enter a whole number"
    assert window.form.patient.name.text() == "Margaret Ellison"
    type_text(qtbot, age, "62")
    window.live.flush()
    assert age.property("invalid") is False
    assert window.panel.item_texts()[0].startswith("Alerts")


def test_bad_lab_unit_is_shown_on_its_row(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """A lab row error names the row's field while other rows keep their flags."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window)
    good = add_lab(qtbot, window, "Ferritin", "38")
    bad = add_lab(qtbot, window, "Transferrin saturation", "170")
    window.live.flush()
    assert bad.value.property("invalid") is True
    assert "not a possible transferrin saturation value" in bad.errors.text()
    assert good.flag.text() == "Normal"
    assert bad.value.text() == "170"


def test_trimester_is_enabled_only_when_pregnant(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Trimester can be chosen only for a pregnant patient, and is then required."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window, age="30")
    pregnancy = window.form.pregnancy
    assert not pregnancy.trimester.isEnabled()
    choose(qtbot, pregnancy.status, "Pregnant")
    assert pregnancy.trimester.isEnabled()
    window.live.flush()
    assert pregnancy.trimester.property("invalid") is True
    choose(qtbot, pregnancy.trimester, "Second")
    result = window.live.flush()
    assert result.valid


def test_edits_update_the_panel_through_the_debounce(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Typing schedules a re-assessment that arrives by itself within a moment."""
    window, _ = make_window(qtbot, kb)
    with qtbot.waitSignal(window.live.updated, timeout=1000):
        type_text(qtbot, window.form.patient.age, "40")
    with qtbot.waitSignal(window.live.updated, timeout=1000):
        choose(qtbot, window.form.patient.sex, "Male")
    assert window.live.result is not None
    assert window.live.result.valid


def test_child_egfr_is_not_computed_and_says_why(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """For a child, creatinine gives no CKD-EPI eGFR and the kidney section says why."""
    window, _ = make_window(qtbot, kb)
    enter_patient(qtbot, window, age="12")
    qtbot.mouseClick(window.form.kidney.creatinine, Qt.MouseButton.LeftButton)
    row = window.form.labs.lab_rows()[-1]
    assert row.analyte.currentText() == "Creatinine"
    type_text(qtbot, row.value, "0.6")
    window.live.flush()
    assert "validated for adults only" in window.form.kidney.computed.text()


def test_inputs_have_accessible_names_and_tab_in_form_order(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """Every input is named for screen readers; Tab walks the form top to bottom, rows included."""
    window, _ = make_window(qtbot, kb)
    add_lab(qtbot, window, "Ferritin", "38")
    chain = window.form.focus_chain()
    spoken = [w.accessibleName() or w.property("text") for w in chain]  # buttons speak their text
    assert all(spoken), [w for w, name in zip(chain, spoken, strict=True) if not name]
    window.form.patient.name.setFocus()
    seen = []
    for _ in range(12):
        seen.append(window.focusWidget())
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert seen[:5] == chain[:5]
    row = window.form.labs.lab_rows()[0]
    assert chain.index(row.value) == chain.index(row.analyte) + 1
    names = {
        action.shortcut().toString() for action in window.findChildren(type(window.print_action))
    }
    assert {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+P", "Ctrl+E"} <= names
