"""CSV and TSV lab exports with a header row (documented in docs/formats.md).

Columns are found by name, in any order and letter case: the test (``loinc`` or ``analyte``),
``value``, ``unit`` (or ``units``) and ``date`` are required; ``patient`` (or ``pid``,
``patient_id``), ``status`` and ``name`` are optional. Without a status column every row is
taken as a reported (final) result, as a laboratory export lists only those.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from rlsdesk.labimport.hl7v2 import parse_number
from rlsdesk.labimport.model import FilePatient, LabFileError, ParsedFile, RawResult

ANALYTE_SYSTEM = "rlsdesk-analyte"  # a row that names an analyte id instead of a LOINC code
COLUMN_NAMES = {
    "loinc": ("loinc", "loinc_code"),
    "analyte": ("analyte",),
    "value": ("value", "result"),
    "unit": ("unit", "units"),
    "date": ("date", "collected", "effective"),
    "patient": ("patient", "pid", "patient_id"),
    "status": ("status",),
    "name": ("name", "test"),
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def read_delimited(file: str, text: str) -> ParsedFile:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise LabFileError(file, "line 1", "the file is empty")
    header = [cell.strip().casefold() for cell in rows[0]]
    columns = {
        role: next((header.index(n) for n in names if n in header), None)
        for role, names in COLUMN_NAMES.items()
    }
    missing = [role for role in ("value", "unit", "date") if columns[role] is None]
    if columns["loinc"] is None and columns["analyte"] is None:
        missing.insert(0, "loinc or analyte")
    if missing:
        raise LabFileError(file, "line 1", f"the header lacks the column(s) {', '.join(missing)}")
    results: list[RawResult] = []
    patients: dict[str, FilePatient] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            message = f"{len(row)} columns where the header has {len(header)}"
            raise LabFileError(file, f"line {line}", message)

        def cell(role: str, row: list[str] = row) -> str:
            index = columns[role]
            return row[index].strip() if index is not None else ""

        patient = cell("patient") or None
        if patient is not None:
            patients.setdefault(patient, FilePatient(patient, (patient,)))
        loinc = cell("loinc")
        system, code = ("http://loinc.org", loinc) if loinc else (ANALYTE_SYSTEM, cell("analyte"))
        value_text, number, comparator = parse_number(cell("value"))
        date, problem = _day(cell("date"))
        results.append(
            RawResult(
                file=file,
                where=f"line {line}",
                patient_key=patient,
                system=system,
                code=code or None,
                display=cell("name") or None,
                loinc=loinc or None,
                value_text=value_text,
                value=number,
                comparator=comparator,
                unit_text=cell("unit") or None,
                ucum=None,
                date=date,
                date_problem=problem,
                status=(cell("status").casefold() or None) if columns["status"] else "final",
            )
        )
    return ParsedFile(file, "delimited", tuple(patients.values()), tuple(results))


def _day(text: str) -> tuple[dt.date | None, str | None]:
    if not text:
        return None, "no date"
    match = _ISO_DAY.match(text)
    if match is None:
        return None, f"the date {text!r} is not written as YYYY-MM-DD"
    try:
        return dt.date(*(int(part) for part in match.groups())), None
    except ValueError:
        return None, f"the date {text!r} is not a calendar date"
