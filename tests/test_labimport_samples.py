"""The real exports in shared/import-samples: every value that should come in does, with the
right unit and date, and every awkward entry is listed with its reason."""

from __future__ import annotations

import datetime as dt

import pytest

from labimport_helpers import SAMPLES
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.api import import_files
from rlsdesk.labimport.model import FileReport
from rlsdesk.labimport.patients import PatientChoiceNeeded

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/import-samples is absent")
D = dt.date


def _report(name: str, kb: KnowledgeBase, patient: str | None = None) -> FileReport:
    (report,) = import_files([SAMPLES / name], kb, patient)
    return report


def _in(report: FileReport) -> list[tuple[str, float, str, dt.date | None]]:
    return [(i.entry.analyte, i.entry.value, i.entry.unit, i.entry.date) for i in report.imported]


def _refused(report: FileReport) -> list[tuple[str | None, str]]:
    return [(n.code, n.kind) for n in report.not_imported if n.kind != "unused"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "fhir-r4-spec-bundle-diagnosticreport-ghp.json",
            [
                ("hemoglobin", 176, "g/L", D(2015, 8, 16)),
                ("potassium", 4.2, "mmol/L", D(2015, 8, 16)),
                ("albumin", 42, "g/L", D(2015, 8, 16)),
            ],
        ),
        (
            "fhir-r4-spec-observation-f005-hemoglobin.json",
            [("hemoglobin", 7.2, "g/dL", D(2013, 4, 5))],
        ),
        (
            "us-core-observation-serum-calcium-no-ucum-code.json",
            [("calcium", 7.7, "mg/dL", D(2005, 7, 5))],
        ),
        ("us-core-observation-serum-potassium.json", [("potassium", 5.4, "mmol/L", D(2005, 7, 5))]),
    ],
)
def test_fhir_values_come_in(
    kb: KnowledgeBase, name: str, expected: list[tuple[str, float, str, dt.date]]
) -> None:
    """Observations with LOINC, unit and a date (their own or their report's) come in."""
    assert _in(_report(name, kb)) == expected


def test_multipatient_bundle_needs_a_patient(kb: KnowledgeBase) -> None:
    """Ten patients in nested Bundles are listed, never merged; patient 1's results come in."""
    name = "fhir-r4-spec-bundle-diagnosticreports-multipatient.json"
    with pytest.raises(PatientChoiceNeeded) as raised:
        _report(name, kb)
    assert len(raised.value.patients) == 10
    assert _in(_report(name, kb, "1")) == [
        ("potassium", 4.2, "mmol/L", D(2005, 1, 27)),
        ("albumin", 42, "g/L", D(2005, 1, 27)),
        ("potassium", 4.0, "mmol/L", D(2004, 12, 22)),
        ("albumin", 41, "g/L", D(2004, 12, 22)),
        ("crp", 2.8, "mg/L", D(2012, 5, 21)),
    ]


def test_tsv_multipatient_export(kb: KnowledgeBase) -> None:
    """The SMART export names many patients; one patient's known values come in by date."""
    name = "smart-sample-patients-labs-multipatient.tsv"
    with pytest.raises(PatientChoiceNeeded):
        _report(name, kb)
    report = _report(name, kb, "1520204")
    got = _in(report)
    assert ("calcium", 10.2, "mg/dL", D(2008, 1, 24)) in got
    assert ("hemoglobin", 14.9, "g/dL", D(2009, 2, 13)) in got
    assert ("crp", 3.8, "mg/L", D(2009, 5, 25)) in got
    assert len(got) == 9
    assert _refused(report) == []


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("fhir-r4-spec-observation-f204-creatinine-localcode.json", [("20005", "local_code")]),
        ("hl7v2-nist-lri-cbc-hemoglobin-g-per-mL.hl7", [("718-7", "unit")]),
        (
            "hl7v2-uclh-winpath-oru-r01-albumin-iron-localcodes.txt",
            [(c, "local_code") for c in ("ALP", "ALB", "GRE", "ALBR", "FE")],
        ),
        (
            "hl7v2-uclh-winpath-oru-r01-magnesium-localcode.txt",
            [("MG", "local_code"), ("DATP", "local_code")],
        ),
    ],
)
def test_awkward_entries_listed(
    kb: KnowledgeBase, name: str, refused: list[tuple[str, str]]
) -> None:
    """Local codes and a hemoglobin in g/mL are listed with their reason, nothing imported."""
    report = _report(name, kb)
    assert report.imported == []
    assert _refused(report) == refused


@pytest.mark.parametrize(
    "name",
    [
        "fhir-r4-spec-observation-f205-egfr-components.json",
        "hl7v2-fhirconverter-lab-oru-1-pending.hl7",
        "hl7v2-fhirconverter-lab-oru-2-final.hl7",
    ],
)
def test_files_with_nothing_rlsdesk_uses(kb: KnowledgeBase, name: str) -> None:
    """MDRD eGFR components and blood counts are listed as tests rlsdesk does not use."""
    report = _report(name, kb)
    assert report.imported == []
    assert report.not_imported
    assert {n.kind for n in report.not_imported} == {"unused"}


@pytest.mark.parametrize(
    ("name", "medication"),
    [
        ("us-core-medicationrequest-nizatidine-rxnorm.json", "Nizatidine 15 MG/ML Oral Solution"),
        ("us-core-medicationrequest-tylenol-pm-rxnorm.json", "Tylenol PM Pill"),
    ],
)
def test_medication_requests(kb: KnowledgeBase, name: str, medication: str) -> None:
    """An active MedicationRequest with RxNorm coding becomes a medication by its text."""
    report = _report(name, kb)
    assert [(m.name, m.system is not None) for m in report.medications] == [(medication, True)]
    assert report.medications[0].dose
