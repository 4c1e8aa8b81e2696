"""Imported results joining a case by the repeated-results rules: the same analyte on the same
date with the same value is one entry; with a different value the clinician chooses."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rlsdesk.domain.case import Case, LabEntry, MedicationEntry
from rlsdesk.domain.units import to_canonical
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.model import FilePatient, FoundMedication, ImportedEgfr

Choice = Literal["case", "file"]
ConflictKey = tuple[str, dt.date]


@dataclass(frozen=True)
class Conflict:
    """The same analyte on the same date with two values: one must be chosen."""

    analyte: str
    date: dt.date
    in_case: LabEntry
    incoming: LabEntry

    @property
    def key(self) -> ConflictKey:
        return (self.analyte, self.date)


@dataclass
class MergeOutcome:
    case: Case
    added: list[LabEntry] = field(default_factory=list)
    already_there: list[LabEntry] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # unresolved: the case is unchanged
    medications_added: list[str] = field(default_factory=list)
    egfr_added: ImportedEgfr | None = None
    egfr_conflict: ImportedEgfr | None = None  # differs from the case's eGFR: unresolved

    @property
    def unresolved(self) -> bool:
        return bool(self.conflicts) or self.egfr_conflict is not None


def same_value(a: LabEntry, b: LabEntry, kb: KnowledgeBase) -> bool:
    analyte = kb.analytes[a.analyte]
    first = to_canonical(analyte, a.analyte, a.value, a.unit)
    second = to_canonical(analyte, b.analyte, b.value, b.unit)
    return math.isclose(first, second, rel_tol=1e-6, abs_tol=1e-9)


def merge_into(
    case: Case,
    entries: Iterable[LabEntry],
    kb: KnowledgeBase,
    medications: Iterable[FoundMedication] = (),
    choices: Mapping[ConflictKey, Choice] | None = None,
    egfr: Iterable[ImportedEgfr] = (),
    egfr_choice: Choice | None = None,
) -> MergeOutcome:
    """The case with the entries merged in; while any conflict has no choice, the case is
    returned unchanged with the conflicts listed."""
    choices = choices or {}
    labs = list(case.labs)
    outcome = MergeOutcome(case)
    for entry in entries:
        match = next(
            (
                position
                for position, lab in enumerate(labs)
                if entry.date is not None
                and lab.analyte == entry.analyte
                and lab.date == entry.date
            ),
            None,
        )
        if match is None:
            labs.append(entry)
            outcome.added.append(entry)
            continue
        present = labs[match]
        if same_value(present, entry, kb):
            outcome.already_there.append(entry)
            continue
        assert entry.date is not None
        conflict = Conflict(entry.analyte, entry.date, present, entry)
        choice = choices.get(conflict.key)
        if choice is None:
            outcome.conflicts.append(conflict)
        elif choice == "file":
            labs[match] = entry
            outcome.added.append(entry)
    taken = {m.name.casefold() for m in (*case.medications, *case.supplements)}
    new_medications = list(case.medications)
    for medication in medications:
        if medication.name.casefold() not in taken:
            taken.add(medication.name.casefold())
            dose = medication.dose[:200] if medication.dose else None
            new_medications.append(MedicationEntry(name=medication.name[:200], dose=dose))
            outcome.medications_added.append(medication.name)
    kidney = case.kidney
    newest = max(egfr, key=lambda found: found.date, default=None)
    if newest is not None:
        entered = kidney.egfr
        if entered is None or (entered != newest.value and egfr_choice == "file"):
            kidney = kidney.model_copy(update={"egfr": newest.value})
            outcome.egfr_added = newest
        elif entered != newest.value and egfr_choice is None:
            outcome.egfr_conflict = newest
    if outcome.unresolved:
        return outcome
    update = {"labs": labs, "medications": new_medications, "kidney": kidney}
    outcome.case = case.model_copy(update=update)
    return outcome


def case_for_patient(patient: FilePatient | None, today: dt.date | None = None) -> Case:
    """A new case for the file's patient. Only what the file states is filled in; the rest
    (presentation, pregnancy, dialysis) is left at its emptiest for the clinician to complete,
    so the patient's sex and birth date must be in the file."""
    missing = []
    if patient is None or patient.sex is None:
        missing.append("sex")
    age = patient.age_on(today or dt.date.today()) if patient else None
    if age is None:
        missing.append("birth date")
    if missing:
        raise ValueError(f"the file does not give the patient's {' and '.join(missing)}")
    assert patient is not None
    return Case.model_validate(
        {
            "format": "rlsdesk-case/1",
            "patient": {
                "name": patient.name[:200] if patient.name else None,
                "identifier": (patient.identifiers[0] if patient.identifiers else patient.key)[
                    :200
                ],
                "age_years": age,
                "sex": patient.sex,
            },
            "presentation": {"rls": False, "leg_cramps": False},
            "pregnancy": {"status": "unknown"},
            "kidney": {"egfr": None, "dialysis": "none"},
        }
    )
