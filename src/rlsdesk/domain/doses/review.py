"""Each agent's daily amount across all products, against the daily limits of brief 13.3.

Every supplement row (and every medication row that contains an agent) gets a DoseCheck; a dose
that cannot be read says "dose not checked" with the reason, never nothing. An agent above a
limit gets one alert, ``dose:<agent>``, graded as 13.3 says and at most moderate when it rests
on the larger reading of an ambiguous text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rlsdesk.domain.assessment import SEVERITY_ORDER, Alert, Basis, DoseCheck, MedicationResult
from rlsdesk.domain.case import Case, MedicationEntry
from rlsdesk.domain.doses.amounts import RowDose, RowUnread, read_row
from rlsdesk.domain.doses.units import convert, number_text
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.doses_schema import Limit
from rlsdesk.knowledge.schema import Severity, Trigger

# The inputs that make a trigger hold for this patient, or None (the engine's trigger_basis).
Holds = Callable[[Trigger], list[Basis] | None]
NOT_CHECKED = "dose not checked"
AMBIGUOUS_CAP: Severity = "moderate"


@dataclass(frozen=True)
class DoseReview:
    medications: list[MedicationResult]  # the rows with dose_check filled
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class _Patient:
    kb: KnowledgeBase
    age: int
    holds: Holds
    measured: frozenset[str]
    recommended: frozenset[str]


def review_doses(
    case: Case,
    kb: KnowledgeBase,
    medications: list[MedicationResult],
    holds: Holds,
    measured: frozenset[str],
    recommended: frozenset[str],
) -> DoseReview:
    """Check every row's dose; ``recommended``: agents this assessment recommends or considers."""
    patient = _Patient(kb, case.patient.age_years, holds, measured, recommended)
    entries = [*case.medications, *case.supplements]
    rows: dict[int, RowDose | RowUnread] = {}
    checks: dict[int, DoseCheck] = {}
    for index, (entry, result) in enumerate(zip(entries, medications, strict=True)):
        agents = _agents(result, kb)
        if len(agents) == 1:
            rows[index] = read_row(entry, agents[0], kb)
        elif result.kind == "supplement" or agents:
            checks[index] = _unchecked(_why_no_agent(result, agents, kb))
    alerts: list[Alert] = []
    for agent in dict.fromkeys(row.agent for row in rows.values() if row.agent):
        mine = {i: row for i, row in rows.items() if row.agent == agent}
        found, alert = _check_agent(agent, mine, entries, patient)
        checks.update(found)
        if alert is not None:
            alerts.append(alert)
    checked = [
        result.model_copy(update={"dose_check": checks[i]}) if i in checks else result
        for i, result in enumerate(medications)
    ]
    return DoseReview(checked, alerts)


def _agents(result: MedicationResult, kb: KnowledgeBase) -> list[str]:
    if result.agent is not None:
        return [result.agent]
    if result.resolved in kb.agents and not result.ingredients:
        return [result.resolved]
    return sorted({a for name in result.ingredients if (a := kb.drugs[name].agent)})


def _why_no_agent(result: MedicationResult, agents: list[str], kb: KnowledgeBase) -> str:
    if result.resolved is None:
        return f"{NOT_CHECKED}: the name was not recognised"
    if agents:
        names = " and ".join(
            kb.agents[a].label[:1].lower() + kb.agents[a].label[1:] for a in agents
        )
        return f"{NOT_CHECKED}: a combined product ({names}); enter each ingredient with its amount"
    return f"{NOT_CHECKED}: the knowledge base has no daily limit for this product"


def _unchecked(reason: str, agent: str | None = None, row: RowDose | None = None) -> DoseCheck:
    return DoseCheck(
        status="not_checked",
        agent=agent,
        daily_amount=None if row is None else _rounded(row.daily),
        unit=None if row is None else row.unit,
        reading=None if row is None else row.reading,
        reason=reason,
    )


def _check_agent(
    agent: str,
    rows: dict[int, RowDose | RowUnread],
    entries: list[MedicationEntry],
    patient: _Patient,
) -> tuple[dict[int, DoseCheck], Alert | None]:
    kb = patient.kb
    label = kb.agents[agent].label
    read = {i: r for i, r in rows.items() if isinstance(r, RowDose)}
    unread = {i: r for i, r in rows.items() if isinstance(r, RowUnread)}
    checks = {i: _unchecked(f"{NOT_CHECKED}: {r.reason}", agent) for i, r in unread.items()}
    total = _rounded(sum(r.daily for r in read.values()))
    unit = kb.doses.agent_unit[agent]
    text = " ".join(r.text for r in read.values())
    limits = _limits_of(kb, agent)
    applicable = [
        lim
        for lim in limits
        if lim.applies_to_age(patient.age)
        and (lim.applies_when is None or patient.holds(lim.applies_when) is not None)
    ]
    if not applicable:
        no_limit = kb.doses.no_limit.get(agent)
        reason = (
            no_limit.reason
            if no_limit
            else f"no daily limit for age {patient.age} (limits are for adults)"
        )
        checks |= {i: _unchecked(f"{NOT_CHECKED}: {reason}", agent, r) for i, r in read.items()}
        return checks, None
    exceeded = [lim for lim in applicable if _exceeds(kb, lim, total, text)]
    if not read:
        return checks, None
    if not exceeded:
        strictest = min(applicable, key=lambda lim: _limit_in(kb, lim, text))
        if unread:
            names = ", ".join(f"'{entries[i].name}'" for i in unread)
            reason = (
                f"{NOT_CHECKED}: the dose of {names} could not be read, so the total is unknown"
            )
            checks |= {i: _unchecked(reason, agent, r) for i, r in read.items()}
            return checks, None
        for index, row in read.items():
            checks[index] = _check("within_limit", row, total, strictest, len(read) > 1)
        return checks, None
    severity, chosen, extra = _graded(exceeded, patient)
    ambiguous = any(r.ambiguous for r in read.values())
    if ambiguous:
        severity = _milder(severity, AMBIGUOUS_CAP)
    exempt = chosen.exempt_when_recommended and agent in patient.recommended
    for index, row in read.items():
        checks[index] = _check("above_limit", row, total, chosen, len(read) > 1, exempt)
    if exempt:
        return checks, None
    return checks, _alert(agent, label, total, unit, chosen, severity, extra, read, ambiguous)


