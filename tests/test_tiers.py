"""Alert tiers (issue 10, item 1): what interrupts, what the schedule keeps, what is background."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import alerts, decision, lab, make_case, run
from rlsdesk.domain.assessment import Alert, Assessment
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.tiers import graded_severity
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schedule_schema import AlertPolicy

RLS_AND_CRAMPS = {"rls": True, "leg_cramps": True}


def named(*names: str) -> list[dict[str, Any]]:
    return [{"name": name} for name in names]


# The typical patients of issue 10, also used by tests/test_schedule.py.
REFERENCE_PATIENTS: dict[str, dict[str, Any]] = {
    "58-year-old on four medicines": make_case(
        patient={"age_years": 58},
        presentation=RLS_AND_CRAMPS,
        kidney={"egfr": 78},
        labs=[
            lab("ferritin", 42, "ng/mL"),
            lab("tsat", 18, "%"),
            lab("magnesium", 0.68, "mmol/L"),
            lab("vitamin_d_25oh", 22, "ng/mL"),
        ],
        medications=named("sertraline", "omeprazole", "levothyroxine", "atorvastatin"),
        supplements=named("magnesium oxide"),
    ),
    "74-year-old on nine medicines": make_case(
        patient={"age_years": 74},
        presentation=RLS_AND_CRAMPS,
        kidney={"egfr": 58},
        labs=[
            lab("ferritin", 60, "ng/mL"),
            lab("tsat", 22, "%"),
            lab("vitamin_b12", 310, "pg/mL"),
            lab("calcium", 9.4, "mg/dL"),
        ],
        conditions=["diabetes"],
        medications=named(
            "metformin",
            "lisinopril",
            "hydrochlorothiazide",
            "atorvastatin",
            "omeprazole",
            "sertraline",
            "levothyroxine",
            "aspirin",
            "alendronate 70 mg weekly",
        ),
        supplements=named("calcium carbonate", "vitamin D3"),
    ),
    "hemodialysis on warfarin": make_case(
        patient={"age_years": 66, "sex": "male"},
        presentation=RLS_AND_CRAMPS,
        kidney={"dialysis": "hemodialysis"},
        labs=[
            lab("ferritin", 150, "ng/mL"),
            lab("tsat", 15, "%"),
            lab("potassium", 4.8, "mmol/L"),
        ],
        medications=named("warfarin", "sevelamer", "amlodipine", "calcitriol"),
    ),
}


def assessed(kb: KnowledgeBase, raw: dict[str, Any]) -> Assessment:
    return assess(parse_case(raw, kb), kb)


def shown(result: Assessment) -> list[Alert]:
    return [a for a in result.alerts if a.tier in ("interruptive", "alert")]


def interruptive(result: Assessment) -> list[str]:
    return [a.code for a in result.alerts if a.tier == "interruptive"]


@pytest.mark.parametrize("name", REFERENCE_PATIENTS)
def test_typical_patients_see_few_alerts_and_none_interrupts(kb: KnowledgeBase, name: str) -> None:
    """Issue 10 targets: at most five alerts shown on a typical patient, none interruptive."""
    result = assessed(kb, REFERENCE_PATIENTS[name])
    assert len(shown(result)) <= 5, [a.code for a in shown(result)]
    assert interruptive(result) == []


def test_tiers_only_decide_display(kb: KnowledgeBase) -> None:
    """Every alert stays in alerts[]: the 74-year-old keeps all twelve, most of them not shown."""
    result = assessed(kb, REFERENCE_PATIENTS["74-year-old on nine medicines"])
    codes = {a.code for a in result.alerts}
    assert {"iron.calcium", "calcium.levothyroxine:levothyroxine"} <= codes
    assert {"cramps.statin:atorvastatin", "vitamin_d.thiazide:hydrochlorothiazide"} <= codes
    assert len(result.alerts) > len(shown(result))


def test_dialysis_patient_sees_k2_warfarin_as_the_reason_to_avoid_k2(kb: KnowledgeBase) -> None:
    """Nobody takes or suggests K2: the K2 + warfarin alert is info, shown in the avoid decision."""
    result = assessed(kb, REFERENCE_PATIENTS["hemodialysis on warfarin"])
    [alert] = alerts(result, code="vitamin_k2.vitamin_k_antagonist:warfarin")
    assert alert.tier == "info"
    k2 = decision(result, "vitamin_k2")
    assert k2.decision == "avoid"
    assert alert.code in k2.reasons


def test_caution_decision_lists_the_alert_behind_it(kb: KnowledgeBase) -> None:
    """Potassium for hypokalemia at eGFR 45 is given with caution; the eGFR alert is its reason."""
    result = run(kb, kidney={"egfr": 45}, labs=[lab("potassium", 3.0, "mmol/L")])
    potassium = decision(result, "potassium")
    assert (potassium.decision, potassium.reasons) == ("caution", ["potassium.egfr_30_to_59"])
    assert decision(result, "magnesium").reasons == []


@pytest.mark.parametrize(
    ("potassium", "tier"),
    [(4.9, None), (5.0, "interruptive"), (5.1, "interruptive")],
)
def test_taking_potassium_with_hyperkalemia_interrupts(
    kb: KnowledgeBase, potassium: float, tier: str | None
) -> None:
    """Potassium ≥ 5.0 mmol/L while taking potassium: contraindicated, must be acknowledged."""
    result = run(
        kb, labs=[lab("potassium", potassium, "mmol/L")], supplements=named("potassium chloride")
    )
    found = alerts(result, code="potassium.hyperkalemia")
    assert [a.tier for a in found] == ([tier] if tier else [])


def test_potassium_not_taken_with_hyperkalemia_does_not_interrupt(kb: KnowledgeBase) -> None:
    """A level of 5.5 in someone taking no potassium is an alert, not an interruption."""
    result = run(kb, labs=[lab("potassium", 5.5, "mmol/L")])
    assert interruptive(result) == []
    assert any(a.tier == "alert" for a in alerts(result, "lab"))


@pytest.mark.parametrize(("potassium", "interrupts"), [(5.9, False), (6.0, True), (6.1, True)])
def test_same_day_care_level_interrupts(
    kb: KnowledgeBase, potassium: float, interrupts: bool
) -> None:
    """A lab alert whose rule has same_day_care interrupts even when nothing is taken."""
    result = run(kb, labs=[lab("potassium", potassium, "mmol/L")])
    urgent = [a for a in alerts(result, "lab") if a.code == "lab.potassium_urgent_high"]
    assert bool(urgent) == interrupts
    assert all(a.tier == "interruptive" and a.applies_to == "patient" for a in urgent)


def test_taking_k2_on_warfarin_interrupts(kb: KnowledgeBase) -> None:
    """Vitamin K2 taken with a vitamin K antagonist: a major problem with what is taken."""
    result = run(kb, medications=named("warfarin"), supplements=named("vitamin K2"))
    [alert] = alerts(result, code="vitamin_k2.vitamin_k_antagonist:warfarin")
    assert (alert.applies_to, alert.tier) == ("taking", "interruptive")


@pytest.mark.parametrize(("egfr", "tier"), [(29.9, "interruptive"), (30, None), (30.1, None)])
def test_taking_magnesium_below_egfr_30_interrupts(
    kb: KnowledgeBase, egfr: float, tier: str | None
) -> None:
    """Magnesium taken with eGFR < 30 is contraindicated and interrupts; at 30 it does not."""
    result = run(kb, kidney={"egfr": egfr}, supplements=named("magnesium citrate"))
    found = alerts(result, code="magnesium.egfr_below_30")
    assert [a.tier for a in found] == ([tier] if tier else [])


def test_quinine_taken_interrupts(kb: KnowledgeBase) -> None:
    """Quinine for cramps (major, verified) is about a drug the patient takes: it interrupts."""
    result = run(kb, presentation={"leg_cramps": True}, medications=named("quinine"))
    [alert] = alerts(result, code="quinine")
    assert (alert.applies_to, alert.tier) == ("taking", "interruptive")


def test_major_timing_interaction_is_kept_by_the_schedule(kb: KnowledgeBase) -> None:
    """Magnesium with ciprofloxacin (major) is a schedule item, with the contract's separation."""
    result = run(kb, medications=named("Cipro"), supplements=named("magnesium citrate"))
    [alert] = alerts(result, code="magnesium.ciprofloxacin:ciprofloxacin")
    assert alert.tier == "schedule"
    assert alert.separation is not None
    assert alert.separation.model_dump() == {
        "a": "magnesium",
        "b": "ciprofloxacin",
        "b_before_h": 2,
        "b_after_h": 6,
    }


