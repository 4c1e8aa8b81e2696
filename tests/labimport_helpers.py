"""Small hand-written lab files for the import tests (FHIR, HL7 v2, CSV)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "import-samples"


def observation(
    code: str = "2276-4",
    value: float | None = 38,
    unit: str = "ng/mL",
    ucum: str | None = "ng/mL",
    date: str | None = "2026-08-01",
    status: str = "final",
    **extra: Any,
) -> dict[str, Any]:
    """A FHIR R4 Observation with a LOINC code and a UCUM quantity."""
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "Patient/p1"},
    }
    if value is not None:
        quantity: dict[str, Any] = {"value": value, "unit": unit}
        if ucum is not None:
            quantity.update(system="http://unitsofmeasure.org", code=ucum)
        resource["valueQuantity"] = quantity
    if date is not None:
        resource["effectiveDateTime"] = date
    resource.update(extra)
    return resource


def patient(pid: str = "p1", mrn: str = "MRN-1") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"value": mrn}],
        "name": [{"family": "Example", "given": ["Jane"]}],
        "gender": "female",
        "birthDate": "1980-05-20",
    }


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"resource": r} for r in resources],
    }


def write_json(folder: Path, name: str, document: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def hl7_message(*obx: str, obr_time: str = "20260801090000") -> str:
    """An ORU^R01 with one patient, one order and the given OBX segments."""
    segments = [
        "MSH|^~\\&|LAB|HOSP|RLS|CLINIC|20260802||ORU^R01|42|P|2.5.1",
        "PID|1||MRN-7^^^HOSP^MR||DOE^JANE||19800520|F",
        f"OBR|1|A1|B1|24331-1^Panel^LN|||{obr_time}",
        *obx,
    ]
    return "\r".join(segments) + "\r"
