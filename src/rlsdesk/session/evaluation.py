"""From the form to what the live panel shows: pure functions, no Qt.

``evaluate`` builds the case from the form, validates it and runs the engine. When the
case is invalid it still reports, per lab row and medication row, what the domain can say
about the rows that are valid (flag, reference range, resolved name), so a mistake in one
row does not hide the others. ``LiveSession`` remembers the last valid assessment, which the
panel keeps showing (marked out of date) while a field is wrong. Every judgement comes from
the domain; nothing is decided here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from pydantic import ValidationError

from rlsdesk.domain.assessment import Assessment, EgfrResult, LabResult, MedicationResult
from rlsdesk.domain.case import Case, CaseInputError, MedicationEntry, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.medications import resolve_medication
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.formstate import FormState, RawCase, to_raw

_FRIENDLY = {
    "Field required": "required",
    "Input should be a valid number": "enter a number",
    "Input should be a valid integer": "enter a whole number",
    "Input should be a finite number": "enter a finite number",
    "String should have at least 1 character": "required",
    "Input should be a valid date": "enter a date as YYYY-MM-DD",
}


def friendly(message: str) -> str:
    for prefix, text in _FRIENDLY.items():
        if message.startswith(prefix):
            return text
    return message


@dataclass(frozen=True)
class LiveResult:
    """The assessment when the case is valid; otherwise the problems, keyed by form field."""

    assessment: Assessment | None
    case: Case | None
    problems: dict[str, list[str]] = field(default_factory=dict)
    lab_results: dict[int, LabResult] = field(default_factory=dict)  # form row -> result
    medications: dict[tuple[str, int], MedicationResult | None] = field(default_factory=dict)
    egfr: EgfrResult | None = None
    pristine: bool = False  # nothing typed yet: a new case is not "invalid" to the clinician
    # While the case is invalid: the last valid assessment, shown greyed as out of date.
    out_of_date: Assessment | None = None

    @property
    def valid(self) -> bool:
        return self.assessment is not None

    def problem_lines(self, labels: dict[str, str] | None = None) -> list[str]:
        names = labels or {}
        return [
            f"{names.get(key, key) or 'case'}: {message}"
            for key, messages in self.problems.items()
            for message in messages
        ]


def _problems(error: CaseInputError, raw: RawCase) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        key = raw.form_field(problem.field)
        found.setdefault(key, []).append(friendly(problem.message))
    return found


def _lab_rows(assessment: Assessment, rows: tuple[int, ...]) -> dict[int, LabResult]:
    return {rows[i]: result for i, result in enumerate(assessment.labs) if i < len(rows)}


_PLACEHOLDER = {
    "patient": {"age_years": 40, "sex": "female"},
    "presentation": {"rls": False, "leg_cramps": False},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"dialysis": "none"},
    "labs": [],
    "conditions": [],
    "medications": [],
    "supplements": [],
}
_ROW_LISTS = (
    ("labs", "lab_rows"),
    ("medications", "medication_rows"),
    ("supplements", "supplement_rows"),
)


def _row_problems(raw: RawCase, kb: KnowledgeBase) -> dict[str, list[str]]:
    """Each list entry checked on its own: a row's mistakes do not depend on the patient,
    and one row's shape error must not hide another row's unit error."""
    found: dict[str, list[str]] = {}
    for name, rows_attr in _ROW_LISTS:
        rows: tuple[int, ...] = getattr(raw, rows_attr)
        for index, entry in enumerate(raw.data[name]):
            try:
                parse_case({**raw.data, **_PLACEHOLDER, name: [entry]}, kb)
            except CaseInputError as error:
                for problem in error.problems:
                    prefix = f"{name}[0]"
                    if problem.field.startswith(prefix):
                        key = f"{name}[{rows[index]}]{problem.field[len(prefix) :]}"
                        found.setdefault(key, []).append(friendly(problem.message))
    return found


def _probe(raw: RawCase, problems: dict[str, list[str]], kb: KnowledgeBase) -> Assessment | None:
    """The case without its invalid rows, if that is valid: flags for the good rows."""
    data = dict(raw.data)
    for name, rows_attr in _ROW_LISTS:
        rows: tuple[int, ...] = getattr(raw, rows_attr)
        data[name] = [e for i, e in enumerate(raw.data[name]) if not _bad(problems, name, rows[i])]
    try:
        return assess(parse_case(data, kb), kb)
    except CaseInputError:
        return None


def _bad(problems: dict[str, list[str]], name: str, row: int) -> bool:
    prefix = f"{name}[{row}]"
    return any(key == prefix or key.startswith(prefix + ".") for key in problems)


def _resolve(state: FormState, kb: KnowledgeBase) -> dict[tuple[str, int], MedicationResult | None]:
    resolved: dict[tuple[str, int], MedicationResult | None] = {}
    for kind, rows in (("medication", state.medications), ("supplement", state.supplements)):
        for index, row in enumerate(rows):
            if not row.name.strip():
                continue
            try:
                entry = MedicationEntry(name=row.name.strip())
            except ValidationError:
                resolved[(kind, index)] = None
                continue
            resolved[(kind, index)] = resolve_medication(entry, kind, kb)[0]
    return resolved


def evaluate(state: FormState, kb: KnowledgeBase) -> LiveResult:
    raw = to_raw(state)
    medications = _resolve(state, kb)
    try:
        case = parse_case(raw.data, kb)
    except CaseInputError as error:
        problems = _problems(error, raw)
        for key, messages in _row_problems(raw, kb).items():
            known = problems.setdefault(key, [])
            known += [m for m in messages if m not in known]
        probe = _probe(raw, problems, kb)
        good = tuple(r for r in raw.lab_rows if not _bad(problems, "labs", r))
        labs = _lab_rows(probe, good) if probe is not None else {}
        return LiveResult(None, None, problems, labs, medications, None, state.is_blank())
    assessment = assess(case, kb)
    labs = _lab_rows(assessment, raw.lab_rows)
    medications.update(_assessed_medications(assessment, raw))
    return LiveResult(assessment, case, {}, labs, medications, assessment.egfr)


def _assessed_medications(
    assessment: Assessment, raw: RawCase
) -> dict[tuple[str, int], MedicationResult | None]:
    """The engine's own result for each row (dose check, corrected spelling, suggestions):
    ``assessment.medications`` lists the case's medications, then its supplements."""
    rows = [("medication", row) for row in raw.medication_rows]
    rows += [("supplement", row) for row in raw.supplement_rows]
    return dict(zip(rows, assessment.medications, strict=False))


class LiveSession:
    """Evaluates successive form states and remembers the last valid assessment, so the
    panel can keep it (greyed, out of date) while the clinician fixes a field."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.last_valid: Assessment | None = None

    def evaluate(self, state: FormState) -> LiveResult:
        result = evaluate(state, self._kb)
        if result.assessment is not None:
            self.last_valid = result.assessment
            return result
        if result.pristine:
            self.last_valid = None  # a new case: nothing from the previous patient may linger
            return result
        return dataclasses.replace(result, out_of_date=self.last_valid)

    def forget(self) -> None:
        """A different case was loaded: the previous assessment is not its out-of-date view."""
        self.last_valid = None
