"""IV iron label dosing for this patient's weight (brief 1.4), written from the knowledge base.

The regimens, weight bands and amounts live in ``rules.toml`` ([iv_dose.*]); this module only
chooses the bands that fit the weight and does the arithmetic, so the dose shown is the label's.
"""

from __future__ import annotations

import math

from rlsdesk.domain.assessment import Basis
from rlsdesk.domain.engine.facts import Facts, trigger_basis
from rlsdesk.knowledge.schema import IvDose, IvDoseOption, Rule


def iv_dose_text(facts: Facts, rule: Rule) -> tuple[str, list[Basis]]:
    """The label regimens of the rule's IV iron products that fit this patient, and the
    weight they used (or a note that the weight is needed to choose)."""
    weight = facts.case.patient.weight_kg
    texts: list[str] = []
    needs_weight = False
    for key in rule.iv_doses:
        scheme = facts.kb.iv_doses[key]
        if scheme.when is not None and trigger_basis(scheme.when, facts) is None:
            continue
        texts.append(_scheme_text(scheme, weight))
        needs_weight |= any(_weight_matters(option) for option in scheme.options)
    if not needs_weight:
        return " ".join(texts), []
    if weight is None:
        texts.append("Enter the patient's weight to choose the dose.")
        return " ".join(texts), [Basis(input="weight", entered="not entered")]
    return " ".join(texts), [Basis(input="weight", entered=f"{weight:g} kg (used for the dose)")]


def _weight_matters(option: IvDoseOption) -> bool:
    banded = option.weight_at_least_kg is not None or option.weight_below_kg is not None
    return banded or option.mg_per_kg is not None


def _fits(option: IvDoseOption, weight: float) -> bool:
    low, below = option.weight_at_least_kg, option.weight_below_kg
    return (low is None or weight >= low) and (below is None or weight < below)


def _band(option: IvDoseOption) -> str:
    low, below = option.weight_at_least_kg, option.weight_below_kg
    if low is not None and below is not None:
        return f"{low:g} to < {below:g} kg"
    if low is not None:
        return f"≥ {low:g} kg"
    return f"< {below:g} kg" if below is not None else ""


def _scheme_text(scheme: IvDose, weight: float | None) -> str:
    head = f"{scheme.product} label, {scheme.population}:"
    if not scheme.options:
        return f"{head} {scheme.note or ''}".strip()
    if not any(_weight_matters(option) for option in scheme.options):
        body = ", or ".join(_option_text(o, None) for o in scheme.options)
    elif weight is not None:
        chosen = [o for o in scheme.options if _fits(o, weight)]
        body = f"for {weight:g} kg, " + ", or ".join(_option_text(o, weight) for o in chosen)
    else:
        bands: dict[str, list[str]] = {}
        for option in scheme.options:
            bands.setdefault(_band(option), []).append(_option_text(option, None))
        body = "; ".join(
            (f"{band}: " if band else "") + ", or ".join(items) for band, items in bands.items()
        )
    if scheme.infuse_min_at_least is not None:
        body += f"; infuse over at least {scheme.infuse_min_at_least:g} min"
    text = f"{head} {body}."
    return f"{text} {scheme.note}" if scheme.note else text


def _mg(value: float) -> str:
    return f"{value:,.0f} mg"


def _option_text(option: IvDoseOption, weight: float | None) -> str:
    cap = option.max_mg_per_dose
    if option.mg_per_dose is not None:
        per_dose: float | None = option.mg_per_dose
        amount = _mg(option.mg_per_dose)
    else:
        assert option.mg_per_kg is not None  # the schema requires one of the two
        rule = f"{option.mg_per_kg:g} mg/kg" + (f" up to {_mg(cap)}" if cap is not None else "")
        if weight is None:
            per_dose, amount = None, rule
        else:
            # Whole milligrams, rounded down: the dose shown never exceeds the label's.
            per_dose = float(math.floor(round(option.mg_per_kg * weight, 6)))
            if cap is not None:
                per_dose = min(per_dose, cap)
            amount = f"{_mg(per_dose)} ({rule})"
    if option.doses == 1:
        return f"{amount} as a single dose"
    text = f"{amount} × {option.doses} doses"
    if option.days_apart_at_least is not None:
        text += f" at least {option.days_apart_at_least:g} days apart"
    if per_dose is not None:
        text += f" ({_mg(per_dose * option.doses)} per course)"
    return text
