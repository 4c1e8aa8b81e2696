"""Dose units: an amount of an agent in any unit, expressed in another (brief 13.2)."""

from __future__ import annotations

from rlsdesk.knowledge.doses_schema import MASS_MG, DoseFile


def convert(
    doses: DoseFile, agent: str, amount: float, unit: str, text: str, to: str | None = None
) -> float | None:
    """``amount`` ``unit`` of ``agent`` in ``to`` (default: the agent's counting unit), or None
    when no conversion links them. ``text`` picks a form's factor (synthetic vitamin E)."""
    target = to or doses.agent_unit[agent]
    forms = tuple(
        bool(c.form_words) and any(w in text for w in c.form_words)
        for c in doses.conversion
        if c.agent == agent
    )
    key = (id(doses), agent, target, forms)
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not doses:
        cached = (doses, _factors(doses, agent, text, target))
        _CACHE[key] = cached
    factors = cached[1]
    return None if unit not in factors else amount * factors[unit]


# (doses, agent, target unit, which forms the text names) -> factors; the data is immutable.
_CACHE: dict[tuple[int, str, str, tuple[bool, ...]], tuple[DoseFile, dict[str, float]]] = {}


def _factors(doses: DoseFile, agent: str, text: str, target: str) -> dict[str, float]:
    """unit -> how many ``target`` one unit is, walking mass units and the agent's conversions."""
    edges: dict[str, dict[str, float]] = {u: {} for u in (*MASS_MG, "IU", "mmol", "mEq")}
    for small, small_mg in MASS_MG.items():
        for big, big_mg in MASS_MG.items():
            edges[small][big] = small_mg / big_mg
    chosen: dict[str, tuple[str, float]] = {}
    for conversion in doses.conversion:
        if conversion.agent != agent:
            continue
        if conversion.form_words and not any(w in text for w in conversion.form_words):
            continue
        if conversion.unit in chosen and not conversion.form_words:
            continue  # a form named in the text wins over the unknown-form factor
        chosen[conversion.unit] = (conversion.to, conversion.factor)
    for unit, (to, factor) in chosen.items():
        edges[unit][to] = factor
        edges[to][unit] = 1 / factor
    found = {target: 1.0}
    pending = [target]
    while pending:
        current = pending.pop()
        for unit, per_unit in edges.items():
            if current in per_unit and unit not in found:
                found[unit] = per_unit[current] * found[current]
                pending.append(unit)
    return found


def number_text(value: float) -> str:
    """'4,000', '241.2', '0.5': thousands separated, at most one decimal unless smaller."""
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 10:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:,.3g}"
