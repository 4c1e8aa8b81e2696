"""Strict models of knowledge/schedule.toml: the clinic's day anchors, when each agent or
drug is taken, and the alert policy (how a graded severity becomes a tier)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rlsdesk.knowledge.schema import Cited, DoseFrequency, Evidence, Severity, Strict, Trigger

# The daily schedule (clinic day anchors, when each agent or drug is taken) and the alert
# policy (how a graded severity becomes a tier).

AnchorName = Literal["waking", "breakfast", "lunch", "dinner", "bedtime"]
MEAL_ANCHORS: tuple[AnchorName, ...] = ("breakfast", "lunch", "dinner")
# The dose frequencies, and "as_prescribed" for a medicine whose frequency is not known.
FrequencyKey = DoseFrequency | Literal["as_prescribed"]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


def clock_minutes(text: str) -> int:
    """'07:30' -> 450."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class DayAnchors(Strict):
    """The clinic's day: when the patient wakes, eats and goes to bed (HH:MM, in order)."""

    waking: ClockTime
    breakfast: ClockTime
    lunch: ClockTime
    dinner: ClockTime
    bedtime: ClockTime

    def minutes(self, anchor: AnchorName) -> int:
        return clock_minutes(getattr(self, anchor))

    @model_validator(mode="after")
    def _in_order(self) -> DayAnchors:
        order = ("waking", "breakfast", "lunch", "dinner", "bedtime")
        times = [self.minutes(a) for a in order]  # type: ignore[arg-type]
        if times != sorted(set(times)):
            raise ValueError("the anchors must run waking < breakfast < lunch < dinner < bedtime")
        return self


class DayPart(Strict):
    """A window of the day between two anchors (inclusive, or up to but not including
    ``end`` when ``end_exclusive``: a "morning" dose is never placed at lunch), with the
    anchor preferred."""

    start: AnchorName
    end: AnchorName
    prefer: AnchorName
    end_exclusive: bool = False


class Frequency(Strict):
    # the day part of each dose of one that is taken more than once a day (or at a set time)
    parts: tuple[str, ...] = ()


class Timing(Cited):
    """When an agent or a drug is taken. The first entry that matches an item applies."""

    id: str
    agents: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    when: Trigger | None = None
    part: str | None = None  # a day_part key; the whole day when absent
    with_food: bool | None = None  # True: at a meal; False: away from meals
    first_by_h: float | None = Field(default=None, gt=0)  # before anything else that day
    together_with: str | None = None  # an agent id taken at the same time, when scheduled
    frequency: FrequencyKey | None = None  # default when the patient's own is not entered
    note: str | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Timing:
        if bool(self.agents) == bool(self.drugs or self.classes):
            raise ValueError("a timing names either agents or drugs/classes")
        return self


class AlertGrade(Cited):
    """How the evidence behind a rule changes the severity its alert is graded at."""

    rule_evidence: Evidence
    steps_down: int = Field(ge=0, le=4)
    at_most: Severity | None = None


class AlertPolicy(Cited):
    """Which graded severities interrupt (for what the patient takes) and which are shown."""

    interruptive: tuple[Severity, ...]
    shown: tuple[Severity, ...]
    grade: tuple[AlertGrade, ...] = ()


class ScheduleFile(Strict):
    step_minutes: int = Field(ge=5, le=60)
    anchors: DayAnchors
    day_part: dict[str, DayPart]
    frequency: dict[FrequencyKey, Frequency]
    timing: tuple[Timing, ...]
    alert_policy: AlertPolicy
