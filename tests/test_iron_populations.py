"""Iron by population: ferritin > 300 that is not overload (brief 13.5), pregnancy and lactation
(13.6), IV iron label doses from the weight (1.4), and the new condition ids (3.5, 3.12, 3.13)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import alerts, decision, lab, run
from rlsdesk.domain.assessment import Assessment
from rlsdesk.knowledge import KnowledgeBase

RLS = {"rls": True}
HIGH_FERRITIN = [lab("ferritin", 450, "ng/mL"), lab("tsat", 25, "%")]


def _everything_said(result: Assessment) -> str:
    """Every text a clinician reads: decisions, alerts, tests, monitoring, red flags."""
    parts = [d.rationale + " " + (d.dose or "") for d in result.decisions]
    parts += [a.message + " " + a.management for a in result.alerts]
    parts += [t.reason for t in result.tests_to_order]
    parts += result.monitoring + result.red_flags + result.lifestyle
    return " ".join(parts).lower()


def _no_overload_said(result: Assessment) -> None:
    assert not alerts(result, "lab", "lab.iron_overload")
    assert not [a for a in result.alerts if a.code == "iron.overload"]
    assert "hfe_genotype" not in {t.analyte for t in result.tests_to_order}
    said = _everything_said(result)
    assert "phlebotomy" not in said
    assert "hemochromatosis work-up" not in said


# ----------------------------------------------------------- ferritin > 300 (13.5)


@pytest.mark.parametrize(
    "overrides",
    [
        {"kidney": {"egfr": 59.9}},
        {"kidney": {"egfr": 30}},
        {"kidney": {"dialysis": "hemodialysis"}},
        {"kidney": {"dialysis": "peritoneal_dialysis"}},
        {"conditions": ["active_infection_or_inflammation"]},
        {"conditions": ["chronic_liver_disease"]},
        {"conditions": ["active_malignancy"]},
        {"conditions": ["tuberculosis"]},
    ],
    ids=["egfr-59.9", "egfr-30", "hemodialysis", "peritoneal", "inflam", "liver", "cancer", "tb"],
)
def test_high_ferritin_with_a_raising_condition_is_not_overload(
    kb: KnowledgeBase, overrides: dict[str, Any]
) -> None:
    """Ferritin 450 with CKD, dialysis, inflammation, liver disease or malignancy: no overload
    alert, no HFE work-up, no phlebotomy; iron not indicated, and the decision says why."""
    result = run(kb, presentation=RLS, labs=HIGH_FERRITIN, **overrides)
    _no_overload_said(result)
    made = decision(result, "iron")
    assert made.decision == "not_indicated"
    assert "not iron overload" in made.rationale
    assert decision(result, "vitamin_c").decision != "avoid"


def test_high_ferritin_with_ckd_says_iron_for_anemia_is_nephrologys_call(
    kb: KnowledgeBase,
) -> None:
    """The CKD decision names the nephrologist for iron for the anemia of CKD (13.5)."""
    made = decision(run(kb, presentation=RLS, kidney={"egfr": 45}, labs=HIGH_FERRITIN), "iron")
    assert "nephrologist" in made.rationale
    assert any(b.input == "eGFR" for b in made.basis)


@pytest.mark.parametrize(
    ("egfr", "ferritin", "expected"),
    [
        (60, 300.5, "avoid"),  # eGFR at 60 is not CKD: unexplained ferritin > 300 is overload
        (59.9, 300.5, "not_indicated"),  # just below 60: CKD explains it
        (59.9, 300, "recommend"),  # at 300 the adult rule applies (TSAT 19 < 20)
    ],
)
def test_ckd_egfr_and_ferritin_edges(
    kb: KnowledgeBase, egfr: float, ferritin: float, expected: str
) -> None:
    """The CKD cut-off (eGFR < 60) and the ferritin cut-off (> 300) at, below and above."""
    labs = [lab("ferritin", ferritin, "µg/L"), lab("tsat", 19, "%")]
    result = run(kb, presentation=RLS, kidney={"egfr": egfr}, labs=labs)
    assert decision(result, "iron").decision == expected
    assert bool(alerts(result, "lab", "lab.iron_overload")) == (expected == "avoid")


def test_high_ferritin_on_dialysis_follows_the_esrd_rule(kb: KnowledgeBase) -> None:
    """On dialysis a ferritin of 450 fails the ESRD rule (< 200) and is explained, not overload."""
    result = run(kb, presentation=RLS, kidney={"dialysis": "hemodialysis"}, labs=HIGH_FERRITIN)
    made = decision(result, "iron")
    assert made.rule is not None
    assert "ESRD" in made.rule
    assert "not iron overload" in made.rationale
    assert "nephrology" in made.rationale


@pytest.mark.parametrize(
    "overrides",
    [
        {"kidney": {"egfr": 45}},
        {"kidney": {"dialysis": "hemodialysis"}},
        {"conditions": ["chronic_liver_disease"]},
        {"conditions": ["active_malignancy"]},
    ],
)
def test_tsat_at_45_still_blocks_iron_and_vitamin_c_in_every_population(
    kb: KnowledgeBase, overrides: dict[str, Any]
) -> None:
    """TSAT ≥ 45 % blocks all iron and vitamin C even where ferritin is explained (1.6)."""
    labs = [lab("ferritin", 150, "ng/mL"), lab("tsat", 45, "%")]
    result = run(kb, presentation=RLS, labs=labs, **overrides)
    assert decision(result, "iron").decision == "avoid"
    assert decision(result, "vitamin_c").decision == "avoid"
    below = run(kb, presentation=RLS, labs=[labs[0], lab("tsat", 44.9, "%")], **overrides)
    assert decision(below, "iron").decision != "avoid"


@pytest.mark.parametrize(
    "condition",
    ["hemochromatosis", "transfusional_iron_overload", "thalassaemia_with_iron_overload"],
)
def test_overload_conditions_block_iron_and_vitamin_c_even_with_ckd(
    kb: KnowledgeBase, condition: str
) -> None:
    """Overload conditions block iron and vitamin C, with CKD too; iron taken is contraindicated."""
    result = run(
        kb,
        presentation=RLS,
        kidney={"egfr": 40},
        conditions=[condition],
        labs=[lab("ferritin", 20, "ng/mL")],
        supplements=[{"name": "ferrous sulfate"}],
    )
    assert decision(result, "iron").decision == "avoid"
    assert decision(result, "vitamin_c").decision == "avoid"
    [contra] = [a for a in result.alerts if a.code == "iron.overload"]
    assert contra.severity == "contraindicated"


def test_overload_conditions_live_in_the_knowledge_base(kb: KnowledgeBase) -> None:
    """The overload and ferritin-raising lists are knowledge-base data naming known conditions."""
    assert set(kb.iron_overload_conditions) == {
        "hemochromatosis",
        "transfusional_iron_overload",
        "thalassaemia_with_iron_overload",
    }
    assert {"chronic_liver_disease", "active_malignancy"} <= set(kb.ferritin_raising_conditions)
    assert set(kb.ferritin_raising_conditions) <= set(kb.conditions)


# ----------------------------------------------------------- HFE cue (13.5, R40b)


@pytest.mark.parametrize(
    ("sex", "ferritin", "tsat", "ordered"),
    [
        ("female", 420, 58, True),
        ("female", 250, 45.5, True),  # just above 45 % with ferritin above the female range
        ("female", 250, 45, False),  # TSAT at 45 is not > 45
        ("female", 200, 58, False),  # ferritin at the top of the female range is not raised
        ("male", 250, 58, False),  # within the male range
        ("male", 301, 58, True),
        ("female", 420, 18, False),  # the reported bug: a TSAT of 18 % never orders HFE
    ],
)
def test_hfe_work_up_needs_tsat_above_45_with_raised_ferritin(
    kb: KnowledgeBase, sex: str, ferritin: float, tsat: float, ordered: bool
) -> None:
    """HFE testing is ordered only for TSAT > 45 % with ferritin above the sex's range."""
    result = run(
        kb,
        patient={"sex": sex},
        presentation=RLS,
        labs=[lab("ferritin", ferritin, "ng/mL"), lab("tsat", tsat, "%")],
    )
    tests = {t.analyte: t for t in result.tests_to_order}
    assert ("hfe_genotype" in tests) == ordered
    if ordered:
        basis = tests["hfe_genotype"].basis
        assert {b.input.split(" (")[0] for b in basis} == {"Transferrin saturation", "Ferritin"}
        assert any(f.startswith("TSAT above 45%") for f in result.red_flags)


