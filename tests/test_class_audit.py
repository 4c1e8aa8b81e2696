"""knowledge/class_audit.toml: every drug class a rule names was checked member by member
against the WHO ATC index, the record agrees with the catalogue in both directions, and the
loader refuses an audit that names a member the catalogue lacks (issue 14 item 4)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from conftest import make_case
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBaseError, load_knowledge_base
from rlsdesk.knowledge.class_audit import ClassAudit
from rlsdesk.knowledge.manifest import write_manifest
from rlsdesk.paths import knowledge_dir

KB = load_knowledge_base()
assert KB.class_audit is not None
AUDITS = {entry.class_id: entry for entry in KB.class_audit.class_audit}


def rule_classes() -> set[str]:
    """Every drug class a safety, rule or guidance entry names, read from the data."""
    named: set[str] = set()
    for interaction in KB.interactions:
        named |= set(interaction.classes)
    for alert in KB.medication_alerts:
        named |= set(alert.classes)
    triggers = [
        *(c.when for c in KB.contraindications),
        *(t.when for t in KB.test_rules),
        *(g.when for g in (*KB.lifestyle, *KB.red_flags, *KB.monitoring)),
        *(n.when for n in KB.notes),
        *(w for r in KB.rules.values() for w in r.when_any),
    ]
    pending = [t for t in triggers if t is not None]
    while pending:
        trigger = pending.pop()
        named |= set(trigger.classes)
        pending += [*trigger.any_of, *trigger.all_of]
    return named


def direct_members(class_id: str) -> list[str]:
    return sorted(name for name, drug in KB.drugs.items() if class_id in drug.classes)


def audited(class_id: str) -> bool:
    """Audited itself, or an umbrella with no direct members whose narrower classes are."""
    if class_id in AUDITS:
        return True
    children = [c for c, parents in KB.class_parents.items() if class_id in parents]
    return not direct_members(class_id) and bool(children) and all(map(audited, children))


def test_every_class_a_rule_names_is_audited() -> None:
    """A class rule's class has an audit record (or all its narrower classes have)."""
    missing = sorted(c for c in rule_classes() if not audited(c))
    assert not missing, f"classes used by rules without a class audit: {missing}"


@pytest.mark.parametrize("entry", AUDITS.values(), ids=lambda e: e.class_id)
def test_audit_lists_only_catalogue_members_of_the_class(entry: ClassAudit) -> None:
    """Each member the audit lists is a drugs.toml entry that carries the audited class."""
    lacking = [m for m in entry.members if m not in KB.drugs]
    assert not lacking, f"{entry.class_id}: the catalogue lacks {lacking}"
    classless = [m for m in entry.members if entry.class_id not in KB.drugs[m].classes]
    assert not classless, f"{entry.class_id}: catalogue entries without the class: {classless}"


@pytest.mark.parametrize("entry", AUDITS.values(), ids=lambda e: e.class_id)
def test_every_catalogue_member_of_an_audited_class_was_audited(entry: ClassAudit) -> None:
    """A member added to an audited class after the audit fails until it is audited too."""
    assert sorted(entry.members) == direct_members(entry.class_id)


@pytest.mark.parametrize("entry", AUDITS.values(), ids=lambda e: e.class_id)
def test_left_out_members_come_from_the_codes_read(entry: ClassAudit) -> None:
    """Each left-out member's ATC code lies under one of the codes the audit says it read."""
    stray = [x.name for x in entry.left_out if not x.atc.startswith(tuple(entry.atc))]
    assert not stray, f"{entry.class_id}: left out from codes not read: {stray}"


@pytest.mark.parametrize("entry", AUDITS.values(), ids=lambda e: e.class_id)
def test_every_member_is_traced_to_a_code_or_explained(entry: ClassAudit) -> None:
    """Each member has its ATC code(s) under the codes read, or a reason it has none there."""
    outside = {item.name for item in entry.outside_source}
    untraced = [m for m in entry.members if m not in entry.member_atc and m not in outside]
    assert not untraced, f"{entry.class_id}: members with no code and no reason: {untraced}"
    codes = [c for cs in entry.member_atc.values() for c in cs]
    assert all(c.startswith(tuple(entry.atc)) for c in codes)


def test_audit_records_its_source_and_date() -> None:
    """Every audit names a listed source and a check date, and every source is cited."""
    assert KB.class_audit is not None
    sources = {s.id: s for s in KB.class_audit.source}
    assert all(entry.source in sources for entry in AUDITS.values())
    assert all(entry.checked.year >= 2026 for entry in AUDITS.values())
    assert all("ATC" in s.citation for s in sources.values())


@pytest.mark.parametrize(
    ("drug", "agent"),
    [("tigecycline", "magnesium"), ("eravacycline", "iron"), ("zoledronic acid", "calcium")],
)
def test_intravenous_member_gets_no_oral_chelation_rule(drug: str, agent: str) -> None:
    """An IV-only class member resolves, and no separation alert pairs it with the supplement."""
    case = make_case(medications=[{"name": drug}], supplements=[{"name": agent}])
    assessment = assess(parse_case(case, KB), KB)
    medication = next(m for m in assessment.medications if m.entered == drug)
    assert medication.ingredients == [drug]
    assert not [a for a in assessment.alerts if a.code.endswith(f":{drug}")]


