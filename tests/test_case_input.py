"""Invalid cases are refused with a message naming the field; nothing is guessed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import lab, make_case
from rlsdesk.domain.case import CaseInputError, decode_case_json, parse_case
from rlsdesk.knowledge import KnowledgeBase


def problems(kb: KnowledgeBase, raw: Any) -> list[str]:
    with pytest.raises(CaseInputError) as error:
        parse_case(raw, kb)
    return [str(p) for p in error.value.problems]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"labs": [lab("magnesium", 2.0, "mg")]},
            "labs[0].unit",
            "'mg' is not a unit for magnesium (use mg/dL, mmol/L or mEq/L)",
        ),
        (
            {"labs": [lab("ferritin", 30, "ng/mL"), lab("sodium", 140, "mmol/L")]},
            "labs[1].analyte",
            "'sodium' is not an analyte",
        ),
        ({"labs": [lab("ferritin", -3, "ng/mL")]}, "labs[0].value", "must not be negative"),
        (
            {"labs": [lab("potassium", 45, "mmol/L")]},
            "labs[0].value",
            "not a possible potassium value",
        ),
        ({"labs": [lab("tsat", 130, "%")]}, "labs[0].value", "not a possible"),
        ({"labs": [lab("ferritin", 30, "ng/mL", "2999-01-01")]}, "labs[0].date", "in the future"),
        ({"labs": [lab("ferritin", 30, "ng/mL", "2026-02-30")]}, "labs[0].date", ""),
        ({"conditions": ["gout"]}, "conditions[0]", "'gout' is not a condition id"),
        (
            {"pregnancy": {"status": "pregnant"}},
            "pregnancy.trimester",
            "required when status is pregnant",
        ),
        (
            {"pregnancy": {"status": "not_pregnant", "trimester": 2}},
            "pregnancy.trimester",
            "given, but status",
        ),
        (
            {"patient": {"sex": "male"}, "pregnancy": {"status": "pregnant", "trimester": 1}},
            "pregnancy.status",
            "patient.sex is 'male'",
        ),
        ({"patient": {"age_years": 121}}, "patient.age_years", ""),
        ({"patient": {"age_years": 45.5}}, "patient.age_years", ""),
        ({"patient": {"sex": "other"}}, "patient.sex", ""),
        ({"patient": {"weight_kg": 1}}, "patient.weight_kg", ""),
        ({"patient": {"name": "x" * 201}}, "patient.name", ""),
        ({"presentation": {"rls": "yes"}}, "presentation.rls", ""),
        ({"presentation": {"irls_score": 41}}, "presentation.irls_score", ""),
        ({"kidney": {"egfr": -1}}, "kidney.egfr", ""),
        ({"kidney": {"dialysis": "yes"}}, "kidney.dialysis", ""),
        ({"labs": [{"analyte": "ferritin", "value": "38", "unit": "ng/mL"}]}, "labs[0].value", ""),
        ({"medications": [{"name": "   "}]}, "medications[0].name", "blank"),
        ({"medications": [{"name": "x", "route": "oral"}]}, "medications[0].route", ""),
        ({"format": "rlsdesk-case/2"}, "format", "not supported"),
        ({"format": "something"}, "format", ""),
    ],
)
def test_invalid_field_is_named(
    kb: KnowledgeBase, overrides: dict[str, Any], field: str, fragment: str
) -> None:
    """Each impossible or malformed input is refused with the field's path in the message."""
    found = problems(kb, make_case(**overrides))
    assert any(p.startswith(f"{field}:") and fragment in p for p in found), found


def test_all_problems_are_reported_at_once(kb: KnowledgeBase) -> None:
    """Several bad labs give one line each, not just the first."""
    raw = make_case(labs=[lab("magnesium", 2, "mg"), lab("zinc", -1, "µg/dL"), lab("x", 1, "%")])
    found = problems(kb, raw)
    assert [p.split(":")[0] for p in found] == ["labs[0].unit", "labs[1].value", "labs[2].analyte"]


def test_missing_required_field(kb: KnowledgeBase) -> None:
    """A missing required group is named."""
    raw = make_case()
    del raw["kidney"]
    assert any(p.startswith("kidney:") for p in problems(kb, raw))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xef\xbb\xbf{}", "byte-order mark"),
        (b'{"a": \xff}', "not UTF-8"),
        (b'{"format": ', "not valid JSON"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": 1, "a": 2}', "appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"x" * 3_000_000, "larger than"),
    ],
)
def test_broken_json_is_refused(data: bytes, fragment: str) -> None:
    """Broken files are refused with a message saying what is wrong."""
    with pytest.raises(CaseInputError) as error:
        decode_case_json(data)
    assert fragment in str(error.value)


def test_a_json_array_is_not_a_case(kb: KnowledgeBase) -> None:
    """Only a JSON object can be a case."""
    assert problems(kb, json.loads("[1, 2]")) == ["a case must be a JSON object"]


def test_newest_dated_result_wins(kb: KnowledgeBase) -> None:
    """When an analyte repeats, the newest dated result counts and the others are kept."""
    from conftest import decision, run

    result = run(
        kb,
        presentation={"rls": True},
        labs=[
            lab("ferritin", 30, "ng/mL", "2026-11-01"),
            lab("ferritin", 150, "ng/mL", "2026-01-01"),
            lab("ferritin", 500, "ng/mL", "2025-06-30"),
            lab("tsat", 25, "%"),
        ],
    )
    used = [(r.value, r.used) for r in result.labs if r.analyte == "ferritin"]
    assert used == [(30, True), (150, False), (500, False)]
    assert decision(result, "iron").decision == "recommend"
