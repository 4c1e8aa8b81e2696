"""FHIR R4 JSON: Bundles (nested too), Observations with components, DiagnosticReports with
contained or bundled Observations, Patients, MedicationStatements and MedicationRequests.

Every resource is validated with the ``fhir.resources`` models (FHIR 4.3 "R4B", whose
Observation, DiagnosticReport, Patient and Medication* resources read R4 files unchanged);
a resource that fails validation makes the whole file an error, naming its JSON path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.quantity import Quantity
from pydantic import ValidationError

from rlsdesk.labimport.model import (
    SEXES,
    FilePatient,
    FoundMedication,
    LabFileError,
    ParsedFile,
    RawResult,
)

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
READ_TYPES = (
    "Bundle",
    "Observation",
    "DiagnosticReport",
    "Patient",
    "MedicationStatement",
    "MedicationRequest",
)


@dataclass(frozen=True)
class _Placed:
    """A resource with the JSON path it came from and the key other resources cite it by."""

    resource: FHIRResourceModel
    where: str
    keys: tuple[str, ...]
    scope: str  # where "#id" references from this resource are looked up (its container)


@dataclass(frozen=True)
class _Context:
    date: dt.date | None
    date_problem: str | None
    patient_key: str | None


def read_fhir(file: str, text: str) -> ParsedFile:
    raw = _decode(file, text)
    if not isinstance(raw, dict) or not isinstance(raw.get("resourceType"), str):
        raise LabFileError(file, "$", "not a FHIR resource (no resourceType)")
    kind = raw["resourceType"]
    if kind not in READ_TYPES:
        raise LabFileError(file, "$.resourceType", f"{kind!r} is not a resource rlsdesk reads")
    try:
        top = get_fhir_model_class(kind).model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in first["loc"])
        raise LabFileError(file, where, f"fails FHIR R4 validation: {first['msg']}") from None
    except RecursionError:
        raise LabFileError(file, "$", "resources nested too deeply") from None
    assert isinstance(top, FHIRResourceModel)
    placed = list(_flatten(top, "$", None))
    index = {key: item for item in placed for key in item.keys}
    patients = tuple(_patient(item) for item in placed if isinstance(item.resource, Patient))
    contexts = _contexts(placed, index)
    results: list[RawResult] = []
    medications: list[FoundMedication] = []
    for item in placed:
        resource = item.resource
        if isinstance(resource, Observation):
            inherited = next((contexts[k] for k in item.keys if k in contexts), None)
            results.extend(_observation_results(file, item, inherited, index))
        elif isinstance(resource, MedicationStatement | MedicationRequest):
            found = _medication(file, item, resource, index)
            if found is not None:
                medications.append(found)
    return ParsedFile(file, "fhir", patients, tuple(results), tuple(medications))


def _decode(file: str, text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise LabFileError(file, where, f"not valid JSON: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise LabFileError(file, "", f"not valid JSON: {error}") from None


def _flatten(
    resource: FHIRResourceModel, where: str, full_url: str | None, owner: str = ""
) -> Iterator[_Placed]:
    """Every resource in the file, Bundles and contained resources opened, in file order."""
    kind = resource.get_resource_type()
    rid = getattr(resource, "id", None)
    keys: list[str] = []
    if full_url:
        keys.append(full_url)
    if rid:
        keys.append(f"{owner}#{rid}" if owner else f"{kind}/{rid}")
        if (
            full_url and "/" in full_url
        ):  # "https://x/base/Observation/r1" cites as "Observation/r1"
            keys.append("/".join(full_url.rsplit("/", 2)[-2:]))
    yield _Placed(resource, where, tuple(dict.fromkeys(keys)), owner or where)
    for position, inner in enumerate(getattr(resource, "contained", None) or ()):
        yield from _flatten(inner, f"{where}.contained[{position}]", None, where)
    for position, entry in enumerate(getattr(resource, "entry", None) or ()):
        if entry.resource is not None:
            path = f"{where}.entry[{position}].resource"
            yield from _flatten(entry.resource, path, entry.fullUrl, "")


def _resolve(reference: str | None, item: _Placed, index: dict[str, _Placed]) -> _Placed | None:
    if not reference:
        return None
    if reference.startswith("#"):
        return index.get(f"{item.scope}{reference}")
    return index.get(reference) or index.get("/".join(reference.rsplit("/", 2)[-2:]))


def _patient_key(subject: Any, item: _Placed, index: dict[str, _Placed]) -> str | None:
    reference = getattr(subject, "reference", None) if subject is not None else None
    target = _resolve(reference, item, index)
    if target is not None and isinstance(target.resource, Patient):
        return target.keys[-1]
    return reference


def _effective(resource: Observation | DiagnosticReport) -> tuple[dt.date | None, str | None]:
    stamp: Any = resource.effectiveDateTime
    if stamp is None and resource.effectivePeriod is not None:
        stamp = resource.effectivePeriod.start
    if stamp is None:
        stamp = getattr(resource, "effectiveInstant", None)
    if stamp is None:
        return None, "no date of the sample (effective) is given"
    if isinstance(stamp, dt.datetime):
        return stamp.date(), None  # the date as the laboratory wrote it, in its own time zone
    if isinstance(stamp, dt.date):
        return stamp, None
    return None, f"the date {stamp} gives no day"


def _contexts(placed: list[_Placed], index: dict[str, _Placed]) -> dict[str, _Context]:
    """Dates and patients that reports and panels hand down to the Observations they list,
    which often carry none themselves."""
    contexts: dict[str, _Context] = {}

    def hand_down(item: _Placed, references: list[str | None], context: _Context) -> None:
        for reference in references:
            target = _resolve(reference, item, index)
            if target is None or not isinstance(target.resource, Observation):
                continue
            for key in target.keys:
                contexts.setdefault(key, context)
            members = [m.reference for m in target.resource.hasMember or ()]
            own_date, own_problem = _effective(target.resource)
            inner = _Context(
                own_date or context.date,
                None if own_date else context.date_problem,
                _patient_key(target.resource.subject, target, index) or context.patient_key,
            )
            if own_date is None and own_problem and context.date is None:
                inner = _Context(None, own_problem, inner.patient_key)
            hand_down(target, members, inner)

    for item in placed:
        resource = item.resource
        if isinstance(resource, DiagnosticReport):
            date, problem = _effective(resource)
            context = _Context(date, problem, _patient_key(resource.subject, item, index))
            hand_down(item, [r.reference for r in resource.result or ()], context)
        elif isinstance(resource, Observation) and resource.hasMember:
            date, problem = _effective(resource)
            context = _Context(date, problem, _patient_key(resource.subject, item, index))
            hand_down(item, [m.reference for m in resource.hasMember], context)
    return contexts


def _patient(item: _Placed) -> FilePatient:
    resource = item.resource
    assert isinstance(resource, Patient)
    identifiers = tuple(i.value for i in resource.identifier or () if i.value)
    name = None
    for human in resource.name or ():
        name = human.text or " ".join([*(human.given or ()), human.family or ""]).strip() or None
        if name:
            break
    sex = SEXES.get(resource.gender or "")  # "other" and "unknown" give no sex for eGFR
    birth = resource.birthDate if isinstance(resource.birthDate, dt.date) else None
    key = item.keys[-1] if item.keys else item.where
    return FilePatient(key, identifiers, name, sex, birth)


def _coding(
    concept: CodeableConcept | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """(system, code, display, loinc) of a concept: its LOINC coding when it has one."""
    if concept is None:
        return None, None, None, None
    codings = list(concept.coding or ())
    loinc = next((c for c in codings if c.system == LOINC_SYSTEM and c.code), None)
    chosen = loinc or (codings[0] if codings else None)
    if chosen is None:
        return None, None, concept.text, None
    display = chosen.display or concept.text
    return chosen.system, chosen.code, display, loinc.code if loinc else None


def _value(
    owner: Observation | ObservationComponent,
) -> tuple[str, float | None, str | None, str | None, str | None]:
    """(value as text, number, comparator, unit as written, UCUM code)."""
    quantity: Quantity | None = owner.valueQuantity
    if quantity is not None:
        comparator = quantity.comparator
        # "<5" is a bound: never read as the number 5
        number = float(quantity.value) if quantity.value is not None and not comparator else None
        text = f"{comparator or ''}{quantity.value if quantity.value is not None else ''}"
        ucum = quantity.code if quantity.system == UCUM_SYSTEM else None
        return text, number, comparator, quantity.unit or quantity.code, ucum
    if owner.valueString is not None:
        return owner.valueString, None, None, None, None
    if owner.valueCodeableConcept is not None:
        concept = owner.valueCodeableConcept
        words = concept.text or next((c.display for c in concept.coding or () if c.display), "")
        return words or "(coded value)", None, None, None, None
    if owner.valueInteger is not None:
        return str(owner.valueInteger), float(owner.valueInteger), None, None, None
    absent = owner.dataAbsentReason
    return (f"no value ({absent.text or 'data absent'})" if absent else ""), None, None, None, None


def _observation_results(
    file: str, item: _Placed, inherited: _Context | None, index: dict[str, _Placed]
) -> Iterator[RawResult]:
    resource = item.resource
    assert isinstance(resource, Observation)
    date, problem = _effective(resource)
    if date is None and inherited is not None and inherited.date is not None:
        date, problem = inherited.date, None
    patient = _patient_key(resource.subject, item, index) or (
        inherited.patient_key if inherited else None
    )
    parts: list[tuple[str, Observation | ObservationComponent]] = []
    has_value = any(
        getattr(resource, name) is not None
        for name in ("valueQuantity", "valueString", "valueCodeableConcept", "valueInteger")
    )
    if has_value or (not resource.component and not resource.hasMember):
        parts.append((item.where, resource))
    for position, component in enumerate(resource.component or ()):
        parts.append((f"{item.where}.component[{position}]", component))
    for where, owner in parts:
        system, code, display, loinc = _coding(owner.code)
        text, number, comparator, unit, ucum = _value(owner)
        yield RawResult(
            file=file,
            where=where,
            patient_key=patient,
            system=system,
            code=code,
            display=display,
            loinc=loinc,
            value_text=text,
            value=number,
            comparator=comparator,
            unit_text=unit,
            ucum=ucum,
            date=date,
            date_problem=problem,
            status=resource.status,
        )


def _medication(
    file: str,
    item: _Placed,
    resource: MedicationStatement | MedicationRequest,
    index: dict[str, _Placed],
) -> FoundMedication | None:
    concept = resource.medicationCodeableConcept
    if concept is None and resource.medicationReference is not None:
        target = _resolve(resource.medicationReference.reference, item, index)
        concept = getattr(target.resource, "code", None) if target else None
    if concept is None:
        return None
    codings = list(concept.coding or ())
    rxnorm = next((c for c in codings if c.system == RXNORM_SYSTEM), None)
    name = concept.text or (rxnorm.display if rxnorm else None)
    name = name or next((c.display for c in codings if c.display), None)
    if not name:
        return None
    dosages = (
        resource.dosage if isinstance(resource, MedicationStatement) else resource.dosageInstruction
    )
    dose = next((d.text for d in dosages or () if d.text), None)
    return FoundMedication(
        file=file,
        where=item.where,
        patient_key=_patient_key(resource.subject, item, index),
        name=name,
        system=rxnorm.system if rxnorm else None,
        code=rxnorm.code if rxnorm else None,
        status=resource.status,
        dose=dose,
    )
