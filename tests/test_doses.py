"""Dose checking (brief 13.1-13.3): reading doses, salts, totals, limits and their severities."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from conftest import lab, run
from rlsdesk.domain.assessment import Alert, Assessment, DoseCheck
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.doses_schema import Modifier, dose_problems
from rlsdesk.knowledge.schema import Trigger


def supplement(name: str, dose: str | None = None, **detail: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    if dose is not None:
        entry["dose"] = dose
    if detail:
        entry["dose_detail"] = detail
    return entry


def dose_check(assessment: Assessment, entered: str) -> DoseCheck:
    row = next(m for m in assessment.medications if m.entered == entered)
    assert row.dose_check is not None, entered
    return row.dose_check


def dose_alert(assessment: Assessment, agent: str) -> Alert | None:
    return next((a for a in assessment.alerts if a.code == f"dose:{agent}"), None)


def severity(assessment: Assessment, agent: str) -> str | None:
    alert = dose_alert(assessment, agent)
    return None if alert is None else alert.severity


# (name, dose, agent, alert severity or None) at, just below and just above each limit.
LIMITS = [
    ("pyridoxine", "99 mg daily", "vitamin_b6", None),
    ("pyridoxine", "100 mg daily", "vitamin_b6", None),
    ("pyridoxine", "100.5 mg daily", "vitamin_b6", "major"),
    ("vitamin b6", "0.1005 g daily", "vitamin_b6", "major"),
    ("zinc", "39 mg daily", "zinc", None),
    ("zinc", "40 mg daily", "zinc", None),
    ("zinc", "41 mg daily", "zinc", "moderate"),
    ("vitamin d", "4000 IU daily", "vitamin_d", None),
    ("vitamin d", "4,001 IU daily", "vitamin_d", "moderate"),
    ("vitamin d", "100 mcg daily", "vitamin_d", None),
    ("vitamin d", "101 µg daily", "vitamin_d", "moderate"),
    ("vitamin d", "0.1 mg daily", "vitamin_d", None),
    ("vitamin e", "1000 mg daily", "vitamin_e", None),
    ("vitamin e", "1001 mg daily", "vitamin_e", "moderate"),
    ("vitamin e", "1 g daily", "vitamin_e", None),
    ("vitamin c", "2000 mg daily", "vitamin_c", None),
    ("vitamin c", "2001 mg daily", "vitamin_c", "moderate"),
    ("vitamin c", "1 g bid", "vitamin_c", None),
    ("vitamin c", "1 g tds", "vitamin_c", "moderate"),
    ("magnesium", "350 mg daily", "magnesium", None),
    ("magnesium", "351 mg daily", "magnesium", "moderate"),
    ("magnesium", "14.4 mmol daily", "magnesium", None),  # 349.92 mg
    ("magnesium", "14.5 mmol daily", "magnesium", "moderate"),  # 352.35 mg
    ("magnesium", "28.8 mEq daily", "magnesium", None),  # 349.92 mg
    ("magnesium", "29 mEq daily", "magnesium", "moderate"),  # 352.35 mg
    ("iron", "45 mg daily", "iron", None),
    ("iron", "46 mg daily", "iron", "moderate"),
    ("folic acid", "1 mg daily", "folate", None),
    ("folic acid", "1000 mcg daily", "folate", None),
    ("folic acid", "1001 mcg daily", "folate", "major"),  # B12 never measured: major
]


@pytest.mark.parametrize(("name", "dose", "agent", "expected"), LIMITS)
def test_daily_limit_at_below_and_above(
    kb: KnowledgeBase, name: str, dose: str, agent: str, expected: str | None
) -> None:
    """Each 13.3 limit alerts just above it, in every unit, and not at or below it."""
    assessment = run(kb, supplements=[supplement(name, dose)])
    assert severity(assessment, agent) == expected
    check = dose_check(assessment, name)
    assert check.status == ("above_limit" if expected else "within_limit")
    assert check.agent == agent


@pytest.mark.parametrize(
    ("b12", "expected"),
    [(None, "major"), (lab("vitamin_b12", 150, "pg/mL"), "major"),
     (lab("vitamin_b12", 200, "pg/mL"), "moderate"),
     (lab("vitamin_b12", 400, "pg/mL"), "moderate")],
)  # fmt: skip
def test_folic_acid_above_1_mg_is_major_when_b12_unknown_or_low(
    kb: KnowledgeBase, b12: dict[str, Any] | None, expected: str
) -> None:
    """Folic acid over 1 mg/day: major with B12 unmeasured or low, moderate otherwise (3.10)."""
    labs = [b12] if b12 else []
    assessment = run(kb, labs=labs, supplements=[supplement("folic acid", "5 mg daily")])
    assert severity(assessment, "folate") == expected
    if b12 is None:
        alert = dose_alert(assessment, "folate")
        assert alert is not None
        assert "not been measured" in alert.management


@pytest.mark.parametrize(
    ("labs", "conditions", "expected"),
    [([], [], "moderate"),
     ([lab("calcium", 10.5, "mg/dL")], [], "major"),
     ([lab("calcium", 10.2, "mg/dL")], [], "moderate"),
     ([lab("vitamin_d_25oh", 51, "ng/mL")], [], "major"),
     ([lab("vitamin_d_25oh", 50, "ng/mL")], [], "moderate"),
     ([lab("vitamin_d_25oh", 130, "nmol/L")], [], "major"),
     ([], ["sarcoidosis"], "major")],
)  # fmt: skip
def test_vitamin_d_severity_rises_with_calcium_sarcoidosis_or_high_level(
    kb: KnowledgeBase, labs: list[dict[str, Any]], conditions: list[str], expected: str
) -> None:
    """Vitamin D above 4,000 IU: major with high calcium, sarcoidosis or 25-OH D > 50 ng/mL."""
    assessment = run(
        kb, labs=labs, conditions=conditions, supplements=[supplement("vitamin d", "5000 IU")]
    )
    assert severity(assessment, "vitamin_d") == expected


@pytest.mark.parametrize(
    ("dose", "medications", "expected"),
    [("400 IU daily", [], None),
     ("399 IU daily", [{"name": "aspirin"}], None),
     ("400 IU daily", [{"name": "aspirin"}], "major"),
     ("400 IU daily", [{"name": "warfarin"}], "major"),
     ("268 mg daily", [{"name": "clopidogrel"}], "major"),
     ("267 mg daily", [{"name": "clopidogrel"}], None),
     ("1001 mg daily", [{"name": "apixaban"}], "major")],
)  # fmt: skip
def test_vitamin_e_with_antithrombotics(
    kb: KnowledgeBase, dose: str, medications: list[dict[str, str]], expected: str | None
) -> None:
    """Vitamin E at or above 400 IU/day with an anticoagulant or antiplatelet drug is major."""
    assessment = run(kb, medications=medications, supplements=[supplement("vitamin e", dose)])
    assert severity(assessment, "vitamin_e") == expected


def test_vitamin_e_synthetic_iu_converts_with_its_own_factor(kb: KnowledgeBase) -> None:
    """1 IU of synthetic (dl-α) vitamin E is 0.45 mg, of unknown form 0.67 mg (13.2)."""
    synthetic = run(kb, supplements=[supplement("dl-alpha-tocopherol", "1000 IU daily")])
    unknown = run(kb, supplements=[supplement("vitamin e", "1000 IU daily")])
    assert dose_check(synthetic, "dl-alpha-tocopherol").daily_amount == pytest.approx(450)
    assert dose_check(unknown, "vitamin e").daily_amount == pytest.approx(670)


@pytest.mark.parametrize(
    ("dose", "kidney", "conditions", "expected"),
    [("1000 mg daily", {"egfr": 45}, [], None),
     ("1001 mg daily", {"egfr": 45}, [], "moderate"),
     ("1001 mg daily", {"egfr": 60}, [], None),
     ("1001 mg daily", {"dialysis": "hemodialysis"}, [], "moderate"),
     ("2001 mg daily", {"egfr": 45}, [], "major"),
     ("2001 mg daily", {}, ["kidney_stones"], "major"),
     ("200 mg daily", {"egfr": 20}, [], None)],
)  # fmt: skip
def test_vitamin_c_high_dose_in_kidney_disease(
    kb: KnowledgeBase,
    dose: str,
    kidney: dict[str, Any],
    conditions: list[str],
    expected: str | None,
) -> None:
    """Vitamin C above 1,000 mg/day is high-dose in CKD; above 2,000 mg it is major there."""
    assessment = run(
        kb, kidney=kidney, conditions=conditions, supplements=[supplement("vitamin c", dose)]
    )
    assert severity(assessment, "vitamin_c") == expected


@pytest.mark.parametrize(
    ("kidney", "expected"),
    [({"egfr": 60}, "moderate"), ({"egfr": 30}, "moderate"), ({"egfr": 29.9}, "contraindicated"),
     ({"dialysis": "peritoneal_dialysis"}, "contraindicated")],
)  # fmt: skip
def test_magnesium_dose_alert_grows_more_severe_as_egfr_falls(
    kb: KnowledgeBase, kidney: dict[str, Any], expected: str
) -> None:
    """Above 350 mg/day: the most severe magnesium alert is moderate down to eGFR 30, and
    contraindicated below 30 or on dialysis, where any dose is (one interrupting alert)."""
    assessment = run(kb, kidney=kidney, supplements=[supplement("magnesium", "400 mg")])
    magnesium = [a for a in assessment.alerts if "magnesium" in a.agents and a.kind != "lab"]
    order = ("contraindicated", "major", "moderate", "minor", "info")
    assert min((a.severity for a in magnesium), key=order.index) == expected
    interrupting = [a for a in magnesium if a.tier == "interruptive"]
    assert len(interrupting) == (1 if expected == "contraindicated" else 0)


@pytest.mark.parametrize(("egfr", "says_check"), [(29, False), (30, True), (59, True), (60, False)])
def test_magnesium_above_limit_with_egfr_30_to_59_asks_for_serum_magnesium(
    kb: KnowledgeBase, egfr: float, says_check: bool
) -> None:
    """Magnesium above 350 mg with eGFR 30-59 adds: check serum magnesium in 4-8 weeks (2.3)."""
    assessment = run(kb, kidney={"egfr": egfr}, supplements=[supplement("magnesium", "400 mg")])
    alert = dose_alert(assessment, "magnesium")
    assert alert is not None
    assert ("4-8 weeks" in alert.management) is says_check


@pytest.mark.parametrize(
    ("age", "dose", "status"),
    [(18, "3000 mg daily", "not_checked"),
     (19, "2500 mg daily", "within_limit"), (19, "2501 mg daily", "above_limit"),
     (50, "2501 mg daily", "above_limit"), (51, "2000 mg daily", "within_limit"),
     (51, "2001 mg daily", "above_limit")],
)  # fmt: skip
def test_calcium_limit_follows_the_age_band(
    kb: KnowledgeBase, age: int, dose: str, status: str
) -> None:
    """Calcium: 2,500 mg/day at 19-50 years, 2,000 mg/day from 51; no adult limit below 19."""
    assessment = run(kb, patient={"age_years": age}, supplements=[supplement("calcium", dose)])
    check = dose_check(assessment, "calcium")
    assert check.status == status
    assert (severity(assessment, "calcium") == "moderate") is (status == "above_limit")
    if status == "not_checked":
        assert check.reason is not None
        assert "dose not checked" in check.reason


def test_iron_above_45_mg_is_not_flagged_when_the_engine_treats_a_deficiency(
    kb: KnowledgeBase,
) -> None:
    """The iron UL does not apply when this assessment recommends iron for a deficiency."""
    treated = run(
        kb,
        presentation={"rls": True},
        labs=[lab("ferritin", 30, "ng/mL"), lab("tsat", 15, "%")],
        supplements=[supplement("ferrous sulfate", "325 mg daily")],
    )
    assert dose_alert(treated, "iron") is None
    check = dose_check(treated, "ferrous sulfate")
    assert check.status == "above_limit"
    assert check.limit
    assert "not applied" in check.limit
    untreated = run(kb, supplements=[supplement("ferrous sulfate", "325 mg daily")])
    assert severity(untreated, "iron") == "moderate"


# (name, dose, daily amount in the agent's unit)
READINGS = [
    ("magnesium", "400 mg at night", 400),
    ("magnesium", "200 mg bid", 400),
    ("magnesium", "100mg tds", 300),
    ("magnesium", "100 mg t.i.d.", 300),
    ("magnesium", "50 mg qid", 200),
    ("magnesium", "100 mg x2", 200),
    ("magnesium", "2 x 100 mg daily", 200),
    ("magnesium", "100 mg twice a day", 200),
    ("magnesium 100 mg", "2 tablets daily", 200),
    ("magnesium 100 mg", "1 tab bid", 200),
    ("iron", "65 mg every other day", 32.5),
    ("vitamin d", "50,000 IU weekly", 50000 / 7),
    ("vitamin d", "50 000 IU once a week", 50000 / 7),
    ("vitamin d", "1000 units daily", 1000),
    ("folic acid", "500 mcg", 500),
    ("folic acid", "500 ug", 500),
    ("folic acid", "0.5 mg daily", 500),
    ("vitamin c", "1 g daily", 1000),
    ("vitamin c", "1,5 g daily", 1500),
    ("Mag-Ox 400", "1 tablet twice daily", 482.4),
    ("Mag-Ox 400", None, 241.2),
    ("ferrous sulfate", "325 mg daily", 65),
    ("ferrous fumarate", "324 mg daily", 106),
    ("ferrous gluconate", "300 mg bid", 76),
    ("magnesium (as magnesium oxide) 250 mg", None, 250),
    ("magnesium", "250 mg elemental daily", 250),
    ("Magnesium oxide 400 mg at night", None, 400),
    ("potassium chloride", "20 mEq daily", 782),
]


@pytest.mark.parametrize(("name", "dose", "daily"), READINGS)
def test_dose_text_is_read_into_a_daily_amount(
    kb: KnowledgeBase, name: str, dose: str | None, daily: float
) -> None:
    """Amount, unit, count, multiplier and frequency words give the daily elemental amount."""
    check = dose_check(run(kb, supplements=[supplement(name, dose)]), name)
    assert check.daily_amount == pytest.approx(daily, rel=1e-6)
    assert check.reading


def test_ambiguous_salt_text_uses_the_larger_reading_and_says_so(kb: KnowledgeBase) -> None:
    """'magnesium oxide 400 mg' is read as 400 mg elemental, naming the 241.2 mg salt reading."""
    assessment = run(kb, supplements=[supplement("magnesium oxide", "400 mg at night")])
    check = dose_check(assessment, "magnesium oxide")
    assert check.daily_amount == 400
    assert check.status == "above_limit"
    assert check.reading is not None
    assert "larger reading" in check.reading
    assert "241.2" in check.reading
    alert = dose_alert(assessment, "magnesium")
    assert alert is not None
    assert alert.severity == "moderate"
    assert "Confirm the dose" in alert.management


def test_an_alert_resting_on_an_ambiguous_reading_is_at_most_moderate(kb: KnowledgeBase) -> None:
    """13.3 grading rule: a range read at its larger end never grades above moderate."""
    high_calcium = [lab("calcium", 11, "mg/dL")]
    ranged = run(kb, labs=high_calcium, supplements=[supplement("vitamin d", "1000-5000 IU")])
    exact = run(kb, labs=high_calcium, supplements=[supplement("vitamin d", "5000 IU")])
    assert severity(ranged, "vitamin_d") == "moderate"
    assert severity(exact, "vitamin_d") == "major"


@pytest.mark.parametrize(
    ("name", "dose", "reason"),
    [("magnesium", "a handful", "'handful'"),
     ("magnesium", None, "no dose entered"),
     ("magnesium", "400", "no amount"),
     ("magnesium", "400 mg and 200 mg", "more than one amount"),
     ("vitamin d", "10 mmol daily", "mmol is not a unit"),
     ("Caltrate 600+D", "1 tablet daily", "combined product"),
     ("melatonin", "3 mg", "no daily limit"),
     ("zzqx herbal", "2 capsules", "not recognised"),
     ("vitamin b12", "1000 mcg daily", "no upper limit")],
)  # fmt: skip
def test_a_dose_that_cannot_be_checked_says_so(
    kb: KnowledgeBase, name: str, dose: str | None, reason: str
) -> None:
    """An unreadable or uncheckable dose gives 'dose not checked' and why, never nothing."""
    check = dose_check(run(kb, supplements=[supplement(name, dose)]), name)
    assert check.status == "not_checked"
    assert check.reason is not None
    assert check.reason.startswith("dose not checked")
    assert reason in check.reason


def test_structured_dose_wins_over_the_free_text(kb: KnowledgeBase) -> None:
    """dose_detail is used even when the free text says something else."""
    entry = supplement(
        "magnesium oxide", "100 mg", amount=400, unit="mg", basis="elemental", frequency="daily"
    )
    assessment = run(kb, supplements=[entry])
    assert dose_check(assessment, "magnesium oxide").daily_amount == 400
    assert severity(assessment, "magnesium") == "moderate"


@pytest.mark.parametrize(
    ("detail", "daily"),
    [({"amount": 400, "unit": "mg", "basis": "salt", "frequency": "daily"}, 241.2),
     ({"amount": 400, "unit": "mg", "basis": "salt", "frequency": "twice_daily"}, 482.4),
     ({"amount": 10, "unit": "mmol", "frequency": "at_night"}, 243),
     ({"amount": 700, "unit": "mg", "frequency": "every_other_day"}, 350),
     ({"amount": 0.7, "unit": "g", "frequency": "weekly"}, 100)],
)  # fmt: skip
def test_structured_dose_converts_salt_units_and_frequency(
    kb: KnowledgeBase, detail: dict[str, Any], daily: float
) -> None:
    """A structured salt dose uses the salt's fraction; units and frequencies convert."""
    assessment = run(kb, supplements=[supplement("magnesium oxide", None, **detail)])
    check = dose_check(assessment, "magnesium oxide")
    assert check.daily_amount == pytest.approx(daily)
    assert (severity(assessment, "magnesium") == "moderate") is (daily > 350)