def test_known_hemochromatosis_gets_follow_up_not_a_screening_cue(kb: KnowledgeBase) -> None:
    """Known hemochromatosis: 'specialist follow-up', no HFE order or screening red flag."""
    result = run(
        kb,
        presentation=RLS,
        conditions=["hemochromatosis"],
        labs=[lab("ferritin", 420, "ng/mL"), lab("tsat", 58, "%")],
    )
    assert "hfe_genotype" not in {t.analyte for t in result.tests_to_order}
    assert any(
        f.startswith("Known hemochromatosis: specialist follow-up") for f in result.red_flags
    )
    assert not any(f.startswith("TSAT above 45%") for f in result.red_flags)


# ----------------------------------------------------------- pregnancy and lactation (13.6)


@pytest.mark.parametrize(
    ("status", "tsat", "expected"),
    [
        ({"status": "pregnant", "trimester": 2}, 19.9, "recommend"),
        ({"status": "pregnant", "trimester": 2}, 20, "not_indicated"),
        ({"status": "breastfeeding"}, 19.9, "recommend"),
        ({"status": "breastfeeding"}, 20.1, "not_indicated"),
    ],
)
def test_tsat_below_20_is_an_iron_trigger_in_pregnancy_and_lactation(
    kb: KnowledgeBase, status: dict[str, Any], tsat: float, expected: str
) -> None:
    """TSAT < 20 % gives iron in pregnancy and lactation as in other adults (AASM [V])."""
    result = run(
        kb,
        patient={"sex": "female", "age_years": 31},
        presentation=RLS,
        pregnancy=status,
        labs=[lab("ferritin", 110, "ng/mL"), lab("tsat", tsat, "%")],
    )
    made = decision(result, "iron")
    assert made.decision == expected
    if expected == "recommend":
        assert made.route == "oral"
        assert any(b.threshold and "TSAT" in b.threshold for b in made.basis)


