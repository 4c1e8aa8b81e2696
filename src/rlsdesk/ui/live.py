"""From the form to what the live panel shows: a pure function, plus a debounce for Qt.

``evaluate`` builds the case from the form, validates it and runs the engine. When the
case is invalid it still reports, per lab row and medication row, what the domain can say
about the rows that are valid (flag, reference range, resolved name), so a mistake in one
row does not hide the others. Every judgement comes from the domain; nothing is decided here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError
from PySide6.QtCore import QObject, QTimer, Signal

from rlsdesk.domain.assessment import Assessment, EgfrResult, LabResult, MedicationResult
from rlsdesk.domain.case import Case, CaseInputError, MedicationEntry, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.medications import resolve_medication
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.ui.formstate import FormState, RawCase, to_raw

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
    return LiveResult(assessment, case, {}, labs, medications, assessment.egfr)


class LiveAssessor(QObject):
    """Re-evaluates the form a moment after the last edit (assess takes ~1–2 ms)."""

    updated = Signal(object)  # LiveResult

    def __init__(
        self, kb: KnowledgeBase, read_state: Callable[[], FormState], delay_ms: int = 10
    ) -> None:
        super().__init__()
        self._kb = kb
        self._read_state = read_state
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.result: LiveResult | None = None
        self.last_duration_ms = 0.0

    def schedule(self) -> None:
        self._timer.start()

    def flush(self) -> LiveResult:
        """Evaluate now (tests, printing, the screenshot) and publish the result."""
        self._timer.stop()
        started = time.perf_counter()
        self.result = evaluate(self._read_state(), self._kb)
        self.updated.emit(self.result)
        self.last_duration_ms = (time.perf_counter() - started) * 1000
        return self.result
