"""Dangerous levels (brief 13.4): lab alerts graded by how far out a value is, the agent's own
level making it `avoid`, and flag and rules agreeing at every boundary in every unit."""

from __future__ import annotations

import pytest

from conftest import alerts, decision, lab, run
from rlsdesk.knowledge import KnowledgeBase

MAGNESIUM_OXIDE = [{"name": "magnesium oxide", "dose": "400 mg at night"}]


def lab_codes(kb: KnowledgeBase, analyte: str, value: float, unit: str) -> set[str]:
    assessment = run(kb, labs=[lab(analyte, value, unit)])
    return {a.code for a in alerts(assessment, "lab")}


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected"),
    [
        # magnesium: range 0.75-0.955 mmol/L; symptomatic from 2 mmol/L; severe low below 0.5
        ("magnesium", 0.955, "mmol/L", set()),
        ("magnesium", 0.96, "mmol/L", {"lab.magnesium_high"}),
        ("magnesium", 2.32, "mg/dL", set()),
        ("magnesium", 2.33, "mg/dL", {"lab.magnesium_high"}),
        ("magnesium", 1.99, "mmol/L", {"lab.magnesium_high"}),
        ("magnesium", 2.0, "mmol/L", {"lab.magnesium_symptomatic"}),
        ("magnesium", 4.0, "mEq/L", {"lab.magnesium_symptomatic"}),
        ("magnesium", 3.9, "mEq/L", {"lab.magnesium_high"}),
        ("magnesium", 0.75, "mmol/L", set()),
        ("magnesium", 0.74, "mmol/L", {"lab.magnesium_low"}),
        ("magnesium", 1.83, "mg/dL", set()),
        ("magnesium", 1.82, "mg/dL", {"lab.magnesium_low"}),
        ("magnesium", 0.5, "mmol/L", {"lab.magnesium_low"}),
        ("magnesium", 0.49, "mmol/L", {"lab.magnesium_severe_low"}),
        # potassium: 5.0 is already high (flag and rule agree); same-day from 6.0 or below 2.5
        ("potassium", 4.9, "mmol/L", set()),
        ("potassium", 5.0, "mmol/L", {"lab.hyperkalemia"}),
        ("potassium", 5.0, "mEq/L", {"lab.hyperkalemia"}),
        ("potassium", 5.9, "mmol/L", {"lab.hyperkalemia"}),
        ("potassium", 6.0, "mmol/L", {"lab.potassium_urgent_high"}),
        ("potassium", 6.0, "mEq/L", {"lab.potassium_urgent_high"}),
        ("potassium", 3.5, "mmol/L", set()),
        ("potassium", 3.4, "mmol/L", {"lab.potassium_low"}),
        ("potassium", 2.5, "mmol/L", {"lab.potassium_low"}),
        ("potassium", 2.4, "mEq/L", {"lab.potassium_severe_low"}),
        # calcium: range 8.5-10.2 mg/dL; same-day above 14 mg/dL (3.5 mmol/L)
        ("calcium", 10.2, "mg/dL", set()),
        ("calcium", 10.3, "mg/dL", {"lab.hypercalcemia"}),
        ("calcium", 14.0, "mg/dL", {"lab.hypercalcemia"}),
        ("calcium", 14.1, "mg/dL", {"lab.calcium_severe_high"}),
        ("calcium", 3.49, "mmol/L", {"lab.hypercalcemia"}),
        ("calcium", 3.6, "mmol/L", {"lab.calcium_severe_high"}),
        ("calcium", 8.5, "mg/dL", set()),
        ("calcium", 8.4, "mg/dL", {"lab.calcium_low"}),
        ("calcium", 2.0, "mmol/L", {"lab.calcium_low"}),
        # 25-OH vitamin D above 50 ng/mL (125 nmol/L)
        ("vitamin_d_25oh", 50, "ng/mL", set()),
        ("vitamin_d_25oh", 51, "ng/mL", {"lab.vitamin_d_high"}),
        # 50 ng/mL is 124.8 nmol/L: compared in one unit, 125 nmol/L is already above it
        ("vitamin_d_25oh", 124, "nmol/L", set()),
        ("vitamin_d_25oh", 125, "nmol/L", {"lab.vitamin_d_high"}),
    ],
)
def test_level_alert_bands(
    kb: KnowledgeBase, analyte: str, value: float, unit: str, expected: set[str]
) -> None:
    """Each level gives exactly the alert of its band, at, just below and just above each cut."""
    assert lab_codes(kb, analyte, value, unit) == expected


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "same_day"),
    [
        ("magnesium", 5.0, "mg/dL", True),
        ("magnesium", 2.4, "mg/dL", False),
        ("potassium", 6.2, "mmol/L", True),
        ("potassium", 2.2, "mmol/L", True),
        ("potassium", 5.4, "mmol/L", False),
        ("calcium", 15.0, "mg/dL", True),
        ("magnesium", 0.4, "mmol/L", True),
    ],
)
def test_same_day_levels_are_marked_for_interruption(
    kb: KnowledgeBase, analyte: str, value: float, unit: str, same_day: bool
) -> None:
    """Only the same-day-care bands of brief 13.4 carry same_day_care in the knowledge base."""
    assessment = run(kb, labs=[lab(analyte, value, unit)])
    (alert,) = alerts(assessment, "lab")
    rule = next(r for r in kb.lab_alerts if r.id == alert.code)
    assert rule.same_day_care is same_day


