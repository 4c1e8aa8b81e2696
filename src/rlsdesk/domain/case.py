"""The ``rlsdesk-case/1`` format: one patient at one visit (see shared/case-format.md).

Parsing has two stages. The pydantic models check shape and fixed ranges; then
:func:`semantic_problems` checks what needs the knowledge base (analyte, unit and condition
ids, physically impossible values) and what spans fields (pregnancy and sex, trimester).
Both report problems as ``labs[2].unit: ...`` so the CLI and the GUI can name the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    field_validator,
)

from rlsdesk.domain.units import UnitError, to_canonical
from rlsdesk.fileio import read_regular_file
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schema import Analyte, DoseFrequency

CASE_FORMAT = "rlsdesk-case/1"
MAX_CASE_BYTES = 2_000_000
MAX_TEXT = 200


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: object) -> object:
    # JSON has no date type: only the "YYYY-MM-DD" text is a date. A number (a Unix time),
    # "0", "2026-1-5", a time or a time zone would each be read as some date by a lax
    # parser, and the date decides which of two results counts.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        shown = "a number" if isinstance(value, int | float) else "not text"
        if isinstance(value, str):  # at most a date's length echoed back, never a huge string
            shown = repr(value[:25]) + ("…" if len(value) > 25 else "")
        raise ValueError(f"must be a date written as YYYY-MM-DD (got {shown}; no time or zone)")
    return value


def _not_boolean(value: object) -> object:
    # In Python True == 1, so a Literal[1, 2, 3] would take true as trimester 1.
    if isinstance(value, bool):
        raise ValueError("must be 1, 2 or 3")
    return value


# Dates arrive as JSON strings; everything else is taken exactly as typed (no coercion of
# "38" to 38 or "yes" to True: in a clinical record that would be a guess).
LabDate = Annotated[dt.date, Strict(False), BeforeValidator(_iso_date_text)]
Trimester = Annotated[Literal[1, 2, 3], BeforeValidator(_not_boolean)]


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


ShortText = Annotated[str, Field(max_length=MAX_TEXT)]


class Patient(CaseModel):
    name: ShortText | None = None
    identifier: ShortText | None = None
    age_years: int = Field(ge=0, le=120)
    sex: Literal["female", "male"]
    weight_kg: float | None = Field(default=None, ge=2, le=400)


class Presentation(CaseModel):
    rls: bool
    leg_cramps: bool
    irls_score: int | None = Field(default=None, ge=0, le=40)
    oral_iron_failed: bool = False


class Pregnancy(CaseModel):
    status: Literal["not_pregnant", "pregnant", "breastfeeding", "unknown"]
    trimester: Trimester | None = None


class Kidney(CaseModel):
    egfr: float | None = Field(default=None, ge=0, le=250)
    dialysis: Literal["none", "hemodialysis", "peritoneal_dialysis"]


class LabSource(CaseModel):
    """Extension: where an imported result came from, as it stood in the file."""

    file: ShortText
    system: ShortText | None = None  # code system, e.g. "http://loinc.org" or "LN"
    code: ShortText | None = None
    value: ShortText  # the value as written in the file
    unit: ShortText | None = None  # the unit as written in the file


class LabEntry(CaseModel):
    analyte: str
    value: float
    unit: str
    date: LabDate | None = None
    source: LabSource | None = None  # extension

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        return value


class DoseDetail(CaseModel):
    """Extension: a dose entered without ambiguity (the free-text ``dose`` stays as typed)."""

    amount: float = Field(gt=0, le=1_000_000)
    unit: Literal["mg", "g", "µg", "IU", "mmol", "mEq"]
    basis: Literal["elemental", "salt"] = "elemental"
    frequency: DoseFrequency = "daily"


class MedicationEntry(CaseModel):
    name: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    dose: ShortText | None = None
    dose_detail: DoseDetail | None = None  # extension

    @field_validator("name")
    @classmethod
    def _not_blank(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("must not be blank")
        return name


class Case(CaseModel):
    format: Literal["rlsdesk-case/1"]
    patient: Patient
    presentation: Presentation
    pregnancy: Pregnancy
    kidney: Kidney
    labs: list[LabEntry] = Field(default_factory=list, max_length=500)
    conditions: list[str] = Field(default_factory=list, max_length=100)
    medications: list[MedicationEntry] = Field(default_factory=list, max_length=200)
    supplements: list[MedicationEntry] = Field(default_factory=list, max_length=200)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True) + "\n"


def printable(text: str) -> str:
    """Control characters shown as escapes, so a hostile key cannot forge extra lines or
    send terminal escape sequences when a problem is printed."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


