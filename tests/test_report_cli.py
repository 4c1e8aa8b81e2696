"""`rlsdesk sheet` options: --acknowledge CODE[=REASON] for interruptive alerts (printed and
audited) and --summary-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import lab, make_case
from rlsdesk.audit import read_log
from rlsdesk.cli import main
from rlsdesk.report.alerts import NOT_ACKNOWLEDGED
from rlsdesk.report.sheet import APPENDIX_TITLE

HYPERKALEMIA = "potassium.hyperkalemia"
URGENT_POTASSIUM = "lab.potassium_urgent_high"


def potassium_case() -> dict[str, Any]:
    """Taking potassium with a potassium of 6.1 mmol/L: two interruptive alerts."""
    return make_case(
        presentation={"leg_cramps": True},
        labs=[lab("potassium", 6.1, "mmol/L")],
        supplements=[{"name": "potassium chloride"}],
    )


def sheet(tmp_path: Path, case: dict[str, Any], *extra: str) -> tuple[int, Path]:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), "utf-8")
    output = tmp_path / "sheet.pdf"
    return main(["sheet", str(path), "-o", str(output), *extra]), output


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_unacknowledged_interruptive_alerts_print_and_are_audited_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --acknowledge each interruptive alert prints NOT ACKNOWLEDGED, logged as such."""
    status, output = sheet(tmp_path, potassium_case())
    assert status == 0
    assert text_of(output).count(NOT_ACKNOWLEDGED) == 2
    rows, _ = read_log()
    records = json.loads(rows[-1]["acknowledgements"])
    assert {(r["alert"], r.get("acknowledged", True)) for r in records} == {
        (HYPERKALEMIA, False),
        (URGENT_POTASSIUM, False),
    }
    capsys.readouterr()
    assert main(["audit"]) == 0
    assert "acknowledged 0, NOT acknowledged 2" in capsys.readouterr().out


def test_acknowledge_with_a_reason_prints_it_and_logs_both_kinds(tmp_path: Path) -> None:
    """An acknowledged alert prints its reason; the other stays NOT ACKNOWLEDGED in both."""
    status, output = sheet(
        tmp_path, potassium_case(), "--acknowledge", f"{HYPERKALEMIA}=repeat sample haemolysed"
    )
    assert status == 0
    text = text_of(output)
    assert "Acknowledged by the clinician. Reason: repeat sample haemolysed" in text
    assert text.count(NOT_ACKNOWLEDGED) == 1
    rows, _ = read_log()
    assert json.loads(rows[-1]["acknowledgements"]) == [
        {"alert": HYPERKALEMIA, "reason": "repeat sample haemolysed"},
        {"alert": URGENT_POTASSIUM, "reason": "", "acknowledged": False},
    ]


def test_acknowledge_without_a_reason(tmp_path: Path) -> None:
    """CODE alone acknowledges with no reason given."""
    status, output = sheet(
        tmp_path,
        potassium_case(),
        "--acknowledge",
        HYPERKALEMIA,
        "--acknowledge",
        URGENT_POTASSIUM,
    )
    assert status == 0
    text = text_of(output)
    assert NOT_ACKNOWLEDGED not in text
    assert text.count("Acknowledged by the clinician. No reason given.") == 2


def test_acknowledging_an_unknown_code_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt code exits 2 naming --acknowledge and the codes it could be; no sheet."""
    status, output = sheet(tmp_path, potassium_case(), "--acknowledge", "potassium.hyperkalaemia")
    assert status == 2
    error = capsys.readouterr().err
    assert "--acknowledge" in error
    assert HYPERKALEMIA in error
    assert not output.exists()


def test_summary_only_writes_page_one_without_the_appendix(tmp_path: Path) -> None:
    """--summary-only leaves the appendix out and keeps the signature."""
    case = make_case(presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    _, full = sheet(tmp_path, case)
    full_pages = len(pypdf.PdfReader(full).pages)
    status, summary = sheet(tmp_path, case, "--summary-only")
    assert status == 0
    assert len(pypdf.PdfReader(summary).pages) < full_pages
    text = text_of(summary)
    assert APPENDIX_TITLE not in text
    assert "Signature" in text
