"""What the clinician typed, exactly, and its translation to and from a case.

A ``FormState`` holds every field as text (or a tick), so an invalid entry is never lost:
it is what the form shows, what a draft stores, and what ``to_raw`` turns into the raw
case dict that ``parse_case`` validates. No Qt here: this module is tested and benchmarked
without a widget.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, get_args

from rlsdesk.domain.case import CASE_FORMAT, Case, DoseDetail, MedicationEntry
from rlsdesk.domain.units import UnitError, resolve_unit
from rlsdesk.knowledge import KnowledgeBase


def _dose_choices(name: str) -> tuple[str, ...]:
    return tuple(get_args(DoseDetail.model_fields[name].annotation))


# A structured dose offers exactly what the case format accepts (domain/case.py DoseDetail).
DOSE_UNITS = _dose_choices("unit")
DOSE_BASES = _dose_choices("basis")
DOSE_FREQUENCIES = _dose_choices("frequency")
DEFAULT_BASIS = str(DoseDetail.model_fields["basis"].default)
DEFAULT_FREQUENCY = str(DoseDetail.model_fields["frequency"].default)


@dataclass
class LabRow:
    analyte: str = ""
    value: str = ""
    unit: str = ""
    date: str = ""
    # An imported result's provenance (labs[].source) as JSON text, so drafts stay strings;
    # "" for a result typed by hand.
    source: str = ""

    def is_blank(self) -> bool:
        # The unit is pre-filled when an analyte is chosen, so it alone is not an entry.
        return not (self.analyte or self.value.strip() or self.date.strip())


@dataclass
class MedicationRow:
    """A medication or supplement as typed: the free-text dose and, beside it, the same dose
    entered without ambiguity (amount, unit, elemental or salt, frequency)."""

    name: str = ""
    dose: str = ""
    amount: str = ""
    unit: str = ""
    basis: str = DEFAULT_BASIS
    frequency: str = DEFAULT_FREQUENCY

    def is_blank(self) -> bool:
        # Basis and frequency have defaults and the unit alone says nothing: not an entry.
        return not (self.name.strip() or self.dose.strip() or self.amount.strip())

    def dose_detail(self) -> dict[str, Any] | None:
        """The structured dose for the case, or None when no amount was entered."""
        if not self.amount.strip():
            return None
        detail: dict[str, Any] = {"amount": parse_number(self.amount)}
        _put(detail, "unit", self.unit)
        _put(detail, "basis", self.basis)
        _put(detail, "frequency", self.frequency)
        return detail


@dataclass
class FormState:
    name: str = ""
    identifier: str = ""
    age: str = ""
    sex: str = ""  # "" until chosen: sex changes eGFR and reference ranges, never defaulted
    weight: str = ""
    rls: bool = False
    leg_cramps: bool = False
    irls: str = ""
    oral_iron_failed: bool = False
    pregnancy_status: str = "not_pregnant"
    trimester: str = ""
    egfr: str = ""
    dialysis: str = "none"
    labs: list[LabRow] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    medications: list[MedicationRow] = field(default_factory=list)
    supplements: list[MedicationRow] = field(default_factory=list)

    def is_blank(self) -> bool:
        return self == FormState()

    def to_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json_dict(cls, data: Any) -> FormState:
        """Rebuild from a draft; anything malformed becomes blank rather than failing."""
        if not isinstance(data, dict):
            return cls()
        state = cls()
        for item in dataclasses.fields(cls):
            value = data.get(item.name)
            default = getattr(state, item.name)
            if isinstance(default, bool):
                setattr(state, item.name, value is True)
            elif isinstance(default, str):
                setattr(state, item.name, value if isinstance(value, str) else default)
        state.labs = [LabRow(**_strings(row, LabRow)) for row in _list(data.get("labs"))]
        state.medications = [
            MedicationRow(**_strings(row, MedicationRow)) for row in _list(data.get("medications"))
        ]
        state.supplements = [
            MedicationRow(**_strings(row, MedicationRow)) for row in _list(data.get("supplements"))
        ]
        state.conditions = [c for c in _list(data.get("conditions")) if isinstance(c, str)]
        return state


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(row: Any, kind: type[Any]) -> dict[str, str]:
    names = [f.name for f in dataclasses.fields(kind)]
    if not isinstance(row, dict):
        return {}
    return {n: row[n] for n in names if isinstance(row.get(n), str)}


@dataclass(frozen=True)
class RawCase:
    """The raw case dict and, per list, which form row each case entry came from."""

    data: dict[str, Any]
    lab_rows: tuple[int, ...]
    medication_rows: tuple[int, ...]
    supplement_rows: tuple[int, ...]

    def form_field(self, case_field: str) -> str:
        """'labs[1].unit' in the case -> 'labs[3].unit' in the form (blank rows skipped);
        a structured dose's parts are fields of the row: 'medications[0].dose_detail.unit'
        -> 'medications[0].unit'."""
        case_field = case_field.replace(".dose_detail.", ".")
        for prefix, rows in (
            ("labs", self.lab_rows),
            ("medications", self.medication_rows),
            ("supplements", self.supplement_rows),
        ):
            if case_field.startswith(prefix + "["):
                index_text, _, rest = case_field[len(prefix) + 1 :].partition("]")
                if index_text.isdigit() and int(index_text) < len(rows):
                    return f"{prefix}[{rows[int(index_text)]}]{rest}"
        if case_field.startswith("conditions"):
            return "conditions"
        return case_field


def parse_number(text: str) -> float | int | str | None:
    """'38' -> 38, '0.62' -> 0.62, '' -> None; anything else stays text for the validator."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        number = float(stripped)
    except ValueError:
        return stripped
    return number if math.isfinite(number) else stripped


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "":
        target[key] = value


