"""The daily schedule in words, for the timeline and the panel: what is taken when, and why
two things are kept apart (the schedule-tier alerts, attached to the times they shape).

Every schedule alert is shown somewhere: at each time that holds one of its two sides, or,
when neither side is on the clock, among the unplaced reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rlsdesk.domain.assessment import Alert, Assessment, ScheduleItem, ScheduleSlot
from rlsdesk.schedule_words import item_words

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class SlotView:
    time: str
    minutes: int  # since midnight, for placing it on the timeline
    text: str  # "Levothyroxine (empty stomach) · Iron (every other day)"
    items: tuple[str, ...]  # each item in words
    reasons: tuple[Alert, ...]  # the timing rules that involve something taken at this time


@dataclass(frozen=True)
class ScheduleView:
    slots: tuple[SlotView, ...]
    conflicts: tuple[str, ...]  # "iron, levothyroxine: reason", never dropped
    unplaced_reasons: tuple[Alert, ...]

    @property
    def empty(self) -> bool:
        return not (self.slots or self.conflicts or self.unplaced_reasons)


def minutes(time: str) -> int:
    """'08:30' -> 510; a malformed time sorts at midnight rather than failing the view."""
    hours, _, mins = time.partition(":")
    if not (hours.isdigit() and mins.isdigit()):
        return 0
    return (int(hours) * 60 + int(mins)) % MINUTES_PER_DAY


def item_text(item: ScheduleItem) -> str:
    """The same words as the sheet and the note (rlsdesk.schedule_words)."""
    return item_words(item)


def _sides(alert: Alert) -> set[str]:
    if alert.separation is not None:
        return {alert.separation.a, alert.separation.b}
    return {*alert.agents, *alert.drugs}


def _slot_view(slot: ScheduleSlot, reasons: Sequence[Alert]) -> SlotView:
    names = {item.name for item in slot.items}
    items = tuple(item_text(item) for item in slot.items)
    return SlotView(
        slot.time,
        minutes(slot.time),
        " · ".join(items),
        items,
        tuple(alert for alert in reasons if _sides(alert) & names),
    )


def schedule_view(assessment: Assessment) -> ScheduleView:
    reasons = [alert for alert in assessment.alerts if alert.tier == "schedule"]
    slots = tuple(_slot_view(slot, reasons) for slot in assessment.schedule)
    placed = {alert.code for slot in slots for alert in slot.reasons}
    conflicts = tuple(
        f"{', '.join(conflict.names)}: {conflict.reason}"
        for conflict in assessment.schedule_conflicts
    )
    unplaced = tuple(alert for alert in reasons if alert.code not in placed)
    return ScheduleView(slots, conflicts, unplaced)