@dataclass(frozen=True)
class InputProblem:
    field: str
    message: str

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return printable(text)


class CaseInputError(Exception):
    """The case is invalid; ``problems`` names each field that is wrong."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def field_path(loc: Iterable[int | str]) -> str:
    """('labs', 2, 'unit') -> 'labs[2].unit'."""
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def read_case_file(path: Path) -> bytes:
    """Read at most one byte more than a case may have, so a huge file is refused without
    being read into memory; only a regular file is read (a FIFO or device raises OSError)."""
    data = read_regular_file(path, MAX_CASE_BYTES + 1)
    if len(data) > MAX_CASE_BYTES:
        limit = MAX_CASE_BYTES // 1_000_000
        raise CaseInputError([InputProblem("", f"file is larger than {limit} MB: not a case")])
    return data


def decode_case_json(data: bytes) -> Any:
    """Decode case JSON strictly: UTF-8 without BOM, no NaN/Infinity, no duplicate keys."""
    if len(data) > MAX_CASE_BYTES:
        limit = MAX_CASE_BYTES // 1_000_000
        raise CaseInputError([InputProblem("", f"file is larger than {limit} MB: not a case")])
    if not data.strip():
        raise CaseInputError([InputProblem("", "file is empty")])
    if data.startswith(b"\xef\xbb\xbf"):
        message = "file starts with a byte-order mark; save it as UTF-8 without BOM"
        raise CaseInputError([InputProblem("", message)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"file is not UTF-8 text (bad byte at position {error.start})"
        raise CaseInputError([InputProblem("", message)]) from None
    try:
        return json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise CaseInputError([InputProblem("", message)]) from None
    except ValueError as error:
        raise CaseInputError([InputProblem("", f"not valid JSON: {error}")]) from None
    except RecursionError:
        raise CaseInputError([InputProblem("", "JSON is nested too deeply")]) from None


def parse_case(raw: Any, kb: KnowledgeBase) -> Case:
    """Validate a decoded JSON document as a case; raise CaseInputError naming every field."""
    if not isinstance(raw, dict):
        raise CaseInputError([InputProblem("", "a case must be a JSON object")])
    version = raw.get("format")
    if isinstance(version, str) and version != CASE_FORMAT and version.startswith("rlsdesk-case/"):
        message = f"{version!r} is not supported: this rlsdesk reads {CASE_FORMAT}"
        raise CaseInputError([InputProblem("format", message)])
    try:
        case = Case.model_validate(raw)
    except ValidationError as error:
        raise CaseInputError(
            [InputProblem(field_path(item["loc"]), item["msg"]) for item in error.errors()]
        ) from None
    problems = semantic_problems(case, kb)
    if problems:
        raise CaseInputError(problems)
    return case


def load_case_bytes(data: bytes, kb: KnowledgeBase) -> Case:
    return parse_case(decode_case_json(data), kb)


def semantic_problems(
    case: Case, kb: KnowledgeBase, today: dt.date | None = None
) -> list[InputProblem]:
    problems: list[InputProblem] = []
    today = today or dt.date.today()
    counted: list[tuple[int, LabEntry, float]] = []  # results with a valid unit and value
    for index, lab in enumerate(case.labs):
        where = f"labs[{index}]"
        analyte = kb.analytes.get(lab.analyte)
        if analyte is None:
            known = ", ".join(kb.analytes)
            problems.append(
                InputProblem(f"{where}.analyte", f"{lab.analyte!r} is not an analyte ({known})")
            )
            continue
        try:
            canonical = to_canonical(analyte, lab.analyte, lab.value, lab.unit)
        except UnitError as error:
            problems.append(InputProblem(f"{where}.unit", str(error)))
            continue
        plausible = analyte.plausible
        low = to_canonical(analyte, lab.analyte, plausible.low or 0.0, plausible.unit)
        high = to_canonical(analyte, lab.analyte, plausible.high or 0.0, plausible.unit)
        if lab.value < 0:
            problems.append(InputProblem(f"{where}.value", "must not be negative"))
        elif not low <= canonical <= high:
            fits = _units_it_fits(analyte, lab.analyte, lab.value, low, high)
            mix_up = f"; it fits {' or '.join(fits)}: a likely unit mix-up" if fits else ""
            problems.append(
                InputProblem(
                    f"{where}.value",
                    f"{lab.value:g} {lab.unit} is not a possible {analyte.label.lower()} value "
                    f"(accepted {plausible.low:g}–{plausible.high:g} {plausible.unit}){mix_up}",
                )
            )
        else:
            counted.append((index, lab, canonical))
        if lab.date is not None and not dt.date(1900, 1, 1) <= lab.date <= today:
            problems.append(
                InputProblem(
                    f"{where}.date",
                    f"{lab.date} is in the future"
                    if lab.date > today
                    else f"{lab.date} is implausibly old",
                )
            )
    problems += _repeat_problems(counted, kb)
    for index, condition in enumerate(case.conditions):
        if condition not in kb.conditions:
            problems.append(
                InputProblem(f"conditions[{index}]", f"{condition!r} is not a condition id")
            )
    if len(set(case.conditions)) != len(case.conditions):
        problems.append(InputProblem("conditions", "a condition is listed twice"))
    pregnancy = case.pregnancy
    if pregnancy.status == "pregnant" and pregnancy.trimester is None:
        problems.append(InputProblem("pregnancy.trimester", "required when status is pregnant"))
    if pregnancy.status != "pregnant" and pregnancy.trimester is not None:
        problems.append(
            InputProblem("pregnancy.trimester", f"given, but status is {pregnancy.status!r}")
        )
    if case.patient.sex == "male" and pregnancy.status in ("pregnant", "breastfeeding"):
        problems.append(
            InputProblem("pregnancy.status", f"{pregnancy.status!r} but patient.sex is 'male'")
        )
    return problems


def _units_it_fits(
    analyte: Analyte, analyte_id: str, value: float, low: float, high: float
) -> list[str]:
    """The analyte's other units in which ``value`` would be possible (canonical bounds)."""
    return [
        unit
        for unit in analyte.units
        if low <= to_canonical(analyte, analyte_id, value, unit) <= high
    ]


