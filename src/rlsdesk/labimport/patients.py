"""One patient per import: a file that names several is never merged; the clinician chooses."""

from __future__ import annotations

from rlsdesk.labimport.judge import Judge
from rlsdesk.labimport.model import (
    FilePatient,
    FileReport,
    ImportedEgfr,
    NotImported,
    ParsedFile,
)

ACTIVE_MEDICATION = ("active",)


class PatientChoiceNeeded(Exception):
    """The file names several patients (or not the one asked for): choose with ``patient``."""

    def __init__(self, file: str, patients: tuple[FilePatient, ...], wanted: str | None) -> None:
        listed = "; ".join(p.display for p in patients)
        if wanted is None:
            message = f"{file}: names {len(patients)} patients ({listed}); choose one"
        else:
            message = f"{file}: no patient {wanted!r} in the file (it names {listed})"
        super().__init__(message)
        self.file = file
        self.patients = patients
        self.wanted = wanted


def file_patients(parsed: ParsedFile) -> tuple[FilePatient, ...]:
    """Patients the file describes, and those its results point at without describing them."""
    found = {p.key: p for p in parsed.patients}
    keys = [r.patient_key for r in parsed.results] + [m.patient_key for m in parsed.medications]
    for key in keys:
        if key is not None and key not in found:
            found[key] = FilePatient(key, (key.rsplit("/", 1)[-1],), described=False)
    return tuple(found.values())


def choose_patient(parsed: ParsedFile, wanted: str | None) -> FilePatient | None:
    patients = file_patients(parsed)
    if wanted is not None:
        chosen = [p for p in patients if p.answers_to(wanted)]
        if len(chosen) != 1:
            raise PatientChoiceNeeded(parsed.file, patients, wanted)
        return chosen[0]
    if len(patients) > 1:
        raise PatientChoiceNeeded(parsed.file, patients, None)
    return patients[0] if patients else None


def report_for(parsed: ParsedFile, judge: Judge, wanted: str | None) -> FileReport:
    """What the file gives for its one (or the chosen) patient."""
    patient = choose_patient(parsed, wanted)
    several = len(file_patients(parsed)) > 1
    report = FileReport(parsed.file, parsed.kind, file_patients(parsed), patient)
    for raw in parsed.results:
        if patient is not None and raw.patient_key not in (None, patient.key):
            continue  # another patient's result: never shown beside this one's
        if several and raw.patient_key is None:
            report.not_imported.append(
                NotImported(
                    raw.file,
                    raw.where,
                    "other_patient",
                    "the result names no patient",
                    raw.code,
                    raw.value_text,
                )
            )
            continue
        verdict = judge.judge(raw)
        if isinstance(verdict, NotImported):
            report.not_imported.append(verdict)
        elif isinstance(verdict, ImportedEgfr):
            report.egfr.append(verdict)
        else:
            report.imported.append(verdict)
    for medication in parsed.medications:
        if patient is not None and medication.patient_key not in (None, patient.key):
            continue
        if medication.status in ACTIVE_MEDICATION:
            report.medications.append(medication)
        else:
            report.not_imported.append(
                NotImported(
                    medication.file,
                    medication.where,
                    "status",
                    f"medication {medication.name}: status {medication.status}, not active",
                    medication.code,
                    medication.name,
                )
            )
    return report
