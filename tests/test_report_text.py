"""Report text helpers: citation numbering, evidence tags, the rationale's inputs sentence."""

from __future__ import annotations

from conftest import lab, run
from rlsdesk.domain.assessment import Basis
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report.citations import ReferenceNumbers, plain_language
from rlsdesk.report.plan import rationale_without_inputs
from rlsdesk.report.text import number, readable


def test_references_are_numbered_on_first_citation() -> None:
    """The first id cited is 1; citing it again reuses its number; lists print sorted."""
    numbers = ReferenceNumbers()
    assert numbers.cite(["R29", "R25"]) == "1, 2"
    assert numbers.cite(["R3", "R29"]) == "1, 3"
    assert numbers.cited() == [(1, "R29"), (2, "R25"), (3, "R3")]


def test_guidance_tag_is_split_and_cited_by_number() -> None:
    """'Text [V; R1, R4]' becomes the text, its evidence tag and the reference numbers."""
    numbers = ReferenceNumbers()
    numbers.cite(["R4"])
    text, evidence, refs = numbers.split_tag("Recheck iron studies [U interval]. [V; R1, R4]")
    assert (text, evidence, refs) == ("Recheck iron studies [U interval].", "V", "1, 2")
    assert numbers.split_tag("No tag here.") == ("No tag here.", None, "")


def test_plain_language_drops_every_evidence_tag() -> None:
    """The handout carries no evidence tags or reference ids."""
    source = "Recheck ferritin > 75 ng/mL [U]. Every 6–12 months [U interval]. [V; R1]"
    assert plain_language(source) == "Recheck ferritin > 75 ng/mL. Every 6–12 months."


def test_inputs_sentence_moves_out_of_the_rationale(kb: KnowledgeBase) -> None:
    """The 'Inputs: ...' sentence is dropped from the rationale because a table shows it."""
    assessment = run(kb, presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    assert "Inputs:" in iron.rationale
    shortened = rationale_without_inputs(iron)
    assert "Inputs:" not in shortened
    assert iron.rule is not None
    assert shortened.startswith(iron.rule)


def test_rationale_is_kept_whole_when_the_wording_differs(kb: KnowledgeBase) -> None:
    """If the inputs sentence is not found verbatim nothing is removed: nothing can be lost."""
    assessment = run(kb, presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    changed = iron.model_copy(update={"basis": [Basis(input="x", entered="1 unit")]})
    assert rationale_without_inputs(changed) == iron.rationale


def test_numbers_print_as_a_clinician_writes_them() -> None:
    """38.0 prints as 38, 0.62 as 0.62; ids without labels get a readable fallback."""
    assert [number(v) for v in (38.0, 0.62, 1.507, 1500.0)] == ["38", "0.62", "1.507", "1500"]
    assert readable("vitamin_b12") == "Vitamin b12"
