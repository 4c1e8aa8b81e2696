"""Every test to order, red flag, monitoring line and note rests on a knowledge-base trigger and
shows its inputs (brief 13.6); population conditions (sex, age, pregnancy, dialysis) are data."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import decision, lab, run
from rlsdesk.domain.assessment import Assessment
from rlsdesk.knowledge import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from rlsdesk.knowledge.manifest import write_manifest
from rlsdesk.paths import knowledge_dir

GI_FLAG = "Ferritin below 15–30 ng/mL"


def _gi_flag(result: Assessment) -> bool:
    return any(flag.startswith(GI_FLAG) for flag in result.red_flags)


@pytest.mark.parametrize(
    ("patient", "pregnancy", "ferritin", "shown"),
    [
        ({"sex": "male", "age_years": 18}, {"status": "not_pregnant"}, 20, True),
        ({"sex": "male", "age_years": 17}, {"status": "not_pregnant"}, 20, False),
        ({"sex": "female", "age_years": 49}, {"status": "not_pregnant"}, 20, False),
        ({"sex": "female", "age_years": 50}, {"status": "not_pregnant"}, 20, True),
        ({"sex": "female", "age_years": 50}, {"status": "unknown"}, 20, True),
        ({"sex": "female", "age_years": 51}, {"status": "breastfeeding"}, 20, False),
        ({"sex": "female", "age_years": 31}, {"status": "pregnant", "trimester": 2}, 20, False),
        ({"sex": "male", "age_years": 60}, {"status": "not_pregnant"}, 29.9, True),
        ({"sex": "male", "age_years": 60}, {"status": "not_pregnant"}, 30, False),
    ],
)
def test_gi_work_up_red_flag_population(
    kb: KnowledgeBase,
    patient: dict[str, Any],
    pregnancy: dict[str, Any],
    ferritin: float,
    shown: bool,
) -> None:
    """GI work-up only for men and women ≥ 50 with ferritin < 30, never in pregnancy/lactation."""
    result = run(
        kb,
        patient=patient,
        pregnancy=pregnancy,
        presentation={"rls": True},
        labs=[lab("ferritin", ferritin, "ng/mL")],
    )
    assert _gi_flag(result) == shown
    if shown:
        [item] = [g for g in result.guidance if g.id == "red_flag.low_ferritin_blood_loss"]
        inputs = {b.input for b in item.basis}
        assert {"sex", "age", "pregnancy"} <= inputs


def test_guidance_lists_and_structured_items_agree(kb: KnowledgeBase) -> None:
    """The text lists are exactly the structured items' texts; each triggered item has a basis."""
    result = run(
        kb,
        patient={"sex": "male", "age_years": 70},
        presentation={"rls": True, "leg_cramps": True},
        kidney={"egfr": 25},
        labs=[lab("ferritin", 12, "ng/mL"), lab("tsat", 10, "%")],
        medications=[{"name": "warfarin"}, {"name": "pramipexole"}],
        supplements=[{"name": "vitamin K2 (MK-7)"}],
    )
    for kind, texts in (
        ("monitoring", result.monitoring),
        ("lifestyle", result.lifestyle),
        ("red_flag", result.red_flags),
    ):
        assert [g.text for g in result.guidance if g.kind == kind] == texts
    known = {g.id for g in (*kb.monitoring, *kb.lifestyle, *kb.red_flags)}
    for item in result.guidance:
        assert item.evidence is not None
        assert item.references
        entry = next(
            (g for g in (*kb.monitoring, *kb.lifestyle, *kb.red_flags) if g.id == item.id), None
        )
        if entry is None:
            assert item.id.startswith("rule.")
            assert item.id not in known
        elif entry.when is not None:
            assert item.basis, item.id
    [vka] = [g for g in result.guidance if g.id == "monitoring.vitamin_k_antagonist"]
    assert {b.input for b in vka.basis} == {"supplement", "medication"}


def test_every_test_to_order_shows_its_evidence_and_basis(kb: KnowledgeBase) -> None:
    """Each ordered test names its evidence tag and the inputs that made a rule order it."""
    result = run(
        kb,
        presentation={"rls": True, "leg_cramps": True},
        labs=[lab("folate", 2.5, "ng/mL")],
        medications=[{"name": "metformin"}, {"name": "omeprazole"}],
        supplements=[{"name": "magnesium oxide"}],
    )
    assert result.tests_to_order
    for test in result.tests_to_order:
        assert test.evidence is not None, test.analyte
        assert test.basis, test.analyte
    [creatinine] = [t for t in result.tests_to_order if t.analyte == "creatinine"]
    assert creatinine.references == ["R28", "R33"]