def test_high_magnesium_while_taking_magnesium_alerts_and_says_stop(kb: KnowledgeBase) -> None:
    """Magnesium 5.0 mg/dL in a patient taking magnesium oxide: avoid, and the alerts say stop."""
    assessment = run(kb, labs=[lab("magnesium", 5.0, "mg/dL")], supplements=MAGNESIUM_OXIDE)
    assert decision(assessment, "magnesium").decision == "avoid"
    codes = {a.code: a for a in assessment.alerts}
    assert "lab.magnesium_symptomatic" in codes
    assert "magnesium.level_high" in codes
    for code in ("lab.magnesium_symptomatic", "magnesium.level_high"):
        assert "Stop magnesium oxide" in codes[code].management


def test_high_level_without_the_supplement_does_not_say_stop(kb: KnowledgeBase) -> None:
    """A patient not taking magnesium is not told to stop it."""
    assessment = run(kb, labs=[lab("magnesium", 5.0, "mg/dL")])
    assert all("Stop" not in a.management for a in assessment.alerts)
    assert decision(assessment, "magnesium").decision == "avoid"


@pytest.mark.parametrize(
    ("labs", "avoided"),
    [
        ([lab("magnesium", 2.4, "mg/dL")], {"magnesium"}),
        ([lab("calcium", 10.6, "mg/dL")], {"calcium", "vitamin_d"}),
        ([lab("vitamin_d_25oh", 60, "ng/mL")], {"vitamin_d"}),
        ([lab("potassium", 5.0, "mmol/L")], {"potassium"}),
    ],
)
def test_an_agent_whose_own_level_is_high_is_avoided(
    kb: KnowledgeBase, labs: list[dict[str, object]], avoided: set[str]
) -> None:
    """No agent is suggested whose own level (or calcium, for vitamin D) is high."""
    assessment = run(kb, labs=labs, presentation={"rls": True, "leg_cramps": True})
    for agent in avoided:
        assert decision(assessment, agent).decision == "avoid", agent


@pytest.mark.parametrize(
    ("value", "unit", "flag"),
    [(4.9, "mmol/L", "normal"), (5.0, "mmol/L", "high"), (5.0, "mEq/L", "high")],
)
def test_potassium_flag_and_rule_agree_at_five(
    kb: KnowledgeBase, value: float, unit: str, flag: str
) -> None:
    """Potassium 5.0 is high for the reference flag and for the hyperkalemia rule alike."""
    assessment = run(kb, labs=[lab("potassium", value, unit)])
    assert assessment.labs[0].flag == flag
    avoided = decision(assessment, "potassium").decision == "avoid"
    assert avoided is (flag == "high")


def test_one_rounding_shown_and_compared(kb: KnowledgeBase) -> None:
    """A converted magnesium is one number: the lab table, the basis and the comparison agree."""
    assessment = run(kb, labs=[lab("magnesium", 0.74, "mmol/L")], presentation={"leg_cramps": True})
    result = assessment.labs[0]
    assert result.canonical_value == 1.799
    basis = decision(assessment, "magnesium").basis[0]
    assert basis.canonical == "1.799 mg/dL"
    assert basis.threshold == "magnesium < 0.75 mmol/L (1.823 mg/dL)"