def test_same_agent_is_added_up_across_products_and_medications(kb: KnowledgeBase) -> None:
    """Two magnesium products within the limit each, above it together, give one alert."""
    assessment = run(
        kb,
        medications=[{"name": "magnesium", "dose": "200 mg daily"}],
        supplements=[supplement("magnesium", "200 mg daily")],
    )
    alert = dose_alert(assessment, "magnesium")
    assert alert is not None
    assert "400 mg/day" in alert.message
    assert len(alert.basis) == 2
    checks = [m.dose_check for m in assessment.medications]
    assert all(c is not None and c.status == "above_limit" for c in checks)


def test_unreadable_second_product_leaves_the_total_unchecked(kb: KnowledgeBase) -> None:
    """With one dose unreadable and the rest within the limit, the total is not claimed safe."""
    assessment = run(
        kb, supplements=[supplement("magnesium", "200 mg"), supplement("magnesium citrate")]
    )
    statuses = {m.entered: m.dose_check.status for m in assessment.medications if m.dose_check}
    assert statuses == {"magnesium": "not_checked", "magnesium citrate": "not_checked"}


def test_dose_alert_shape(kb: KnowledgeBase) -> None:
    """A dose alert: code dose:<agent>, contraindication, about what the patient takes."""
    assessment = run(kb, supplements=[supplement("pyridoxine", "200 mg daily")])
    alert = dose_alert(assessment, "vitamin_b6")
    assert alert is not None
    assert (alert.kind, alert.agents, alert.applies_to) == ("contraindication", ["vitamin_b6"],
                                                            "taking")  # fmt: skip
    assert alert.references == ["R23"]
    assert alert.basis[0].entered == "200 mg daily"
    assert alert.basis[0].threshold == "UL: more than 100 mg/day"