def _medications(rows: list[MedicationRow]) -> tuple[list[dict[str, Any]], tuple[int, ...]]:
    entries: list[dict[str, Any]] = []
    used: list[int] = []
    for index, row in enumerate(rows):
        if row.is_blank():
            continue
        entry: dict[str, Any] = {"name": row.name.strip()}
        _put(entry, "dose", row.dose.strip())
        _put(entry, "dose_detail", row.dose_detail())
        entries.append(entry)
        used.append(index)
    return entries, tuple(used)


def to_raw(state: FormState) -> RawCase:
    """The raw case dict for ``parse_case``: numbers parsed, blank fields and rows left out."""
    patient: dict[str, Any] = {}
    _put(patient, "name", state.name.strip())
    _put(patient, "identifier", state.identifier.strip())
    _put(patient, "age_years", parse_number(state.age))
    _put(patient, "sex", state.sex)
    _put(patient, "weight_kg", parse_number(state.weight))
    presentation: dict[str, Any] = {"rls": state.rls, "leg_cramps": state.leg_cramps}
    _put(presentation, "irls_score", parse_number(state.irls))
    presentation["oral_iron_failed"] = state.oral_iron_failed
    pregnancy: dict[str, Any] = {"status": state.pregnancy_status}
    if state.pregnancy_status == "pregnant":
        _put(pregnancy, "trimester", parse_number(state.trimester))
    kidney: dict[str, Any] = {"dialysis": state.dialysis}
    _put(kidney, "egfr", parse_number(state.egfr))
    labs: list[dict[str, Any]] = []
    lab_rows: list[int] = []
    for index, row in enumerate(state.labs):
        if row.is_blank():
            continue
        entry: dict[str, Any] = {}
        _put(entry, "analyte", row.analyte)
        _put(entry, "value", parse_number(row.value))
        _put(entry, "unit", row.unit)
        _put(entry, "date", row.date.strip())
        if row.source:
            try:
                entry["source"] = json.loads(row.source)
            except ValueError:  # a damaged draft: the case check names the field
                entry["source"] = row.source
        labs.append(entry)
        lab_rows.append(index)
    medications, medication_rows = _medications(state.medications)
    supplements, supplement_rows = _medications(state.supplements)
    data = {
        "format": CASE_FORMAT,
        "patient": patient,
        "presentation": presentation,
        "pregnancy": pregnancy,
        "kidney": kidney,
        "labs": labs,
        "conditions": list(state.conditions),
        "medications": medications,
        "supplements": supplements,
    }
    return RawCase(data, tuple(lab_rows), medication_rows, supplement_rows)


def _unit_spelling(kb: KnowledgeBase, analyte: str, unit: str) -> str:
    known = kb.analytes.get(analyte)
    if known is None:
        return unit
    try:
        return resolve_unit(known, analyte, unit)
    except UnitError:
        return unit


def from_case(case: Case, kb: KnowledgeBase) -> FormState:
    """The form as it shows a validated case (units in the knowledge base's spelling)."""
    patient, presentation = case.patient, case.presentation
    return FormState(
        name=patient.name or "",
        identifier=patient.identifier or "",
        age=str(patient.age_years),
        sex=patient.sex,
        weight=format_number(patient.weight_kg),
        rls=presentation.rls,
        leg_cramps=presentation.leg_cramps,
        irls="" if presentation.irls_score is None else str(presentation.irls_score),
        oral_iron_failed=presentation.oral_iron_failed,
        pregnancy_status=case.pregnancy.status,
        trimester="" if case.pregnancy.trimester is None else str(case.pregnancy.trimester),
        egfr=format_number(case.kidney.egfr),
        dialysis=case.kidney.dialysis,
        labs=[
            LabRow(
                analyte=lab.analyte,
                value=format_number(lab.value),
                unit=_unit_spelling(kb, lab.analyte, lab.unit),
                date=lab.date.isoformat() if lab.date else "",
                source=lab.source.model_dump_json(exclude_none=True) if lab.source else "",
            )
            for lab in case.labs
        ],
        conditions=list(case.conditions),
        medications=[_medication_row(m) for m in case.medications],
        supplements=[_medication_row(m) for m in case.supplements],
    )


def _medication_row(entry: MedicationEntry) -> MedicationRow:
    detail = entry.dose_detail
    if detail is None:
        return MedicationRow(entry.name, entry.dose or "")
    return MedicationRow(
        entry.name,
        entry.dose or "",
        format_number(detail.amount),
        detail.unit,
        detail.basis,
        detail.frequency,
    )
