"""HL7 v2.x ORU^R01 messages (ER7 text) read with python-hl7.

Segments are taken in order: PID names the patient of the results that follow, OBR gives the
order's observation time (OBR-7) for OBX segments that have none of their own (OBX-14).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import hl7

from rlsdesk.labimport.model import SEXES, FilePatient, LabFileError, ParsedFile, RawResult

# OBX-11 result status (HL7 table 0085) in FHIR's words; only final and corrected come in.
RESULT_STATUS = {
    "F": "final",
    "C": "corrected",
    "P": "preliminary",
    "I": "registered",  # specimen in the lab, result pending
    "R": "preliminary",  # not yet verified
    "S": "preliminary",  # partial
    "X": "cancelled",
    "D": "entered-in-error",  # deleted
    "W": "entered-in-error",  # posted to the wrong patient
    "U": "unknown",  # "changed to final without retransmitting": the value is not in OBX-5
}
NUMERIC_TYPES = ("NM", "SN")
HEADERS = ("MSH", "FHS", "BHS")
_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_COMPARATOR = re.compile(r"^(<=|>=|<|>)")


def looks_like_hl7(text: str) -> bool:
    return text.lstrip()[:3] in HEADERS


def has_hl7_segments(text: str) -> bool:
    """Segments of a message without its MSH header (refused rather than read as CSV)."""
    return bool(re.search(r"(^|[\r\n])(PID|OBR|OBX)\|", text))


def read_hl7(file: str, text: str) -> ParsedFile:
    message_text = re.sub(r"\r\n|\n|\r", "\r", text.strip())
    if not looks_like_hl7(message_text):
        raise LabFileError(file, "segment 1", "an HL7 message must start with an MSH segment")
    try:
        message = hl7.parse(message_text)
    except hl7.ParseException as error:
        raise LabFileError(file, "MSH", f"not a valid HL7 v2 message: {error}") from None
    patients: dict[str, FilePatient] = {}
    results: list[RawResult] = []
    patient_key: str | None = None
    order_date: str = ""
    counts: dict[str, int] = {}
    for segment in message:
        name = str(segment[0])
        counts[name] = counts.get(name, 0) + 1
        where = f"{name} {counts[name]}"
        if name == "PID":
            patient = _patient(message, segment, where)
            patients.setdefault(patient.key, patient)
            patient_key = patient.key
        elif name == "OBR":
            order_date = _field(message, segment, 7)
        elif name == "OBX":
            results.append(_result(file, message, segment, where, patient_key, order_date))
    return ParsedFile(file, "hl7v2", tuple(patients.values()), tuple(results))


def _field(message: Any, segment: Any, field: int, component: int = 1, repeat: int = 1) -> str:
    if field >= len(segment):
        return ""
    try:
        value = segment.extract_field(1, field, repeat, component, 1)
    except IndexError:  # a plain field has no second component: empty, as HL7 reads it
        return ""
    return str(message.unescape(str(value))).strip() if value else ""


def _date(stamp: str) -> tuple[dt.date | None, str | None]:
    match = _STAMP.match(stamp)
    if match is None:
        return None, (
            "no observation time (OBX-14 or OBR-7)"
            if not stamp
            else f"the time {stamp!r} gives no day"
        )
    try:
        return dt.date(*(int(part) for part in match.groups())), None
    except ValueError:
        return None, f"the time {stamp!r} is not a calendar date"


def _patient(message: Any, segment: Any, where: str) -> FilePatient:
    identifier = _field(message, segment, 3)
    family, given = _field(message, segment, 5, 1), _field(message, segment, 5, 2)
    name = " ".join(part for part in (given.title(), family.title()) if part) or None
    sex = SEXES.get({"F": "female", "M": "male"}.get(_field(message, segment, 8).upper(), ""))
    birth, _ = _date(_field(message, segment, 7))
    identifiers = (identifier,) if identifier else ()
    return FilePatient(identifier or where, identifiers, name, sex, birth)


def _result(
    file: str, message: Any, segment: Any, where: str, patient: str | None, order_date: str
) -> RawResult:
    code, display, system = (_field(message, segment, 3, n) for n in (1, 2, 3))
    alt_code, alt_system = _field(message, segment, 3, 4), _field(message, segment, 3, 6)
    loinc = code if system == "LN" else (alt_code if alt_system == "LN" else None)
    value_type = _field(message, segment, 2)
    value_text, number, comparator = _value(message, segment, value_type)
    unit = _field(message, segment, 6, 1)
    ucum = unit if _field(message, segment, 6, 3) == "UCUM" else None
    date, problem = _date(_field(message, segment, 14) or order_date)
    status_code = _field(message, segment, 11).upper()
    return RawResult(
        file=file,
        where=where,
        patient_key=patient,
        system=system or None,
        code=code or None,
        display=display or None,
        loinc=loinc or None,
        value_text=value_text,
        value=number,
        comparator=comparator,
        unit_text=unit or None,
        ucum=ucum,
        date=date,
        date_problem=problem,
        status=RESULT_STATUS.get(status_code, f"'{status_code}'" if status_code else None),
    )


def _value(message: Any, segment: Any, value_type: str) -> tuple[str, float | None, str | None]:
    if value_type == "SN":  # structured numeric: comparator ^ number
        comparator, number = _field(message, segment, 5, 1), _field(message, segment, 5, 2)
        text = f"{comparator}{number}"
        if comparator in ("", "=") and _NUMBER.match(number):
            return text, float(number), None
        return text, None, comparator or None
    text = _field(message, segment, 5)
    if value_type not in NUMERIC_TYPES:
        return text, None, None
    return parse_number(text)


def parse_number(text: str) -> tuple[str, float | None, str | None]:
    """(text, number, comparator) for a value written as text: "38", "<5", ">60", "0-5"."""
    stripped = text.strip()
    if _NUMBER.match(stripped):
        return text, float(stripped), None
    comparator = _COMPARATOR.match(stripped)
    if comparator and _NUMBER.match(stripped[comparator.end() :].strip()):
        return text, None, comparator.group(1)
    return text, None, None