def test_medication_without_an_agent_has_no_dose_check(kb: KnowledgeBase) -> None:
    """Only supplements and agent-containing medications carry a dose check."""
    assessment = run(
        kb,
        medications=[{"name": "sertraline", "dose": "50 mg daily"},
                     {"name": "Milk of Magnesia", "dose": "10 mL daily"}],
    )  # fmt: skip
    rows = {m.entered: m.dose_check for m in assessment.medications}
    assert rows["sertraline"] is None
    milk = rows["Milk of Magnesia"]
    assert milk is not None
    assert milk.status == "not_checked"


def _doses_problems(kb: KnowledgeBase, **changes: Any) -> list[str]:
    return dose_problems(dataclasses.replace(kb, doses=kb.doses.model_copy(update=changes)))


def test_shipped_doses_file_has_no_problems(kb: KnowledgeBase) -> None:
    """knowledge/doses.toml passes every cross-reference check."""
    assert dose_problems(kb) == []


def test_doses_validator_refuses_each_broken_cross_reference(kb: KnowledgeBase) -> None:
    """Unknown reference, agent, salt, analyte, condition, finding, drug class, a missing
    frequency and an agent without a limit are each reported."""
    limit = kb.doses.limit[0]
    modifier = Modifier(unmeasured="sodium", note="n", evidence="editorial", references=("BRIEF",))
    broken_limit = limit.model_copy(
        update={
            "id": limit.id,
            "references": ("R999",),
            "modifiers": (modifier,),
            "applies_when": Trigger(condition="gout", finding="nope", classes=("noclass",)),
        }
    )
    salt = kb.doses.salt[0].model_copy(update={"agent": "unobtainium"})
    tablet = kb.doses.salt_tablet[0].model_copy(update={"salt": "ferrous nonsense"})
    problems = _doses_problems(
        kb,
        limit=(broken_limit, *kb.doses.limit[1:]),
        salt=(salt, *kb.doses.salt[1:]),
        salt_tablet=(tablet,),
        frequency={k: v for k, v in kb.doses.frequency.items() if k != "weekly"},
        no_limit={k: v for k, v in kb.doses.no_limit.items() if k != "thiamine"},
    )
    text = "\n".join(problems)
    for expected in ("unknown reference R999", "unknown agent unobtainium",
                     "unknown analyte sodium", "unknown condition gout", "unknown finding nope",
                     "unknown drug class noclass",
                     "ferrous nonsense is not a [[salt]]", "frequency.weekly is missing",
                     "agent thiamine has neither"):  # fmt: skip
        assert expected in text


