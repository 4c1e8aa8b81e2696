"""HL7 v2 ORU and CSV/TSV import: fields read by position, doubtful rows listed, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labimport_helpers import hl7_message
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.api import import_files
from rlsdesk.labimport.model import FileReport, LabFileError
from rlsdesk.labimport.patients import PatientChoiceNeeded
from rlsdesk.labimport.reading import MAX_LAB_FILE_BYTES

TODAY = dt.date(2026, 11, 30)


def _import(tmp_path: Path, kb: KnowledgeBase, name: str, text: str, **kw: str) -> FileReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    (report,) = import_files([path], kb, today=TODAY, **kw)
    return report


def test_hl7_obx_reads_code_unit_time_and_status(tmp_path: Path, kb: KnowledgeBase) -> None:
    """OBX-3 LOINC, OBX-5 value, OBX-6 unit, OBX-14 time and OBX-11 F give one ferritin."""
    obx = "OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL^^UCUM|15-200|L|||F|||20260801083000+0100"
    report = _import(tmp_path, kb, "oru.hl7", hl7_message(obx))
    (item,) = report.imported
    assert (item.entry.analyte, item.entry.value, item.entry.unit) == ("ferritin", 38, "ng/mL")
    assert item.entry.date == dt.date(2026, 8, 1)
    assert item.entry.source is not None
    assert item.entry.source.system == "LN"
    assert report.patient is not None
    assert report.patient.display == "Jane Doe (MRN-7)"


def test_hl7_alternate_loinc_and_order_time(tmp_path: Path, kb: KnowledgeBase) -> None:
    """LOINC as the alternate coding of OBX-3 is used; without OBX-14 the OBR-7 time dates it."""
    obx = "OBX|1|NM|FER^Ferritin^L^2276-4^Ferritin^LN||62|ug/L|||||F"
    report = _import(tmp_path, kb, "oru.hl7", hl7_message(obx, obr_time="20261001"))
    (item,) = report.imported
    assert (item.entry.value, item.entry.unit, item.entry.date) == (
        62,
        "µg/L",
        dt.date(2026, 10, 1),
    )


@pytest.mark.parametrize(
    ("obx", "kind"),
    [
        ("OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||P", "status"),
        ("OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||I", "status"),
        ("OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||X", "status"),
        ("OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||W", "status"),
        ("OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL", "status"),
        ("OBX|1|NM|2276-4^Ferritin^LN||<5|ng/mL|||||F", "comparator"),
        ("OBX|1|SN|2276-4^Ferritin^LN||>^1000|ng/mL|||||F", "comparator"),
        ("OBX|1|ST|2276-4^Ferritin^LN||haemolysed|ng/mL|||||F", "text_value"),
        ("OBX|1|NM|718-7^Hemoglobin^LN||12.5|g/mL^^UCUM|||||F", "unit"),
        ("OBX|1|NM|FER^Ferritin^L||38|ng/mL|||||F", "local_code"),
    ],
)
def test_hl7_doubtful_results_listed(
    tmp_path: Path, kb: KnowledgeBase, obx: str, kind: str
) -> None:
    """Pending, preliminary, cancelled, wrong-patient, bounded, text, wrong-unit, local: listed."""
    report = _import(tmp_path, kb, "oru.hl7", hl7_message(obx))
    assert report.imported == []
    assert [n.kind for n in report.not_imported] == [kind]
    assert report.not_imported[0].where == "OBX 1"


def test_hl7_without_time_is_listed(tmp_path: Path, kb: KnowledgeBase) -> None:
    """No OBX-14 and no OBR-7: the result has no date and is listed."""
    obx = "OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||F"
    report = _import(tmp_path, kb, "oru.hl7", hl7_message(obx, obr_time=""))
    assert [n.kind for n in report.not_imported] == ["date"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("PID|1||X\rOBX|1|NM|2276-4^F^LN||38|ng/mL|||||F\r", "without an MSH"),
        (b"\x00\x01\x02binary".decode("latin-1"), "binary"),
        ("", "empty"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, kb: KnowledgeBase, content: str, words: str) -> None:
    """An HL7 message without MSH, a binary or an empty file is an error naming the file."""
    path = tmp_path / "in.hl7"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(LabFileError) as raised:
        import_files([path], kb)
    assert words in str(raised.value)
    assert "in.hl7" in str(raised.value)


def test_file_over_the_size_limit_is_refused(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A file one byte over the limit is refused before it is parsed."""
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (MAX_LAB_FILE_BYTES + 1))
    with pytest.raises(LabFileError, match="larger than"):
        import_files([path], kb)


CSV_HEADER = "loinc,value,unit,date\n"


def test_csv_rows(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A CSV with the documented header imports clean rows and lists doubtful ones by line."""
    text = (
        CSV_HEADER
        + "2276-4,38,ng/mL,2026-08-01\n"
        + "2502-3,<10,%,2026-08-01\n"
        + "2276-4,62,ng/mL,01/10/2026\n"
        + "718-7,12.5,g/mL,2026-08-01\n"
    )
    report = _import(tmp_path, kb, "labs.csv", text)
    assert [(i.entry.analyte, i.entry.value) for i in report.imported] == [("ferritin", 38)]
    listed = [(n.where, n.kind) for n in report.not_imported]
    assert listed == [("line 3", "comparator"), ("line 4", "date"), ("line 5", "unit")]


def test_tsv_with_analyte_ids_and_patients(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A TSV naming analyte ids and two patients needs a patient; the chosen one's rows come in."""
    text = (
        "PID\tAnalyte\tValue\tUnits\tDate\n"
        "A\tferritin\t38\tng/mL\t2026-08-01\n"
        "B\tferritin\t400\tng/mL\t2026-08-01\n"
    )
    with pytest.raises(PatientChoiceNeeded):
        _import(tmp_path, kb, "labs.tsv", text)
    report = _import(tmp_path, kb, "labs.tsv", text, patient="B")
    assert [i.entry.value for i in report.imported] == [400]


def test_csv_header_without_required_columns(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A CSV header lacking the unit column is refused, naming what is missing."""
    path = tmp_path / "labs.csv"
    path.write_text("loinc,value,date\n2276-4,38,2026-08-01\n", encoding="utf-8")
    with pytest.raises(LabFileError, match="unit"):
        import_files([path], kb)


def test_hl7_batch_of_two_patients_is_never_merged(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A batch (FHS/BHS) of two messages for two patients needs a choice; each OBX follows
    the PID before it."""
    segments = [
        "FHS|^~\\&|LAB",
        "BHS|^~\\&|LAB",
        "MSH|^~\\&|LAB|H|||20260802||ORU^R01|1|P|2.5",
        "PID|1||123^^^H^MR||DOE^JANE||19800101|F",
        "OBX|1|NM|2276-4^Ferritin^LN||38|ng/mL|||||F|||20260801",
        "MSH|^~\\&|LAB|H|||20260802||ORU^R01|2|P|2.5",
        "PID|1||456^^^H^MR||ROE^RICH||19700101|M",
        "OBX|1|NM|2276-4^Ferritin^LN||40|ng/mL|||||F|||20260801",
        "BTS|2",
        "FTS|1",
    ]
    text = "\n".join(segments)
    with pytest.raises(PatientChoiceNeeded):
        _import(tmp_path, kb, "batch.hl7", text)
    report = _import(tmp_path, kb, "batch.hl7", text, patient="456")
    assert [i.entry.value for i in report.imported] == [40]
    assert report.patient is not None
    assert report.patient.sex == "male"
