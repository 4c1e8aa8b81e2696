"""The assessment's daily schedule: what goes on the clock, when it may be taken, and the
solved times as slots (shared/case-format.md, 2026-11 extensions).

On the clock: every oral agent the patient takes or this assessment suggests (not one it
decided to avoid), and every medication one of them must be kept apart from. The separation
rules are those of the interaction alerts; the knowledge base's schedule.toml says when each
agent or drug is taken (day part, food, first thing in the day, together with another).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import get_args

from rlsdesk.domain.assessment import (
    Alert,
    Decision,
    ScheduleConflict,
    ScheduleItem,
    ScheduleSlot,
)
from rlsdesk.domain.case import MedicationEntry
from rlsdesk.domain.doses.reading import parse_dose
from rlsdesk.domain.engine.facts import Facts, trigger_basis
from rlsdesk.domain.engine.safety import ACTIVE
from rlsdesk.domain.schedule import (
    Item,
    Problem,
    Separation,
    Solution,
    candidates,
    clock_text,
    grid,
    meal_minutes,
    solve,
)
from rlsdesk.knowledge.schedule_schema import DayAnchors, FrequencyKey, Timing
from rlsdesk.knowledge.schema import DoseFrequency
from rlsdesk.knowledge.schema import Separation as KbSeparation

# A medicine whose frequency was neither entered nor read from its dose text.
UNKNOWN_FREQUENCY: FrequencyKey = "as_prescribed"


@dataclass(frozen=True)
class Entry:
    """One thing on the clock before it is placed."""

    name: str
    label: str
    frequency: FrequencyKey
    timing: Timing | None
    together_with: str | None = None  # taken at the same time as this other entry
    product: str | None = None  # the typed product it shares with that entry, if that is why


@dataclass(frozen=True)
class DayPlan:
    slots: list[ScheduleSlot]
    conflicts: list[ScheduleConflict]
    kept: frozenset[str]  # codes of the alerts whose separation the schedule keeps


def plan_day(
    facts: Facts,
    decisions: list[Decision],
    alerts: list[Alert],
    separations: dict[str, KbSeparation],
    anchors: DayAnchors | None = None,
) -> DayPlan:
    settings = facts.kb.schedule
    anchors = anchors or settings.anchors
    agents = _agents_on_clock(facts, decisions)
    rules: dict[str, Separation] = {}
    drugs: list[str] = []
    for alert in alerts:
        sep = alert.separation
        if sep is None or alert.code not in separations or sep.a not in agents:
            continue
        if sep.b not in agents and sep.b not in facts.drugs:
            continue
        if sep.b in facts.drugs and sep.b not in drugs:
            drugs.append(sep.b)
        rules[alert.code] = Separation(
            a=sep.a,
            b=sep.b,
            b_before=_minutes(sep.b_before_h),
            b_after=_minutes(sep.b_after_h),
            with_food=separations[alert.code].or_with_food,
        )
    entries = [_drug_entry(facts, d) for d in sorted(drugs)]
    entries += [
        _agent_entry(facts, a, agents[a]) for a in sorted(agents, key=lambda a: (agents[a], a))
    ]
    entries = _one_product_together(facts, entries)
    times = grid(anchors, settings.step_minutes)
    items = tuple(_item(facts, anchors, times, entry, entries) for entry in entries)
    meals = meal_minutes(anchors)
    solution = solve(Problem(items, tuple(rules.values()), meals))
    kept = frozenset(
        code for code, r in rules.items() if r.a in solution.times and r.b in solution.times
    )
    return DayPlan(
        slots=_slots(facts, entries, solution, list(rules.values()), meals),
        conflicts=_conflicts(entries, solution, anchors),
        kept=kept,
    )


def _agents_on_clock(facts: Facts, decisions: list[Decision]) -> dict[str, int]:
    """Agent -> its rank in the order of placement: what the patient takes before suggestions."""
    found: dict[str, int] = {}
    for decision in decisions:
        if decision.decision == "avoid":
            continue
        if decision.agent in facts.taking:
            found[decision.agent] = 1
        elif decision.decision in ACTIVE and decision.route == "oral":
            found[decision.agent] = 2
    return found


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


def _entered(facts: Facts, typed: str) -> MedicationEntry | None:
    case = facts.case
    return next((m for m in (*case.medications, *case.supplements) if m.name == typed), None)


def _entered_frequency(facts: Facts, typed: str) -> FrequencyKey | None:
    """How often the entry is taken: its structured dose, else its dose text as the dose
    reader reads it ("500 mg twice daily"); None when neither says (or says something the
    daily clock cannot place, such as monthly)."""
    entry = _entered(facts, typed)
    if entry is None:
        return None
    if entry.dose_detail is not None:
        return entry.dose_detail.frequency
    read = parse_dose(entry.dose or "", facts.kb.doses, frozenset()).frequency
    return next((key for key in get_args(DoseFrequency) if key == read), None)


def _timing(facts: Facts, agent: str | None, drug: str | None) -> Timing | None:
    classes = facts.kb.classes_of(drug) if drug else frozenset()
    for timing in facts.kb.schedule.timing:
        if agent is not None and agent not in timing.agents:
            continue
        if drug is not None and drug not in timing.drugs and not classes & set(timing.classes):
            continue
        if timing.when is None or trigger_basis(timing.when, facts) is not None:
            return timing
    return None


def _drug_entry(facts: Facts, drug: str) -> Entry:
    label = facts.drug_basis(drug).entered
    frequency = _entered_frequency(facts, facts.drugs[drug]) or UNKNOWN_FREQUENCY
    return Entry(drug, label, frequency, _timing(facts, None, drug))


def _agent_entry(facts: Facts, agent: str, rank: int) -> Entry:
    timing = _timing(facts, agent, None)
    label = facts.kb.agents[agent].label
    if rank == 1:  # taken: as the patient takes it
        frequency = _entered_frequency(facts, facts.taking[agent]) or UNKNOWN_FREQUENCY
    else:
        frequency = (timing.frequency if timing else None) or "daily"
    return Entry(agent, label, frequency, timing)


def _one_product_together(facts: Facts, entries: list[Entry]) -> list[Entry]:
    """Ingredients of one typed product (calcium with vitamin D, alendronate with vitamin D)
    are one tablet: each is taken with the first of them; otherwise the timing's partner."""
    first_of: dict[str, str] = {}
    result = []
    for entry in entries:
        typed = facts.drugs.get(entry.name) or facts.taking.get(entry.name)
        if typed is not None and typed in first_of:
            result.append(replace(entry, together_with=first_of[typed], product=typed))
            continue
        if typed is not None:
            first_of[typed] = entry.name
        partner = entry.timing.together_with if entry.timing else None
        result.append(replace(entry, together_with=partner) if partner else entry)
    return result


