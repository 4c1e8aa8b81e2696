"""Lab dates, repeated results and unit mix-ups: input errors, never a silent choice."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import lab, make_case
from rlsdesk.domain.case import CaseInputError, parse_case
from rlsdesk.knowledge import KnowledgeBase


def problems(kb: KnowledgeBase, labs: list[dict[str, Any]]) -> list[str]:
    try:
        parse_case(make_case(labs=labs), kb)
    except CaseInputError as error:
        return [str(problem) for problem in error.problems]
    return []


@pytest.mark.parametrize(
    "date",
    ["0", "1700000000", "2026-1-5", "2026-11-2", "2026-11-02T10:00", "2026-11-02T00:00:00Z",
     "2026-11-02 00:00", "2026-11-02Z", "2026-11-02+01:00", "20261102", " 2026-11-02",
     0, 1_700_000_000, 2026.11],
)  # fmt: skip
def test_lab_date_must_be_exactly_yyyy_mm_dd(kb: KnowledgeBase, date: object) -> None:
    """A Unix time, '0', a time, a time zone or an unpadded date is refused, naming the field."""
    found = problems(kb, [{"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": date}])
    assert len(found) == 1
    assert found[0].startswith("labs[0].date:")
    assert "YYYY-MM-DD" in found[0]


def test_a_plain_date_is_accepted(kb: KnowledgeBase) -> None:
    """'2026-11-02' is the one accepted spelling."""
    assert problems(kb, [lab("ferritin", 38, "ng/mL", "2026-11-02")]) == []


def test_same_analyte_twice_on_one_date_with_different_values(kb: KnowledgeBase) -> None:
    """Two different ferritins on one date: an input error naming both entries."""
    found = problems(
        kb, [lab("ferritin", 38, "ng/mL", "2026-11-02"), lab("ferritin", 45, "ng/mL", "2026-11-02")]
    )
    assert len(found) == 1
    assert found[0].startswith("labs[1]:")
    assert "labs[0] 38 ng/mL" in found[0]
    assert "labs[1] 45 ng/mL" in found[0]


@pytest.mark.parametrize(
    "second",
    [lab("ferritin", 38, "ng/mL", "2026-11-02"), lab("ferritin", 38, "µg/L", "2026-11-02"),
     lab("ferritin", 45, "ng/mL", "2026-11-01")],
)  # fmt: skip
def test_same_value_or_another_date_is_not_a_conflict(
    kb: KnowledgeBase, second: dict[str, Any]
) -> None:
    """The same result in another unit, or a result on another date, is accepted."""
    assert problems(kb, [lab("ferritin", 38, "ng/mL", "2026-11-02"), second]) == []


def test_dated_and_undated_results_of_one_analyte_ask_for_the_date(kb: KnowledgeBase) -> None:
    """A mix of dated and undated results for one analyte is an error on the undated one."""
    found = problems(kb, [lab("tsat", 17, "%", "2026-11-02"), lab("tsat", 25, "%")])
    assert found == [
        "labs[1].date: transferrin saturation has dated and undated results (labs[0] is dated): "
        "enter the date of this result, or remove it"
    ]


def test_undated_repeats_and_other_analytes_are_not_mixed(kb: KnowledgeBase) -> None:
    """Only results of the same analyte are compared for dating."""
    assert problems(kb, [lab("tsat", 17, "%", "2026-11-02"), lab("ferritin", 30, "ng/mL")]) == []


@pytest.mark.parametrize(
    ("entry", "fits"),
    [(lab("hemoglobin", 130, "g/dL"), "g/L"),
     (lab("hemoglobin", 27, "g/dL"), "g/L"),
     (lab("creatinine", 80, "mg/dL"), "µmol/L"),
     (lab("creatinine", 41, "mg/dL"), "µmol/L"),
     (lab("hemoglobin", 13, "g/L"), "g/dL"),
     (lab("hemoglobin", 19, "g/L"), "g/dL")],
)  # fmt: skip
def test_value_that_fits_only_another_unit_is_a_likely_unit_mix_up(
    kb: KnowledgeBase, entry: dict[str, Any], fits: str
) -> None:
    """An impossible value that is possible in another unit names that unit."""
    found = problems(kb, [entry])
    assert len(found) == 1
    assert f"it fits {fits}: a likely unit mix-up" in found[0]


@pytest.mark.parametrize(
    "entry",
    [lab("hemoglobin", 26, "g/dL"), lab("creatinine", 40, "mg/dL"),
     lab("hemoglobin", 20, "g/L"), lab("creatinine", 0.1, "mg/dL")],
)  # fmt: skip
def test_value_at_the_plausible_bound_is_accepted(kb: KnowledgeBase, entry: dict[str, Any]) -> None:
    """The plausible range's own bound is a possible value, not a mix-up."""
    assert problems(kb, [entry]) == []


def test_impossible_in_every_unit_names_no_unit(kb: KnowledgeBase) -> None:
    """A value possible in no unit is refused without guessing a unit."""
    found = problems(kb, [lab("hemoglobin", 9000, "g/dL")])
    assert len(found) == 1
    assert "mix-up" not in found[0]


@pytest.mark.parametrize("value", [0.05, 0.09])
def test_creatinine_below_any_measured_value_is_refused(kb: KnowledgeBase, value: float) -> None:
    """Creatinine 0.05 mg/dL (issue 9 item 7) is refused, naming the field."""
    found = problems(kb, [lab("creatinine", value, "mg/dL")])
    assert len(found) == 1
    assert "not a possible creatinine value" in found[0]