@pytest.mark.parametrize(
    ("drug", "code"),
    [
        ("metacycline", "magnesium.tetracycline"),
        ("phenindione", "vitamin_k2.vitamin_k_antagonist"),
        ("chloropyramine", "rls.sedating_antihistamine"),
        ("cyamemazine", "rls.antipsychotic"),
    ],
)
def test_added_member_fires_its_class_rule(drug: str, code: str) -> None:
    """A member the audit added reaches its class's rule (the reason it was added)."""
    rule_ids = {r.id for r in KB.interactions} | {a.id for a in KB.medication_alerts}
    assert code in rule_ids
    agent = code.split(".")[0]
    supplements = [] if agent == "rls" else [{"name": agent.replace("_", " ")}]
    case = make_case(
        medications=[{"name": drug}],
        supplements=supplements,
        presentation={"rls": True, "leg_cramps": False},
    )
    codes = {a.code for a in assess(parse_case(case, KB), KB).alerts}
    assert f"{code}:{drug}" in codes


def first(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def broken_audit(tmp_path: Path, edit: Callable[[str], str]) -> list[str]:
    """The loader's problems after one edit to class_audit.toml in a copy of the knowledge base."""
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder)
    path = folder / "class_audit.toml"
    text = path.read_text("utf-8")
    edited = edit(text)
    assert edited != text, "the edit did not apply"
    path.write_text(edited, "utf-8")
    write_manifest(folder, "broken")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(folder)
    return error.value.problems


def test_loader_refuses_a_member_the_catalogue_lacks(tmp_path: Path) -> None:
    """An audit listing a drug drugs.toml does not hold stops the knowledge base loading."""
    problems = broken_audit(tmp_path, first('["ciprofloxacin"', '["gatifloxacin"'))
    assert any("fluoroquinolone: member gatifloxacin is not in drugs.toml" in p for p in problems)


def test_loader_refuses_a_member_without_the_class(tmp_path: Path) -> None:
    """An audit listing a catalogue drug of another class is refused."""
    problems = broken_audit(tmp_path, first('["ciprofloxacin"', '["doxycycline"'))
    assert any(
        "member doxycycline is in drugs.toml without class fluoroquinolone" in p for p in problems
    )


def test_loader_refuses_leaving_out_a_member_the_class_holds(tmp_path: Path) -> None:
    """A left-out entry naming a drug the class holds contradicts the catalogue."""
    problems = broken_audit(tmp_path, first('name = "temafloxacin"', 'name = "ofloxacin"'))
    assert any("ofloxacin is left out but drugs.toml holds it in the class" in p for p in problems)


def test_loader_refuses_an_unknown_reason(tmp_path: Path) -> None:
    """A left-out entry must give one of the file's reason ids."""
    edit = first('"J01MA05", why = "withdrawn"', '"J01MA05", why = "gone"')
    problems = broken_audit(tmp_path, edit)
    assert any("temafloxacin has unknown reason gone" in p for p in problems)


def test_loader_refuses_an_unknown_class_or_source(tmp_path: Path) -> None:
    """An audit of a class or from a source the knowledge base does not know is refused."""
    problems = broken_audit(
        tmp_path,
        lambda t: first('source = "who_atc_2026"', 'source = "who_atc_2025"')(
            first('class = "statin"', 'class = "statins"')(t)
        ),
    )
    assert any("unknown drug class statins" in p for p in problems)
    assert any("unknown source who_atc_2025" in p for p in problems)


def coverage_script() -> ModuleType:
    """scripts/kb_coverage.py loaded as a module."""
    path = Path(__file__).resolve().parents[1] / "scripts" / "kb_coverage.py"
    spec = importlib.util.spec_from_file_location("kb_coverage", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kb_coverage"] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def test_coverage_script_prints_the_audit_per_class(capsys: pytest.CaptureFixture[str]) -> None:
    """`kb_coverage.py --audit` prints every audited class with its codes, source and date,
    and each member left out with its ATC code and reason."""
    assert coverage_script().main(["--audit"]) == 0
    out = capsys.readouterr().out
    heads = [line.split(" | ")[0] for line in out.splitlines() if " | ATC " in line]
    assert heads == list(AUDITS)
    assert "fluoroquinolone | ATC J01MA | who_atc_2026 | checked 2026-11-30 |" in out
    assert "  left out: temafloxacin (J01MA05): withdrawn" in out
    assert "  not in ATC: arformoterol: " in out


def write_atc_list(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["atc_code,atc_name,ddd,uom,adm_r,note"]
    lines += [f'{code},"{name}",NA,NA,NA,NA' for code, name in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_atc_drift_reports_only_substances_the_audit_does_not_account_for(tmp_path: Path) -> None:
    """A newer ATC list: members and left-out codes pass, combinations are skipped, and only
    a substance the audit has never decided on is reported."""
    listed = write_atc_list(
        tmp_path / "atc.csv",
        [
            ("J01MA", "Fluoroquinolones"),
            ("J01MA02", "ciprofloxacin"),
            ("J01MA05", "temafloxacin"),
            ("J01MA52", "ciprofloxacin, combinations"),
            ("J01MA26", "newfloxacin"),
            ("Z99ZZ01", "unrelated"),
        ],
    )
    drift = coverage_script().atc_drift(KB, listed)
    assert drift == [
        "fluoroquinolone | J01MA26 newfloxacin | not in the audit: decide member or left out"
    ]


def test_atc_option_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--atc exits 0 when the list holds nothing new, 1 when it does, 2 without a list."""
    script = coverage_script()
    clean = write_atc_list(tmp_path / "clean.csv", [("J01MA02", "ciprofloxacin")])
    new = write_atc_list(tmp_path / "new.csv", [("J01MA26", "newfloxacin")])
    assert script.main(["--atc", str(clean)]) == 0
    assert script.main(["--atc", str(new)]) == 1
    assert script.main(["--atc", str(tmp_path / "absent.csv")]) == 2
    assert "newfloxacin" in capsys.readouterr().out
