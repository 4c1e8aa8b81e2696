"""Checks that the reference-range flag and every lab rule agree where they meet.

Potassium 5.0 mmol/L must be high for both the flag and the hyperkalemia rule, or for
neither (brief 13.4): a rule whose limit equals a range bound must use the comparison that
the flag uses there. Plausibility limits must be two-sided, or an impossible value passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rlsdesk.knowledge.schema import Analyte, Range, Trigger
from rlsdesk.knowledge.thresholds import to_counted

if TYPE_CHECKING:
    from rlsdesk.knowledge.loader import KnowledgeBase

# A lab comparison as (analyte, comparison, value, unit).
LabComparison = tuple[str, str, float, str]


def _limit(analyte: Analyte, value: float, unit: str) -> float:
    return to_counted(analyte, value, unit)


def _ranges(analyte: Analyte) -> Iterator[Range]:
    for bounds in (
        analyte.reference_range,
        analyte.reference_range_female,
        analyte.reference_range_male,
    ):
        if bounds is not None:
            yield bounds


def _trigger_comparisons(trigger: Trigger | None) -> Iterator[LabComparison]:
    if trigger is None or trigger.lab is None:
        return
    unit = trigger.unit or ""
    for value, comparison in (
        (trigger.at_least, ">="),
        (trigger.above, ">"),
        (trigger.below, "<"),
    ):
        if value is not None:
            yield trigger.lab, comparison, value, unit


def _comparisons(kb: KnowledgeBase) -> Iterator[tuple[str, LabComparison]]:
    for key, threshold in kb.thresholds.items():
        if threshold.analyte is not None:
            compared: LabComparison = (
                threshold.analyte,
                threshold.comparison,
                threshold.value,
                threshold.unit,
            )
            yield f"rules.toml: threshold.{key}", compared
    owners = (
        *((f"safety.toml: contraindication {c.id}", c.when) for c in kb.contraindications),
        *((f"safety.toml: lab_alert {a.id}", a.when) for a in kb.lab_alerts),
        *((f"guidance.toml: test_rule {t.id}", t.when) for t in kb.test_rules),
        *(
            (f"guidance.toml: {g.id}", g.when)
            for g in (*kb.lifestyle, *kb.red_flags, *kb.monitoring)
        ),
    )
    for owner, trigger in owners:
        for comparison in _trigger_comparisons(trigger):
            yield owner, comparison


def _disagreement(analyte: Analyte, comparison: LabComparison) -> str | None:
    analyte_id, symbol, value, unit = comparison
    unit = unit or analyte.canonical_unit
    if unit not in analyte.units:
        return None  # a wrong unit is reported by the cross-reference check
    limit = _limit(analyte, value, unit)
    for bounds in _ranges(analyte):
        if bounds.high is not None and limit == _limit(analyte, bounds.high, bounds.unit):
            flag_symbol = ">=" if bounds.high_exclusive else ">"
            if symbol in (">", ">=") and symbol != flag_symbol:
                return (
                    f"{analyte_id} {symbol} {value:g} {unit} meets the upper reference limit, "
                    f"where the flag is 'high' for {flag_symbol} {bounds.high:g} {bounds.unit}"
                )
        at_low = bounds.low is not None and limit == _limit(analyte, bounds.low, bounds.unit)
        if at_low and symbol == "<=":
            assert bounds.low is not None
            return (
                f"{analyte_id} {symbol} {value:g} {unit} meets the lower reference limit, "
                f"where the flag is 'low' for < {bounds.low:g} {bounds.unit}"
            )
    return None


def boundary_problems(kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    for analyte_id, analyte in kb.analytes.items():
        if analyte.plausible.low is None or analyte.plausible.high is None:
            problems.append(
                f"analytes.toml: analyte.{analyte_id}: the plausible range needs both bounds"
            )
    for owner, comparison in _comparisons(kb):
        compared = kb.analytes.get(comparison[0])
        if compared is None:
            continue  # reported by the cross-reference check
        disagreement = _disagreement(compared, comparison)
        if disagreement:
            problems.append(f"{owner}: {disagreement}")
    return problems
