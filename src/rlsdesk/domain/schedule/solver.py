"""An exact search for dose times that keep every separation rule.

Each dose is a variable whose candidate times come in order of preference. A backtracking
search with forward checking first takes the items in the order given, so the patient's
prescribed medicines keep their preferred times and supplements move around them; if that
takes long, it searches again taking the most constrained dose first. Both are exhaustive:
a placement returned keeps every rule, and "none" means none exists. When the whole set
cannot be placed, items are added one at a time (in the order given) and each item that
cannot join those already placed is reported, never dropped silently.

The number of candidate times tried is capped (SEARCH_STEPS, far above what any realistic
list needs): past it the items not yet placed are reported as conflicts, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Check = Callable[[int, int], bool]


@dataclass(frozen=True)
class Item:
    """Something taken: the candidate minutes of each dose of the day, preferred first."""

    name: str
    doses: tuple[tuple[int, ...], ...]
    first_by: int | None = None  # minutes before anything else (meals, items not with it)
    together_with: str | None = None  # another item taken at the same times


@dataclass(frozen=True)
class Separation:
    """``b`` at least ``b_before`` minutes before ``a`` or ``b_after`` minutes after it
    (None: that order is not allowed); ``with_food``: both together at a meal also keeps it."""

    a: str
    b: str
    b_before: int | None
    b_after: int | None
    with_food: bool = False

    def holds(self, time_a: int, time_b: int, meals: frozenset[int]) -> bool:
        if self.b_before is not None and time_a - time_b >= self.b_before:
            return True
        if self.b_after is not None and time_b - time_a >= self.b_after:
            return True
        return self.with_food and time_a == time_b and time_a in meals


@dataclass(frozen=True)
class Problem:
    items: tuple[Item, ...]
    rules: tuple[Separation, ...]
    meals: frozenset[int]


@dataclass(frozen=True)
class Unplaced:
    name: str
    partners: tuple[str, ...]  # placed items it shares a rule with
    searched: bool = True  # False: the step budget ran out before it could be tried


@dataclass(frozen=True)
class Solution:
    times: dict[str, tuple[int, ...]]
    unplaced: tuple[Unplaced, ...]


SEARCH_STEPS = 10_000  # candidate times tried per solve (a typical patient needs < 100)
ORDERED_STEPS = 1_000  # of which the search in the given order may use, per search


class _OutOfSteps(Exception):
    """The step budget ran out before the search finished."""


@dataclass
class _Steps:
    left: int

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _OutOfSteps


def solve(problem: Problem, steps: int = SEARCH_STEPS) -> Solution:
    """Times for every item, or for as many as can be placed (in order) and the rest reported."""
    try:
        found = _search(problem, problem.items, _Steps(steps))
    except _OutOfSteps:
        found = None
    if found is not None:
        return Solution(found, ())
    budget = _Steps(steps)
    placed: list[Item] = []
    times: dict[str, tuple[int, ...]] = {}
    unplaced: list[Unplaced] = []
    for index, item in enumerate(problem.items):
        try:
            trial = _search(problem, (*placed, item), budget)
        except _OutOfSteps:
            unplaced += [Unplaced(i.name, (), searched=False) for i in problem.items[index:]]
            break
        if trial is None:
            names = {p.name for p in placed}
            unplaced.append(Unplaced(item.name, tuple(sorted(_partners(problem, item) & names))))
        else:
            placed.append(item)
            times = trial
    return Solution(times, tuple(unplaced))


def _partners(problem: Problem, item: Item) -> set[str]:
    partners = {r.b if r.a == item.name else r.a for r in problem.rules if item.name in (r.a, r.b)}
    partners |= {i.name for i in problem.items if i.first_by is not None or item.first_by}
    partners |= {i.name for i in problem.items if item.name == i.together_with}
    if item.together_with:
        partners.add(item.together_with)
    return partners - {item.name}


def _search(
    problem: Problem, items: tuple[Item, ...], steps: _Steps
) -> dict[str, tuple[int, ...]] | None:
    variables = [(item, k) for item in items for k in range(len(item.doses))]
    domains = [list(_unary(problem, item, item.doses[k])) for item, k in variables]
    if any(not domain for domain in domains):
        return None
    links = _links(problem, variables)
    allowed = min(ORDERED_STEPS, steps.left)
    ordered = _Steps(allowed)
    try:
        values = _backtrack(domains, links, ordered, most_constrained_first=False)
    except _OutOfSteps:
        steps.left -= allowed
        values = _backtrack(domains, links, steps, most_constrained_first=True)
    else:
        steps.left -= allowed - ordered.left
    if values is None:
        return None
    times: dict[str, list[int]] = {item.name: [] for item in items}
    for (item, _), value in zip(variables, values, strict=True):
        times[item.name].append(value)
    return {name: tuple(found) for name, found in times.items()}


def _unary(problem: Problem, item: Item, candidates: tuple[int, ...]) -> tuple[int, ...]:
    if item.first_by is None:
        return candidates
    return tuple(t for t in candidates if all(m >= t + item.first_by for m in problem.meals))


def _links(problem: Problem, variables: list[tuple[Item, int]]) -> list[list[tuple[int, Check]]]:
    """For each variable, one check per other variable it is bound to, with this variable's
    time as the first argument."""
    by_pair: dict[frozenset[str], list[Separation]] = {}
    for rule in problem.rules:
        by_pair.setdefault(frozenset((rule.a, rule.b)), []).append(rule)
    links: list[list[tuple[int, Check]]] = [[] for _ in variables]
    for u, (item_u, dose_u) in enumerate(variables):
        for v in range(u + 1, len(variables)):
            item_v, dose_v = variables[v]
            rules = by_pair.get(frozenset((item_u.name, item_v.name)), [])
            checks = _pair_checks(problem, rules, (item_u, dose_u), (item_v, dose_v))
            if checks:
                check = _all_of(checks)
                links[u].append((v, check))
                links[v].append((u, _reversed(check)))
    return links


def _pair_checks(
    problem: Problem, rules: list[Separation], first: tuple[Item, int], second: tuple[Item, int]
) -> list[Check]:
    """What must hold between a dose time of the first item and one of the second."""
    (item_u, dose_u), (item_v, dose_v) = first, second
    if item_u.name == item_v.name:
        return [_in_order]  # doses of one item in their order
    checks = [_rule_check(rule, problem.meals, forward=rule.a == item_u.name) for rule in rules]
    together = item_u.together_with == item_v.name or item_v.together_with == item_u.name
    if together:  # one is taken with the other, so "first" does not separate them
        return [*checks, _same_time] if dose_u == dose_v else checks
    if item_u.first_by is not None:
        checks.append(_at_least_after(item_u.first_by))
    if item_v.first_by is not None:
        checks.append(_reversed(_at_least_after(item_v.first_by)))
    return checks


def _in_order(first: int, second: int) -> bool:
    return first < second


def _same_time(first: int, second: int) -> bool:
    return first == second


def _at_least_after(gap: int) -> Check:
    def check(first: int, second: int) -> bool:
        return second >= first + gap

    return check


def _rule_check(rule: Separation, meals: frozenset[int], *, forward: bool) -> Check:
    def check(first: int, second: int) -> bool:
        return rule.holds(first, second, meals) if forward else rule.holds(second, first, meals)

    return check


def _reversed(check: Check) -> Check:
    def flipped(first: int, second: int) -> bool:
        return check(second, first)

    return flipped


def _all_of(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def every(first: int, second: int) -> bool:
        return all(check(first, second) for check in checks)

    return every


def _backtrack(
    domains: list[list[int]],
    links: list[list[tuple[int, Check]]],
    steps: _Steps,
    *,
    most_constrained_first: bool,
) -> list[int] | None:
    """Assign one variable at a time, each value narrowing the open variables' domains; an
    emptied domain rejects the value at once. Raises _OutOfSteps when the budget runs out."""
    count = len(domains)
    assigned: list[int | None] = [None] * count

    def pick(current: list[list[int]]) -> int:
        open_vars = [v for v in range(count) if assigned[v] is None]
        if most_constrained_first:
            return min(open_vars, key=lambda v: len(current[v]))
        return open_vars[0]

    def extend(depth: int, current: list[list[int]]) -> bool:
        if depth == count:
            return True
        var = pick(current)
        for value in current[var]:
            steps.take()
            narrowed = current[:]
            for other, check in links[var]:
                if assigned[other] is not None:
                    continue
                kept = [t for t in narrowed[other] if check(value, t)]
                if not kept:
                    break
                narrowed[other] = kept
            else:
                assigned[var] = value
                if extend(depth + 1, narrowed):
                    return True
                assigned[var] = None
        return False

    if not extend(0, domains):
        return None
    return [value for value in assigned if value is not None]
