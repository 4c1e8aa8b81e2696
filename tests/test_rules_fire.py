"""Every safety rule in the knowledge base fires, parametrized over the knowledge base itself.

Cases are built from each rule's own trigger, so a new rule is tested the moment it is added.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import decision, make_case
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.tiers import graded_severity
from rlsdesk.domain.units import to_canonical
from rlsdesk.knowledge import load_knowledge_base
from rlsdesk.knowledge.schema import Trigger

KB = load_knowledge_base()
POLICY = KB.schedule.alert_policy  # [U] rules are graded down (schedule.toml)
NAMED = {(agent, d) for r in KB.interactions for agent in r.agents for d in r.drugs}


def representative(classes: tuple[str, ...], agent: str | None = None) -> str:
    """A non-supplement drug of one of the classes that no more specific rule claims."""
    for name, drug in sorted(KB.drugs.items()):
        in_class = drug.agent is None and set(classes) & KB.classes_of(name)
        if in_class and (agent is None or (agent, name) not in NAMED):
            return name
    raise AssertionError(f"no drug in classes {classes}")


def supplement_name(agent: str) -> str:
    return agent.replace("_", " ")


def case_for(trigger: Trigger) -> dict[str, Any]:
    case = make_case()
    if trigger.presentation:
        case["presentation"][trigger.presentation] = True
    conditions = [c for c in [trigger.condition, *trigger.any_condition[:1]] if c]
    if trigger.finding == "iron_overload":
        # Overload found from a TSAT of 45% or more (a known disorder has its own alert).
        case["labs"].append({"analyte": "tsat", "value": 50, "unit": "%"})
    if trigger.finding == "inflammation":
        conditions.append("active_infection_or_inflammation")
    if trigger.finding == "ckd":
        case["kidney"]["egfr"] = 45
    case["conditions"] = sorted(set(conditions))
    if trigger.lab:
        analyte = KB.analytes[trigger.lab]
        unit = trigger.unit or analyte.canonical_unit
        if trigger.lab_flag:
            bounds = analyte.reference_range or analyte.reference_range_female
            assert bounds is not None
            edge = bounds.high if trigger.lab_flag == "high" else bounds.low
            assert edge is not None
            value = edge * (1.1 if trigger.lab_flag == "high" else 0.9)
            unit = bounds.unit
        elif trigger.at_least is not None:
            value = trigger.at_least
        elif trigger.above is not None:
            value = trigger.above * 1.05 + 0.01
        else:
            assert trigger.below is not None
            value = trigger.below * 0.9
        case["labs"].append({"analyte": trigger.lab, "value": round(value, 3), "unit": unit})
    if trigger.egfr_at_least is not None:
        case["kidney"]["egfr"] = trigger.egfr_at_least
    elif trigger.egfr_below is not None:
        case["kidney"]["egfr"] = trigger.egfr_below - 1
    if trigger.dialysis:
        case["kidney"]["dialysis"] = "hemodialysis"
    if trigger.pregnancy:
        case["pregnancy"] = {"status": trigger.pregnancy}
        if trigger.pregnancy == "pregnant":
            case["pregnancy"]["trimester"] = trigger.trimester or 2
    if trigger.age_below is not None:
        case["patient"]["age_years"] = max(int(trigger.age_below) - 1, 0)
    if trigger.age_at_least is not None:
        case["patient"]["age_years"] = int(trigger.age_at_least)
    if trigger.drugs:
        case["medications"].append({"name": trigger.drugs[0]})
    elif trigger.classes:
        case["medications"].append({"name": representative(trigger.classes)})
    if trigger.taking:
        case["supplements"].append({"name": supplement_name(trigger.taking[0])})
    if trigger.sex:
        case["patient"]["sex"] = trigger.sex
    if trigger.dialysis_in:
        case["kidney"]["dialysis"] = trigger.dialysis_in[0]
    return case


def evaluate(case: dict[str, Any]) -> Any:
    return assess(parse_case(case, KB), KB)


@pytest.mark.parametrize("rule", KB.contraindications, ids=lambda r: r.id)
def test_contraindication_fires(rule: Any) -> None:
    """The contraindication alerts for an agent the patient takes, and weakens its decision."""
    case = case_for(rule.when)
    case["supplements"].append({"name": supplement_name(rule.agent)})
    result = evaluate(case)
    fired = [a for a in result.alerts if a.code == rule.id]
    assert fired, [a.code for a in result.alerts]
    assert fired[0].severity == graded_severity(rule.severity, rule.evidence, POLICY)
    assert fired[0].references
    assert fired[0].basis
    made = decision(result, rule.agent)
    if rule.effect == "avoid":
        assert made.decision == "avoid"
    else:
        assert made.decision not in ("recommend", "consider")


@pytest.mark.parametrize("rule", KB.interactions, ids=lambda r: r.id)
def test_interaction_fires(rule: Any) -> None:
    """Each interaction alerts when the supplement and the drug (or both supplements) are taken."""
    case = make_case(supplements=[{"name": supplement_name(a)} for a in rule.agents])
    if len(rule.agents) == 2:
        expected = rule.id
    else:
        drug = rule.drugs[0] if rule.drugs else representative(rule.classes, rule.agents[0])
        case["medications"].append({"name": drug})
        case["medications"] += [{"name": name} for name in rule.with_drugs]
        expected = f"{rule.id}:{drug}"
    result = evaluate(case)
    fired = [a for a in result.alerts if a.code == expected]
    assert fired, [a.code for a in result.alerts]
    alert = fired[0]
    assert alert.kind == "interaction"
    assert alert.severity == graded_severity(rule.severity, rule.evidence, POLICY)
    assert set(rule.agents) <= set(alert.agents)
    if rule.separation is not None:
        assert " h " in alert.management or " min " in alert.management or " h." in alert.management
    # The supplements are taken: the rule's taking_effect (K2 on warfarin: keep steady,
    # never stop) replaces its effect when it has one.
    if (rule.taking_effect or rule.effect) == "avoid":
        assert all(decision(result, a).decision == "avoid" for a in rule.agents)
    elif rule.taking_effect is not None:
        assert all(decision(result, a).action != "stop" for a in rule.agents)


def test_interaction_also_checked_for_recommended_supplements() -> None:
    """A supplement the engine recommends is checked against the medications too."""
    case = make_case(
        labs=[{"analyte": "magnesium", "value": 0.6, "unit": "mmol/L"}],
        medications=[{"name": "Cipro"}],
    )
    result = evaluate(case)
    assert any(a.code == "magnesium.ciprofloxacin:ciprofloxacin" for a in result.alerts)
    made = decision(result, "magnesium")
    assert made.timing == ["Take ciprofloxacin at least 2 h before or 6 h after magnesium."]


def test_unless_drug_suppresses_the_interaction() -> None:
    """Vitamin B6 with carbidopa-levodopa is fine; with levodopa alone it is avoided."""
    alone = evaluate(
        make_case(medications=[{"name": "levodopa"}], supplements=[{"name": "vitamin B6"}])
    )
    combined = evaluate(
        make_case(medications=[{"name": "Sinemet"}], supplements=[{"name": "vitamin B6"}])
    )
    assert decision(alone, "vitamin_b6").decision == "avoid"
    assert not [a for a in combined.alerts if a.code.startswith("vitamin_b6.levodopa_alone")]


@pytest.mark.parametrize("rule", KB.medication_alerts, ids=lambda r: r.id)
def test_medication_alert_fires(rule: Any) -> None:
    """Each aggravating, cramp-associated or hazardous medication is flagged with alternatives."""
    drug = rule.drugs[0] if rule.drugs else representative(rule.classes)
    case = make_case(medications=[{"name": drug}])
    if rule.requires != "any":
        case["presentation"][rule.requires] = True
    result = evaluate(case)
    fired = [a for a in result.alerts if a.code == f"{rule.id}:{drug}"]
    assert fired
    assert fired[0].kind == rule.kind
    assert fired[0].drugs == [drug]
    assert fired[0].management == rule.alternatives
    if rule.requires != "any":
        case["presentation"][rule.requires] = False
        assert not [a for a in evaluate(case).alerts if a.code == f"{rule.id}:{drug}"]


@pytest.mark.parametrize("rule", KB.lab_alerts, ids=lambda r: r.id)
def test_lab_alert_fires(rule: Any) -> None:
    """Each lab alert fires on its own trigger, whatever is decided about supplements."""
    result = evaluate(case_for(rule.when))
    assert [a for a in result.alerts if a.code == rule.id and a.kind == "lab"]


@pytest.mark.parametrize("rule", KB.test_rules, ids=lambda r: r.id)
def test_test_rule_orders_missing_analytes(rule: Any) -> None:
    """Each test rule orders its analytes when they are missing, and not when present."""
    case = case_for(rule.when)
    case["supplements"] += [{"name": supplement_name(agent)} for agent in rule.agents[:1]]
    ordered = {t.analyte for t in evaluate(case).tests_to_order}
    assert set(rule.analytes) <= ordered
    first = rule.analytes[0]
    analyte = KB.analytes[first]
    # An analyte without a reference range (creatinine) is measured at a mid-plausible value.
    bounds = analyte.reference_range or analyte.reference_range_female or analyte.plausible
    value = bounds.low * 1.2 if bounds.low else (bounds.high or 1.0) * 0.5
    if bounds is analyte.plausible and bounds.high is not None:
        value = bounds.high / 40
    case["labs"].append({"analyte": first, "value": value, "unit": bounds.unit})
    assert first not in {t.analyte for t in evaluate(case).tests_to_order}


@pytest.mark.parametrize("key", sorted(KB.thresholds), ids=str)
def test_threshold_edges(key: str) -> None:
    """Every threshold holds or not exactly as written, at, just below and just above it."""
    threshold = KB.threshold(key)
    step = max(abs(threshold.value) * 1e-3, 1e-6)
    at, below, above = threshold.value, threshold.value - step, threshold.value + step
    expected = {
        "<": (False, True, False),
        "<=": (True, True, False),
        ">": (False, False, True),
        ">=": (True, False, True),
    }[threshold.comparison]
    assert (threshold.holds(at), threshold.holds(below), threshold.holds(above)) == expected
    if threshold.analyte:
        analyte = KB.analytes[threshold.analyte]
        for unit in analyte.units:  # the same edge in every unit of the analyte
            in_unit = threshold.value * analyte.units[unit] / analyte.units[threshold.unit]
            canonical = to_canonical(analyte, threshold.analyte, in_unit, unit)
            limit = to_canonical(analyte, threshold.analyte, threshold.value, threshold.unit)
            assert canonical == pytest.approx(limit)