def _item(
    facts: Facts, anchors: DayAnchors, times: tuple[int, ...], entry: Entry, entries: list[Entry]
) -> Item:
    settings = facts.kb.schedule
    timing = entry.timing
    partner = next((e for e in entries if e.name == entry.together_with), None)
    if partner is not None:  # same candidate times as the partner, so they can coincide
        doses = _item(facts, anchors, times, partner, entries).doses
        return Item(entry.name, doses, together_with=partner.name)
    own_part = (timing.part if timing else None) or "day"
    parts = settings.frequency[entry.frequency].parts or (own_part,)
    with_food = timing.with_food if timing else None
    doses = tuple(candidates(anchors, settings.day_part[p], with_food, times) for p in parts)
    first_by = _minutes(timing.first_by_h) if timing else None
    return Item(entry.name, doses, first_by=first_by)


def _slots(
    facts: Facts,
    entries: list[Entry],
    solution: Solution,
    rules: list[Separation],
    meals: frozenset[int],
) -> list[ScheduleSlot]:
    by_time: dict[int, list[ScheduleItem]] = {}
    labels = {e.name: e.label for e in entries}
    for entry in entries:
        placed = solution.times.get(entry.name)
        if placed is None:
            continue
        timing = entry.timing
        frequency = entry.frequency
        note = timing.note if timing else None
        partner = next((e for e in entries if e.name == entry.together_with), None)
        if partner is not None:
            frequency = partner.frequency
            if entry.product:
                note = f"In one product with {partner.label.lower()} ({entry.product})."
        elif timing and timing.together_with:
            note = None  # "with the iron dose" only when iron is on the clock
        for time in placed:
            notes = [note] if note else []
            with_food = timing.with_food if timing else None
            for rule in rules:
                other = rule.b if rule.a == entry.name else rule.a if rule.b == entry.name else ""
                if (
                    other
                    and rule.with_food
                    and time in meals
                    and time in solution.times.get(other, ())
                ):
                    notes.append(f"Together with {labels[other].lower()} and food.")
                    with_food = True
            by_time.setdefault(time, []).append(
                ScheduleItem(
                    name=entry.name,
                    label=entry.label,
                    frequency=frequency,
                    with_food=with_food,
                    note=" ".join(notes) or None,
                )
            )
    return [ScheduleSlot(time=clock_text(t), items=by_time[t]) for t in sorted(by_time)]


def _conflicts(
    entries: list[Entry], solution: Solution, anchors: DayAnchors
) -> list[ScheduleConflict]:
    labels = {e.name: e.label for e in entries}
    found = []
    for unplaced in solution.unplaced:
        label = labels[unplaced.name]
        if not unplaced.searched:
            reason = (
                f"{label} was not placed: with this many medicines to keep apart, the search "
                "for times stopped before reaching it. Plan its timing by hand."
            )
        elif unplaced.partners:
            others = ", ".join(labels[p].lower() for p in unplaced.partners)
            reason = (
                f"{label} cannot be placed between waking ({anchors.waking}) and bedtime "
                f"({anchors.bedtime}) so that every separation from {others} holds: "
                "plan its timing by hand."
            )
        else:
            reason = (
                f"{label} cannot be placed at the times its rule allows with this day "
                f"(waking {anchors.waking}, breakfast {anchors.breakfast}, bedtime "
                f"{anchors.bedtime}): plan its timing by hand."
            )
        found.append(ScheduleConflict(names=[unplaced.name, *unplaced.partners], reason=reason))
    return found
