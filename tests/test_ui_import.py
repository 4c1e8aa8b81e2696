"""The app's lab import: review before anything joins the case, patient checks, conflicts,
dropped files and the trend charts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from labimport_helpers import bundle, observation, patient, write_json
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.formstate import LabRow
from rlsdesk.ui.import_dialog import ImportReviewDialog
from rlsdesk.ui.main_window import MainWindow
from ui_helpers import make_window, type_text


def test_imported_provenance_is_shown_saved_and_dropped_when_edited(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """An imported row shows where it came from, is saved with labs[].source, and a value
    typed over it by hand loses that provenance."""
    window, _ = make_window(qtbot, kb)
    window.lab_import.review = lambda dialog: True
    assert window.lab_import.import_paths([_lab_file(tmp_path)])
    first, second = window.form.labs.lab_rows()
    assert "Imported from ferritin.json" in first.value.toolTip()
    case = window.controller.current_case()
    assert case is not None
    assert [lab.source.code if lab.source else None for lab in case.labs] == ["2276-4"] * 2
    type_text(qtbot, second.value, "64")
    assert second.value.toolTip() == ""
    case = window.controller.current_case()
    assert case is not None
    assert [lab.source is not None for lab in case.labs] == [True, False]


def _rows(window: MainWindow) -> list[tuple[str, str, str, str]]:
    return [(r.analyte, r.value, r.unit, r.date) for r in window.form.state().labs]


def _lab_file(tmp_path: Path) -> Path:
    document = bundle(patient(), observation(), observation(value=62, date="2026-10-01"))
    return write_json(tmp_path, "ferritin.json", document)


def test_accepted_review_adds_results_and_patient(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """File > Import shows the results with source; accepting adds them and fills the patient."""
    window, _ = make_window(qtbot, kb)
    seen: list[ImportReviewDialog] = []

    def review(dialog: ImportReviewDialog) -> bool:
        seen.append(dialog)
        return True

    path = _lab_file(tmp_path)
    window.lab_import.choose_files = lambda: [path]
    window.lab_import.review = review
    window.import_action.trigger()
    (dialog,) = seen
    table = dialog.imported_table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in range(4)] == ["Ferritin", "38", "ng/mL", "2026-08-01"]
    assert "ferritin.json" in table.item(0, 4).text()
    assert "2276-4" in table.item(0, 4).text()
    assert _rows(window) == [
        ("ferritin", "38", "ng/mL", "2026-08-01"),
        ("ferritin", "62", "ng/mL", "2026-10-01"),
    ]
    state = window.form.state()
    assert (state.name, state.identifier, state.sex) == ("Jane Example", "MRN-1", "female")
    assert window.controller.dirty


def test_cancelled_review_changes_nothing(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """Nothing joins the case before the clinician accepts."""
    window, _ = make_window(qtbot, kb)
    window.lab_import.review = lambda dialog: False
    assert not window.lab_import.import_paths([_lab_file(tmp_path)])
    assert _rows(window) == []
    assert not window.controller.dirty


def test_patient_mismatch_must_be_confirmed(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Another patient in the open case: a warning, and Import waits for the confirmation."""
    window, _ = make_window(qtbot, kb)
    state = window.form.state()
    state.name, state.identifier = "Margaret Ellison", "MRN-204817"
    window.form.set_state(state)
    checked: list[tuple[bool, bool]] = []

    def review(dialog: ImportReviewDialog) -> bool:
        before = dialog.accept_button.isEnabled()
        dialog.confirm.setChecked(True)
        checked.append((before, dialog.accept_button.isEnabled()))
        return True

    window.lab_import.review = review
    assert window.lab_import.import_paths([_lab_file(tmp_path)])
    assert checked == [(False, True)]
    assert window.form.state().name == "Margaret Ellison"  # never overwritten