@dataclass(frozen=True)
class _Note:
    """A modifier that holds: its words, the inputs that make it hold, its references."""

    text: str
    basis: list[Basis]
    references: tuple[str, ...]


def _graded(exceeded: list[Limit], patient: _Patient) -> tuple[Severity, Limit, list[_Note]]:
    """The most severe exceeded limit after its modifiers, and the modifiers that hold."""
    best: tuple[Severity, Limit, list[_Note]] | None = None
    for limit in exceeded:
        severity = limit.severity
        notes: list[_Note] = []
        for modifier in limit.modifiers:
            if modifier.unmeasured is not None:
                if modifier.unmeasured in patient.measured:
                    continue
                label = patient.kb.analytes[modifier.unmeasured].label
                basis = [Basis(input=label, entered="not measured")]
            else:
                assert modifier.when is not None
                found = patient.holds(modifier.when)
                if found is None:
                    continue
                basis = found
            notes.append(_Note(modifier.note, basis, modifier.references))
            if modifier.severity is not None:
                severity = _more_severe(severity, modifier.severity)
        if best is None or SEVERITY_ORDER.index(severity) < SEVERITY_ORDER.index(best[0]):
            best = (severity, limit, notes)
    assert best is not None
    return best


def _more_severe(a: Severity, b: Severity) -> Severity:
    return a if SEVERITY_ORDER.index(a) <= SEVERITY_ORDER.index(b) else b


def _milder(a: Severity, b: Severity) -> Severity:
    return a if SEVERITY_ORDER.index(a) >= SEVERITY_ORDER.index(b) else b


# (doses, agent) -> its limits; the knowledge base is immutable.
_LIMITS: dict[tuple[int, str], tuple[object, tuple[Limit, ...]]] = {}


def _limits_of(kb: KnowledgeBase, agent: str) -> tuple[Limit, ...]:
    cached = _LIMITS.get((id(kb.doses), agent))
    if cached is None or cached[0] is not kb.doses:
        cached = (kb.doses, tuple(lim for lim in kb.doses.limit if lim.agent == agent))
        _LIMITS[(id(kb.doses), agent)] = cached
    return cached[1]


def _limit_in(kb: KnowledgeBase, limit: Limit, text: str) -> float:
    """The limit's value in the agent's counting unit (the form named in ``text`` decides
    the vitamin E factor)."""
    if limit.unit == kb.doses.agent_unit[limit.agent]:
        return limit.value
    value = convert(kb.doses, limit.agent, limit.value, limit.unit, text)
    assert value is not None, f"doses.toml: limit {limit.id} unit (checked when loading)"
    return _rounded(value)


def _exceeds(kb: KnowledgeBase, limit: Limit, total: float, text: str) -> bool:
    return limit.exceeded_by(total, _limit_in(kb, limit, text))


def limit_text(limit: Limit) -> str:
    """'UL: more than 350 mg/day', or '... : 400 IU/day or more' for an at-least limit."""
    amount = f"{number_text(limit.value)} {limit.unit}/day"
    return f"{limit.name}: " + (
        f"more than {amount}" if limit.comparison == ">" else f"{amount} or more"
    )


def _check(
    status: str, row: RowDose, total: float, limit: Limit, several: bool, exempt: bool = False
) -> DoseCheck:
    reading = row.reading
    if several:
        reading += f"; all products together: {number_text(total)} {row.unit}/day"
    shown = limit_text(limit)
    if exempt:
        shown += " (not applied: this assessment treats a documented deficiency with it)"
    return DoseCheck(
        status=status,  # type: ignore[arg-type]
        agent=row.agent,
        daily_amount=_rounded(row.daily),
        unit=row.unit,
        reading=reading,
        limit=shown,
    )


def _alert(
    agent: str,
    label: str,
    total: float,
    unit: str,
    limit: Limit,
    severity: Severity,
    notes: list[_Note],
    rows: dict[int, RowDose],
    ambiguous: bool,
) -> Alert:
    message = (
        f"{label} {number_text(total)} {unit}/day exceeds the daily limit "
        f"({limit_text(limit)}; risk: {limit.protects})."
    )
    management = [limit.management, *(note.text for note in notes)]
    if ambiguous:
        management.append(
            "The dose text leaves the amount open; the larger reading was used. "
            "Confirm the dose (elemental amount, strength and frequency)."
        )
    basis = [
        Basis(input="dose", entered=row.typed, canonical=row.reading, threshold=limit_text(limit))
        for row in rows.values()
    ]
    basis += [item for note in notes for item in note.basis]
    references = list(dict.fromkeys((*limit.references, *(r for n in notes for r in n.references))))
    return Alert(
        code=f"dose:{agent}",
        severity=severity,
        kind="contraindication",
        agents=[agent],
        drugs=[],
        message=message,
        management=" ".join(management),
        references=references,
        evidence=limit.evidence,
        basis=basis,
        applies_to="taking",
    )


def _rounded(value: float) -> float:
    # Float noise (349.99999999 for 350) must not decide a comparison at the limit.
    return float(f"{value:.9g}")
