"""Properties of the schedule solver over random items and rules, checked by brute force."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.schedule import Item, Problem, Separation, solve
from rlsdesk.knowledge import KnowledgeBase, load_knowledge_base
from rlsdesk.knowledge.schedule_schema import DayAnchors
from test_schedule import on_clock, unaccounted, violations

GRID = range(8)  # eight clock steps are enough to make every kind of rule bite
CLOCK = st.sampled_from(GRID)
FERRITIN = st.sampled_from([20, 90, 200])  # oral iron suggested, IV band, none
KB = load_knowledge_base()

Times = dict[str, tuple[int, ...]]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    count = draw(st.integers(1, 4))
    names = [f"item{k}" for k in range(count)]
    items = []
    doses_left = 5  # keeps the brute force small (at most 4**5 assignments)
    for index, name in enumerate(names):
        doses = draw(st.integers(1, min(2, doses_left - (count - index - 1))))
        doses_left -= doses
        candidates = tuple(
            tuple(draw(st.permutations(sorted(draw(st.sets(CLOCK, min_size=1, max_size=4))))))
            for _ in range(doses)
        )
        first_by = draw(st.none() | st.integers(1, 3))
        together = draw(st.none() | st.sampled_from(names[:index])) if index else None
        items.append(Item(name, candidates, first_by=first_by, together_with=together))
    rules = []
    if count > 1:
        for _ in range(draw(st.integers(0, 4))):
            a, b = draw(st.permutations(names))[:2]
            before = draw(st.none() | st.integers(0, 4))
            after = draw(st.none() | st.integers(0, 4))
            rules.append(Separation(a, b, before, after, with_food=draw(st.booleans())))
    meals = frozenset(draw(st.sets(CLOCK, max_size=3)))
    return Problem(tuple(items), tuple(rules), meals)


def rule_holds(rule: Separation, at: int, bt: int, meals: frozenset[int]) -> bool:
    """The contract's reading, written out again independently of the solver."""
    if rule.b_before is not None and at - bt >= rule.b_before:
        return True
    if rule.b_after is not None and bt - at >= rule.b_after:
        return True
    return rule.with_food and at == bt and at in meals


def together(items: list[Item], item: Item) -> set[str]:
    """The item and those taken with it (either way round): "first" does not part them."""
    return {item.name, *(i.name for i in items if i.together_with == item.name)} | (
        {item.together_with} if item.together_with else set()
    )


def valid(problem: Problem, items: list[Item], times: Times) -> bool:
    """Whether ``times`` keeps every rule among ``items``."""
    names = {item.name for item in items}
    for item in items:
        placed = times[item.name]
        if any(t not in options for t, options in zip(placed, item.doses, strict=True)):
            return False
        if list(placed) != sorted(set(placed)):
            return False
        if item.first_by is not None:
            for t in placed:
                if any(m < t + item.first_by for m in problem.meals):
                    return False
                others = [s for n in names - together(items, item) for s in times[n]]
                if any(s < t + item.first_by for s in others):
                    return False
        partner = item.together_with
        if partner in names:
            pairs = zip(placed, times[partner], strict=False)
            if any(own != theirs for own, theirs in pairs):
                return False
    for rule in problem.rules:
        if rule.a in names and rule.b in names:
            for at in times[rule.a]:
                for bt in times[rule.b]:
                    if not rule_holds(rule, at, bt, problem.meals):
                        return False
    return True


def brute_force(problem: Problem, items: list[Item]) -> Times | None:
    """Any placement of ``items`` that keeps every rule, found by trying them all."""
    slots = [(item.name, options) for item in items for options in item.doses]
    for choice in itertools.product(*(options for _, options in slots)):
        times: dict[str, list[int]] = {item.name: [] for item in items}
        for (name, _), value in zip(slots, choice, strict=True):
            times[name].append(value)
        frozen = {name: tuple(found) for name, found in times.items()}
        if valid(problem, items, frozen):
            return frozen
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_is_exact_and_drops_nothing(problem: Problem) -> None:
    """Every schedule returned keeps every rule; an unsatisfiable set is always reported."""
    solution = solve(problem)
    names = [item.name for item in problem.items]
    unplaced = [u.name for u in solution.unplaced]
    assert all(u.searched for u in solution.unplaced)  # small sets never reach the step cap
    assert sorted([*solution.times, *unplaced]) == sorted(names)  # each placed or reported
    placed = [item for item in problem.items if item.name in solution.times]
    assert valid(problem, placed, solution.times)
    satisfiable = brute_force(problem, list(problem.items)) is not None
    assert satisfiable == (not unplaced)
    for index, item in enumerate(problem.items):
        if item.name in unplaced:
            earlier = [p for p in placed if names.index(p.name) < index]
            assert brute_force(problem, [*earlier, item]) is None, item.name


SUPPLEMENTS = [
    "ferrous sulfate",
    "magnesium citrate",
    "calcium carbonate",
    "zinc",
    "vitamin K2",
    "vitamin D3",
]
MEDICATIONS = [
    "levothyroxine",
    "ciprofloxacin",
    "levofloxacin",
    "moxifloxacin",
    "doxycycline",
    "alendronate",
    "ibandronate",
    "gabapentin",
    "dolutegravir",
    "atazanavir",
    "dasatinib",
    "penicillamine",
    "trientine",
    "levodopa",
    "sertraline",
]
DAYS = [
    KB.schedule.anchors,
    DayAnchors(waking="06:00", breakfast="06:30", lunch="12:00", dinner="17:30", bedtime="21:00"),
    DayAnchors(waking="07:00", breakfast="07:30", lunch="08:00", dinner="09:00", bedtime="10:00"),
]
FREQUENCIES = ["daily", "twice_daily", "three_times_daily", "at_night", "every_other_day"]


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    supplements = []
    for name in draw(st.lists(st.sampled_from(SUPPLEMENTS), unique=True, max_size=4)):
        entry: dict[str, Any] = {"name": name}
        if draw(st.booleans()):
            frequency = draw(st.sampled_from(FREQUENCIES))
            entry["dose_detail"] = {"amount": 100, "unit": "mg", "frequency": frequency}
        supplements.append(entry)
    medications = draw(st.lists(st.sampled_from(MEDICATIONS), unique=True, max_size=5))
    return {
        "format": "rlsdesk-case/1",
        "patient": {"age_years": draw(st.integers(20, 90)), "sex": "female"},
        "presentation": {"rls": draw(st.booleans()), "leg_cramps": draw(st.booleans())},
        "pregnancy": {"status": "not_pregnant"},
        "kidney": {"egfr": None, "dialysis": "none"},
        "labs": [{"analyte": "ferritin", "value": draw(FERRITIN), "unit": "ng/mL"}],
        "conditions": [],
        "medications": [{"name": name} for name in medications],
        "supplements": supplements,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(DAYS))
def test_engine_schedule_keeps_every_separation_of_its_alerts(
    raw: dict[str, Any], day: DayAnchors
) -> None:
    """Whatever is taken, the assessment's schedule keeps every alerts[].separation, and each
    medication a placed agent must be kept apart from is placed or named in a conflict."""
    kb: KnowledgeBase = KB
    result = assess(parse_case(raw, kb), kb, day=day)
    assert violations(result, kb, day) == []
    assert unaccounted(result) == []
    placed = set(on_clock(result))
    for conflict in result.schedule_conflicts:
        assert conflict.names[0] not in placed
        assert conflict.reason