def test_file_with_two_patients_asks_which(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """The app asks which patient; only that patient's results are offered."""
    window, _ = make_window(qtbot, kb)
    other = observation(value=90)
    other["subject"] = {"reference": "Patient/p2"}
    path = write_json(
        tmp_path, "two.json", bundle(patient(), patient("p2", "MRN-2"), observation(), other)
    )
    asked: list[int] = []

    def ask(error: object) -> str:
        asked.append(len(getattr(error, "patients", ())))
        return "MRN-2"

    window.lab_import.ask_patient = ask
    window.lab_import.review = lambda dialog: True
    assert window.lab_import.import_paths([path])
    assert asked == [2]
    assert [row[1] for row in _rows(window)] == ["90"]


def test_conflict_choice_takes_the_file_value(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Same test and date with another value: the clinician's choice decides which stays."""
    window, _ = make_window(qtbot, kb)
    state = window.form.state()
    state.labs = [LabRow("ferritin", "380", "ng/mL", "2026-08-01")]
    window.form.set_state(state)

    def review(dialog: ImportReviewDialog) -> bool:
        (box,) = dialog.choice_boxes
        box.setCurrentIndex(box.findData("file"))
        return True

    window.lab_import.review = review
    path = write_json(tmp_path, "one.json", observation())
    assert window.lab_import.import_paths([path])
    assert _rows(window) == [("ferritin", "38", "ng/mL", "2026-08-01")]


def test_malformed_file_is_reported(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """A broken file is a problem shown to the clinician, naming it; no review opens."""
    window, dialogs = make_window(qtbot, kb)
    bad = tmp_path / "bad.hl7"
    bad.write_text("PID|1||X\r", encoding="utf-8")
    window.lab_import.review = lambda dialog: True
    assert not window.lab_import.import_paths([bad])
    ((title, lines),) = dialogs.problems
    assert "not imported" in title
    assert "bad.hl7" in lines[0]


def test_dropped_file_opens_the_review(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """Dropping a lab file on the window starts the same review."""
    window, _ = make_window(qtbot, kb)
    reviewed: list[int] = []
    window.lab_import.review = lambda dialog: reviewed.append(1) is None
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(_lab_file(tmp_path)))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt delivers a drop only inside a real drag; the window's filter is what receives it.
    assert window.file_drop.eventFilter(window, drop)
    assert drop.isAccepted()
    assert reviewed == [1]
    assert len(_rows(window)) == 2


def test_trend_window_shows_charts(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """With two dated ferritins, View > Lab trends shows one ferritin chart with its values."""
    window, _ = make_window(qtbot, kb)
    window.lab_import.review = lambda dialog: True
    window.trends_action.trigger()
    assert window.trends_window is not None
    panel = window.trends_window.panel  # type: ignore[attr-defined]
    assert panel.charts() == []
    assert window.lab_import.import_paths([_lab_file(tmp_path)])
    (chart,) = panel.charts()
    assert chart.accessibleName() == "Ferritin trend"
    assert "2026-08-01: 38" in chart.accessibleDescription()
    assert [t.value for t in chart.trend.thresholds] == [75, 100, 300]
    chart.grab()  # paints without a Qt warning


def test_egfr_fills_empty_field_and_a_different_one_is_a_choice(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """An imported eGFR fills an empty kidney field; against an entered one the clinician
    chooses, and keeping the case's value keeps it."""
    window, _ = make_window(qtbot, kb)
    egfr = observation(code="98979-8", value=52, unit="mL/min/1.73m2", ucum="mL/min/{1.73_m2}")
    path = write_json(tmp_path, "egfr.json", egfr)
    window.lab_import.review = lambda dialog: True
    assert window.lab_import.import_paths([path])
    assert window.form.state().egfr == "52"
    state = window.form.state()
    state.egfr = "40"
    window.form.set_state(state)
    boxes: list[str] = []

    def keep_case(dialog: ImportReviewDialog) -> bool:
        assert dialog.egfr_box is not None
        boxes.append(dialog.egfr_box.accessibleName())
        return True

    window.lab_import.review = keep_case
    assert window.lab_import.import_paths([path])
    assert boxes == ["eGFR: case 40, file 52 on 2026-08-01"]
    assert window.form.state().egfr == "40"
