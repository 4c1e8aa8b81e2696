"""Threshold display text, derived from the comparison, value and unit.

A threshold's words are never written by hand: "magnesium < 0.75 mmol/L (1.82 mg/dL)" comes
from ``comparison = "<"``, ``value = 0.75``, ``unit = "mmol/L"`` and the analyte's factors, so
the text cannot name another number than the one the engine compares with.
"""

from __future__ import annotations

from decimal import Decimal

from rlsdesk.knowledge.schema import COMPARISON_SYMBOLS, Analyte, Threshold


def quantity(value: float, unit: str) -> str:
    """'20%', '0.75 mmol/L', '65 years'."""
    return f"{value:g}%" if unit == "%" else f"{value:g} {unit}"


def _written_decimals(value: float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def counted_decimals(analyte: Analyte, value: float, unit: str) -> int:
    """How many decimals a value keeps in the canonical unit: as written when it is written in
    that unit (ferritin 75.4 ng/mL stays 75.4), one more than the analyte shows when it is
    converted (0.74 mmol/L magnesium is 1.799 mg/dL, clearly below 1.823)."""
    if unit == analyte.canonical_unit:
        return min(max(analyte.decimals, _written_decimals(value)), 6)
    return analyte.decimals + 1


def to_counted(analyte: Analyte, value: float, unit: str) -> float:
    """The one rounding of a value in the canonical unit, for results and limits alike: the
    number shown is the number compared."""
    return round(value / analyte.units[unit], counted_decimals(analyte, value, unit))


def canonical_limit(threshold: Threshold, analyte: Analyte) -> float:
    return to_counted(analyte, threshold.value, threshold.unit)


def _equivalent(threshold: Threshold, analyte: Analyte) -> str | None:
    """The same limit in the other unit a clinician reads: canonical, or else SI."""
    canonical = analyte.canonical_unit
    if threshold.unit != canonical:
        decimals = counted_decimals(analyte, threshold.value, threshold.unit)
        return f"{canonical_limit(threshold, analyte):.{decimals}f} {canonical}"
    if analyte.units[analyte.si_unit] != 1:  # ng/mL and µg/L are the same number
        converted = threshold.value * analyte.units[analyte.si_unit]
        return f"{converted:.4g} {analyte.si_unit}"
    return None


def threshold_text(threshold: Threshold, analytes: dict[str, Analyte]) -> str:
    analyte = analytes.get(threshold.analyte or "")
    subject = threshold.subject or (analyte.label.lower() if analyte else "value")
    text = f"{subject} {COMPARISON_SYMBOLS[threshold.comparison]} "
    text += quantity(threshold.value, threshold.unit)
    equivalent = _equivalent(threshold, analyte) if analyte else None
    if equivalent:
        text += f" ({equivalent})"
    if threshold.qualifier:
        text += f" {threshold.qualifier}"
    return text


def with_derived_texts(
    thresholds: dict[str, Threshold], analytes: dict[str, Analyte]
) -> tuple[dict[str, Threshold], list[str]]:
    """Every threshold with its derived text, and the problems: a hand-written text that says
    something else, or a qualifier carrying a number of its own."""
    problems: list[str] = []
    derived: dict[str, Threshold] = {}
    for key, threshold in thresholds.items():
        owner = f"rules.toml: threshold.{key}"
        if threshold.analyte is not None and threshold.analyte not in analytes:
            derived[key] = threshold
            continue  # reported as an unknown analyte by the cross-reference check
        if (
            threshold.analyte is not None
            and threshold.unit not in analytes[threshold.analyte].units
        ):
            derived[key] = threshold
            continue  # reported as a wrong unit by the cross-reference check
        text = threshold_text(threshold, analytes)
        if threshold.text and threshold.text != text:
            problems.append(
                f"{owner}: text {threshold.text!r} differs from the threshold it describes "
                f"({text!r}); leave 'text' out, it is derived"
            )
        if threshold.qualifier and any(char.isdigit() for char in threshold.qualifier):
            problems.append(f"{owner}: qualifier {threshold.qualifier!r} may not hold a number")
        derived[key] = threshold.model_copy(update={"text": text})
    return derived, problems
