"""The daily schedule (issue 10, item 2): every separation holds, nothing is dropped."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from conftest import alerts, decision, lab, make_case, run
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.schedule import Item, Problem, Separation, solve
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schedule_checks import schedule_problems
from rlsdesk.knowledge.schedule_schema import DayAnchors, clock_minutes
from test_tiers import REFERENCE_PATIENTS, named

SHORT_DAY = DayAnchors(
    waking="07:00", breakfast="07:30", lunch="08:00", dinner="09:00", bedtime="10:00"
)
HOUR_DAY = DayAnchors(
    waking="07:00", breakfast="07:15", lunch="07:30", dinner="07:45", bedtime="08:00"
)


def on_clock(result: Assessment) -> dict[str, list[int]]:
    """Name -> the minutes of the day it is placed at."""
    found: dict[str, list[int]] = {}
    for slot in result.schedule:
        for item in slot.items:
            found.setdefault(item.name, []).append(clock_minutes(slot.time))
    return found


def violations(result: Assessment, kb: KnowledgeBase, day: DayAnchors | None = None) -> list[str]:
    """Every separation of alerts[] checked against the schedule's times, as the contract says."""
    day = day or kb.schedule.anchors
    meals = {day.minutes(m) for m in ("breakfast", "lunch", "dinner")}
    food_ok = {r.id for r in kb.interactions if r.separation and r.separation.or_with_food}
    times = on_clock(result)
    broken = []
    for alert in result.alerts:
        sep = alert.separation
        if sep is None or sep.a not in times or sep.b not in times:
            continue
        for at in times[sep.a]:
            for bt in times[sep.b]:
                before = sep.b_before_h is not None and at - bt >= sep.b_before_h * 60
                after = sep.b_after_h is not None and bt - at >= sep.b_after_h * 60
                food = alert.code.split(":")[0] in food_ok and at == bt and at in meals
                if not (before or after or food):
                    broken.append(f"{alert.code}: {sep.a} {at} / {sep.b} {bt}")
    return broken


def unaccounted(result: Assessment) -> list[str]:
    """Names a placed agent must be kept apart from that are neither placed nor in conflict."""
    placed = set(on_clock(result))
    reported = {name for c in result.schedule_conflicts for name in c.names}
    missing = []
    for alert in result.alerts:
        sep = alert.separation
        if sep is not None and sep.a in placed and alert.drugs and sep.b not in placed | reported:
            missing.append(sep.b)
    return missing


def slot_of(result: Assessment, name: str) -> list[str]:
    return [slot.time for slot in result.schedule if any(i.name == name for i in slot.items)]


def item(result: Assessment, name: str) -> Any:
    return next(i for slot in result.schedule for i in slot.items if i.name == name)


@pytest.mark.parametrize("name", REFERENCE_PATIENTS)
def test_reference_patients_get_a_schedule_that_keeps_every_separation(
    kb: KnowledgeBase, name: str
) -> None:
    """Typical patients: a conflict-free daily schedule in which every separation holds."""
    result = assess(parse_case(REFERENCE_PATIENTS[name], kb), kb)
    assert result.schedule
    assert violations(result, kb) == []
    assert unaccounted(result) == []
    assert result.schedule_conflicts == []


def test_weekly_bisphosphonate_comes_first_on_waking(kb: KnowledgeBase) -> None:
    """Alendronate on waking, empty stomach, at least 30 min before anything else that day."""
    result = assess(parse_case(REFERENCE_PATIENTS["74-year-old on nine medicines"], kb), kb)
    times = on_clock(result)
    assert times["alendronate"] == [clock_minutes("07:00")]
    assert item(result, "alendronate").with_food is False
    others = [t for name, placed in times.items() if name != "alendronate" for t in placed]
    assert min(others) >= clock_minutes("07:30")


def test_schedule_shows_slots_in_time_order(kb: KnowledgeBase) -> None:
    """Slots are sorted by their HH:MM time."""
    result = assess(parse_case(REFERENCE_PATIENTS["74-year-old on nine medicines"], kb), kb)
    assert [s.time for s in result.schedule] == sorted(s.time for s in result.schedule)


def test_suggested_oral_iron_is_every_other_day_with_vitamin_c(kb: KnowledgeBase) -> None:
    """Oral iron: one morning dose every other day, vitamin C taken at the same time."""
    result = run(
        kb, presentation={"rls": True}, labs=[lab("ferritin", 30, "ng/mL"), lab("tsat", 15, "%")]
    )
    iron, vitamin_c = item(result, "iron"), item(result, "vitamin_c")
    assert iron.frequency == vitamin_c.frequency == "every_other_day"
    assert slot_of(result, "iron") == slot_of(result, "vitamin_c")
    assert clock_minutes(slot_of(result, "iron")[0]) <= clock_minutes("12:30")


