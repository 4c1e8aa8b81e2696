"""Unit conversion of every analyte, both ways, with the brief's factors."""

from __future__ import annotations

import pytest

from rlsdesk.domain.units import UnitError, from_canonical, resolve_unit, to_canonical
from rlsdesk.knowledge import load_knowledge_base

KB = load_knowledge_base()
UNIT_PAIRS = [(a, u) for a, analyte in KB.analytes.items() for u in analyte.units]

# (analyte, value, unit, canonical value) straight from the brief's section 6 table.
WORKED = [
    ("magnesium", 0.75, "mmol/L", 0.75 / 0.4114),
    ("magnesium", 1.6456, "mEq/L", 2.0),
    ("vitamin_b12", 148, "pmol/L", 148 / 0.7378),
    ("vitamin_d_25oh", 30, "nmol/L", 30 / 2.496),
    ("calcium", 2.5, "mmol/L", 2.5 / 0.2495),
    ("creatinine", 88.4, "µmol/L", 1.0),
    ("crp", 1.0, "mg/dL", 10.0),
    ("hemoglobin", 120, "g/L", 12.0),
    ("serum_iron", 17.91, "µmol/L", 100.0),
    ("zinc", 15.3, "µmol/L", 100.0),
    ("folate", 22.66, "nmol/L", 10.0),
    ("albumin", 40, "g/L", 4.0),
    ("ferritin", 38, "ug/L", 38.0),
    ("potassium", 3.2, "mEq/L", 3.2),
]


@pytest.mark.parametrize(("analyte_id", "unit"), UNIT_PAIRS)
def test_every_unit_converts_both_ways(analyte_id: str, unit: str) -> None:
    """Any value in any accepted unit survives canonical and back unchanged."""
    analyte = KB.analytes[analyte_id]
    for value in (0.0, 0.37, 1.0, 42.5, 1234.0):
        canonical = to_canonical(analyte, analyte_id, value, unit)
        assert from_canonical(analyte, canonical, unit) == pytest.approx(value)


@pytest.mark.parametrize(("analyte_id", "value", "unit", "expected"), WORKED)
def test_brief_factors(analyte_id: str, value: float, unit: str, expected: float) -> None:
    """Conversions match the factors printed in the clinical brief."""
    analyte = KB.analytes[analyte_id]
    assert to_canonical(analyte, analyte_id, value, unit) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("spelling", ["µg/L", "μg/L", "ug/L", "UG/L", " ng/ml "])
def test_spellings_of_the_same_unit_are_accepted(spelling: str) -> None:
    """Micro sign, Greek mu, 'u' and letter case all name the listed unit."""
    assert resolve_unit(KB.analytes["ferritin"], "ferritin", spelling) in ("µg/L", "ng/mL")


@pytest.mark.parametrize(
    ("analyte_id", "unit"),
    [
        ("magnesium", "mg"),
        ("ferritin", "ng/dL"),
        ("potassium", "mg/dL"),
        ("tsat", "fraction"),
        ("folate", "mcg/L"),
        ("calcium", "mEq/L"),
    ],
)
def test_unit_not_listed_for_the_analyte_is_an_error(analyte_id: str, unit: str) -> None:
    """A unit that does not belong to the analyte is an error that lists the valid ones."""
    with pytest.raises(UnitError, match=f"is not a unit for {analyte_id} \\(use "):
        resolve_unit(KB.analytes[analyte_id], analyte_id, unit)
