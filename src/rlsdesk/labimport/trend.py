"""How an analyte moves over time: the dated results of a case as a series, with the decision
thresholds to draw beside them, and the one-line summary the sheet prints on page 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from rlsdesk.domain.case import LabEntry
from rlsdesk.domain.units import to_canonical
from rlsdesk.knowledge import KnowledgeBase

MIN_POINTS = 2


@dataclass(frozen=True)
class TrendThreshold:
    key: str
    value: float  # in the trend's unit
    comparison: str


@dataclass(frozen=True)
class Trend:
    analyte: str
    label: str
    unit: str  # the analyte's canonical unit: every point is converted to it
    decimals: int
    points: tuple[tuple[dt.date, float], ...]  # oldest first
    thresholds: tuple[TrendThreshold, ...]

    def shown(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"

    def sentence(self) -> str:
        """ "ferritin 38 -> 62 ng/mL since 2026-08-01": oldest and newest result."""
        (first_day, first), (_, last) = self.points[0], self.points[-1]
        shown = f"{self.shown(first)} -> {self.shown(last)} {self.unit}"
        return f"{self.label.lower()} {shown} since {first_day}"


def trend_for(labs: Iterable[LabEntry], kb: KnowledgeBase, analyte_id: str) -> Trend | None:
    """The analyte's series, or None with fewer than two dated results of it (``case.labs``)."""
    analyte = kb.analytes[analyte_id]
    unit = analyte.canonical_unit
    points = sorted(
        (lab.date, to_canonical(analyte, analyte_id, lab.value, lab.unit))
        for lab in labs
        if lab.analyte == analyte_id and lab.date is not None
    )
    if len(points) < MIN_POINTS:
        return None
    keys = analyte.trend_thresholds or tuple(
        key for key, t in kb.thresholds.items() if t.analyte == analyte_id
    )
    drawn: dict[float, TrendThreshold] = {}
    for key in keys:
        threshold = kb.thresholds[key]
        value = to_canonical(analyte, analyte_id, threshold.value, threshold.unit)
        drawn.setdefault(value, TrendThreshold(key, value, threshold.comparison))
    return Trend(
        analyte=analyte_id,
        label=analyte.label,
        unit=unit,
        decimals=analyte.decimals,
        points=tuple(points),
        thresholds=tuple(sorted(drawn.values(), key=lambda t: t.value)),
    )


def trends(labs: Iterable[LabEntry], kb: KnowledgeBase) -> dict[str, Trend]:
    """Every analyte with at least two dated results, in knowledge-base order."""
    listed = list(labs)
    found = {analyte_id: trend_for(listed, kb, analyte_id) for analyte_id in kb.analytes}
    return {analyte_id: trend for analyte_id, trend in found.items() if trend is not None}


def trend_sentence(labs: Iterable[LabEntry], kb: KnowledgeBase, analyte_id: str) -> str | None:
    """The page-1 line for one analyte (``Trend.sentence``), or None without two dated
    results."""
    trend = trend_for(labs, kb, analyte_id)
    return trend.sentence() if trend is not None else None
