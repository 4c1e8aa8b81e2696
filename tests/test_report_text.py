"""Report text helpers: citation numbering, guidance lines, escaping, numbers, vocabulary."""

from __future__ import annotations

from conftest import lab, run
from rlsdesk.domain.assessment import GuidanceItem, ScheduleItem, ScheduleSlot
from rlsdesk.domain.engine import plan_action
from rlsdesk.guidance_text import GuidanceLine, from_item, from_text, guidance_lines
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report.citations import ReferenceNumbers
from rlsdesk.report.text import escape, number, readable
from rlsdesk.schedule_words import clock, patient_slot_words, slot_words
from rlsdesk.vocabulary import evidence_legend, evidence_text, food_words


def test_references_are_numbered_on_first_citation() -> None:
    """The first id cited is 1; citing it again reuses its number; lists print sorted."""
    numbers = ReferenceNumbers()
    assert numbers.cite(["R29", "R25"]) == "1, 2"
    assert numbers.cite(["R3", "R29"]) == "1, 3"
    assert numbers.cited() == [(1, "R29"), (2, "R25"), (3, "R3")]


def test_structured_guidance_prints_its_text_without_the_tag() -> None:
    """A guidance item's evidence and references come from its fields, not from its text."""
    item = GuidanceItem(
        id="g1",
        kind="monitoring",
        text="Recheck iron studies [U interval]. [V; R1, R4]",
        evidence="V",
        references=["R1", "R4"],
    )
    assert from_item(item) == GuidanceLine("Recheck iron studies [U interval].", "V", ("R1", "R4"))
    untagged = item.model_copy(update={"text": "No tag here."})
    assert from_item(untagged).text == "No tag here."


def test_guidance_of_an_older_assessment_is_read_from_its_text() -> None:
    """Without structured items the engine's trailing tag is read; any other bracket stays."""
    assert from_text("Do X. [editorial; BRIEF]") == GuidanceLine("Do X.", "editorial", ("BRIEF",))
    assert from_text("Keep [this] text") == GuidanceLine("Keep [this] text")
    assert from_text("Odd [Q; R1]") == GuidanceLine("Odd [Q; R1]")


def test_guidance_lines_prefer_the_structured_items(kb: KnowledgeBase) -> None:
    """The engine's monitoring items come through with evidence and references."""
    assessment = run(kb, presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    lines = guidance_lines(assessment, "monitoring")
    assert lines
    assert all(line.evidence for line in lines)
    assert all("[V;" not in line.text for line in lines)
    older = assessment.model_copy(update={"guidance": []})
    assert [line.text for line in guidance_lines(older, "monitoring")] == [
        line.text for line in lines
    ]


def test_control_characters_never_reach_the_page() -> None:
    """Line breaks become spaces; an escape sequence prints as its escape; markup is escaped."""
    assert escape("a\nb\tc") == "a b c"
    assert escape("Eve\x1b[2J") == "Eve\\x1b[2J"
    assert escape("<b>&") == "&lt;b&gt;&amp;"


def test_numbers_print_as_a_clinician_writes_them() -> None:
    """38.0 prints as 38, 0.62 as 0.62; ids without labels get a readable fallback."""
    assert [number(v) for v in (38.0, 0.62, 1.507, 1500.0)] == ["38", "0.62", "1.507", "1500"]
    assert readable("vitamin_b12") == "Vitamin b12"
    assert clock("08:00") == "8:00"
    assert clock("00:30") == "0:30"
    assert clock("21:45") == "21:45"


def test_plan_action_reads_the_decision_with_what_the_patient_takes() -> None:
    """Recommend/consider/caution start or continue; avoid avoids or stops; not indicated: none."""
    assert [plan_action(d, taking=False) for d in ("recommend", "consider", "caution")] == [
        "start"
    ] * 3
    assert [plan_action(d, taking=True) for d in ("recommend", "consider", "caution")] == [
        "continue"
    ] * 3
    assert plan_action("avoid", taking=False) == "avoid"
    assert plan_action("avoid", taking=True) == "stop"
    assert plan_action("not_indicated", taking=True) is None
    assert plan_action("caution", taking=False, deferred=True) == "defer"
    assert plan_action("avoid", taking=False, deferred=True) == "avoid"


def test_editorial_is_described_the_same_everywhere() -> None:
    """The legend on the sheet uses exactly the words evidence_text gives every tag."""
    legend = evidence_legend()
    for tag in ("V", "S", "U", "editorial"):
        assert evidence_text(tag) in legend
    assert food_words(True) == "with food"
    assert food_words(False) == "on an empty stomach"
    assert food_words(None) is None


def test_rationale_is_the_rule_the_inputs_and_the_notes(kb: KnowledgeBase) -> None:
    """Decision.notes are the rationale's sentences after the rule and its inputs, in order."""
    assessment = run(
        kb,
        presentation={"rls": True},
        labs=[lab("ferritin", 38, "ng/mL")],
        supplements=[{"name": "iron"}],
    )
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    assert iron.rule is not None
    assert iron.notes
    assert iron.rationale.startswith(iron.rule)
    assert iron.rationale.endswith(" ".join(iron.notes))
    assert any("already takes it" in note for note in iron.notes)


def test_patient_schedule_says_food_once_when_every_item_shares_it() -> None:
    """'8:00, with food: a; b' when both take food; otherwise food is said per item."""

    def item(label: str, food: bool | None) -> ScheduleItem:
        return ScheduleItem(name=label, label=label, frequency="daily", with_food=food, note="n")

    shared = ScheduleSlot(time="08:00", items=[item("calcium", True), item("vitamin D", True)])
    assert patient_slot_words(shared) == "8:00, with food: calcium; vitamin D"
    mixed = ScheduleSlot(time="08:00", items=[item("calcium", True), item("iron", False)])
    assert patient_slot_words(mixed) == "8:00: calcium, with food; iron, on an empty stomach"
    assert slot_words(mixed) == "8:00: calcium, with food (n); iron, on an empty stomach (n)"