def test_creatinine_is_ordered_only_for_a_renal_agent_in_play(kb: KnowledgeBase) -> None:
    """Unknown kidney function orders creatinine only with magnesium or potassium in play."""
    plain = run(kb, presentation={"leg_cramps": True})
    assert "creatinine" not in {t.analyte for t in plain.tests_to_order}
    taking = run(kb, supplements=[{"name": "magnesium citrate"}])
    assert "creatinine" in {t.analyte for t in taking.tests_to_order}
    on_dialysis = run(kb, kidney={"dialysis": "hemodialysis"}, supplements=[{"name": "magnesium"}])
    assert "creatinine" not in {t.analyte for t in on_dialysis.tests_to_order}


@pytest.mark.parametrize(
    ("labs", "ordered"),
    [([], True), ([lab("vitamin_b12", 450, "pg/mL")], False)],
)
def test_folic_acid_taken_with_b12_never_measured_orders_b12(
    kb: KnowledgeBase, labs: list[dict[str, Any]], ordered: bool
) -> None:
    """Brief 3.10: any folic acid taken with B12 unknown orders B12, with the product as basis."""
    result = run(kb, labs=labs, supplements=[{"name": "folic acid 400 mcg"}])
    tests = {t.analyte: t for t in result.tests_to_order}
    assert ("vitamin_b12" in tests) == ordered
    if ordered:
        assert tests["vitamin_b12"].evidence == "V"
        assert tests["vitamin_b12"].basis[0].input == "supplement"


def test_notes_come_from_the_knowledge_base_with_their_inputs(kb: KnowledgeBase) -> None:
    """Acid suppression adds the poor-oral-response note, with the drug as an input."""
    result = run(
        kb,
        presentation={"rls": True},
        labs=[lab("ferritin", 30, "ng/mL"), lab("tsat", 25, "%")],
        medications=[{"name": "omeprazole"}],
    )
    made = decision(result, "iron")
    note = next(n for n in kb.notes if n.id == "note.iron_acid_suppression")
    assert note.text in made.rationale
    assert any(b.input == "medication" and "omeprazole" in b.entered for b in made.basis)
    plain = decision(
        run(kb, presentation={"rls": True}, labs=[lab("ferritin", 30, "ng/mL")]), "iron"
    )
    assert note.text not in plain.rationale


def test_diuretic_note_for_vitamin_k2_names_the_drug_as_input(kb: KnowledgeBase) -> None:
    """The K2 trial excluded diuretic users: with furosemide the note and the drug appear."""
    made = decision(
        run(
            kb,
            presentation={"leg_cramps": True},
            patient={"age_years": 70},
            medications=[{"name": "furosemide"}],
        ),
        "vitamin_k2",
    )
    assert "excluded diuretic users" in made.rationale
    assert any("furosemide" in b.entered for b in made.basis)


# ----------------------------------------------------------- the validator checks new fields


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder)
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        (
            "guidance.toml",
            'without_conditions = ["hemochromatosis"], all_of',
            'without_conditions = ["hemochromatosiss"], all_of',
            "unknown condition hemochromatosiss",
        ),
        (
            "rules.toml",
            'iv_doses = ["iron_sucrose_hemodialysis",',
            'iv_doses = ["iron_sucrose_haemodialysis",',
            "unknown iv_dose iron_sucrose_haemodialysis",
        ),
        (
            "rules.toml",
            'rules = ["iron_adult_oral"]\nwhen = { classes = ["ppi", "h2ra"] }',
            'rules = ["iron_adult_orall"]\nwhen = { classes = ["ppi", "h2ra"] }',
            "unknown rule iron_adult_orall",
        ),
        (
            "conditions.toml",
            'ferritin_raising = ["chronic_liver_disease"',
            'ferritin_raising = ["chronic_liver_diseases"',
            "unknown ferritin_raising condition chronic_liver_diseases",
        ),
        (
            "guidance.toml",
            'when = { taking = ["folate"] }',
            'when = { taking = ["folic_acid"] }',
            "unknown agent folic_acid",
        ),
    ],
)
def test_validator_refuses_unknown_names_in_the_new_fields(
    kb_copy: Path, file: str, old: str, new: str, problem: str
) -> None:
    """A typo in a trigger's population field, a note's rule, an IV dose key or a condition list
    stops the knowledge base from loading, naming the problem."""
    path = kb_copy / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    write_manifest(kb_copy, "broken")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(kb_copy)
    assert any(problem in p for p in error.value.problems), error.value.problems


def test_calf_and_secondary_rls_red_flags_need_their_presentation(kb: KnowledgeBase) -> None:
    """The calf red flag needs leg symptoms; 'secondary RLS' needs RLS plus a cause (dialysis)."""

    def flags(**overrides: Any) -> set[str]:
        return {g.id for g in run(kb, **overrides).guidance if g.kind == "red_flag"}

    assert "red_flag.calf" not in flags()
    assert "red_flag.calf" in flags(presentation={"leg_cramps": True})
    dialysis = {"dialysis": "hemodialysis"}
    assert "red_flag.secondary_rls" in flags(presentation={"rls": True}, kidney=dialysis)
    assert "red_flag.secondary_rls" not in flags(presentation={"leg_cramps": True}, kidney=dialysis)
    assert "red_flag.secondary_rls" not in flags(presentation={"rls": True})
