"""The daily clock: the grid of times between waking and bedtime, and each dose's candidates."""

from __future__ import annotations

from functools import lru_cache

from rlsdesk.knowledge.schedule_schema import MEAL_ANCHORS, AnchorName, DayAnchors, DayPart

ANCHORS: tuple[AnchorName, ...] = ("waking", "breakfast", "lunch", "dinner", "bedtime")


def clock_text(minutes: int) -> str:
    """450 -> '07:30'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def meal_minutes(anchors: DayAnchors) -> frozenset[int]:
    return frozenset(anchors.minutes(meal) for meal in MEAL_ANCHORS)


@lru_cache(maxsize=64)
def grid(anchors: DayAnchors, step: int) -> tuple[int, ...]:
    """Every step from waking to bedtime, and the anchors themselves (which may fall between)."""
    start, end = anchors.minutes("waking"), anchors.minutes("bedtime")
    return tuple(sorted({*range(start, end + 1, step), *(anchors.minutes(a) for a in ANCHORS)}))


@lru_cache(maxsize=512)  # the same few day parts for every case with the same anchors
def candidates(
    anchors: DayAnchors, part: DayPart, with_food: bool | None, times: tuple[int, ...]
) -> tuple[int, ...]:
    """The times of ``part`` that suit the food rule: the preferred anchor first, then the
    other anchors, then the remaining grid times, each nearest the preferred anchor first."""
    start, end = anchors.minutes(part.start), anchors.minutes(part.end)
    meals = meal_minutes(anchors)
    inside = [t for t in times if start <= t < end or (t == end and not part.end_exclusive)]
    if with_food is True:
        inside = [t for t in inside if t in meals]
    elif with_food is False:
        inside = [t for t in inside if t not in meals]
    prefer = anchors.minutes(part.prefer)
    anchor_times = {anchors.minutes(a) for a in ANCHORS}
    return tuple(
        sorted(inside, key=lambda t: (t != prefer, t not in anchor_times, abs(t - prefer), t))
    )
