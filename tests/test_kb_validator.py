"""The knowledge-base validator: every check it makes has a test that fails without it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rlsdesk.knowledge import KnowledgeBaseError, load_knowledge_base
from rlsdesk.knowledge.manifest import write_manifest
from rlsdesk.paths import knowledge_dir


def broken(tmp_path: Path, file: str, edit: Callable[[str], str]) -> list[str]:
    """The problems the loader reports after one edit to a copy of the knowledge base."""
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder)
    path = folder / file
    text = path.read_text("utf-8")
    edited = edit(text)
    assert edited != text, "the edit did not apply"
    path.write_text(edited, "utf-8")
    write_manifest(folder, "broken")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(folder)
    return error.value.problems


def once(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def test_unknown_reference_is_refused(tmp_path: Path) -> None:
    """A rule citing a reference id that does not exist is refused, naming it."""
    problems = broken(
        tmp_path, "safety.toml", once('references = ["R33"]', 'references = ["R999"]')
    )
    assert any("unknown reference R999" in p for p in problems), problems


def test_unknown_drug_is_refused(tmp_path: Path) -> None:
    """An interaction naming a drug missing from the catalogue is refused."""
    problems = broken(
        tmp_path, "safety.toml", once('drugs = ["ciprofloxacin"]', 'drugs = ["ciprofloxacine"]')
    )
    assert any("unknown drug ciprofloxacine" in p for p in problems), problems


def test_unknown_drug_class_is_refused(tmp_path: Path) -> None:
    """A rule naming a drug class that does not exist is refused."""
    problems = broken(tmp_path, "guidance.toml", once('classes = ["ppi"', 'classes = ["ppis"'))
    assert any("unknown drug class ppis" in p for p in problems), problems


def test_wrong_unit_is_refused(tmp_path: Path) -> None:
    """A threshold in a unit its analyte does not have is refused."""
    edit = once('value = 0.75\nunit = "mmol/L"', 'value = 0.75\nunit = "mg"')
    problems = broken(tmp_path, "rules.toml", edit)
    assert any("threshold.magnesium_low: unit mg is not a unit of magnesium" in p for p in problems)


def test_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    """Two rules with the same id are refused."""
    edit = once('id = "lab.magnesium_low"', 'id = "lab.magnesium_high"')
    problems = broken(tmp_path, "safety.toml", edit)
    assert any("duplicate rule id lab.magnesium_high" in p for p in problems), problems


def test_duplicate_reference_id_is_refused(tmp_path: Path) -> None:
    """Two references with the same id are refused."""
    problems = broken(tmp_path, "references.toml", once('id = "R2"', 'id = "R1"'))
    assert any("duplicate id R1" in p for p in problems), problems


def test_one_sided_plausibility_range_is_refused(tmp_path: Path) -> None:
    """A plausibility range with one bound would let impossible values through: refused."""
    edit = once(
        'plausible = { unit = "mmol/L", low = 0.5, high = 15 }',
        'plausible = { unit = "mmol/L", low = 0.5 }',
    )
    problems = broken(tmp_path, "analytes.toml", edit)
    assert any("analyte.potassium: the plausible range needs both bounds" in p for p in problems)


def test_hand_written_threshold_text_that_disagrees_is_refused(tmp_path: Path) -> None:
    """A threshold whose hand-written text says another number than it tests is refused."""
    edit = once(
        "[threshold.magnesium_low]\n", '[threshold.magnesium_low]\ntext = "magnesium < 1.8 mg/dL"\n'
    )
    problems = broken(tmp_path, "rules.toml", edit)
    assert any("threshold.magnesium_low: text" in p and "differs" in p for p in problems)


def test_qualifier_with_a_number_is_refused(tmp_path: Path) -> None:
    """A qualifier may add words, never a number of its own."""
    edit = once('qualifier = "(children)"', 'qualifier = "(children under 18)"')
    problems = broken(tmp_path, "rules.toml", edit)
    assert any("may not hold a number" in p for p in problems), problems


def test_rule_disagreeing_with_the_reference_flag_is_refused(tmp_path: Path) -> None:
    """A rule 'potassium > 5.0' where the flag says 5.0 is already high is refused."""
    edit = once(
        'when = { lab = "potassium", lab_flag = "high" }',
        'when = { lab = "potassium", above = 5.0 }',
    )
    problems = broken(tmp_path, "safety.toml", edit)
    assert any("upper reference limit" in p for p in problems), problems


def test_shipped_thresholds_derive_their_text(tmp_path: Path) -> None:
    """Every shipped threshold's text is the derived one (subject, comparison, value, unit)."""
    kb = load_knowledge_base()
    threshold = kb.threshold("magnesium_low")
    assert threshold.text == "magnesium < 0.75 mmol/L (1.823 mg/dL)"
    assert kb.threshold("iron_rls_tsat").text == "TSAT < 20%"


def test_monitoring_line_with_unknown_reference_is_refused(tmp_path: Path) -> None:
    """A monitoring line with its own tag must cite references that exist."""
    edit = once('evidence = "U", references = ["BRIEF"] }', 'evidence = "U", references = ["R0"] }')
    problems = broken(tmp_path, "rules.toml", edit)
    assert any(".monitoring: unknown reference R0" in p for p in problems), problems


def test_a_u_interval_in_a_v_rule_keeps_its_own_tag() -> None:
    """The 8-12 week recheck interval is [U] (brief 1.5) although the oral iron rule is [V]."""
    kb = load_knowledge_base()
    rule = kb.rule("iron_adult_oral")
    interval = next(line for line in rule.monitoring if not isinstance(line, str))
    assert rule.evidence == "V"
    assert interval.evidence == "U"
    assert "[U]" not in interval.text