def test_magnesium_for_cramps_is_taken_at_night(kb: KnowledgeBase) -> None:
    """With leg cramps, magnesium goes on the clock at bedtime (nightly, as in the trial)."""
    result = run(kb, presentation={"leg_cramps": True}, supplements=named("magnesium oxide"))
    assert slot_of(result, "magnesium") == ["22:30"]


def test_magnesium_without_cramps_is_taken_with_a_meal(kb: KnowledgeBase) -> None:
    """Without cramps, magnesium is placed at a meal and marked with food."""
    result = run(kb, supplements=named("magnesium oxide"))
    assert slot_of(result, "magnesium")[0] in ("08:00", "12:30", "18:30")
    assert item(result, "magnesium").with_food is True


def test_twice_daily_dose_gets_two_places(kb: KnowledgeBase) -> None:
    """Twice a day: a morning meal before lunch and an evening meal, each 4 h from
    levothyroxine."""
    supplement = {
        "name": "magnesium citrate",
        "dose_detail": {"amount": 100, "unit": "mg", "frequency": "twice_daily"},
    }
    result = run(kb, medications=named("levothyroxine"), supplements=[supplement])
    assert slot_of(result, "magnesium") == ["08:00", "18:30"]
    assert slot_of(result, "levothyroxine") == ["12:30"]
    assert item(result, "magnesium").frequency == "twice_daily"
    assert violations(result, kb) == []


def test_avoided_agent_is_not_on_the_clock(kb: KnowledgeBase) -> None:
    """Magnesium taken with eGFR below 30 is decided avoid (stop): it is not given a time."""
    result = run(kb, kidney={"egfr": 25}, supplements=named("magnesium oxide"))
    assert decision(result, "magnesium").decision == "avoid"
    assert "magnesium" not in on_clock(result)


def test_intravenous_suggestion_is_not_on_the_clock(kb: KnowledgeBase) -> None:
    """IV iron on dialysis is not an oral dose: it has no place in the daily schedule."""
    result = assess(parse_case(REFERENCE_PATIENTS["hemodialysis on warfarin"], kb), kb)
    assert decision(result, "iron").route == "iv"
    assert "iron" not in on_clock(result)


def test_medication_without_a_separation_is_not_on_the_clock(kb: KnowledgeBase) -> None:
    """Only medications an agent must be kept apart from are placed (not metformin)."""
    result = run(kb, medications=named("metformin", "levothyroxine"), supplements=named("calcium"))
    assert set(on_clock(result)) == {"levothyroxine", "calcium"}


def test_clinic_day_anchors_move_the_schedule(kb: KnowledgeBase) -> None:
    """The clinic's anchors (a setting) replace the knowledge base's defaults."""
    day = DayAnchors(
        waking="06:00", breakfast="06:45", lunch="12:00", dinner="18:00", bedtime="21:30"
    )
    raw = make_case(presentation={"leg_cramps": True}, supplements=named("magnesium oxide"))
    result = assess(parse_case(raw, kb), kb, day=day)
    assert slot_of(result, "magnesium") == ["21:30"]


@pytest.mark.parametrize(
    ("breakfast", "placed"), [("07:59", False), ("08:00", True), ("08:01", True)]
)
def test_ibandronate_needs_60_minutes_before_breakfast(
    kb: KnowledgeBase, breakfast: str, placed: bool
) -> None:
    """Ibandronate on waking needs 60 min before food: a shorter morning is a reported conflict."""
    day = DayAnchors(
        waking="07:00", breakfast=breakfast, lunch="12:30", dinner="18:30", bedtime="22:30"
    )
    raw = make_case(medications=named("ibandronate"), supplements=named("calcium carbonate"))
    result = assess(parse_case(raw, kb), kb, day=day)
    assert ("ibandronate" in on_clock(result)) == placed
    conflicts = [c for c in result.schedule_conflicts if "ibandronate" in c.names]
    assert bool(conflicts) != placed
    assert "calcium" in on_clock(result)


def test_what_cannot_be_placed_is_reported_not_dropped(kb: KnowledgeBase) -> None:
    """Iron 4 h from levothyroxine cannot fit a 3-hour day: a conflict; the alert stays shown."""
    raw = make_case(medications=named("levothyroxine"), supplements=named("ferrous sulfate"))
    result = assess(parse_case(raw, kb), kb, day=SHORT_DAY)
    assert "levothyroxine" in on_clock(result)
    assert "iron" not in on_clock(result)
    [conflict] = result.schedule_conflicts
    assert conflict.names == ["iron", "levothyroxine"]
    assert conflict.reason
    [alert] = alerts(result, code="iron.levothyroxine")
    assert alert.tier == "alert"


