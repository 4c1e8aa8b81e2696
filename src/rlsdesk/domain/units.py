"""Unit conversion to each analyte's canonical unit, with the factors from the knowledge base."""

from __future__ import annotations

from rlsdesk.knowledge.schema import Analyte


class UnitError(ValueError):
    """A unit that does not belong to the analyte: an input error, never a guess."""


def _fold(unit: str) -> str:
    # Lab printouts write µ as the micro sign, Greek mu or "u", and vary letter case.
    return unit.strip().replace("µ", "u").replace("μ", "u").casefold()


def resolve_unit(analyte: Analyte, analyte_id: str, unit: str) -> str:
    """The knowledge base's spelling of ``unit`` for this analyte, or UnitError."""
    wanted = _fold(unit)
    for known in analyte.units:
        if _fold(known) == wanted:
            return known
    choices = list(analyte.units)
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    raise UnitError(f"{unit!r} is not a unit for {analyte_id} (use {listed})")


def to_canonical(analyte: Analyte, analyte_id: str, value: float, unit: str) -> float:
    return value / analyte.units[resolve_unit(analyte, analyte_id, unit)]


def from_canonical(analyte: Analyte, value: float, unit: str) -> float:
    return value * analyte.units[unit]
