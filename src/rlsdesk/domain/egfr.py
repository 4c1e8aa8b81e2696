"""eGFR by the CKD-EPI 2021 race-free creatinine equation, and the KDIGO G category.

Inker LA et al., N Engl J Med 2021 (reference R43); categories from KDIGO 2012 (R44).
The coefficients are part of the published equation, not tunable thresholds, so they live
here beside the formula rather than in the knowledge base.
"""

from __future__ import annotations

from typing import Literal

Sex = Literal["female", "male"]
ADULT_AGE = 18

# KDIGO lower bounds, highest first: the first bound the eGFR reaches names its category.
_G_CATEGORIES: tuple[tuple[float, str], ...] = (
    (90, "G1"),
    (60, "G2"),
    (45, "G3a"),
    (30, "G3b"),
    (15, "G4"),
    (0, "G5"),
)


def ckd_epi_2021(creatinine_mg_dl: float, age_years: float, sex: Sex) -> float:
    """eGFR in mL/min/1.73 m² for an adult (age >= 18)."""
    if age_years < ADULT_AGE:
        raise ValueError("CKD-EPI 2021 is validated for adults (18 years and over) only")
    if creatinine_mg_dl <= 0:
        raise ValueError("creatinine must be positive")
    kappa, alpha = (0.7, -0.241) if sex == "female" else (0.9, -0.302)
    ratio = creatinine_mg_dl / kappa
    egfr = float(142 * min(ratio, 1) ** alpha * max(ratio, 1) ** -1.200 * 0.9938**age_years)
    return egfr * 1.012 if sex == "female" else egfr


def kdigo_stage(egfr: float) -> str:
    for lower_bound, category in _G_CATEGORIES:
        if egfr >= lower_bound:
            return category
    return "G5"
