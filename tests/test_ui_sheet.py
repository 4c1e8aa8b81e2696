"""The sheet from the GUI: preview, print and export share one PDF; serious alerts acknowledged."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pypdf
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk import audit
from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings, load_settings, save_settings
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


def test_printing_is_blocked_until_the_contraindication_is_acknowledged(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A contraindication must be acknowledged: declining blocks printing; the reason is logged."""
    out = tmp_path / "printed.pdf"
    code = "magnesium.egfr_below_30"
    scripted = ScriptedDialogs(
        printer_file=out,
        acknowledgements=[None, [Acknowledgement(code, "nephrology advised")]],
    )
    window, dialogs = opened(qtbot, kb, tmp_path, CONTRAINDICATED, scripted)
    expected = assess(parse_case(CONTRAINDICATED, kb), kb)
    serious = [a.code for a in expected.alerts if a.severity in ("contraindicated", "major")]
    assert code in serious

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
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Export PDF writes the sheet atomically, owner-only, and records an export."""
    target = tmp_path / "sheet"
    code = "magnesium.egfr_below_30"
    scripted = ScriptedDialogs(
        export_paths=[target], acknowledgements=[[Acknowledgement(code, "")]]
    )
    window, _ = opened(qtbot, kb, tmp_path, CONTRAINDICATED, scripted)
    written = window.sheets.export_pdf()
    assert written == tmp_path / "sheet.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    rows, _ = audit.read_log()
    assert rows[0]["action"] == "export"
    assert rows[0]["sheet_sha256"] == audit._sha256(written.read_bytes())


def test_acknowledge_dialog_needs_every_box_ticked(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """The dialog's continue button stays disabled until each serious alert is ticked."""
    alerts = [a for a in assess(parse_case(CONTRAINDICATED, kb), kb).alerts]
    dialog = AcknowledgeDialog(alerts)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    for box in dialog.boxes[:-1]:
        box.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    dialog.boxes[-1].setChecked(True)
    dialog.reasons[0].setText("  benefit outweighs risk ")
    assert dialog.ok_button.isEnabled()
    assert dialog.acknowledgements()[0] == Acknowledgement(alerts[0].code, "benefit outweighs risk")
    assert dialog.boxes[0].text().startswith("✖ CONTRAINDICATED:")


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