def test_duplicate_limit_id_is_refused(kb: KnowledgeBase) -> None:
    """Two limits with one id are reported."""
    problems = _doses_problems(kb, limit=(*kb.doses.limit, kb.doses.limit[0]))
    assert any("duplicate limit id" in p for p in problems)


def test_modifier_needs_exactly_one_condition() -> None:
    """A modifier with neither 'when' nor 'unmeasured' is a schema error."""
    with pytest.raises(ValueError, match="exactly one"):
        Modifier(note="n", evidence="editorial", references=("BRIEF",))


def test_limit_in_a_unit_that_does_not_convert_is_refused(kb: KnowledgeBase) -> None:
    """A limit in mmol for vitamin D (no conversion) is a knowledge-base error, not a crash."""
    limit = next(lim for lim in kb.doses.limit if lim.agent == "vitamin_d")
    broken = limit.model_copy(update={"unit": "mmol"})
    problems = _doses_problems(kb, limit=(broken,))
    assert any("mmol does not convert for vitamin_d" in p for p in problems)


@pytest.mark.parametrize(
    ("name", "dose", "ambiguous"),
    [("magnesium oxide", "400 mg daily", True),
     ("magnesium", "400 mg oxide daily", True),
     ("magnesium", "400 mg (as magnesium oxide) daily", False),
     ("magnesium", "400 mg daily", False),
     ("magnesium oxide", "400 mg elemental daily", False),
     ("magnesium malate", "400 mg daily", True),
     ("magnesium", "200-400 mg daily", True),
     ("magnesium 200 mg", "2 tablets daily", False),
     ("magnesium", "200 mg, 2 tablets daily", True)],
)  # fmt: skip
def test_which_texts_leave_the_amount_open(
    kb: KnowledgeBase, name: str, dose: str, ambiguous: bool
) -> None:
    """Salt named without 'as', an unknown salt, a range or amount-with-count is ambiguous."""
    alert = dose_alert(run(kb, supplements=[supplement(name, dose)]), "magnesium")
    assert alert is not None
    assert ("Confirm the dose" in alert.management) is ambiguous
