"""Loading the knowledge base: integrity first, then schema, then cross-references."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rlsdesk.knowledge import manifest as manifest_module
from rlsdesk.knowledge.boundaries import boundary_problems
from rlsdesk.knowledge.catalogue_schema import BrandSuffix, Drug, DrugFile, SpellingRule
from rlsdesk.knowledge.class_audit import ClassAuditFile, class_audit_problems
from rlsdesk.knowledge.doses_schema import DoseFile, dose_problems
from rlsdesk.knowledge.names import normalize_name
from rlsdesk.knowledge.schedule_checks import schedule_problems
from rlsdesk.knowledge.schedule_schema import ScheduleFile
from rlsdesk.knowledge.schema import (
    AGENT_IDS,
    Agent,
    AgentFile,
    Analyte,
    AnalyteFile,
    ConditionFile,
    Contraindication,
    EgfrImport,
    Guidance,
    GuidanceFile,
    Interaction,
    IrlsBand,
    IvDose,
    LabAlert,
    MedicationAlert,
    Reference,
    ReferenceFile,
    Rule,
    RuleFile,
    RuleNote,
    SafetyFile,
    TestRule,
    Threshold,
    Trigger,
)
from rlsdesk.knowledge.thresholds import with_derived_texts

ModelT = TypeVar("ModelT", bound=BaseModel)


class KnowledgeBaseError(Exception):
    """The knowledge base does not meet its schema or its cross-references are broken."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CatalogueEntry:
    """What a typed name resolves to: a drug, a combination product or an agent."""

    name: str  # canonical generic name, or agent id
    ingredients: tuple[str, ...]  # generic names of the drugs it contains
    agent: str | None  # the supplement agent it is (or contains), if any
    is_agent_name: bool = False


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    sha256: str
    folder: Path
    references: dict[str, Reference]
    analytes: dict[str, Analyte]
    conditions: dict[str, str]
    inflammatory_conditions: tuple[str, ...]
    agents: dict[str, Agent]
    irls_bands: tuple[IrlsBand, ...]
    thresholds: dict[str, Threshold]
    rules: dict[str, Rule]
    contraindications: tuple[Contraindication, ...]
    interactions: tuple[Interaction, ...]
    medication_alerts: tuple[MedicationAlert, ...]
    lab_alerts: tuple[LabAlert, ...]
    test_rules: tuple[TestRule, ...]
    lifestyle: tuple[Guidance, ...]
    red_flags: tuple[Guidance, ...]
    monitoring: tuple[Guidance, ...]
    drugs: dict[str, Drug]
    class_labels: dict[str, str]
    class_parents: dict[str, tuple[str, ...]]
    schedule: ScheduleFile = field(repr=False)  # schedule.toml: day anchors, timing, alert policy
    names: dict[str, CatalogueEntry] = field(repr=False)
    # every name as written in the catalogue (generic, brand, alias, agent word): for completion
    terms: tuple[str, ...] = field(default=(), repr=False)
    egfr_import: EgfrImport | None = None  # analytes.toml [egfr]: eGFR codes for lab import
    # brand suffixes by (normalised suffix, base kind) and words that name no product
    suffixes: dict[tuple[str, str], BrandSuffix] = field(default_factory=dict, repr=False)
    filler_words: frozenset[str] = frozenset()
    spelling: SpellingRule | None = None
    ferritin_raising_conditions: tuple[str, ...] = ()
    iron_overload_conditions: tuple[str, ...] = ()
    notes: tuple[RuleNote, ...] = ()
    iv_doses: dict[str, IvDose] = field(default_factory=dict)
    doses: DoseFile = field(default_factory=DoseFile, repr=False)  # doses.toml (brief 13.1-13.3)
    # class_audit.toml: each class checked member by member against the WHO ATC index
    class_audit: ClassAuditFile | None = field(default=None, repr=False)

    def threshold(self, key: str) -> Threshold:
        return self.thresholds[key]

    def rule(self, key: str) -> Rule:
        return self.rules[key]

    def classes_of(self, drug_name: str) -> frozenset[str]:
        """The drug's classes with all their broader classes."""
        return self._class_closure.get(drug_name, frozenset())

    @cached_property
    def _class_closure(self) -> dict[str, frozenset[str]]:
        # Computed once: the engine asks for a drug's classes for every rule it checks.
        closure: dict[str, frozenset[str]] = {}
        for name, drug in self.drugs.items():
            found: set[str] = set()
            pending = list(drug.classes)
            while pending:
                current = pending.pop()
                if current not in found:
                    found.add(current)
                    pending.extend(self.class_parents.get(current, ()))
            closure[name] = frozenset(found)
        return closure

    @cached_property
    def longest_name_words(self) -> int:
        """How many words the longest catalogue name has: a typed name is searched up to it."""
        return max((len(key.split()) for key in self.names), default=1)

    @cached_property
    def names_by_initial(self) -> dict[str, dict[str, CatalogueEntry]]:
        """The name index split by first letter: spelling correction keeps the first letter."""
        split: dict[str, dict[str, CatalogueEntry]] = {}
        for key, entry in self.names.items():
            split.setdefault(key[:1], {})[key] = entry
        return split

    @cached_property
    def display_terms(self) -> dict[str, str]:
        """Normalised name -> the name as the catalogue writes it (shown as a suggestion)."""
        return {normalize_name(term): term for term in self.terms}

    @cached_property
    def counts(self) -> dict[str, int]:
        combinations = {e.name for e in self.names.values() if len(e.ingredients) > 1}
        return {
            "references": len(self.references),
            "analytes": len(self.analytes),
            "conditions": len(self.conditions),
            "agents": len(self.agents),
            "thresholds": len(self.thresholds),
            "rules": len(self.rules),
            "contraindications": len(self.contraindications),
            "interactions": len(self.interactions),
            "medication_alerts": len(self.medication_alerts),
            "lab_alerts": len(self.lab_alerts),
            "test_rules": len(self.test_rules),
            "drugs": len(self.drugs),
            "drug_classes": len(self.class_labels),
            "combinations": len(combinations),
            "names": len(self.names),
        }