@pytest.mark.parametrize("dialysis", ["hemodialysis", "peritoneal_dialysis"])
def test_no_iv_iron_in_the_first_trimester_even_on_dialysis(
    kb: KnowledgeBase, dialysis: str
) -> None:
    """IV iron criteria met on dialysis in trimester 1: deferred, never IV; trimester 2: IV."""
    labs = [lab("ferritin", 150, "ng/mL"), lab("tsat", 15, "%")]

    def made(trimester: int) -> Any:
        return decision(
            run(
                kb,
                patient={"sex": "female", "age_years": 30},
                presentation=RLS,
                pregnancy={"status": "pregnant", "trimester": trimester},
                kidney={"dialysis": dialysis},
                labs=labs,
            ),
            "iron",
        )

    first = made(1)
    assert first.route != "iv"
    assert first.evidence == "U"
    assert "first trimester" in first.rationale
    assert made(2).route == "iv"


def test_pregnancy_rules_stay_visibly_unverified(kb: KnowledgeBase) -> None:
    """The trimester rules carry [U]: evidence U and the word in the rule text."""
    made = decision(
        run(
            kb,
            patient={"sex": "female"},
            presentation=RLS,
            pregnancy={"status": "pregnant", "trimester": 1},
            labs=[lab("ferritin", 20, "ng/mL")],
        ),
        "iron",
    )
    assert (made.decision, made.route, made.evidence) == ("recommend", "oral", "U")
    assert made.rule is not None
    assert "[U]" in made.rule


