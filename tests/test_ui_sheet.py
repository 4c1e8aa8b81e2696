"""The sheet from the GUI: preview, print and export share one PDF; serious alerts acknowledged."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk import audit
from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.case import Case, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings, load_settings, save_settings
from rlsdesk.ui import sheet_flow
from rlsdesk.ui.acknowledge_dialog import PREFERRED_SIZE as ACK_SIZE
from rlsdesk.ui.acknowledge_dialog import AcknowledgeDialog
from rlsdesk.ui.main_window import MainWindow
from ui_helpers import ScriptedDialogs, make_window, write_case

PLAIN = make_case(
    presentation={"rls": True, "leg_cramps": False}, labs=[lab("ferritin", 38, "ng/mL")]
)
CONTRAINDICATED = make_case(
    patient={"age_years": 70, "sex": "male"},
    presentation={"rls": False, "leg_cramps": True},
    kidney={"egfr": 25, "dialysis": "none"},
    labs=[lab("magnesium", 0.62, "mmol/L")],
    supplements=[{"name": "magnesium oxide"}],
)


def interrupting(monkeypatch: pytest.MonkeyPatch, codes: set[str]) -> None:
    """The sheet flow's assessments with exactly ``codes`` in the interruptive tier (the
    engine's tiering is area E's; this pins the flow, whatever the engine decides)."""

    def assess_with_tiers(case: Case, kb: KnowledgeBase) -> Assessment:
        assessment = assess(case, kb)
        alerts = [
            a.model_copy(update={"tier": "interruptive" if a.code in codes else "alert"})
            for a in assessment.alerts
        ]
        return assessment.model_copy(update={"alerts": alerts})

    monkeypatch.setattr(sheet_flow, "assess", assess_with_tiers)


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def opened(
    qtbot: QtBot,
    kb: KnowledgeBase,
    tmp_path: Path,
    case: dict[str, object],
    dialogs: ScriptedDialogs | None = None,
) -> tuple[MainWindow, ScriptedDialogs]:
    window, dialogs = make_window(qtbot, kb, dialogs, clinician="Dr A. Clinician")
    assert window.controller.open_case(write_case(tmp_path / "case.json", case))
    return window, dialogs


def test_preview_shows_every_page_of_the_sheet(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The preview loads the reportlab PDF itself: same page count as the sheet's bytes."""
    window, _ = opened(qtbot, kb, tmp_path, PLAIN)
    pdf = window.sheets.preview()
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    assert window.preview is not None
    assert window.preview.isVisible()
    assert window.preview.page_count() == pages(pdf) >= 1
    assert window.preview.info.text().startswith(f"{pages(pdf)} page")


