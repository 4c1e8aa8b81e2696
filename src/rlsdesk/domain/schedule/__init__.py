"""The daily schedule: placing every dose on a clock so that every separation rule holds."""

from __future__ import annotations

from rlsdesk.domain.schedule.clock import candidates, clock_text, grid, meal_minutes
from rlsdesk.domain.schedule.solver import Item, Problem, Separation, Solution, Unplaced, solve

__all__ = [
    "Item",
    "Problem",
    "Separation",
    "Solution",
    "Unplaced",
    "candidates",
    "clock_text",
    "grid",
    "meal_minutes",
    "solve",
]