# ----------------------------------------------------------- IV iron label doses (1.4)


def _iv_dose(kb: KnowledgeBase, **overrides: Any) -> Any:
    labs = [lab("ferritin", 88, "ng/mL"), lab("tsat", 25, "%")]
    return decision(run(kb, presentation=RLS, labs=labs, **overrides), "iron")


@pytest.mark.parametrize(
    ("weight", "expected", "absent"),
    [
        (50, "750 mg × 2 doses at least 7 days apart (1,500 mg per course)", "< 50 kg"),
        (49.9, "748 mg (15 mg/kg) × 2 doses at least 7 days apart (1,496 mg", "750 mg × 2"),
        (70, "1,000 mg (15 mg/kg up to 1,000 mg) as a single dose", "< 50 kg"),
        (66.6, "999 mg (15 mg/kg up to 1,000 mg) as a single dose", "< 50 kg"),
    ],
)
def test_ferric_carboxymaltose_dose_follows_the_weight(
    kb: KnowledgeBase, weight: float, expected: str, absent: str
) -> None:
    """FCM: ≥ 50 kg 750 mg × 2 or 15 mg/kg up to 1,000 mg once; < 50 kg 15 mg/kg × 2."""
    made = _iv_dose(kb, patient={"weight_kg": weight})
    assert made.route == "iv"
    assert made.dose is not None
    assert expected in made.dose
    assert absent not in made.dose
    assert f"for {weight:g} kg" in made.dose
    assert any(b.input == "weight" and b.entered.startswith(f"{weight:g} kg") for b in made.basis)


def test_without_a_weight_the_rule_is_shown_and_the_weight_asked_for(kb: KnowledgeBase) -> None:
    """No weight: both weight bands are shown and the sheet asks for the weight."""
    made = _iv_dose(kb)
    assert made.dose is not None
    assert "≥ 50 kg" in made.dose
    assert "< 50 kg" in made.dose
    assert "Enter the patient's weight" in made.dose
    assert any(b.input == "weight" and b.entered == "not entered" for b in made.basis)


def test_iron_sucrose_label_per_dialysis_population(kb: KnowledgeBase) -> None:
    """Hemodialysis gets the 10-dose label; peritoneal dialysis never the hemodialysis text;
    non-dialysis CKD sees the 5 × 200 mg label next to ferric carboxymaltose."""
    labs = [lab("ferritin", 150, "ng/mL"), lab("tsat", 15, "%")]
    hd = decision(run(kb, presentation=RLS, kidney={"dialysis": "hemodialysis"}, labs=labs), "iron")
    assert hd.dose is not None
    assert "100 mg × 10 doses (1,000 mg per course)" in hd.dose
    pd = decision(
        run(kb, presentation=RLS, kidney={"dialysis": "peritoneal_dialysis"}, labs=labs), "iron"
    )
    assert pd.dose is not None
    assert "10 doses" not in pd.dose
    assert "hemodialysis schedule does not apply" in pd.dose
    ckd = _iv_dose(kb, kidney={"egfr": 40}, patient={"weight_kg": 60})
    assert ckd.dose is not None
    assert "200 mg × 5 doses (1,000 mg per course)" in ckd.dose
    assert "200 mg × 5" not in (_iv_dose(kb, patient={"weight_kg": 60}).dose or "")


# ----------------------------------------------------------- new condition ids (issue 14)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("hyperparathyroidism", "caution"),
        ("chronic_liver_disease", "caution"),
        ("tuberculosis", "avoid"),
        ("sarcoidosis", "avoid"),
    ],
)
def test_vitamin_d_contraindications_that_can_now_be_entered(
    kb: KnowledgeBase, condition: str, expected: str
) -> None:
    """Brief 3.5: hyperparathyroidism, liver disease and TB weaken a vitamin D indication."""
    result = run(kb, conditions=[condition], labs=[lab("vitamin_d_25oh", 8, "ng/mL")])
    assert decision(result, "vitamin_d").decision == expected


