"""Clinical decisions per agent and population, at and around each threshold."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import alerts, decision, lab, run
from rlsdesk.knowledge import KnowledgeBase

RLS = {"rls": True}
CRAMPS = {"leg_cramps": True}


def iron_for(kb: KnowledgeBase, *labs: dict[str, Any], **overrides: Any) -> tuple[str, str | None]:
    overrides.setdefault("presentation", RLS)
    made = decision(run(kb, labs=list(labs), **overrides), "iron")
    return made.decision, made.route


@pytest.mark.parametrize(
    ("ferritin", "tsat", "expected"),
    [
        (75, 25, ("recommend", "oral")),  # at the ≤ 75 edge
        (75.5, 25, ("recommend", "iv")),  # just above: IV-only band
        (100, 25, ("recommend", "iv")),  # at the ≤ 100 edge
        (100.5, 25, ("not_indicated", None)),  # just above
        (150, 19.9, ("recommend", "oral")),  # TSAT just below 20
        (150, 20, ("not_indicated", None)),  # TSAT at 20
        (88, 15, ("recommend", "iv")),  # IV band with low TSAT stays IV
        (12, 8, ("recommend", "oral")),
    ],
)
def test_adult_rls_iron_algorithm(
    kb: KnowledgeBase, ferritin: float, tsat: float, expected: tuple[str, str | None]
) -> None:
    """AASM 2024: ferritin ≤ 75 or TSAT < 20 → oral first; 75–100 → IV only; above → none."""
    assert iron_for(kb, lab("ferritin", ferritin, "ng/mL"), lab("tsat", tsat, "%")) == expected


def test_failed_oral_iron_switches_to_iv(kb: KnowledgeBase) -> None:
    """After a failed oral trial, iron is recommended intravenously (ferric carboxymaltose)."""
    result = run(
        kb,
        presentation={"rls": True, "oral_iron_failed": True},
        labs=[lab("ferritin", 40, "ng/mL"), lab("tsat", 18, "%")],
    )
    made = decision(result, "iron")
    assert (made.decision, made.route) == ("recommend", "iv")
    assert "phosphate" in {t.analyte for t in result.tests_to_order}


@pytest.mark.parametrize(
    ("ferritin", "expected"), [(49.9, ("recommend", "oral")), (50, ("not_indicated", None))]
)
def test_child_rls_iron(kb: KnowledgeBase, ferritin: float, expected: tuple[str, None]) -> None:
    """Children and adolescents: iron when ferritin < 50 ng/mL."""
    got = iron_for(kb, lab("ferritin", ferritin, "ng/mL"), patient={"age_years": 12})
    assert got == expected


@pytest.mark.parametrize(
    ("ferritin", "tsat", "expected"),
    [
        (150, 15, ("recommend", "iv")),
        (199, 19, ("recommend", "iv")),
        (200, 15, ("not_indicated", None)),
        (150, 20, ("not_indicated", None)),
    ],
)
def test_hemodialysis_rls_iron(
    kb: KnowledgeBase, ferritin: float, tsat: float, expected: tuple[str, str | None]
) -> None:
    """ESRD on dialysis: IV iron sucrose when ferritin < 200 and TSAT < 20."""
    got = iron_for(
        kb,
        lab("ferritin", ferritin, "ng/mL"),
        lab("tsat", tsat, "%"),
        kidney={"dialysis": "hemodialysis"},
    )
    assert got == expected


@pytest.mark.parametrize(
    ("trimester", "ferritin", "severe", "expected"),
    [
        (1, 30, False, ("recommend", "oral")),
        (1, 20, True, ("recommend", "oral")),  # never IV in the first trimester
        (2, 20, True, ("recommend", "iv")),
        (3, 29, True, ("recommend", "iv")),
        (3, 30, True, ("recommend", "oral")),
        (2, 20, False, ("recommend", "oral")),
        (2, 75, False, ("not_indicated", None)),
    ],
)
def test_pregnancy_iron_by_trimester(
    kb: KnowledgeBase, trimester: int, ferritin: float, severe: bool, expected: tuple[str, Any]
) -> None:
    """Pregnancy: oral iron if ferritin < 75; IV only after the first trimester, if severe."""
    got = iron_for(
        kb,
        lab("ferritin", ferritin, "ng/mL"),
        patient={"sex": "female"},
        pregnancy={"status": "pregnant", "trimester": trimester},
        presentation={"rls": True, "irls_score": 25 if severe else 8},
    )
    assert got == expected


def test_pregnant_adolescent_follows_the_pregnancy_rule(kb: KnowledgeBase) -> None:
    """A pregnant 16-year-old, ferritin 60: oral iron by the pregnancy rule, not the child rule."""
    got = iron_for(
        kb,
        lab("ferritin", 60, "ng/mL"),
        patient={"age_years": 16, "sex": "female"},
        pregnancy={"status": "pregnant", "trimester": 2},
    )
    assert got == ("recommend", "oral")


def test_lactation_iron(kb: KnowledgeBase) -> None:
    """Breastfeeding: oral iron if ferritin < 75; IV after a failed oral trial."""
    nursing = {"status": "breastfeeding"}
    assert iron_for(kb, lab("ferritin", 40, "ng/mL"), pregnancy=nursing) == ("recommend", "oral")
    failed = {"rls": True, "oral_iron_failed": True}
    got = iron_for(kb, lab("ferritin", 40, "ng/mL"), pregnancy=nursing, presentation=failed)
    assert got == ("recommend", "iv")


@pytest.mark.parametrize(
    ("labs", "conditions", "expected"),
    [
        ([lab("ferritin", 420, "ng/mL"), lab("tsat", 58, "%")], [], "avoid"),
        ([lab("ferritin", 60, "ng/mL"), lab("tsat", 45, "%")], [], "avoid"),  # TSAT at 45
        ([lab("ferritin", 60, "ng/mL"), lab("tsat", 44.9, "%")], [], "recommend"),
        ([lab("ferritin", 300.5, "ng/mL"), lab("tsat", 30, "%")], [], "avoid"),
        ([lab("ferritin", 300, "ng/mL"), lab("tsat", 30, "%")], [], "not_indicated"),
        ([lab("ferritin", 20, "ng/mL")], ["hemochromatosis"], "avoid"),
        ([lab("ferritin", 20, "ng/mL")], ["transfusional_iron_overload"], "avoid"),
        # Ferritin above 300 explained by inflammation: not overload, but no iron either.
        (
            [lab("ferritin", 450, "ng/mL"), lab("tsat", 15, "%")],
            ["active_infection_or_inflammation"],
            "not_indicated",
        ),
    ],
)
def test_iron_overload_blocks_iron_and_vitamin_c(
    kb: KnowledgeBase, labs: list[dict[str, Any]], conditions: list[str], expected: str
) -> None:
    """Overload (conditions, TSAT ≥ 45, unexplained ferritin > 300) blocks iron and vitamin C."""
    result = run(kb, presentation=RLS, labs=labs, conditions=conditions)
    assert decision(result, "iron").decision == expected
    if expected == "avoid":
        assert decision(result, "vitamin_c").decision == "avoid"
        assert alerts(result, "lab", "lab.iron_overload")


def test_raised_crp_adds_the_inflammation_caveat(kb: KnowledgeBase) -> None:
    """With CRP > 5 mg/L the rationale warns that ferritin may be falsely reassuring."""
    result = run(
        kb, presentation=RLS, labs=[lab("ferritin", 60, "ng/mL"), lab("crp", 1.2, "mg/dL")]
    )
    made = decision(result, "iron")
    assert "falsely reassuring" in made.rationale
    assert any(b.input.startswith("C-reactive protein") for b in made.basis)


def test_rls_with_no_labs_orders_iron_studies_and_decides_nothing(kb: KnowledgeBase) -> None:
    """No labs: iron is not decided on silence; ferritin, TSAT and CRP are ordered."""
    result = run(kb, presentation=RLS)
    made = decision(result, "iron")
    assert made.decision == "not_indicated"
    assert "not measured" in made.rationale
    assert {"ferritin", "tsat", "crp"} <= {t.analyte for t in result.tests_to_order}


def test_non_rls_iron_uses_the_general_threshold(kb: KnowledgeBase) -> None:
    """Without RLS the general-population cut-off (ferritin < 15) applies, labelled as such."""
    low = decision(run(kb, presentation=CRAMPS, labs=[lab("ferritin", 14, "ng/mL")]), "iron")
    assert low.decision == "recommend"
    assert "not the RLS rule" in low.rationale
    assert (
        decision(run(kb, labs=[lab("ferritin", 40, "ng/mL")]), "iron").decision == "not_indicated"
    )


# ------------------------------------------------------------------ magnesium


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.74, "mmol/L", "recommend"),
        (0.75, "mmol/L", "not_indicated"),
        (1.8, "mg/dL", "recommend"),  # 0.7405 mmol/L
        (1.85, "mg/dL", "not_indicated"),
        (1.2, "mEq/L", "recommend"),  # 0.6 mmol/L
        (0.45, "mmol/L", "recommend"),  # severe: IV
    ],
)
def test_magnesium_deficiency(kb: KnowledgeBase, value: float, unit: str, expected: str) -> None:
    """Magnesium below 0.75 mmol/L (in any unit) is treated; < 0.5 mmol/L goes IV first."""
    made = decision(run(kb, labs=[lab("magnesium", value, unit)]), "magnesium")
    assert made.decision == expected
    if value == 0.45:
        assert made.route == "iv"


@pytest.mark.parametrize(
    ("kidney", "expected"),
    [
        ({"egfr": 29.9}, "avoid"),
        ({"egfr": 30}, "caution"),
        ({"egfr": 59.9}, "caution"),
        ({"egfr": 60}, "recommend"),
        ({"dialysis": "peritoneal_dialysis"}, "avoid"),
    ],
)
def test_magnesium_against_kidney_function(
    kb: KnowledgeBase, kidney: dict[str, Any], expected: str
) -> None:
    """Magnesium: eGFR < 30 or dialysis → avoid; 30–59 → caution; ≥ 60 → as indicated."""
    result = run(kb, kidney=kidney, labs=[lab("magnesium", 0.6, "mmol/L")])
    assert decision(result, "magnesium").decision == expected


def test_magnesium_with_unknown_kidney_function_orders_creatinine(kb: KnowledgeBase) -> None:
    """Recommending magnesium without any kidney function asks for creatinine."""
    result = run(kb, labs=[lab("magnesium", 0.6, "mmol/L")])
    assert "creatinine" in {t.analyte for t in result.tests_to_order}


# ------------------------------------------------------------------ potassium


@pytest.mark.parametrize(
    ("value", "medications", "kidney", "expected"),
    [
        (3.4, [], {}, "recommend"),
        (3.5, [], {}, "not_indicated"),
        (2.4, [], {}, "recommend"),  # IV
        (3.2, ["triamterene"], {}, "avoid"),
        (3.2, ["Moduretic"], {}, "avoid"),  # amiloride inside a combination
        (3.2, ["spironolactone"], {}, "caution"),
        (3.2, ["lisinopril"], {}, "caution"),
        (3.2, ["losartan"], {}, "caution"),
        (3.2, [], {"egfr": 25}, "avoid"),
        (3.2, [], {"egfr": 45}, "caution"),
        (5.0, [], {}, "avoid"),
    ],
)
def test_potassium(
    kb: KnowledgeBase, value: float, medications: list[str], kidney: dict[str, Any], expected: str
) -> None:
    """Potassium only for hypokalemia, never with hyperkalemia, eGFR < 30 or K-sparing diuretics."""
    result = run(
        kb,
        kidney=kidney,
        labs=[lab("potassium", value, "mmol/L")],
        medications=[{"name": m} for m in medications],
    )
    made = decision(result, "potassium")
    assert made.decision == expected
    if value == 2.4:
        assert made.route == "iv"


# ------------------------------------------------------------------ B12, folate, D, calcium


def test_b12_before_folate(kb: KnowledgeBase) -> None:
    """Low folate: caution (and a B12 test) unless B12 is known normal, then recommend."""
    unknown = run(kb, labs=[lab("folate", 2.5, "ng/mL")])
    assert decision(unknown, "folate").decision == "caution"
    assert "vitamin_b12" in {t.analyte for t in unknown.tests_to_order}
    both_low = run(kb, labs=[lab("folate", 2.5, "ng/mL"), lab("vitamin_b12", 150, "pg/mL")])
    assert decision(both_low, "folate").decision == "caution"
    assert decision(both_low, "vitamin_b12").decision == "recommend"
    b12_fine = run(kb, labs=[lab("folate", 2.5, "ng/mL"), lab("vitamin_b12", 400, "pg/mL")])
    assert decision(b12_fine, "folate").decision == "recommend"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (199, "pg/mL", "recommend"),
        (200, "pg/mL", "consider"),
        (300, "pg/mL", "consider"),
        (301, "pg/mL", "not_indicated"),
        (100, "pmol/L", "recommend"),
    ],
)
def test_b12_bands(kb: KnowledgeBase, value: float, unit: str, expected: str) -> None:
    """B12 < 200 pg/mL deficient; 200–300 borderline (methylmalonic acid)."""
    result = run(kb, labs=[lab("vitamin_b12", value, unit)])
    assert decision(result, "vitamin_b12").decision == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (11.9, "ng/mL", "recommend"),
        (12, "ng/mL", "consider"),
        (19.9, "ng/mL", "consider"),
        (20, "ng/mL", "not_indicated"),
        (25, "nmol/L", "recommend"),
        (51, "ng/mL", "avoid"),
    ],
)
def test_vitamin_d_bands(kb: KnowledgeBase, value: float, unit: str, expected: str) -> None:
    """IOM 2011: < 12 deficient, 12–20 inadequate, > 50 ng/mL a concern."""
    result = run(kb, labs=[lab("vitamin_d_25oh", value, unit)])
    assert decision(result, "vitamin_d").decision == expected


def test_high_calcium_blocks_vitamin_d_and_calcium(kb: KnowledgeBase) -> None:
    """Hypercalcemia: vitamin D and calcium avoided even when vitamin D is deficient."""
    result = run(kb, labs=[lab("calcium", 2.8, "mmol/L"), lab("vitamin_d_25oh", 8, "ng/mL")])
    assert decision(result, "vitamin_d").decision == "avoid"
    assert decision(result, "calcium").decision == "avoid"
    assert alerts(result, "lab", "lab.hypercalcemia")


def test_low_calcium_needs_albumin(kb: KnowledgeBase) -> None:
    """Low total calcium: recommend with albumin ordered; with low albumin only consider."""
    alone = run(kb, labs=[lab("calcium", 8.0, "mg/dL")])
    assert decision(alone, "calcium").decision == "recommend"
    assert "albumin" in {t.analyte for t in alone.tests_to_order}
    with_albumin = run(kb, labs=[lab("calcium", 8.0, "mg/dL"), lab("albumin", 28, "g/L")])
    assert decision(with_albumin, "calcium").decision == "consider"


def test_sarcoidosis_blocks_vitamin_d(kb: KnowledgeBase) -> None:
    """Granulomatous disease: no vitamin D even when deficient."""
    result = run(kb, conditions=["sarcoidosis"], labs=[lab("vitamin_d_25oh", 8, "ng/mL")])
    assert decision(result, "vitamin_d").decision == "avoid"


# ------------------------------------------------------------------ K2, E, C, B6, zinc, thiamine


def test_vitamin_k2_for_cramps_in_older_adults_only(kb: KnowledgeBase) -> None:
    """MK-7 is considered for cramps at 65 and over, avoided with warfarin, not otherwise."""
    assert (
        decision(run(kb, presentation=CRAMPS, patient={"age_years": 65}), "vitamin_k2").decision
        == "consider"
    )
    assert (
        decision(run(kb, presentation=CRAMPS, patient={"age_years": 64}), "vitamin_k2").decision
        == "not_indicated"
    )
    warfarin = run(
        kb, presentation=CRAMPS, patient={"age_years": 72}, medications=[{"name": "Coumadin"}]
    )
    assert decision(warfarin, "vitamin_k2").decision == "avoid"
    apixaban = run(
        kb, presentation=CRAMPS, patient={"age_years": 72}, medications=[{"name": "Eliquis"}]
    )
    assert decision(apixaban, "vitamin_k2").decision == "consider"  # DOACs do not act via vitamin K


def test_vitamin_e_with_antithrombotics(kb: KnowledgeBase) -> None:
    """Vitamin E taken with an anticoagulant or antiplatelet raises a bleeding alert."""
    result = run(
        kb, medications=[{"name": "clopidogrel"}], supplements=[{"name": "vitamin E 400 IU"}]
    )
    assert alerts(result, "interaction", "vitamin_e.antithrombotic")
    assert decision(result, "vitamin_e").decision == "avoid"


def test_vitamin_c_with_oral_iron_and_in_esrd(kb: KnowledgeBase) -> None:
    """Vitamin C is considered with oral iron and in ESRD; the oxalate caution is for vitamin C
    the patient takes (high doses, brief 13.3), not for the 100–200 mg given with iron."""
    result = run(kb, presentation=RLS, labs=[lab("ferritin", 30, "ng/mL")])
    assert decision(result, "vitamin_c").decision == "consider"
    esrd = run(kb, presentation=RLS, kidney={"dialysis": "hemodialysis"})
    assert decision(esrd, "vitamin_c").decision == "consider"
    stones = run(
        kb, presentation=RLS, labs=[lab("ferritin", 30, "ng/mL")], conditions=["kidney_stones"]
    )
    assert decision(stones, "vitamin_c").decision == "consider"
    assert not [a for a in stones.alerts if a.code == "vitamin_c.kidney_stones"]
    taken = run(kb, conditions=["kidney_stones"], supplements=[{"name": "vitamin C"}])
    assert [a for a in taken.alerts if a.code == "vitamin_c.kidney_stones"]


def test_b6_with_levodopa_alone_is_avoided_not_with_carbidopa(kb: KnowledgeBase) -> None:
    """Pyridoxine reverses levodopa without carbidopa; with carbidopa-levodopa it is fine."""
    alone = run(kb, presentation=CRAMPS, medications=[{"name": "levodopa"}])
    assert decision(alone, "vitamin_b6").decision == "avoid"
    sinemet = run(kb, presentation=CRAMPS, medications=[{"name": "Sinemet CR 25/100"}])
    assert decision(sinemet, "vitamin_b6").decision == "consider"


def test_zinc_with_tetracycline_and_copper(kb: KnowledgeBase) -> None:
    """Zinc with doxycycline gives the 2 h before / 6 h after rule."""
    result = run(kb, labs=[lab("zinc", 50, "µg/dL")], medications=[{"name": "doxycycline"}])
    assert decision(result, "zinc").decision == "consider"
    [alert] = alerts(result, "interaction", "zinc.tetracycline")
    assert "Take doxycycline at least 2 h before or 6 h after zinc." in alert.management


def test_thiamine_in_alcohol_use_disorder(kb: KnowledgeBase) -> None:
    """Thiamine is considered with alcohol use disorder, bariatric surgery or loop diuretics."""
    assert decision(run(kb, conditions=["alcohol_use_disorder"]), "thiamine").decision == "consider"
    assert decision(run(kb, medications=[{"name": "Lasix"}]), "thiamine").decision == "consider"
    assert decision(run(kb), "thiamine").decision == "not_indicated"


# ------------------------------------------------------------------ supplements and medications


def test_supplement_pairs_get_timing(kb: KnowledgeBase) -> None:
    """Iron with calcium or zinc taken together gives a separation in both decisions."""
    result = run(
        kb,
        presentation=RLS,
        labs=[lab("ferritin", 30, "ng/mL")],
        supplements=[{"name": "Tums"}, {"name": "zinc gluconate"}],
    )
    assert alerts(result, "interaction", "iron.calcium")
    assert alerts(result, "interaction", "iron.zinc")
    assert "Take calcium and iron at least 2 h apart." in decision(result, "iron").timing


def test_dolutegravir_offers_the_food_alternative_for_iron_not_magnesium(kb: KnowledgeBase) -> None:
    """Dolutegravir: 2 h before / 6 h after iron or calcium, or together with food; not for Mg."""
    result = run(
        kb,
        medications=[{"name": "Triumeq"}],
        supplements=[{"name": "ferrous sulfate"}, {"name": "magnesium citrate"}],
    )
    [iron_alert] = alerts(result, "interaction", "iron.dolutegravir")
    [mg_alert] = alerts(result, "interaction", "magnesium.dolutegravir")
    assert "Or take both together with food." in iron_alert.management
    assert "Or take both together with food." not in mg_alert.management


def test_quinine_is_a_high_priority_alert(kb: KnowledgeBase) -> None:
    """Quinine for cramps raises a major alert and a bleeding red flag."""
    result = run(kb, presentation=CRAMPS, medications=[{"name": "Qualaquin"}])
    [alert] = alerts(result, code="quinine")
    assert alert.severity == "major"
    assert any("bruising" in flag for flag in result.red_flags)


def test_otc_pm_product_expands_to_its_antihistamine(kb: KnowledgeBase) -> None:
    """Tylenol PM resolves to its ingredients and is flagged for its diphenhydramine."""
    result = run(kb, presentation=RLS, medications=[{"name": "Tylenol PM"}])
    [row] = result.medications
    assert "diphenhydramine" in row.ingredients
    assert alerts(result, "aggravates_rls", "rls.sedating_antihistamine:diphenhydramine")


def test_unrecognised_names_are_reported_not_checked(kb: KnowledgeBase) -> None:
    """An unknown name resolves to null and raises an 'unrecognized' alert naming it."""
    result = run(kb, medications=[{"name": "Zzyzx 10 mg"}], supplements=[{"name": "moon dust"}])
    assert [m.resolved for m in result.medications] == [None, None]
    found = alerts(result, "unrecognized")
    assert len(found) == 2
    assert "NOT CHECKED" in found[0].message


def test_dopamine_agonist_in_rls_prompts_augmentation_review(kb: KnowledgeBase) -> None:
    """Pramipexole for RLS: assess for augmentation; AASM 2024 favours α2δ ligands."""
    result = run(kb, presentation=RLS, medications=[{"name": "Mirapex"}])
    [alert] = alerts(result, "aggravates_rls", "rls.dopaminergic_augmentation")
    assert "α2δ" in alert.management


def test_cramp_drugs_are_flagged_only_with_cramps(kb: KnowledgeBase) -> None:
    """Thiazides, LABAs and statins are flagged when the patient has leg cramps."""
    meds = [{"name": "hydrochlorothiazide"}, {"name": "Advair"}, {"name": "Lipitor"}]
    with_cramps = run(kb, presentation=CRAMPS, medications=meds)
    codes = {a.code for a in alerts(with_cramps, "causes_cramps")}
    assert {
        "cramps.thiazide:hydrochlorothiazide",
        "cramps.laba:salmeterol",
        "cramps.statin:atorvastatin",
    } <= codes
    assert not alerts(run(kb, medications=meds), "causes_cramps")


def test_depletion_rules_order_tests(kb: KnowledgeBase) -> None:
    """Metformin → B12; long-term PPI → magnesium and B12; diuretics → magnesium and potassium."""

    def ordered(names: list[str]) -> set[str]:
        result = run(kb, medications=[{"name": n} for n in names])
        return {t.analyte for t in result.tests_to_order}

    assert "vitamin_b12" in ordered(["metformin"])
    assert {"magnesium", "vitamin_b12"} <= ordered(["Nexium"])
    assert {"magnesium", "potassium"} <= ordered(["furosemide"])


def test_every_decision_and_alert_is_traceable(kb: KnowledgeBase) -> None:
    """Each non-trivial decision names its inputs, rule, evidence and references."""
    result = run(
        kb,
        presentation={"rls": True, "leg_cramps": True},
        kidney={"egfr": 45},
        labs=[lab("ferritin", 38, "ng/mL"), lab("magnesium", 0.62, "mmol/L")],
        medications=[{"name": "ciprofloxacin"}],
    )
    for made in result.decisions:
        assert made.rule
        assert made.evidence
        if made.decision != "not_indicated":
            assert made.references
    iron = decision(result, "iron")
    assert iron.basis[0].entered == "38 ng/mL"
    assert iron.basis[0].threshold == "ferritin ≤ 75 ng/mL"
    for alert in result.alerts:
        assert alert.references
        assert alert.evidence
