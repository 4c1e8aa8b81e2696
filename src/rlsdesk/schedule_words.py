"""The daily schedule in words, for the sheet, the patient handout and the note.

Display only: the times, frequencies and food advice are the assessment's ``schedule``.
"""

from __future__ import annotations

from rlsdesk.domain.assessment import ScheduleConflict, ScheduleItem, ScheduleSlot
from rlsdesk.vocabulary import food_words, frequency_words

# Said once for the whole schedule rather than beside every item.
UNREMARKABLE_FREQUENCY = "daily"


def clock(time: str) -> str:
    """'08:00' -> '8:00', as a patient reads a clock."""
    hours, _, minutes = time.partition(":")
    return f"{hours.lstrip('0') or '0'}:{minutes}"


def item_words(item: ScheduleItem, with_food: bool = True, with_note: bool = True) -> str:
    """'iron, every other day, on an empty stomach (with orange juice)'."""
    parts = [item.label]
    if item.frequency and item.frequency != UNREMARKABLE_FREQUENCY:
        parts.append(frequency_words(item.frequency))
    food = food_words(item.with_food) if with_food else None
    if food:
        parts.append(food)
    text = ", ".join(parts)
    return f"{text} ({item.note})" if item.note and with_note else text


def slot_words(slot: ScheduleSlot) -> str:
    """'8:00: levothyroxine, on an empty stomach; calcium, with food'."""
    return f"{clock(slot.time)}: " + "; ".join(item_words(item) for item in slot.items)


def patient_slot_words(slot: ScheduleSlot) -> str:
    """The handout's line: '8:00, with food: calcium; vitamin D'. The clinician's notes are
    left out; food is said once when every item of the time shares it."""
    foods = {item.with_food for item in slot.items}
    shared = food_words(foods.pop()) if len(foods) == 1 else None
    items = "; ".join(
        item_words(item, with_food=shared is None, with_note=False) for item in slot.items
    )
    return f"{clock(slot.time)}" + (f", {shared}" if shared else "") + f": {items}"


def conflict_words(conflict: ScheduleConflict) -> str:
    return f"Not placed: {', '.join(conflict.names)}: {conflict.reason}"