def test_one_sided_separation_leaves_the_other_order_out(kb: KnowledgeBase) -> None:
    """Gabapentin at least 2 h after magnesium: b_before_h is null (that order is not allowed)."""
    result = run(kb, medications=named("gabapentin"), supplements=named("magnesium citrate"))
    [alert] = alerts(result, code="magnesium.gabapentin:gabapentin")
    assert alert.separation is not None
    assert (alert.separation.b_before_h, alert.separation.b_after_h) == (None, 2)


def test_symmetric_supplement_pair_has_both_sides(kb: KnowledgeBase) -> None:
    """'2 h apart' between iron and calcium sets both b_before_h and b_after_h to 2."""
    result = run(kb, supplements=named("ferrous sulfate", "calcium carbonate"))
    [alert] = alerts(result, code="iron.calcium")
    assert alert.separation is not None
    assert (alert.separation.b_before_h, alert.separation.b_after_h) == (2, 2)
    assert alert.tier == "schedule"


def test_interaction_without_timing_stays_an_alert(kb: KnowledgeBase) -> None:
    """Iron with a PPI has no helpful interval: it is shown as an alert, without separation."""
    result = run(kb, medications=named("omeprazole"), supplements=named("ferrous sulfate"))
    [alert] = alerts(result, code="iron.acid_suppression:omeprazole")
    assert (alert.tier, alert.separation) == ("alert", None)