def test_taking_both_with_food_is_used_when_the_label_allows_it(kb: KnowledgeBase) -> None:
    """Dolutegravir and iron may be taken together with food when no interval fits the day."""
    raw = make_case(medications=named("dolutegravir"), supplements=named("ferrous sulfate"))
    result = assess(parse_case(raw, kb), kb, day=HOUR_DAY)
    assert result.schedule_conflicts == []
    assert slot_of(result, "iron") == slot_of(result, "dolutegravir") == ["07:15"]
    iron = item(result, "iron")
    assert iron.with_food is True
    assert "together with dolutegravir and food" in (iron.note or "").lower()
    assert violations(result, kb, HOUR_DAY) == []


def test_no_food_alternative_for_magnesium_and_dolutegravir(kb: KnowledgeBase) -> None:
    """Magnesium has no 'with food' option with dolutegravir: a 1-hour day gives a conflict."""
    raw = make_case(medications=named("dolutegravir"), supplements=named("magnesium citrate"))
    result = assess(parse_case(raw, kb), kb, day=HOUR_DAY)
    assert [c.names for c in result.schedule_conflicts] == [["magnesium", "dolutegravir"]]


def test_decision_timing_texts_still_read(kb: KnowledgeBase) -> None:
    """Decision.timing keeps its sentences for readers of the earlier extension."""
    result = run(kb, medications=named("levothyroxine"), supplements=named("ferrous sulfate"))
    assert any("4 h" in text for text in decision(result, "iron").timing)


def test_schedule_file_names_only_what_exists(kb: KnowledgeBase) -> None:
    """schedule.toml is cross-checked: an unknown agent, day part or reference is an error."""
    timing = kb.schedule.timing[0].model_copy(
        update={"id": "broken", "drugs": (), "agents": ("unobtainium",), "part": "teatime"}
    )
    timing = timing.model_copy(update={"references": ("R999",)})
    broken = replace(kb, schedule=kb.schedule.model_copy(update={"timing": (timing,)}))
    problems = schedule_problems(broken)
    assert any("unknown agent unobtainium" in p for p in problems)
    assert any("unknown day part teatime" in p for p in problems)
    assert any("unknown reference R999" in p for p in problems)
    assert schedule_problems(kb) == []


def test_day_anchors_must_run_in_order() -> None:
    """Breakfast before waking (or any anchor out of order) is refused when the day is set."""
    with pytest.raises(ValidationError):
        DayAnchors(
            waking="08:00", breakfast="07:30", lunch="12:30", dinner="18:30", bedtime="22:30"
        )


def test_one_product_is_one_time(kb: KnowledgeBase) -> None:
    """Alendronate with vitamin D in one tablet: both on waking, vitamin D not moved 30 min on."""
    raw = make_case(
        medications=named("alendronate/cholecalciferol"), supplements=named("calcium carbonate")
    )
    result = assess(parse_case(raw, kb), kb)
    assert slot_of(result, "alendronate") == slot_of(result, "vitamin_d") == ["07:00"]
    assert "one product" in (item(result, "vitamin_d").note or "")
    assert result.schedule_conflicts == []
    assert violations(result, kb) == []


def test_search_that_runs_out_of_steps_reports_the_rest() -> None:
    """Past the step cap nothing is guessed: the items not yet placed are reported."""
    items = tuple(Item(f"item{k}", (tuple(range(6)),)) for k in range(7))
    rules = tuple(
        Separation(f"item{a}", f"item{b}", 1, 1) for a in range(7) for b in range(a + 1, 7)
    )
    solution = solve(Problem(items, rules, frozenset()), steps=200)
    unplaced = [u.name for u in solution.unplaced]
    assert sorted([*solution.times, *unplaced]) == sorted(i.name for i in items)
    assert unplaced
    assert any(not u.searched for u in solution.unplaced)


def test_a_frequency_written_in_the_dose_text_is_scheduled(kb: KnowledgeBase) -> None:
    """'500 mg twice daily' typed as text puts both doses on the clock, and every separation
    holds for both (a second dose off the clock could break the 6 h rule)."""
    result = run(
        kb,
        medications=[{"name": "ciprofloxacin", "dose": "500 mg twice daily"}],
        supplements=[{"name": "magnesium citrate", "dose": "200 mg twice daily"}],
    )
    assert len(slot_of(result, "ciprofloxacin")) == 2
    assert len(slot_of(result, "magnesium")) in (0, 2)
    assert item(result, "ciprofloxacin").frequency == "twice_daily"
    assert violations(result, kb) == []


def test_weekly_alendronate_typed_as_text_is_weekly(kb: KnowledgeBase) -> None:
    """'70 mg weekly' is read as weekly, not 'as prescribed'."""
    result = run(
        kb,
        medications=[{"name": "alendronate", "dose": "70 mg weekly"}],
        supplements=[{"name": "calcium carbonate", "dose": "500 mg daily"}],
    )
    assert item(result, "alendronate").frequency == "weekly"
