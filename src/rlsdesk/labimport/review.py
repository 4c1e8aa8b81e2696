"""What the app's review dialog shows and does, without Qt: the imported results set against
the open form (repeats, conflicts, the patient each side names), and the form once accepted.

The form may be incomplete while results are imported, so this works on its rows
(``FormState``), not on a validated case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rlsdesk.domain.case import LabEntry
from rlsdesk.domain.units import UnitError, to_canonical
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.merge import Choice
from rlsdesk.labimport.model import (
    FilePatient,
    FileReport,
    FoundMedication,
    Imported,
    ImportedEgfr,
)
from rlsdesk.session.formstate import FormState, LabRow, MedicationRow, format_number


@dataclass(frozen=True)
class RowConflict:
    """An imported result on the same date as a form row of the same test, another value."""

    incoming: Imported
    row_index: int
    row: LabRow


@dataclass
class Review:
    reports: list[FileReport]
    new: list[Imported] = field(default_factory=list)
    repeats: list[Imported] = field(default_factory=list)  # already in the form: one entry
    conflicts: list[RowConflict] = field(default_factory=list)
    medications: list[FoundMedication] = field(default_factory=list)
    file_patient: FilePatient | None = None
    mismatch: list[str] = field(default_factory=list)  # how the two patients differ
    egfr: ImportedEgfr | None = None  # the newest eGFR of the files
    egfr_in_form: str = ""  # the form's eGFR when it differs from the file's: a choice
    egfr_same: bool = False  # the form already holds the file's eGFR

    @property
    def egfr_is_new(self) -> bool:
        return self.egfr is not None and not self.egfr_in_form and not self.egfr_same

    @property
    def nothing_to_import(self) -> bool:
        return not (
            self.new or self.conflicts or self.medications or self.egfr_is_new or self.egfr_in_form
        )


def _row_value(row: LabRow, kb: KnowledgeBase) -> float | None:
    analyte = kb.analytes.get(row.analyte)
    try:
        value = float(row.value)
        return to_canonical(analyte, row.analyte, value, row.unit) if analyte else None
    except (ValueError, UnitError):
        return None


def _entry_value(entry: LabEntry, kb: KnowledgeBase) -> float:
    return to_canonical(kb.analytes[entry.analyte], entry.analyte, entry.value, entry.unit)


def _words(text: str) -> set[str]:
    return {word for word in text.replace(",", " ").casefold().split() if word}


def patient_mismatch(state: FormState, patient: FilePatient | None, today: dt.date) -> list[str]:
    """How the open case's patient and the file's differ (empty when nothing contradicts)."""
    if patient is None or not patient.described:
        return []
    found: list[str] = []
    identifier = state.identifier.strip()
    if identifier and patient.identifiers and identifier not in patient.identifiers:
        found.append(f"identifier {identifier} in the case, {patient.identifiers[0]} in the file")
    if state.name.strip() and patient.name and _words(state.name) != _words(patient.name):
        found.append(f"name {state.name.strip()} in the case, {patient.name} in the file")
    if state.sex and patient.sex and state.sex != patient.sex:
        found.append(f"sex {state.sex} in the case, {patient.sex} in the file")
    age = patient.age_on(today)
    if state.age.strip().isdigit() and age is not None and int(state.age) != age:
        found.append(f"age {state.age.strip()} in the case, {age} from the file's birth date")
    return found


def build_review(
    reports: Sequence[FileReport],
    state: FormState,
    kb: KnowledgeBase,
    today: dt.date | None = None,
) -> Review:
    review = Review(list(reports))
    review.file_patient = next((r.patient for r in reports if r.patient is not None), None)
    review.mismatch = patient_mismatch(state, review.file_patient, today or dt.date.today())
    seen: list[Imported] = []
    for item in (i for report in reports for i in report.imported):
        entry = item.entry
        day = entry.date.isoformat() if entry.date else ""
        same_day = [
            (index, row)
            for index, row in enumerate(state.labs)
            if row.analyte == entry.analyte and row.date.strip() == day
        ]
        value = _entry_value(entry, kb)
        if any(_close(_row_value(row, kb), value) for _, row in same_day) or any(
            other.entry.analyte == entry.analyte
            and other.entry.date == entry.date
            and _close(_entry_value(other.entry, kb), value)
            for other in seen
        ):
            review.repeats.append(item)
        elif same_day:
            review.conflicts.append(RowConflict(item, *same_day[0]))
        else:
            review.new.append(item)
        seen.append(item)
    review.egfr = max(
        (found for report in reports for found in report.egfr),
        key=lambda found: found.date,
        default=None,
    )
    if review.egfr is not None and state.egfr.strip():
        try:
            review.egfr_same = math.isclose(float(state.egfr), review.egfr.value)
        except ValueError:
            review.egfr_same = False
        if not review.egfr_same:
            review.egfr_in_form = state.egfr.strip()
    taken = {row.name.strip().casefold() for row in (*state.medications, *state.supplements)}
    for report in reports:
        for medication in report.medications:
            if medication.name.casefold() not in taken:
                taken.add(medication.name.casefold())
                review.medications.append(medication)
    return review


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _row(entry: LabEntry) -> LabRow:
    day = entry.date.isoformat() if entry.date else ""
    source = entry.source.model_dump_json(exclude_none=True) if entry.source else ""
    return LabRow(entry.analyte, format_number(entry.value), entry.unit, day, source)


def apply_review(
    state: FormState,
    review: Review,
    choices: Mapping[int, Choice],
    fill_patient: bool = True,
    egfr_choice: Choice | None = None,
) -> FormState:
    """The form with the accepted results added; ``choices`` says, per conflict (by its
    position in ``review.conflicts``), whether the case's value or the file's stays."""
    labs = [dataclasses.replace(row) for row in state.labs]
    for position, conflict in enumerate(review.conflicts):
        if choices.get(position) == "file":
            labs[conflict.row_index] = _row(conflict.incoming.entry)
    labs = [row for row in labs if not row.is_blank()]
    labs += [_row(item.entry) for item in review.new]
    medications = [m for m in state.medications if not m.is_blank()]
    medications += [
        MedicationRow(name=m.name[:200], dose=(m.dose or "")[:200]) for m in review.medications
    ]
    updated = dataclasses.replace(state, labs=labs, medications=medications)
    if review.egfr is not None and (
        review.egfr_is_new or (review.egfr_in_form and egfr_choice == "file")
    ):
        updated.egfr = format_number(review.egfr.value)
    patient = review.file_patient
    if fill_patient and patient is not None and patient.described and not review.mismatch:
        # Only empty fields are filled: nothing the clinician typed is replaced.
        age = patient.age_on(dt.date.today())
        updated = dataclasses.replace(
            updated,
            name=state.name or (patient.name or "")[:200],
            identifier=state.identifier or (patient.identifiers or ("",))[0][:200],
            sex=state.sex or (patient.sex or ""),
            age=state.age or ("" if age is None else str(age)),
        )
    return updated


def dated_entries(state: FormState, kb: KnowledgeBase) -> list[LabEntry]:
    """The form's lab rows that are complete and valid, as entries (for the trend charts,
    which must follow the form while it is still being filled in)."""
    entries: list[LabEntry] = []
    for row in state.labs:
        analyte = kb.analytes.get(row.analyte)
        if analyte is None or not row.date.strip():
            continue
        try:
            value = float(row.value)
            day = dt.date.fromisoformat(row.date.strip())
            to_canonical(analyte, row.analyte, value, row.unit)
        except (ValueError, UnitError):
            continue
        if math.isfinite(value) and value >= 0:
            entries.append(
                LabEntry.model_validate(
                    {
                        "analyte": row.analyte,
                        "value": value,
                        "unit": row.unit,
                        "date": day.isoformat(),
                    }
                )
            )
    return entries