def _read(folder: Path, name: str, model: type[ModelT], problems: list[str]) -> ModelT | None:
    path = folder / name
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        problems.append(f"{name}: missing")
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{name}: not valid TOML ({error})")
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            where = _describe_location(raw, item["loc"])
            problems.append(f"{name}: {where}: {item['msg']}")
        return None


def _describe_location(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """'interaction[3] (iron.ciprofloxacin).severity' - names the entry, not just its index."""
    parts: list[str] = []
    node: Any = raw
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and step < len(node) else None
            ident = node.get("id") or node.get("name") if isinstance(node, dict) else None
            if ident:
                parts.append(f" ({ident})")
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(file)"


def load_knowledge_base(folder: Path | None = None) -> KnowledgeBase:
    """Verify the manifest, validate every file and every cross-reference, build indexes.

    Raises KnowledgeBaseIntegrityError if the files differ from the manifest and
    KnowledgeBaseError listing every schema or cross-reference problem.
    """
    if folder is None:
        from rlsdesk.paths import knowledge_dir

        folder = knowledge_dir()
    manifest = manifest_module.verify(folder)
    problems: list[str] = []
    references = _read(folder, "references.toml", ReferenceFile, problems)
    analytes = _read(folder, "analytes.toml", AnalyteFile, problems)
    conditions = _read(folder, "conditions.toml", ConditionFile, problems)
    agents = _read(folder, "agents.toml", AgentFile, problems)
    rules = _read(folder, "rules.toml", RuleFile, problems)
    safety = _read(folder, "safety.toml", SafetyFile, problems)
    guidance = _read(folder, "guidance.toml", GuidanceFile, problems)
    drugs = _read(folder, "drugs.toml", DrugFile, problems)
    doses = _read(folder, "doses.toml", DoseFile, problems)
    schedule = _read(folder, "schedule.toml", ScheduleFile, problems)
    class_audit = _read(folder, "class_audit.toml", ClassAuditFile, problems)
    if (
        problems
        or references is None
        or analytes is None
        or conditions is None
        or agents is None
        or rules is None
        or safety is None
        or guidance is None
        or drugs is None
        or doses is None
        or schedule is None
        or class_audit is None
    ):
        raise KnowledgeBaseError(problems)

    names, name_problems = _build_name_index(drugs, agents)
    thresholds, threshold_problems = with_derived_texts(rules.threshold, analytes.analyte)
    terms = sorted(
        {
            *(t for a in agents.agent.values() for t in a.aliases),
            *(t for d in drugs.drug for t in (d.name, *d.brands, *d.aliases)),
            *(t for c in drugs.combination for t in (c.name, *c.brands, *c.aliases)),
        },
        key=str.casefold,
    )
    kb = KnowledgeBase(
        version=manifest.content_version,
        sha256=manifest_module.content_digest(folder, list(manifest.files)),
        folder=folder,
        references={ref.id: ref for ref in references.reference},
        analytes=analytes.analyte,
        egfr_import=analytes.egfr,
        conditions={key: value.label for key, value in conditions.condition.items()},
        inflammatory_conditions=conditions.inflammatory,
        agents=agents.agent,
        irls_bands=rules.irls_bands,
        thresholds=thresholds,
        rules=rules.rule,
        contraindications=safety.contraindication,
        interactions=safety.interaction,
        medication_alerts=safety.medication_alert,
        lab_alerts=safety.lab_alert,
        test_rules=guidance.test_rule,
        lifestyle=guidance.lifestyle,
        red_flags=guidance.red_flag,
        monitoring=guidance.monitoring,
        drugs={drug.name: drug for drug in drugs.drug},
        class_labels={item.id: item.label for item in drugs.classes},
        class_parents={item.id: item.parents for item in drugs.classes},
        schedule=schedule,
        names=names,
        terms=tuple(terms),
        suffixes={(normalize_name(s.suffix), s.base): s for s in drugs.suffix},
        filler_words=frozenset(normalize_name(w) for w in drugs.filler_words),
        spelling=drugs.spelling,
        ferritin_raising_conditions=conditions.ferritin_raising,
        iron_overload_conditions=conditions.iron_overload,
        notes=rules.note,
        iv_doses=rules.iv_dose,
        doses=doses,
        class_audit=class_audit,
    )
    problems = (
        name_problems
        + threshold_problems
        + _cross_reference_problems(kb, references, drugs)
        + boundary_problems(kb)
        + dose_problems(kb)
        + schedule_problems(kb)
        + class_audit_problems(kb)
    )
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def _build_name_index(
    drugs: DrugFile, agents: AgentFile
) -> tuple[dict[str, CatalogueEntry], list[str]]:
    names: dict[str, CatalogueEntry] = {}
    owners: dict[str, str] = {}
    problems: list[str] = []

    def add(typed: str, entry: CatalogueEntry, owner: str) -> None:
        key = normalize_name(typed)
        if not key:
            problems.append(f"{owner}: empty name {typed!r}")
        elif key in names and names[key] != entry:
            existing = names[key]
            # A product named exactly like its agent ("thiamine") is that agent's product.
            if existing.is_agent_name and existing.agent == entry.agent:
                names[key] = entry
                owners[key] = owner
            else:
                problems.append(f"{owner}: name {typed!r} is also used by {owners[key]}")
        else:
            names[key] = entry
            owners[key] = owner

    for agent_id, agent in agents.agent.items():
        entry = CatalogueEntry(agent_id, (), agent_id, is_agent_name=True)
        for typed in (agent_id, *agent.aliases):
            add(typed, entry, f"agents.toml: agent.{agent_id}")
    for drug in drugs.drug:
        entry = CatalogueEntry(drug.name, (drug.name,), drug.agent)
        for typed in (drug.name, *drug.brands, *drug.aliases):
            add(typed, entry, f"drugs.toml: drug {drug.name}")
    agent_of = {drug.name: drug.agent for drug in drugs.drug}
    for combo in drugs.combination:
        contained = sorted({a for i in combo.ingredients if (a := agent_of.get(i))})
        entry = CatalogueEntry(combo.name, combo.ingredients, contained[0] if contained else None)
        for typed in (combo.name, *combo.brands, *combo.aliases):
            add(typed, entry, f"drugs.toml: combination {combo.name}")
    return names, problems


def _cross_reference_problems(
    kb: KnowledgeBase, references: ReferenceFile, drugs: DrugFile
) -> list[str]:
    problems: list[str] = []
    seen_refs: set[str] = set()
    for ref in references.reference:
        if ref.id in seen_refs:
            problems.append(f"references.toml: duplicate id {ref.id}")
        seen_refs.add(ref.id)

    def refs(owner: str, ids: Iterable[str]) -> None:
        problems.extend(f"{owner}: unknown reference {r}" for r in ids if r not in kb.references)

    def agent(owner: str, agent_id: str) -> None:
        if agent_id not in kb.agents:
            problems.append(f"{owner}: unknown agent {agent_id}")

    def analyte_unit(owner: str, analyte_id: str | None, unit: str) -> None:
        if analyte_id is None:
            return
        if analyte_id not in kb.analytes:
            problems.append(f"{owner}: unknown analyte {analyte_id}")
        elif unit not in kb.analytes[analyte_id].units:
            problems.append(f"{owner}: unit {unit} is not a unit of {analyte_id}")

    def drug_side(owner: str, names: Iterable[str], classes: Iterable[str]) -> None:
        problems.extend(f"{owner}: unknown drug {d}" for d in names if d not in kb.drugs)
        problems.extend(
            f"{owner}: unknown drug class {c}" for c in classes if c not in kb.class_labels
        )

    def trigger(owner: str, when: Trigger | None) -> None:
        if when is None:
            return
        named = (*([when.condition] if when.condition else []), *when.any_condition)
        for condition_id in (*named, *when.without_conditions):
            if condition_id not in kb.conditions:
                problems.append(f"{owner}: unknown condition {condition_id}")
        for agent_id in when.taking:
            agent(owner, agent_id)
        for part in (*when.any_of, *when.all_of):
            trigger(owner, part)
        if when.lab and when.lab not in kb.analytes:
            problems.append(f"{owner}: unknown analyte {when.lab}")
        elif when.lab and when.unit:
            analyte_unit(owner, when.lab, when.unit)
        if when.finding and when.finding not in KNOWN_FINDINGS:
            problems.append(f"{owner}: unknown finding {when.finding}")
        drug_side(owner, when.drugs, when.classes)

    if set(kb.agents) != set(AGENT_IDS):
        problems.append(f"agents.toml: the agents must be exactly {', '.join(AGENT_IDS)}")
    for agent_id, agent_entry in kb.agents.items():
        refs(f"agents.toml: agent.{agent_id}", agent_entry.upper_limit_references)
    if kb.egfr_import is not None:
        refs("analytes.toml: egfr", kb.egfr_import.loinc_references)
    for analyte_id, analyte in kb.analytes.items():
        owner = f"analytes.toml: analyte.{analyte_id}"
        refs(owner, analyte.range_references)
        refs(owner, analyte.loinc_references)
        for key in analyte.trend_thresholds:
            drawn = kb.thresholds.get(key)
            if drawn is None or drawn.analyte != analyte_id:
                problems.append(f"{owner}: trend threshold {key} is not a {analyte_id} threshold")
        analyte_unit(owner, analyte_id, analyte.si_unit)
        for bound in (
            analyte.plausible,
            analyte.reference_range,
            analyte.reference_range_female,
            analyte.reference_range_male,
        ):
            if bound is not None:
                analyte_unit(owner, analyte_id, bound.unit)
    for group, members in (
        ("inflammatory", kb.inflammatory_conditions),
        ("ferritin_raising", kb.ferritin_raising_conditions),
        ("iron_overload", kb.iron_overload_conditions),
    ):
        for condition_id in members:
            if condition_id not in kb.conditions:
                problems.append(f"conditions.toml: unknown {group} condition {condition_id}")
    for key, threshold in kb.thresholds.items():
        owner = f"rules.toml: threshold.{key}"
        refs(owner, threshold.references)
        analyte_unit(owner, threshold.analyte, threshold.unit)
    for key, rule in kb.rules.items():
        owner = f"rules.toml: rule.{key}"
        refs(owner, rule.references)
        for line in rule.monitoring:
            if not isinstance(line, str):
                refs(f"{owner}.monitoring", line.references)
        agent(owner, rule.agent)
        for order in rule.orders:
            if order.analyte not in kb.analytes and order.analyte not in EXTRA_TESTS:
                problems.append(f"{owner}: unknown test {order.analyte}")
            trigger(owner, order.when)
        for when in rule.when_any:
            trigger(owner, when)
        problems.extend(
            f"{owner}: unknown iv_dose {key}" for key in rule.iv_doses if key not in kb.iv_doses
        )
    for note in kb.notes:
        owner = f"rules.toml: note {note.id}"
        refs(owner, note.references)
        agent(owner, note.agent)
        trigger(owner, note.when)
        problems.extend(f"{owner}: unknown rule {key}" for key in note.rules if key not in kb.rules)
    for key, iv_dose in kb.iv_doses.items():
        refs(f"rules.toml: iv_dose.{key}", iv_dose.references)
        trigger(f"rules.toml: iv_dose.{key}", iv_dose.when)
    ids: set[str] = set()
    all_rules = (
        *kb.contraindications,
        *kb.interactions,
        *kb.medication_alerts,
        *kb.lab_alerts,
        *kb.test_rules,
        *kb.notes,
        *kb.lifestyle,
        *kb.red_flags,
        *kb.monitoring,
    )
    for cited in all_rules:
        rule_id = getattr(cited, "id", "")
        if rule_id in ids:
            problems.append(f"duplicate rule id {rule_id}")
        ids.add(rule_id)
    for contra in kb.contraindications:
        owner = f"safety.toml: contraindication {contra.id}"
        refs(owner, contra.references)
        agent(owner, contra.agent)
        trigger(owner, contra.when)
    for inter in kb.interactions:
        owner = f"safety.toml: interaction {inter.id}"
        refs(owner, inter.references)
        for agent_id in inter.agents:
            agent(owner, agent_id)
        drug_side(owner, (*inter.drugs, *inter.unless_drugs, *inter.with_drugs), inter.classes)
    for alert in kb.medication_alerts:
        owner = f"safety.toml: medication_alert {alert.id}"
        refs(owner, alert.references)
        drug_side(owner, alert.drugs, alert.classes)
    for lab_alert in kb.lab_alerts:
        owner = f"safety.toml: lab_alert {lab_alert.id}"
        refs(owner, lab_alert.references)
        trigger(owner, lab_alert.when)
        for agent_id in lab_alert.agents:
            agent(owner, agent_id)
    for test in kb.test_rules:
        owner = f"guidance.toml: test_rule {test.id}"
        refs(owner, test.references)
        trigger(owner, test.when)
        for analyte_id in test.analytes:
            if analyte_id not in kb.analytes and analyte_id not in EXTRA_TESTS:
                problems.append(f"{owner}: unknown test {analyte_id}")
        for agent_id in test.agents:
            agent(owner, agent_id)
    for section, items in (
        ("lifestyle", kb.lifestyle),
        ("red_flag", kb.red_flags),
        ("monitoring", kb.monitoring),
    ):
        for guide in items:
            refs(f"guidance.toml: {section} {guide.id}", guide.references)
            trigger(f"guidance.toml: {section} {guide.id}", guide.when)
    for drug in drugs.drug:
        owner = f"drugs.toml: drug {drug.name}"
        drug_side(owner, (), drug.classes)
        if drug.agent is not None:
            agent(owner, drug.agent)
    for drug_class in drugs.classes:
        drug_side(f"drugs.toml: class {drug_class.id}", (), drug_class.parents)
    for combo in drugs.combination:
        drug_side(f"drugs.toml: combination {combo.name}", combo.ingredients, ())
    for suffix in drugs.suffix:
        owner = f"drugs.toml: suffix {suffix.suffix}"
        drug_side(owner, suffix.ingredients, ())
        if normalize_name(suffix.suffix) in kb.names:
            problems.append(f"{owner}: is also a catalogue name, so it would never be read")
    return problems


# Facts the engine derives from a case, usable in triggers.
KNOWN_FINDINGS = frozenset({"iron_overload", "inflammation", "ckd", "ferritin_unreliable"})

# Tests a rule may order that are not case analytes (they are never inputs).
EXTRA_TESTS = {
    "methylmalonic_acid": "Methylmalonic acid",
    "phosphate": "Serum phosphate",
    "hfe_genotype": "HFE genotype (hemochromatosis)",
    "inr": "INR",
    "copper": "Serum copper",
    "cbc": "Full blood count",
    "tsh": "TSH",
}
