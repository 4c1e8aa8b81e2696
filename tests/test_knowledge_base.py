"""The knowledge base as a whole: schema, cross-references, coverage of the brief, integrity."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import SHARED
from rlsdesk.knowledge import (
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseIntegrityError,
    load_knowledge_base,
)
from rlsdesk.knowledge.manifest import write_manifest
from rlsdesk.knowledge.names import normalize_name
from rlsdesk.knowledge.schema import AGENT_IDS
from rlsdesk.paths import knowledge_dir

# Every drug sections 3 to 5 of the brief name, as a clinician would type it.
BRIEF_DRUGS = [
    "levothyroxine",
    "omeprazole",
    "esomeprazole",
    "pantoprazole",
    "famotidine",
    "ciprofloxacin",
    "levofloxacin",
    "moxifloxacin",
    "doxycycline",
    "minocycline",
    "tetracycline",
    "alendronate",
    "risedronate",
    "ibandronate",
    "levodopa",
    "carbidopa",
    "entacapone",
    "methyldopa",
    "penicillamine",
    "trientine",
    "dolutegravir",
    "bictegravir",
    "cabotegravir",
    "raltegravir",
    "cefdinir",
    "cholestyramine",
    "chloramphenicol",
    "dimercaprol",
    "gabapentin",
    "atazanavir",
    "dasatinib",
    "furosemide",
    "bumetanide",
    "hydrochlorothiazide",
    "chlorthalidone",
    "amiloride",
    "triamterene",
    "spironolactone",
    "eplerenone",
    "lansoprazole",
    "rabeprazole",
    "dexlansoprazole",
    "cetuximab",
    "panitumumab",
    "bevacizumab",
    "nivolumab",
    "quinidine",
    "nitrofurantoin",
    "eltrombopag",
    "nifedipine",
    "amlodipine",
    "verapamil",
    "indapamide",
    "digoxin",
    "orlistat",
    "phenytoin",
    "carbamazepine",
    "rifampin",
    "warfarin",
    "acenocoumarol",
    "phenprocoumon",
    "apixaban",
    "rivaroxaban",
    "edoxaban",
    "dabigatran",
    "aspirin",
    "clopidogrel",
    "ticagrelor",
    "aliskiren",
    "trimethoprim",
    "methotrexate",
    "metformin",
    "phenobarbital",
    "diphenhydramine",
    "doxylamine",
    "chlorpheniramine",
    "hydroxyzine",
    "promethazine",
    "loratadine",
    "fexofenadine",
    "cetirizine",
    "levocetirizine",
    "metoclopramide",
    "prochlorperazine",
    "droperidol",
    "ondansetron",
    "haloperidol",
    "olanzapine",
    "risperidone",
    "quetiapine",
    "lurasidone",
    "fluoxetine",
    "sertraline",
    "paroxetine",
    "citalopram",
    "escitalopram",
    "venlafaxine",
    "duloxetine",
    "mirtazapine",
    "mianserin",
    "bupropion",
    "lithium",
    "zonisamide",
    "methsuximide",
    "pramipexole",
    "ropinirole",
    "rotigotine",
    "cabergoline",
    "naproxen",
    "raloxifene",
    "teriparatide",
    "clonazepam",
    "celecoxib",
    "zolpidem",
    "quinine",
    "deferoxamine",
    "pregabalin",
    "dipyridamole",
    "oxycodone",
    "valproic_acid",
    "iron_sucrose",
    "ferric_carboxymaltose",
    "ferumoxytol",
    "iron_dextran",
    "ferric_derisomaltose",
    "sodium_ferric_gluconate",
    "conjugated_estrogens",
    "mycophenolate_mofetil",
    "gabapentin_enacarbil",
]


def test_shipped_knowledge_base_is_complete_and_consistent(kb: KnowledgeBase) -> None:
    """Loads with no schema or cross-reference problem and covers what the brief requires."""
    assert set(kb.agents) == set(AGENT_IDS)
    assert kb.counts["drugs"] >= 150
    assert kb.counts["combinations"] >= 20
    missing = [d for d in BRIEF_DRUGS if normalize_name(d.replace("_", " ")) not in kb.names]
    assert not missing, f"drugs named in the brief but not in the catalogue: {missing}"
    for key, rule in kb.rules.items():
        assert rule.references, key
        assert rule.agent in kb.agents
    for agent in AGENT_IDS:
        decisions = {r.decision for r in kb.rules.values() if r.agent == agent}
        assert "not_indicated" in decisions, f"{agent} has no 'not indicated' rule"
    for reference in kb.references.values():
        assert reference.citation.strip()
        if reference.doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", reference.doi), reference.id
    assert len(kb.sha256) == 64


def test_every_reference_is_cited_somewhere(kb: KnowledgeBase) -> None:
    """A reference list with entries nothing cites would pad the sheet; all are used or kept
    deliberately (background references of the brief)."""
    cited: set[str] = set()
    for item in (
        *kb.contraindications,
        *kb.interactions,
        *kb.medication_alerts,
        *kb.lab_alerts,
        *kb.test_rules,
        *kb.lifestyle,
        *kb.red_flags,
        *kb.monitoring,
        *kb.rules.values(),
        *kb.thresholds.values(),
    ):
        cited.update(item.references)
    assert cited <= set(kb.references)
    assert len(cited) >= 40


def test_brief_reference_ids_are_all_present(kb: KnowledgeBase) -> None:
    """Every R-number of the brief's reference list is in references.toml."""
    brief = SHARED / "clinical-brief.md"
    if not brief.is_file():
        pytest.skip("../shared is not present")
    section = brief.read_text("utf-8").split("## 11. References", 1)[1].split("## 12.", 1)[0]
    ids = set(re.findall(r"\*\*(R\d+[a-z]?)\*\*", section))
    assert ids
    assert ids <= set(kb.references), ids - set(kb.references)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder)
    return folder


