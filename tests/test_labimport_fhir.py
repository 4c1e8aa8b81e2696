"""FHIR R4 import: what comes in, what is listed with its reason, and what makes a file bad."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from labimport_helpers import bundle, observation, patient, write_json
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.api import import_files
from rlsdesk.labimport.model import FileReport, LabFileError
from rlsdesk.labimport.patients import PatientChoiceNeeded

TODAY = dt.date(2026, 11, 30)


def _one(tmp_path: Path, kb: KnowledgeBase, document: Any, **kw: Any) -> FileReport:
    path = write_json(tmp_path, "lab.json", document)
    (report,) = import_files([path], kb, today=TODAY, **kw)
    return report


def test_observation_imports_with_provenance(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A final ferritin with LOINC, UCUM unit and date comes in, keeping where it came from."""
    report = _one(tmp_path, kb, bundle(patient(), observation()))
    (item,) = report.imported
    assert (item.entry.analyte, item.entry.value, item.entry.unit) == ("ferritin", 38, "ng/mL")
    assert item.entry.date == dt.date(2026, 8, 1)
    source = item.entry.source
    assert source is not None
    assert (source.file, source.system, source.code) == ("lab.json", "http://loinc.org", "2276-4")
    assert (source.value, source.unit) == ("38", "ng/mL")
    assert report.patient is not None
    assert report.patient.name == "Jane Example"


@pytest.mark.parametrize(
    ("ucum", "unit", "expected"),
    [("ug/L", "µg/L", "µg/L"), (None, "ug/l", "µg/L"), (None, "ng/ml", "ng/mL")],
)
def test_unit_matched_through_ucum_or_text(
    tmp_path: Path, kb: KnowledgeBase, ucum: str | None, unit: str, expected: str
) -> None:
    """A UCUM code maps through the analyte's ucum table; without one the unit text is read."""
    report = _one(tmp_path, kb, observation(unit=unit, ucum=ucum))
    assert [i.entry.unit for i in report.imported] == [expected]


def _reasons(report: FileReport) -> list[tuple[str, str]]:
    return [(n.kind, n.reason) for n in report.not_imported]


@pytest.mark.parametrize(
    ("resource", "kind", "words"),
    [
        (observation(status="preliminary"), "status", "preliminary"),
        (observation(status="entered-in-error"), "status", "entered-in-error"),
        (observation(status="cancelled"), "status", "cancelled"),
        (observation(status="registered"), "status", "registered"),
        (observation(date=None), "date", "no date"),
        (observation(date="2026-08"), "date", "gives no day"),
        (observation(date="2027-01-02"), "date", "future"),
        (observation(value=None, valueString="see comment"), "text_value", "see comment"),
        (observation(code="718-7", value=12.5, unit="g/mL", ucum="g/mL"), "unit", "g/mL"),
        (observation(value=200000), "implausible", "not a possible value"),
        (observation(code="99999-9"), "unused", "not a test rlsdesk uses"),
    ],
)
def test_awkward_results_listed_not_imported(
    tmp_path: Path, kb: KnowledgeBase, resource: dict[str, Any], kind: str, words: str
) -> None:
    """Each doubtful result is listed with a reason naming the doubt, and nothing comes in."""
    report = _one(tmp_path, kb, resource)
    assert report.imported == []
    ((got_kind, reason),) = _reasons(report)
    assert got_kind == kind
    assert words in reason


def test_comparator_is_a_bound_not_a_value(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A ferritin reported as '<5' is listed as a bound, never imported as 5."""
    resource = observation()
    resource["valueQuantity"]["comparator"] = "<"
    report = _one(tmp_path, kb, resource)
    assert report.imported == []
    assert _reasons(report)[0][0] == "comparator"


@pytest.mark.parametrize("status", ["final", "corrected", "amended"])
def test_accepted_statuses(tmp_path: Path, kb: KnowledgeBase, status: str) -> None:
    """final, corrected and amended results come in."""
    assert len(_one(tmp_path, kb, observation(status=status)).imported) == 1


def test_local_code_without_loinc(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A result coded only in a local system is listed, naming the local code."""
    resource = observation()
    resource["code"] = {"coding": [{"system": "urn:lab", "code": "FER", "display": "Ferritin"}]}
    report = _one(tmp_path, kb, resource)
    assert report.imported == []
    assert _reasons(report)[0][0] == "local_code"
    assert "FER (Ferritin)" in _reasons(report)[0][1]


def test_loinc_as_second_coding_is_used(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A LOINC coding after a local one still identifies the test."""
    resource = observation()
    resource["code"]["coding"].insert(0, {"system": "urn:lab", "code": "FER"})
    assert [i.entry.analyte for i in _one(tmp_path, kb, resource).imported] == ["ferritin"]


def test_report_hands_date_and_patient_to_contained_observations(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    """A DiagnosticReport's date reaches contained Observations that have none."""
    contained = observation(code="2502-3", value=17, unit="%", ucum="%", date=None, id="t1")
    del contained["subject"]
    report_resource = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"text": "Iron studies"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-09-15T08:00:00+02:00",
        "contained": [contained],
        "result": [{"reference": "#t1"}],
    }
    report = _one(tmp_path, kb, report_resource)
    (item,) = report.imported
    assert (item.entry.analyte, item.entry.date) == ("tsat", dt.date(2026, 9, 15))


def test_nested_bundle_and_bundled_report(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Observations in a Bundle inside a Bundle, dated by the report that lists them, come in."""
    obs = observation(date=None, id="f1")
    inner = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "https://x/DiagnosticReport/r1",
                "resource": {
                    "resourceType": "DiagnosticReport",
                    "id": "r1",
                    "status": "final",
                    "code": {"text": "Ferritin"},
                    "effectiveDateTime": "2026-10-01",
                    "result": [{"reference": "Observation/f1"}],
                },
            },
            {"fullUrl": "https://x/Observation/f1", "resource": obs},
        ],
    }
    report = _one(tmp_path, kb, bundle(inner, kind="searchset"))
    assert [(i.entry.value, i.entry.date) for i in report.imported] == [(38, dt.date(2026, 10, 1))]


def test_components_are_read(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Each component of an Observation is its own result with its own code."""
    panel = observation(value=None, code="24331-1")
    panel["component"] = [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": "2502-3"}]},
            "valueQuantity": {"value": 17, "unit": "%"},
        },
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": "2498-4"}]},
            "valueQuantity": {"value": 60, "comparator": ">", "unit": "ug/dL"},
        },
    ]
    report = _one(tmp_path, kb, panel)
    assert [i.entry.analyte for i in report.imported] == ["tsat"]
    assert [n.kind for n in report.not_imported] == ["comparator"]
    assert report.not_imported[0].where.endswith("component[1]")


