"""Dose-checking invariants over generated doses (hypothesis): every dose above a limit alerts,
and an unreadable dose is never silent."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run
from rlsdesk.domain.doses.units import convert
from rlsdesk.knowledge import KnowledgeBase, load_knowledge_base

KB = load_knowledge_base()
# Agent words typed as the agent itself (amounts elemental), with a limit for a 45-year-old.
LIMITED = sorted(
    {lim.agent for lim in KB.doses.limit if lim.applies_when is None and lim.applies_to_age(45)}
)
UNITS = ("mg", "g", "µg", "IU", "mmol", "mEq")


def _limit_in_agent_unit(kb: KnowledgeBase, agent: str) -> float | None:
    values = [
        convert(kb.doses, agent, lim.value, lim.unit, "")
        for lim in kb.doses.limit
        if lim.agent == agent and lim.applies_when is None and lim.applies_to_age(45)
    ]
    found = [v for v in values if v is not None]
    return min(found) if found else None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    agent=st.sampled_from(LIMITED),
    amount=st.floats(min_value=0.001, max_value=100_000, allow_nan=False),
    unit=st.sampled_from(UNITS),
    frequency=st.sampled_from(sorted(KB.doses.frequency.keys() - {"monthly"})),
)
def test_every_structured_dose_above_a_limit_alerts(
    agent: str, amount: float, unit: str, frequency: str
) -> None:
    """A structured dose whose daily amount exceeds an adult limit always gives a dose alert."""
    entry: dict[str, Any] = {
        "name": agent.replace("_", " "),
        "dose_detail": {"amount": amount, "unit": unit, "frequency": frequency},
    }
    assessment = run(KB, supplements=[entry])
    check = assessment.medications[0].dose_check
    assert check is not None
    per_unit = convert(KB.doses, agent, amount, unit, "")
    if per_unit is None:
        assert check.status == "not_checked"
        assert check.reason
        return
    daily = per_unit * KB.doses.frequency[frequency].per_day
    limit = _limit_in_agent_unit(KB, agent)
    assert limit is not None
    alerted = any(a.code == f"dose:{agent}" for a in assessment.alerts)
    exempt = check.limit is not None and "not applied" in check.limit
    if daily > limit * (1 + 1e-6):
        assert check.status == "above_limit"
        assert alerted or exempt
    elif daily < limit * (1 - 1e-6):
        assert check.status == "within_limit"
        assert not alerted


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(
        [
            "magnesium oxide",
            "vitamin d",
            "folic acid",
            "zinc",
            "melatonin",
            "Mag-Ox 400",
            "ferrous sulfate",
            "unknownium",
        ]
    ),
    dose=st.one_of(st.none(), st.text(max_size=40)),
)
def test_an_unreadable_dose_is_never_silent(name: str, dose: str | None) -> None:
    """Any supplement dose text yields a dose check; one not checked always says why."""
    entry: dict[str, Any] = {"name": name}
    if dose is not None and dose.strip() and dose.isprintable():
        entry["dose"] = dose
    assessment = run(KB, supplements=[entry])
    check = assessment.medications[0].dose_check
    assert check is not None
    if check.status == "not_checked":
        assert check.reason is not None
        assert check.reason.startswith("dose not checked")
    else:
        assert check.daily_amount is not None
        assert check.reading
        assert check.limit