def test_unverified_major_rule_is_graded_moderate_and_does_not_interrupt(
    kb: KnowledgeBase,
) -> None:
    """A [U] major interaction (iron with another integrase inhibitor) is shown as moderate."""
    result = run(kb, medications=named("bictegravir"), supplements=named("ferrous sulfate"))
    found = [a for a in result.alerts if a.code.startswith("iron.other_integrase_inhibitor")]
    assert [(a.severity, a.tier) for a in found] == [("moderate", "alert")]


def test_minor_association_is_background(kb: KnowledgeBase) -> None:
    """A statin and cramps (minor: small or theoretical effect) is info, not a shown alert."""
    result = run(kb, presentation={"leg_cramps": True}, medications=named("atorvastatin"))
    [alert] = alerts(result, code="cramps.statin:atorvastatin")
    assert (alert.applies_to, alert.tier) == ("taking", "info")


def test_alert_about_a_suggested_agent_does_not_interrupt(kb: KnowledgeBase) -> None:
    """A major caution on a suggested (not taken) agent is shown, never interruptive."""
    result = run(
        kb,
        kidney={"egfr": 45},
        labs=[lab("potassium", 3.0, "mmol/L")],
    )
    found = alerts(result, code="potassium.egfr_30_to_59")
    assert [(a.applies_to, a.tier) for a in found] == [("suggested", "alert")]


@pytest.mark.parametrize(
    ("severity", "evidence", "graded"),
    [
        ("major", "V", "major"),
        ("major", "S", "major"),
        ("major", "editorial", "major"),
        ("contraindicated", "U", "moderate"),
        ("major", "U", "moderate"),
        ("moderate", "U", "minor"),
        ("minor", "U", "info"),
        ("info", "U", "info"),
    ],
)
def test_unverified_evidence_lowers_the_grade(
    kb: KnowledgeBase, severity: Any, evidence: Any, graded: str
) -> None:
    """[U] rules are graded one step down, never above moderate; other evidence keeps its grade."""
    assert graded_severity(severity, evidence, kb.schedule.alert_policy) == graded


def test_acknowledgement_policy_lives_in_the_knowledge_base(kb: KnowledgeBase) -> None:
    """Contraindicated and major interrupt; minor and info are not shown as alerts."""
    policy: AlertPolicy = kb.schedule.alert_policy
    assert policy.interruptive == ("contraindicated", "major")
    assert "minor" not in policy.shown
    assert "moderate" in policy.shown


def test_lab_alert_applies_to_the_patient(kb: KnowledgeBase) -> None:
    """A level that needs attention in itself is about the patient, whatever is taken."""
    result = run(kb, labs=[lab("potassium", 2.4, "mmol/L")])
    assert {a.applies_to for a in alerts(result, "lab")} == {"patient"}
