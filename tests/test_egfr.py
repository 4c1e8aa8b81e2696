"""CKD-EPI 2021 against worked values, KDIGO stages at their edges, and when eGFR is not made."""

from __future__ import annotations

import pytest

from conftest import lab, run
from rlsdesk.domain.egfr import ckd_epi_2021, kdigo_stage
from rlsdesk.knowledge import KnowledgeBase

# Worked values computed by hand from Inker et al. 2021 (142 × ... ), rounded to 1 decimal.
WORKED = [
    (1.5, 60, "male", 53.0),
    (1.0, 50, "male", 91.7),
    (0.7, 40, "female", 112.1),
    (0.8, 46, "female", 92.0),
    (2.5, 75, "female", 19.6),
    (0.5, 30, "female", 129.3),
    (4.0, 70, "male", 15.3),
]


@pytest.mark.parametrize(("creatinine", "age", "sex", "expected"), WORKED)
def test_ckd_epi_2021_worked_values(creatinine: float, age: int, sex: str, expected: float) -> None:
    """The race-free 2021 equation reproduces worked examples."""
    assert round(ckd_epi_2021(creatinine, age, sex), 1) == pytest.approx(expected, abs=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("egfr", "stage"),
    [
        (90, "G1"),
        (89.9, "G2"),
        (60, "G2"),
        (59.9, "G3a"),
        (45, "G3a"),
        (44.9, "G3b"),
        (30, "G3b"),
        (29.9, "G4"),
        (15, "G4"),
        (14.9, "G5"),
        (0, "G5"),
        (150, "G1"),
    ],
)
def test_kdigo_stage_edges(egfr: float, stage: str) -> None:
    """Each KDIGO category starts exactly at its lower bound."""
    assert kdigo_stage(egfr) == stage


def test_egfr_computed_from_creatinine_in_si(kb: KnowledgeBase) -> None:
    """Creatinine in µmol/L is converted before the equation (132.6 µmol/L = 1.5 mg/dL)."""
    result = run(
        kb, patient={"age_years": 60, "sex": "male"}, labs=[lab("creatinine", 132.6, "µmol/L")]
    )
    assert result.egfr.source == "ckd_epi_2021"
    assert result.egfr.value == pytest.approx(53.0, abs=0.1)
    assert result.egfr.stage == "G3a"


def test_entered_egfr_wins_over_creatinine(kb: KnowledgeBase) -> None:
    """An entered eGFR is used as entered, with its stage."""
    result = run(kb, kidney={"egfr": 22}, labs=[lab("creatinine", 0.8, "mg/dL")])
    assert (result.egfr.value, result.egfr.source, result.egfr.stage) == (22, "entered", "G4")


def test_no_egfr_for_a_child_says_why(kb: KnowledgeBase) -> None:
    """A 12-year-old's creatinine gives no CKD-EPI eGFR, and the note says why."""
    result = run(kb, patient={"age_years": 12}, labs=[lab("creatinine", 0.5, "mg/dL")])
    assert result.egfr.value is None
    assert result.egfr.stage is None
    assert "adults only" in (result.egfr.note or "")
    assert "12" in (result.egfr.note or "")


def test_adult_boundary_age_18_is_computed(kb: KnowledgeBase) -> None:
    """At exactly 18 years the equation applies."""
    result = run(kb, patient={"age_years": 18}, labs=[lab("creatinine", 0.7, "mg/dL")])
    assert result.egfr.source == "ckd_epi_2021"


def test_no_creatinine_no_egfr(kb: KnowledgeBase) -> None:
    """Without eGFR or creatinine the kidney function is reported as unknown, not normal."""
    result = run(kb)
    assert result.egfr.value is None
    assert "unknown" in (result.egfr.note or "")