@pytest.mark.parametrize(("value", "low"), [(0.75, False), (0.749, True), (0.74, True)])
def test_threshold_text_never_contradicts_the_value(
    kb: KnowledgeBase, value: float, low: bool
) -> None:
    """'magnesium 1.80 mg/dL meets < 1.8 mg/dL' is impossible: shown value and limit agree."""
    assessment = run(kb, labs=[lab("magnesium", value, "mmol/L")])
    magnesium = decision(assessment, "magnesium")
    meets = [b for b in magnesium.basis if b.threshold and "<" in b.threshold]
    assert bool(meets) is low
    for basis in meets:
        shown = float((basis.canonical or "").split()[0])
        assert shown < kb.threshold("magnesium_low").value / 0.4114 + 1e-9


def test_k2_taken_on_warfarin_is_never_told_to_stop(kb: KnowledgeBase) -> None:
    """K2 already taken with a VKA: keep it steady with INR checks (brief 3.6), never 'stop';
    the interaction still interrupts."""
    cramps = {"leg_cramps": True}
    older = {"age_years": 72, "sex": "male"}
    taking = [{"name": "vitamin K2 (MK-7)"}]
    assessment = run(
        kb,
        patient=older,
        presentation=cramps,
        medications=[{"name": "warfarin"}],
        supplements=taking,
    )
    k2 = decision(assessment, "vitamin_k2")
    assert (k2.decision, k2.action) == ("caution", "continue")
    (alert,) = [
        a for a in assessment.alerts if a.code.startswith("vitamin_k2.vitamin_k_antagonist")
    ]
    assert alert.tier == "interruptive"
    assert "do not stop" in alert.management


def test_k2_not_taken_on_warfarin_is_avoided(kb: KnowledgeBase) -> None:
    """K2 suggested for cramps in a VKA user who does not take it: avoid, not started."""
    older = {"age_years": 72, "sex": "male"}
    assessment = run(
        kb, patient=older, presentation={"leg_cramps": True}, medications=[{"name": "warfarin"}]
    )
    k2 = decision(assessment, "vitamin_k2")
    assert (k2.decision, k2.action) == ("avoid", "avoid")


def test_first_trimester_iv_iron_is_deferred_not_started(kb: KnowledgeBase) -> None:
    """Pregnant, trimester 1, on dialysis with low iron: iron is deferred, never 'start'."""
    assessment = run(
        kb,
        presentation={"rls": True},
        pregnancy={"status": "pregnant", "trimester": 1},
        kidney={"dialysis": "hemodialysis"},
        labs=[lab("ferritin", 12, "ng/mL"), lab("tsat", 10, "%")],
    )
    iron = decision(assessment, "iron")
    assert iron.route is None
    assert iron.action == "defer"


def test_basis_never_says_meets_for_a_threshold_not_met(kb: KnowledgeBase) -> None:
    """Ferritin 50 with TSAT 22 %: the TSAT input 'does not meet TSAT < 20%', never 'meets'."""
    assessment = run(
        kb, presentation={"rls": True}, labs=[lab("ferritin", 50, "ng/mL"), lab("tsat", 22, "%")]
    )
    iron = decision(assessment, "iron")
    tsat = next(b for b in iron.basis if b.input.startswith("Transferrin"))
    ferritin = next(b for b in iron.basis if b.input.startswith("Ferritin"))
    assert (tsat.met, tsat.comparison_words) == (False, "does not meet TSAT < 20%")
    assert ferritin.met is True
    assert "meets TSAT" not in iron.rationale.replace("does not meet TSAT", "")


def test_a_low_level_never_says_stop_the_supplement_that_treats_it(kb: KnowledgeBase) -> None:
    """Low magnesium while taking magnesium: the alert does not tell the patient to stop it."""
    assessment = run(kb, labs=[lab("magnesium", 1.5, "mg/dL")], supplements=MAGNESIUM_OXIDE)
    (low,) = [a for a in assessment.alerts if a.code == "lab.magnesium_low"]
    assert "Stop" not in low.management


def test_interactions_of_a_stopped_agent_are_background(kb: KnowledgeBase) -> None:
    """Magnesium taken with eGFR 25 is stopped: its timing interaction with levothyroxine is
    background to that decision, while the stop itself still interrupts."""
    assessment = run(
        kb,
        kidney={"egfr": 25},
        medications=[{"name": "levothyroxine"}],
        supplements=MAGNESIUM_OXIDE,
    )
    assert decision(assessment, "magnesium").action == "stop"
    tiers = {a.code: a.tier for a in assessment.alerts}
    assert tiers["magnesium.levothyroxine:levothyroxine"] == "info"
    assert tiers["magnesium.egfr_below_30"] == "interruptive"