def test_patient_age_and_sex(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A Patient gives name, identifier, sex and the age on a given day."""
    report = _one(tmp_path, kb, bundle(patient(), observation()))
    chosen = report.patient
    assert chosen is not None
    assert (chosen.sex, chosen.identifiers) == ("female", ("MRN-1",))
    assert chosen.age_on(dt.date(2026, 5, 19)) == 45
    assert chosen.age_on(dt.date(2026, 5, 20)) == 46


def test_medications_active_in_others_listed(tmp_path: Path, kb: KnowledgeBase) -> None:
    """An active MedicationStatement comes in by its text; a stopped one is listed."""

    def medication(kind: str, status: str, text: str) -> dict[str, Any]:
        return {
            "resourceType": kind,
            "status": status,
            **({"intent": "order"} if kind == "MedicationRequest" else {}),
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1"}],
                "text": text,
            },
            "subject": {"reference": "Patient/p1"},
        }

    document = bundle(
        medication("MedicationStatement", "active", "sertraline 50 mg"),
        medication("MedicationRequest", "stopped", "ropinirole"),
    )
    report = _one(tmp_path, kb, document)
    assert [m.name for m in report.medications] == ["sertraline 50 mg"]
    assert [n.kind for n in report.not_imported] == ["status"]


def test_several_patients_need_a_choice(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Two patients in one file are never merged: without a choice nothing is taken."""
    other = observation(value=90)
    other["subject"] = {"reference": "Patient/p2"}
    document = bundle(patient(), patient("p2", "MRN-2"), observation(), other)
    with pytest.raises(PatientChoiceNeeded) as raised:
        _one(tmp_path, kb, document)
    assert len(raised.value.patients) == 2
    report = _one(tmp_path, kb, document, patient="MRN-2")
    assert [i.entry.value for i in report.imported] == [90]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"resourceType": "Observation", ', "line 1"),
        ('{"resourceType": "Observation", "status": "final", "code": 5}', "$.code"),
        ('{"resourceType": "Claim"}', "$.resourceType"),
        ("[1, 2]", "$"),
    ],
)
def test_malformed_fhir_names_the_path(
    tmp_path: Path, kb: KnowledgeBase, text: str, where: str
) -> None:
    """Broken JSON or a resource failing validation is an error naming file and path."""
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabFileError) as raised:
        import_files([path], kb)
    assert raised.value.file.endswith("bad.json")
    assert raised.value.where.startswith(where)


def _egfr(value: float = 52, unit_code: str = "mL/min/{1.73_m2}", **extra: Any) -> dict[str, Any]:
    return observation(code="98979-8", value=value, unit="mL/min/1.73m2", ucum=unit_code, **extra)


def test_ckd_epi_2021_egfr_fills_the_kidney(tmp_path: Path, kb: KnowledgeBase) -> None:
    """An eGFR by CKD-EPI 2021 (LOINC 98979-8) comes in as the case's eGFR with its date."""
    report = _one(tmp_path, kb, _egfr())
    (found,) = report.egfr
    assert (found.value, found.date, found.source.code) == (52, dt.date(2026, 8, 1), "98979-8")
    assert report.imported == []


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        (_egfr(unit_code="mL/min"), "unit"),
        (_egfr(value=251), "implausible"),
        (_egfr(status="preliminary"), "status"),
    ],
)
def test_doubtful_egfr_listed(
    tmp_path: Path, kb: KnowledgeBase, resource: dict[str, Any], kind: str
) -> None:
    """An eGFR in another unit, above 250 or not final is listed, never taken."""
    report = _one(tmp_path, kb, resource)
    assert report.egfr == []
    assert [n.kind for n in report.not_imported] == [kind]


def test_egfr_bound_is_listed(tmp_path: Path, kb: KnowledgeBase) -> None:
    """An eGFR reported as '>60' is a bound and is listed."""
    resource = _egfr(value=60)
    resource["valueQuantity"]["comparator"] = ">"
    report = _one(tmp_path, kb, resource)
    assert [n.kind for n in report.not_imported] == ["comparator"]
