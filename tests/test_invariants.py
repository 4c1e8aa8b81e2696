"""Safety invariants of the engine over generated cases (hypothesis).

For any valid case the engine returns an assessment, and the hard stops of the brief hold.
CI runs RLSDESK_PROPERTY_EXAMPLES cases (2,000 by default); scripts/release_check.py runs
100,000 for a release.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_case
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase, load_knowledge_base

KB = load_knowledge_base()
EXAMPLES = int(os.environ.get("RLSDESK_PROPERTY_EXAMPLES", "2000"))
ACTIVE = {"recommend", "consider"}
STRENGTH = {"avoid": 0, "not_indicated": 1, "consider": 2, "caution": 2, "recommend": 3}
MEDICATION_NAMES = [
    "triamterene",
    "amiloride",
    "spironolactone",
    "lisinopril",
    "warfarin",
    "apixaban",
    "ciprofloxacin",
    "levothyroxine",
    "omeprazole",
    "metformin",
    "furosemide",
    "hydrochlorothiazide",
    "levodopa",
    "Sinemet",
    "sertraline",
    "Benadryl",
    "gabapentin",
    "dolutegravir",
    "alendronate",
    "doxycycline",
    "digoxin",
    "quinine",
    "aspirin",
    "pramipexole",
    "atorvastatin",
    "salmeterol",
    "Tylenol PM",
    "unknownium 5 mg",
]
SUPPLEMENT_NAMES = [
    "ferrous sulfate",
    "magnesium oxide",
    "vitamin D3",
    "vitamin K2 (MK-7)",
    "zinc",
    "potassium chloride",
    "calcium carbonate",
    "vitamin C",
    "vitamin E",
    "folic acid",
    "vitamin B6",
    "B12",
    "thiamine",
    "fish oil",
    "mystery herb",
]


def _lab_strategy(kb: KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    choices = []
    for analyte_id, analyte in kb.analytes.items():
        low, high = analyte.plausible.low or 0.0, analyte.plausible.high or 1.0
        # Most values near the clinical ranges, some anywhere plausible.
        span = high if high < 200 else 600.0
        values = st.one_of(
            st.floats(min_value=low, max_value=min(high, span), allow_nan=False),
            st.floats(min_value=low, max_value=high, allow_nan=False),
        )
        choices.append(
            st.builds(
                lambda a, v, u: {"analyte": a, "value": v, "unit": u},
                st.just(analyte_id),
                values,
                st.just(analyte.plausible.unit),
            )
        )
    return st.one_of(choices)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    sex = draw(st.sampled_from(["female", "male"]))
    status = "not_pregnant"
    if sex == "female":
        status = draw(st.sampled_from(["not_pregnant", "pregnant", "breastfeeding", "unknown"]))
    pregnancy: dict[str, Any] = {"status": status}
    if status == "pregnant":
        pregnancy["trimester"] = draw(st.sampled_from([1, 2, 3]))
    labs = draw(st.lists(_lab_strategy(KB), max_size=10))
    return make_case(
        patient={"age_years": draw(st.integers(0, 120)), "sex": sex},
        presentation={
            "rls": draw(st.booleans()),
            "leg_cramps": draw(st.booleans()),
            "oral_iron_failed": draw(st.booleans()),
            "irls_score": draw(st.none() | st.integers(0, 40)),
        },
        pregnancy=pregnancy,
        kidney={
            "egfr": draw(st.none() | st.floats(0, 150, allow_nan=False)),
            "dialysis": draw(
                st.sampled_from(["none", "none", "hemodialysis", "peritoneal_dialysis"])
            ),
        },
        labs=labs,
        conditions=draw(st.lists(st.sampled_from(sorted(KB.conditions)), unique=True, max_size=4)),
        medications=[
            {"name": n} for n in draw(st.lists(st.sampled_from(MEDICATION_NAMES), max_size=6))
        ],
        supplements=[
            {"name": n} for n in draw(st.lists(st.sampled_from(SUPPLEMENT_NAMES), max_size=4))
        ],
    )


def _counted(assessment: Assessment, analyte: str) -> float | None:
    for lab in assessment.labs:
        if lab.analyte == analyte and lab.used:
            return lab.canonical_value
    return None


def _decision(assessment: Assessment, agent: str) -> str:
    return next(d.decision for d in assessment.decisions if d.agent == agent)


def check_invariants(assessment: Assessment) -> None:
    case = assessment.case
    egfr = assessment.egfr.value
    drugs = {m.resolved for m in assessment.medications} | {
        i for m in assessment.medications for i in m.ingredients
    }
    agents = [d.agent for d in assessment.decisions]
    assert sorted(agents) == sorted(KB.agents), "exactly one decision per agent"
    for made in assessment.decisions:
        if made.decision != "not_indicated":
            assert made.references, made
    for alert in assessment.alerts:
        assert alert.references, alert
    on_dialysis = case.kidney.dialysis != "none"
    if on_dialysis or (egfr is not None and egfr < 30):
        assert _decision(assessment, "magnesium") not in ACTIVE
    tsat, ferritin = _counted(assessment, "tsat"), _counted(assessment, "ferritin")
    raising = {*KB.inflammatory_conditions, *KB.ferritin_raising_conditions}
    ckd = on_dialysis or (egfr is not None and egfr < 60)
    explained = bool(set(case.conditions) & raising) or ckd
    overload_condition = bool(set(KB.iron_overload_conditions) & set(case.conditions))
    if (
        (tsat is not None and tsat >= 45)
        or (ferritin is not None and ferritin > 300 and not explained)
        or overload_condition
    ):
        assert _decision(assessment, "iron") not in ACTIVE
    if ckd and not overload_condition and (tsat is None or tsat < 45):
        # Brief 13.5: ferritin alone never makes overload with CKD or dialysis.
        codes = {a.code for a in assessment.alerts}
        assert not codes & {"lab.iron_overload", "iron.overload"}, codes
    if case.pregnancy.status == "pregnant" and case.pregnancy.trimester == 1:
        assert next(d for d in assessment.decisions if d.agent == "iron").route != "iv"
    if "hfe_genotype" in {t.analyte for t in assessment.tests_to_order}:
        # The HFE cue needs TSAT > 45 % with raised ferritin, and no known hemochromatosis.
        ferritin_high = any(
            lab.analyte == "ferritin" and lab.used and lab.flag == "high" for lab in assessment.labs
        )
        assert tsat is not None
        assert tsat > 45
        assert ferritin_high
        assert "hemochromatosis" not in case.conditions
    if case.pregnancy.status in ("pregnant", "breastfeeding"):
        assert not [g for g in assessment.guidance if g.id == "red_flag.low_ferritin_blood_loss"]
    potassium = _counted(assessment, "potassium")
    if (
        (potassium is not None and potassium >= 5.0)
        or (egfr is not None and egfr < 30)
        or {"triamterene", "amiloride"} & drugs
    ):
        assert _decision(assessment, "potassium") not in ACTIVE
    # No agent is suggested whose own level is high (brief 13.4).
    suggested = {"recommend", "consider", "caution"}
    high = {lab.analyte for lab in assessment.labs if lab.used and lab.flag == "high"}
    if "calcium" in high:
        assert _decision(assessment, "vitamin_d") not in suggested
        assert _decision(assessment, "calcium") not in suggested
    if "magnesium" in high:
        assert _decision(assessment, "magnesium") not in suggested
    if "potassium" in high:
        assert _decision(assessment, "potassium") not in suggested
    vitamin_d = _counted(assessment, "vitamin_d_25oh")
    if vitamin_d is not None and vitamin_d > 50:
        assert _decision(assessment, "vitamin_d") not in suggested


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_invariants_hold_for_any_valid_case(raw: dict[str, Any]) -> None:
    """The engine never raises on a valid case, and the brief's hard stops always hold."""
    check_invariants(assess(parse_case(raw, KB), KB))


@settings(max_examples=max(EXAMPLES // 4, 50), deadline=None)
@given(cases(), st.floats(0, 2000, allow_nan=False), st.floats(0, 1, allow_nan=False))
def test_lower_ferritin_never_weakens_the_iron_decision(
    raw: dict[str, Any], ferritin: float, fraction: float
) -> None:
    """With everything else equal, a lower ferritin never gives a weaker iron decision."""
    raw["labs"] = [lab for lab in raw["labs"] if lab["analyte"] != "ferritin"]
    higher = dict(
        raw, labs=[*raw["labs"], {"analyte": "ferritin", "value": ferritin, "unit": "ng/mL"}]
    )
    lower = dict(
        raw,
        labs=[*raw["labs"], {"analyte": "ferritin", "value": ferritin * fraction, "unit": "ng/mL"}],
    )
    strong = _decision(assess(parse_case(higher, KB), KB), "iron")
    weak = _decision(assess(parse_case(lower, KB), KB), "iron")
    assert STRENGTH[weak] >= STRENGTH[strong], (ferritin, ferritin * fraction, strong, weak)
