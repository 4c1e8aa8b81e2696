"""Fuzzing the case loader: any bytes give a Case or a CaseInputError whose problems are usable.

Inputs: arbitrary bytes, arbitrary JSON documents, and mutations of a valid case (keys
dropped or added, types changed, extreme numbers, bytes flipped or cut). A problem must name
what is wrong in one printable line: the CLI prints one problem per line and the GUI maps each
to a field, so a newline or a terminal escape taken from the file must not reach the output.
RLSDESK_FUZZ_EXAMPLES scales the number of examples (the release check runs more).
"""

from __future__ import annotations

import copy
import json
import math
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rlsdesk.domain.case import Case, CaseInputError, load_case_bytes, semantic_problems
from rlsdesk.knowledge import load_knowledge_base

KB = load_knowledge_base()
# The everyday run stays quick; CI (CI=true, the "ci" Hypothesis profile) fuzzes thoroughly.
EXAMPLES = int(
    os.environ.get("RLSDESK_FUZZ_EXAMPLES", "600" if os.environ.get("CI") == "true" else "150")
)
VALID: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent / "corpus" / "valid.json").read_text("utf-8")
)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXTREME_NUMBERS = [
    0, -1, 1, 2**31, 2**63, -(2**63), 10**30, 10**400, 1e308, -1e308, 1.7976931348623157e308,
    5e-324, -0.0, 1e-300, math.nan, math.inf, -math.inf, 0.5, 120.0000001, 250.1, 400.0001,
]  # fmt: skip

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["ng/mL", "%", "ferritin", "pregnant", "male", "rlsdesk-case/1", "2026-11-02"]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def _outcome(data: bytes) -> Case | CaseInputError:
    """What the loader did; any other exception propagates and fails the test."""
    try:
        return load_case_bytes(data, KB)
    except CaseInputError as error:
        return error


def _check(outcome: Case | CaseInputError) -> None:
    if isinstance(outcome, Case):
        assert semantic_problems(outcome, KB) == []
        assert load_case_bytes(outcome.to_json().encode("utf-8"), KB) == outcome
        return
    assert outcome.problems, "a refusal must say why"
    for problem in outcome.problems:
        assert isinstance(problem.field, str)
        assert isinstance(problem.message, str), problem
        assert problem.message.strip(), problem


def _printable_on_one_line(text: str) -> bool:
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated_cases(draw: st.DrawFn) -> bytes:
    """The valid case with 1-4 mutations, then sometimes damaged as bytes."""
    document = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(document, path), path[-1]
        value = parent[last]
        operation = draw(st.sampled_from(["drop", "replace", "extreme", "retype", "add"]))
        if operation == "drop":
            del parent[last]
        elif operation == "replace":
            parent[last] = draw(json_values)
        elif operation == "extreme":
            parent[last] = draw(st.sampled_from(EXTREME_NUMBERS))
        elif operation == "retype":
            parent[last] = draw(
                st.sampled_from([str(value), [value], {"value": value}, None, True, 1, 1.5, ""])
            )
        elif isinstance(value, dict):
            value[draw(st.text(max_size=12))] = draw(json_values)
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
    data = json.dumps(document, allow_nan=True, ensure_ascii=draw(st.booleans())).encode()
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "flip", "insert"]))
    if damage != "none" and data:
        where = draw(st.integers(0, len(data) - 1))
        if damage == "cut":
            data = data[:where]
        elif damage == "flip":
            data = (
                data[:where] + bytes([data[where] ^ draw(st.integers(1, 255))]) + data[where + 1 :]
            )
        else:
            data = data[:where] + draw(st.binary(min_size=1, max_size=4)) + data[where:]
    return data


@FUZZ
@given(st.binary(max_size=2048))
@example(b"\xef\xbb\xbf")
@example(b"[" * 5000)
@example(b'{"format":"rlsdesk-case/1","labs":[{"value":1e999}]}')
def test_any_bytes_give_a_case_or_an_input_error(data: bytes) -> None:
    """Arbitrary bytes never crash the loader: a Case or a CaseInputError with messages."""
    _check(_outcome(data))


@FUZZ
@given(json_values)
def test_any_json_document_gives_a_case_or_an_input_error(document: Any) -> None:
    """Any JSON document (NaN and Infinity included) gives a Case or named problems."""
    _check(_outcome(json.dumps(document, allow_nan=True).encode("utf-8")))


@FUZZ
@given(mutated_cases())
def test_mutated_case_gives_a_case_or_an_input_error(data: bytes) -> None:
    """A valid case with keys dropped, types changed, extreme numbers or damaged bytes is
    either still a valid case (and round-trips) or refused with named problems."""
    _check(_outcome(data))


@FUZZ
@given(mutated_cases())
@example(json.dumps(dict(VALID, **{"notes\nlabs[0].value: forged": 1})).encode())
@example(json.dumps(dict(VALID, **{"\x1b[2J": 1})).encode())
@example(
    json.dumps(
        dict(VALID, labs=[{"analyte": "ferritin", "value": 1e9, "unit": "ng/mL\n"}])
    ).encode()
)
def test_every_problem_is_one_printable_line(data: bytes) -> None:
    """No problem message carries a line break or control character taken from the file."""
    outcome = _outcome(data)
    if isinstance(outcome, CaseInputError):
        for problem in outcome.problems:
            assert _printable_on_one_line(str(problem)), repr(str(problem))


def _required_paths() -> list[tuple[Any, ...]]:
    required: list[tuple[Any, ...]] = [
        ("format",), ("patient",), ("patient", "age_years"), ("patient", "sex"),
        ("presentation",), ("presentation", "rls"), ("presentation", "leg_cramps"),
        ("pregnancy",), ("pregnancy", "status"), ("kidney",), ("kidney", "dialysis"),
    ]  # fmt: skip
    for index in range(len(VALID["labs"])):
        required += [("labs", index, "analyte"), ("labs", index, "value"), ("labs", index, "unit")]
    for group in ("medications", "supplements"):
        required += [(group, index, "name") for index in range(len(VALID[group]))]
    return required


@pytest.mark.parametrize("path", _required_paths(), ids=lambda path: ".".join(map(str, path)))
def test_dropping_a_required_field_names_it(path: tuple[Any, ...]) -> None:
    """Removing any required field is refused with a problem naming exactly that field."""
    document = copy.deepcopy(VALID)
    del _parent(document, path)[path[-1]]
    outcome = _outcome(json.dumps(document).encode())
    assert isinstance(outcome, CaseInputError)
    named = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    assert f"{named.lstrip('.')}: Field required" in [str(p) for p in outcome.problems]
