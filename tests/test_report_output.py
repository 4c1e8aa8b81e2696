"""Writing the sheet: atomic file writes, the `rlsdesk sheet` command, its exit statuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pypdf
import pytest

from conftest import lab, make_case, run
from rlsdesk.audit import read_log
from rlsdesk.cli import main
from rlsdesk.domain.assessment import Assessment
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report import SheetOptions, write_sheet
from rlsdesk.report import sheet as sheet_module
from rlsdesk.settings import Settings, save_settings

OLD_CONTENT = b"the sheet printed last week"


def write_case(tmp_path: Path, case: object) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), "utf-8")
    return path


def folder_listing(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def rls_case() -> dict[str, Any]:
    return make_case(presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])


def test_write_sheet_writes_the_pdf_it_returns(kb: KnowledgeBase, tmp_path: Path) -> None:
    """write_sheet stores exactly the bytes it returns, and leaves no temporary file."""
    target = tmp_path / "sheet.pdf"
    pdf = write_sheet(target, run(kb), SheetOptions(reproducible=True))
    assert pdf.startswith(b"%PDF-")
    assert target.read_bytes() == pdf
    assert folder_listing(tmp_path) == ["sheet.pdf"]


@pytest.mark.parametrize("failing_step", ["build_sheet", "render"])
def test_a_failed_build_leaves_the_existing_file_untouched(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_step: str
) -> None:
    """If building fails, the old sheet stays as it was and no temporary file is left."""
    target = tmp_path / "sheet.pdf"
    target.write_bytes(OLD_CONTENT)

    def fail(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(sheet_module, failing_step, fail)
    with pytest.raises(RuntimeError, match="layout failed"):
        write_sheet(target, run(kb), SheetOptions())
    assert target.read_bytes() == OLD_CONTENT
    assert folder_listing(tmp_path) == ["sheet.pdf"]


def test_a_failed_replace_leaves_the_existing_file_untouched(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the old sheet survives and the temporary file is removed."""
    target = tmp_path / "sheet.pdf"
    target.write_bytes(OLD_CONTENT)
    assessment: Assessment = run(kb)

    def refuse(source: object, destination: object) -> NoReturn:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_sheet(target, assessment, SheetOptions())
    assert target.read_bytes() == OLD_CONTENT
    assert folder_listing(tmp_path) == ["sheet.pdf"]


def test_cli_sheet_writes_records_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk sheet` writes the PDF, prints its path, and logs the export in the audit log."""
    output = tmp_path / "out.pdf"
    status = main(
        [
            "sheet",
            str(write_case(tmp_path, rls_case())),
            "-o",
            str(output),
            "--clinician",
            "Dr Byrne",
            "--handout",
        ]
    )
    assert status == 0
    assert capsys.readouterr().out.strip() == str(output)
    assert "Clinician: Dr Byrne" in pdf_text(output)
    rows, warning = read_log()
    assert warning is None
    assert [(row["action"], row["clinician"]) for row in rows] == [("export", "Dr Byrne")]


def test_cli_sheet_uses_saved_settings_unless_overridden(tmp_path: Path) -> None:
    """Clinic details and page size come from settings; a command-line value wins."""
    save_settings(Settings(clinic_name="Saved Clinic", clinician="Dr Saved", page_size="letter"))
    case = str(write_case(tmp_path, rls_case()))
    saved, overridden = tmp_path / "saved.pdf", tmp_path / "overridden.pdf"
    assert main(["sheet", case, "-o", str(saved)]) == 0
    assert (
        main(["sheet", case, "-o", str(overridden), "--clinician", "Dr Given", "--page-size", "a4"])
        == 0
    )
    saved_text, overridden_text = pdf_text(saved), pdf_text(overridden)
    assert "Saved Clinic" in saved_text
    assert "Clinician: Dr Saved" in saved_text
    assert "Clinician: Dr Given" in overridden_text
    assert float(pypdf.PdfReader(saved).pages[0].mediabox.width) == pytest.approx(612, abs=0.1)
    assert float(pypdf.PdfReader(overridden).pages[0].mediabox.width) == pytest.approx(
        595.28, abs=0.1
    )


def test_cli_reproducible_sheets_are_identical(tmp_path: Path) -> None:
    """--reproducible gives byte-identical sheets for the same case."""
    case = str(write_case(tmp_path, rls_case()))
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert main(["sheet", case, "-o", str(first), "--reproducible"]) == 0
    assert main(["sheet", case, "-o", str(second), "--reproducible"]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_cli_bad_case_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid case is an input error naming the field; no sheet is written."""
    case = make_case(labs=[lab("magnesium", 2, "mg")])
    output = tmp_path / "out.pdf"
    assert main(["sheet", str(write_case(tmp_path, case)), "-o", str(output)]) == 2
    assert "labs[0].unit" in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_cli_unwritable_output_exits_2_naming_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """An output path that cannot be written is an input error that names the path."""
    output = tmp_path / "no such folder" / "out.pdf" if where == "missing folder" else tmp_path
    case = str(write_case(tmp_path, rls_case()))
    before = folder_listing(tmp_path)
    assert main(["sheet", case, "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert str(output) in error.splitlines()[0]
    assert folder_listing(tmp_path) == before
    assert read_log()[0] == []


def test_cli_audit_failure_warns_but_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet is still delivered when the audit log cannot record it; the warning is shown."""
    from rlsdesk.report import command

    def write_unlogged(output: Path, sheet: bytes, *args: object, **kwargs: object) -> str:
        output.write_bytes(sheet)
        return "The log is unavailable."

    monkeypatch.setattr(command, "audited_write", write_unlogged)
    output = tmp_path / "out.pdf"
    assert main(["sheet", str(write_case(tmp_path, rls_case())), "-o", str(output)]) == 0
    assert "warning: The log is unavailable." in capsys.readouterr().err
    assert output.exists()


def test_cli_build_failure_is_internal_not_an_output_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet that cannot be built (e.g. a font file missing) exits 1, not 'cannot write'."""
    from rlsdesk.report import command

    def missing_font(*args: object, **kwargs: object) -> NoReturn:
        raise FileNotFoundError(2, "No such file", "DejaVuSans.ttf")

    monkeypatch.setattr(command, "build_sheet", missing_font)
    output = tmp_path / "out.pdf"
    assert main(["sheet", str(write_case(tmp_path, rls_case())), "-o", str(output)]) == 1
    error = capsys.readouterr().err
    assert "internal error" in error
    assert "cannot write" not in error
    assert not output.exists()


@pytest.mark.slow
def test_reproducible_bytes_hold_across_processes(tmp_path: Path) -> None:
    """Separate runs with different hash seeds still write byte-identical sheets."""
    case = str(write_case(tmp_path, rls_case()))
    outputs = []
    for seed in ("1", "2"):
        output = tmp_path / f"seed{seed}.pdf"
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "rlsdesk.cli", "sheet", case, "-o", str(output)]
        completed = subprocess.run(
            [*command, "--reproducible", "--handout"], env=environment, check=False
        )
        assert completed.returncode == 0
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