def test_malnutrition_is_a_thiamine_risk(kb: KnowledgeBase) -> None:
    """Brief 3.13: malnutrition makes thiamine a consideration, with the condition as input."""
    made = decision(run(kb, conditions=["malnutrition"]), "thiamine")
    assert made.decision == "consider"
    assert [b.entered for b in made.basis] == ["Malnutrition"]


# ----------------------------------------------------------- decisions that follow others


def test_vitamin_c_with_oral_iron_goes_when_safety_blocks_the_iron(kb: KnowledgeBase) -> None:
    """Oral iron indicated but avoided (dimercaprol): vitamin C 'with oral iron' disappears."""
    labs = [lab("ferritin", 30, "ng/mL")]
    given = run(kb, presentation=RLS, labs=labs)
    assert decision(given, "vitamin_c").decision == "consider"
    blocked = run(kb, presentation=RLS, labs=labs, medications=[{"name": "dimercaprol"}])
    assert decision(blocked, "iron").decision == "avoid"
    assert decision(blocked, "vitamin_c").decision == "not_indicated"


def test_b12_rationale_never_states_an_unmeasured_value(kb: KnowledgeBase) -> None:
    """Without a B12 result the rationale says 'not measured', never 'above 300 pg/mL'."""
    unmeasured = decision(run(kb), "vitamin_b12")
    assert "not measured" in unmeasured.rationale
    assert "above 300" not in unmeasured.rationale
    measured = decision(run(kb, labs=[lab("vitamin_b12", 450, "pg/mL")]), "vitamin_b12")
    assert "above 300" in measured.rationale


@pytest.mark.parametrize(("egfr", "fires"), [(59.9, True), (60, False)])
def test_magnesium_with_potassium_sparing_diuretic_escalates_in_ckd(
    kb: KnowledgeBase, egfr: float, fires: bool
) -> None:
    """Brief 3.2: magnesium with spironolactone is a caution in CKD (eGFR < 60), not above."""
    result = run(
        kb,
        kidney={"egfr": egfr},
        labs=[lab("magnesium", 0.6, "mmol/L")],
        medications=[{"name": "spironolactone"}],
    )
    fired = [a for a in result.alerts if a.code == "magnesium.potassium_sparing_ckd"]
    assert bool(fired) == fires
    if fires:
        assert fired[0].severity == "moderate"
        assert decision(result, "magnesium").decision == "caution"


def test_pregnancy_with_only_a_low_tsat_gives_oral_iron_and_asks_for_ferritin(
    kb: KnowledgeBase,
) -> None:
    """Pregnant, TSAT 15 % and no ferritin: oral iron, ferritin shown as not measured."""
    made = decision(
        run(
            kb,
            patient={"sex": "female"},
            presentation=RLS,
            pregnancy={"status": "pregnant", "trimester": 3},
            labs=[lab("tsat", 15, "%")],
        ),
        "iron",
    )
    assert (made.decision, made.route) == ("recommend", "oral")
    assert any(b.input == "Ferritin" and b.entered == "not measured" for b in made.basis)


def test_the_ferritin_300_cut_off_is_one_number_everywhere(kb: KnowledgeBase) -> None:
    """Overload, 'no RLS rule above', and the dialysis note all use the same ferritin cut-off."""
    overload = kb.threshold("iron_overload_ferritin")
    high = kb.threshold("iron_ferritin_high")
    assert (high.value, high.unit, high.comparison) == (
        overload.value,
        overload.unit,
        overload.comparison,
    )
    [note] = [n for n in kb.notes if n.id == "note.iron_esrd_high_ferritin"]
    assert note.when.above == overload.value
