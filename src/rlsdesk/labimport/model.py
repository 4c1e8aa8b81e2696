"""What a lab file holds once read, before and after it is judged against the knowledge base.

Each reader (FHIR, HL7 v2, CSV/TSV) turns a file into a :class:`ParsedFile` of format-neutral
:class:`RawResult` rows; :mod:`rlsdesk.labimport.judge` then decides, row by row, whether a
result comes in (:class:`Imported`) or is listed with its reason (:class:`NotImported`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from rlsdesk.domain.case import LabEntry, LabSource

# Why a result was not imported. "unused" is a coded test rlsdesk has no use for (a white cell
# count); every other kind is a result that might matter and was refused.
SkipKind = Literal[
    "unused",
    "local_code",
    "status",
    "text_value",
    "comparator",
    "unit",
    "implausible",
    "date",
    "other_patient",
]
ACCEPTED_STATUSES = ("final", "corrected", "amended")
Sex = Literal["female", "male"]
SEXES: dict[str, Sex] = {"female": "female", "male": "male"}


class LabFileError(Exception):
    """A file that cannot be read as a lab file: nothing is imported from it."""

    def __init__(self, file: str, where: str, message: str) -> None:
        super().__init__(f"{file}: {where}: {message}" if where else f"{file}: {message}")
        self.file = file
        self.where = where
        self.message = message


@dataclass(frozen=True)
class FilePatient:
    """A patient as a file names them; ``key`` is how the file's results point at them."""

    key: str
    identifiers: tuple[str, ...] = ()
    name: str | None = None
    sex: Sex | None = None
    birth_date: dt.date | None = None
    # False for a patient the file only points at ("Patient/7") without describing them: their
    # "identifier" is the file's own reference, never compared with or copied into a case
    described: bool = True

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def answers_to(self, wanted: str) -> bool:
        """Whether ``--patient wanted`` picks this patient (its key or any identifier)."""
        names = {self.key, self.key.rsplit("/", 1)[-1], *self.identifiers}
        return wanted.strip() in names

    @property
    def display(self) -> str:
        ident = self.identifiers[0] if self.identifiers else self.key
        return f"{self.name} ({ident})" if self.name else ident


@dataclass(frozen=True)
class RawResult:
    """One result as a file states it; nothing is interpreted yet beyond the file's syntax."""

    file: str
    where: str  # JSON path or HL7 segment, so a clinician can find it in the file
    patient_key: str | None
    system: str | None  # code system as written ("http://loinc.org", "LN", ...)
    code: str | None
    display: str | None
    loinc: str | None  # the LOINC code among the codings, when there is one
    value_text: str  # the value exactly as in the file
    value: float | None  # None when the value is not a plain number
    comparator: str | None
    unit_text: str | None  # the unit as written
    ucum: str | None  # the unit's UCUM code, when the file gives one
    date: dt.date | None
    date_problem: str | None  # why there is no usable date, when there is none
    status: str | None  # normalised to FHIR's words: final, corrected, preliminary, ...


@dataclass(frozen=True)
class FoundMedication:
    file: str
    where: str
    patient_key: str | None
    name: str
    system: str | None = None
    code: str | None = None
    status: str | None = None
    dose: str | None = None  # the dosage text as written ("10 mL bid")


@dataclass(frozen=True)
class ParsedFile:
    file: str
    kind: Literal["fhir", "hl7v2", "delimited"]
    patients: tuple[FilePatient, ...]
    results: tuple[RawResult, ...]
    medications: tuple[FoundMedication, ...] = ()


@dataclass(frozen=True)
class Imported:
    entry: LabEntry  # carries its provenance in ``entry.source``
    where: str


@dataclass(frozen=True)
class ImportedEgfr:
    """An eGFR by the equation the knowledge base names: it fills ``kidney.egfr``."""

    value: float
    date: dt.date
    source: LabSource
    where: str


@dataclass(frozen=True)
class NotImported:
    file: str
    where: str
    kind: SkipKind
    reason: str
    code: str | None
    value_text: str


@dataclass
class FileReport:
    """What one file gives: its patient(s), what comes in, what does not and why."""

    file: str
    kind: str
    patients: tuple[FilePatient, ...]
    patient: FilePatient | None  # the patient whose results were taken
    imported: list[Imported] = field(default_factory=list)
    egfr: list[ImportedEgfr] = field(default_factory=list)
    not_imported: list[NotImported] = field(default_factory=list)
    medications: list[FoundMedication] = field(default_factory=list)