def test_changed_file_is_refused(kb_copy: Path) -> None:
    """Editing one byte of a shipped file makes the knowledge base refuse to load."""
    path = kb_copy / "safety.toml"
    path.write_text(path.read_text("utf-8").replace("at_least = 6.0", "at_least = 7.0"), "utf-8")
    with pytest.raises(KnowledgeBaseIntegrityError) as error:
        load_knowledge_base(kb_copy)
    assert "safety.toml: changed or damaged" in str(error.value)


def test_missing_or_extra_file_is_refused(kb_copy: Path) -> None:
    """A missing data file, an unlisted one, or a missing manifest is refused."""
    (kb_copy / "drugs.toml").unlink()
    (kb_copy / "extra.toml").write_text("x = 1\n", "utf-8")
    with pytest.raises(KnowledgeBaseIntegrityError) as error:
        load_knowledge_base(kb_copy)
    assert "drugs.toml: missing" in error.value.problems
    assert "extra.toml: not part of the shipped knowledge base" in error.value.problems
    (kb_copy / "manifest.toml").unlink()
    with pytest.raises(KnowledgeBaseIntegrityError, match="manifest is missing"):
        load_knowledge_base(kb_copy)


def test_schema_errors_name_the_file_and_entry(kb_copy: Path) -> None:
    """A re-manifested but invalid file reports the file, the entry and the field."""
    path = kb_copy / "safety.toml"
    text = path.read_text("utf-8")
    text = text.replace(
        'severity = "major"\neffect = "avoid"\nwhen = { finding = "iron_overload" }',
        'severity = "severe"\neffect = "avoid"\nwhen = { finding = "iron_overload" }',
    )
    text = text.replace('references = ["R33"]', 'references = ["R999"]', 1)
    path.write_text(text, "utf-8")
    write_manifest(kb_copy, "broken")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(kb_copy)
    assert any(
        "safety.toml" in p and "vitamin_c.iron_overload" in p and "severity" in p
        for p in error.value.problems
    ), error.value.problems