def _repeat_problems(
    counted: list[tuple[int, LabEntry, float]], kb: KnowledgeBase
) -> list[InputProblem]:
    """Repeats that would make the choice of the counting result a guess: two different
    values on one date, and dated beside undated results of one analyte."""
    problems: list[InputProblem] = []
    by_analyte: dict[str, list[tuple[int, LabEntry, float]]] = {}
    for item in counted:
        by_analyte.setdefault(item[1].analyte, []).append(item)
    for analyte_id, items in by_analyte.items():
        label = kb.analytes[analyte_id].label.lower()
        dated = [item for item in items if item[1].date is not None]
        if dated and len(dated) < len(items):
            first_dated = dated[0][0]
            for index, lab, _ in items:
                if lab.date is None:
                    problems.append(
                        InputProblem(
                            f"labs[{index}].date",
                            f"{label} has dated and undated results (labs[{first_dated}] is "
                            "dated): enter the date of this result, or remove it",
                        )
                    )
        seen: dict[dt.date, tuple[int, LabEntry, float]] = {}
        for index, lab, canonical in dated:
            assert lab.date is not None
            earlier = seen.setdefault(lab.date, (index, lab, canonical))
            if earlier[0] != index and not _same_value(earlier[2], canonical):
                problems.append(
                    InputProblem(
                        f"labs[{index}]",
                        f"{label} on {lab.date} twice with different values: "
                        f"labs[{earlier[0]}] {earlier[1].value:g} {earlier[1].unit} and "
                        f"labs[{index}] {lab.value:g} {lab.unit}; keep the one that counts",
                    )
                )
    return problems


def _same_value(a: float, b: float) -> bool:
    # The same result typed in two units (38 ng/mL and 38 µg/L) is not a conflict.
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