def test_print_to_a_pdf_file_through_qprinter(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Printing renders the sheet's pages onto a QPrinter (PDF output here) and logs the print."""
    out = tmp_path / "printed.pdf"
    window, dialogs = opened(qtbot, kb, tmp_path, PLAIN, ScriptedDialogs(printer_file=out))
    assert window.sheets.print_sheet()
    assert dialogs.acknowledge_requests == []  # nothing serious to acknowledge here
    sheet = window.sheets.preview()
    assert sheet is not None
    assert out.exists()
    assert pages(out.read_bytes()) == pages(sheet) == window.sheets.last_pages
    rows, _ = audit.read_log()
    assert [row["action"] for row in rows] == ["print"]
    assert rows[0]["clinician"] == "Dr A. Clinician"


def test_printing_is_blocked_until_the_interruptive_alert_is_acknowledged(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the interruptive tier is asked: declining blocks printing; the reason is logged."""
    out = tmp_path / "printed.pdf"
    code = "magnesium.egfr_below_30"
    scripted = ScriptedDialogs(
        printer_file=out,
        acknowledgements=[None, [Acknowledgement(code, "nephrology advised")]],
    )
    window, dialogs = opened(qtbot, kb, tmp_path, CONTRAINDICATED, scripted)
    interrupting(monkeypatch, {code})
    serious = [code]

    assert not window.sheets.print_sheet()
    assert "print" not in dialogs.asked
    assert not out.exists()
    assert audit.read_log()[0] == []
    assert [a.code for a in dialogs.acknowledge_requests[0]] == serious

    assert window.sheets.print_sheet()
    assert out.exists()
    rows, _ = audit.read_log()
    assert json.loads(rows[0]["acknowledgements"]) == [
        {"alert": code, "reason": "nephrology advised"}
    ]


def test_export_writes_the_sheet_owner_only_and_logs_it(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export PDF writes the sheet atomically, owner-only, and records an export."""
    target = tmp_path / "sheet"
    code = "magnesium.egfr_below_30"
    scripted = ScriptedDialogs(
        export_paths=[target], acknowledgements=[[Acknowledgement(code, "")]]
    )
    window, _ = opened(qtbot, kb, tmp_path, CONTRAINDICATED, scripted)
    interrupting(monkeypatch, {code})
    written = window.sheets.export_pdf()
    assert written == tmp_path / "sheet.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    rows, _ = audit.read_log()
    assert rows[0]["action"] == "export"
    assert rows[0]["sheet_sha256"] == audit._sha256(written.read_bytes())


def test_acknowledge_dialog_continues_only_when_every_box_is_ticked(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """Continue with a box unticked stays open and names it; all ticked, it accepts."""
    alerts = [a for a in assess(parse_case(CONTRAINDICATED, kb), kb).alerts][:2]
    dialog = AcknowledgeDialog(alerts)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.boxes[0].setChecked(True)
    with qtbot.assertNotEmitted(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.remaining.isVisible()
    assert dialog.remaining.text().startswith("Not yet acknowledged (1):\n2. ")
    assert alerts[1].message in dialog.remaining.text()
    assert dialog.focusWidget() is dialog.boxes[1]
    dialog.boxes[1].setChecked(True)
    assert not dialog.remaining.isVisible()
    dialog.reasons[0].setText("  benefit outweighs risk ")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.acknowledgements()[0] == Acknowledgement(alerts[0].code, "benefit outweighs risk")
    assert dialog.boxes[0].text() == "✖ CONTRAINDICATED"


def test_acknowledge_dialog_wraps_a_long_alert_within_its_width(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """A very long alert is wrapped inside the dialog, never cut off or widening it."""
    alert = assess(parse_case(CONTRAINDICATED, kb), kb).alerts[0]
    long_alert = alert.model_copy(update={"message": "Long alert text. " * 60})
    dialog = AcknowledgeDialog([long_alert])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    text = dialog.texts[0]
    assert text.wordWrap()
    assert dialog.width() == ACK_SIZE[0]
    assert text.geometry().right() <= text.parentWidget().width()
    assert text.height() > 3 * text.fontMetrics().height()


def test_settings_change_the_sheet_and_are_saved(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Settings chosen in the dialog are stored under RLSDESK_HOME and used for new lab rows."""
    chosen = Settings(
        clinic_name="Sleep Clinic", clinician="Dr B", unit_system="si", page_size="letter"
    )
    window, _ = make_window(qtbot, kb, ScriptedDialogs(settings=chosen))
    window._store_settings = save_settings
    window.edit_settings()
    assert load_settings() == chosen
    assert window.sheets.options().clinic_name == "Sleep Clinic"
    assert window.form.labs.unit_system == "si"


def test_summary_only_leaves_the_appendix_out(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """File > Summary page only gives the signed summary without the appendix pages."""
    window, _ = opened(qtbot, kb, tmp_path, PLAIN)
    full = window.sheets.preview()
    assert window.preview is not None
    window.preview.close()  # reopened below (raising an open one is not for offscreen)
    window.summary_only_action.trigger()
    assert window.sheets.options().summary_only
    summary = window.sheets.preview()
    assert full is not None
    assert summary is not None
    assert pages(summary) < pages(full)
