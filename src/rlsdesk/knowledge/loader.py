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
from rlsdesk.knowledge.names import normalize_name
from rlsdesk.knowledge.schema import (
    AGENT_IDS,
    Agent,
    AgentFile,
    Analyte,
    AnalyteFile,
    ConditionFile,
    Contraindication,
    Drug,
    DrugFile,
    Guidance,
    GuidanceFile,
    Interaction,
    IrlsBand,
    LabAlert,
    MedicationAlert,
    Reference,
    ReferenceFile,
    Rule,
    RuleFile,
    SafetyFile,
    TestRule,
    Threshold,
    Trigger,
)

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
    names: dict[str, CatalogueEntry] = field(repr=False)
    # every name as written in the catalogue (generic, brand, alias, agent word): for completion
    terms: tuple[str, ...] = field(default=(), repr=False)

    def threshold(self, key: str) -> Threshold:
        return self.thresholds[key]

    def rule(self, key: str) -> Rule:
        return self.rules[key]

    def classes_of(self, drug_name: str) -> frozenset[str]:
        """The drug's classes with all their broader classes."""
        drug = self.drugs.get(drug_name)
        if drug is None:
            return frozenset()
        found: set[str] = set()
        pending = list(drug.classes)
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.class_parents.get(current, ()))
        return frozenset(found)

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
    ):
        raise KnowledgeBaseError(problems)

    names, name_problems = _build_name_index(drugs, agents)
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
        conditions={key: value.label for key, value in conditions.condition.items()},
        inflammatory_conditions=conditions.inflammatory,
        agents=agents.agent,
        irls_bands=rules.irls_bands,
        thresholds=rules.threshold,
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
        names=names,
        terms=tuple(terms),
    )
    problems = name_problems + _cross_reference_problems(kb, references, drugs)
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
        for condition_id in (*([when.condition] if when.condition else []), *when.any_condition):
            if condition_id not in kb.conditions:
                problems.append(f"{owner}: unknown condition {condition_id}")
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
    for analyte_id, analyte in kb.analytes.items():
        owner = f"analytes.toml: analyte.{analyte_id}"
        refs(owner, analyte.range_references)
        analyte_unit(owner, analyte_id, analyte.si_unit)
        for bound in (
            analyte.plausible,
            analyte.reference_range,
            analyte.reference_range_female,
            analyte.reference_range_male,
        ):
            if bound is not None:
                analyte_unit(owner, analyte_id, bound.unit)
    for condition_id in kb.inflammatory_conditions:
        if condition_id not in kb.conditions:
            problems.append(f"conditions.toml: unknown inflammatory condition {condition_id}")
    for key, threshold in kb.thresholds.items():
        owner = f"rules.toml: threshold.{key}"
        refs(owner, threshold.references)
        analyte_unit(owner, threshold.analyte, threshold.unit)
    for key, rule in kb.rules.items():
        owner = f"rules.toml: rule.{key}"
        refs(owner, rule.references)
        agent(owner, rule.agent)
        for order in rule.orders:
            if order.analyte not in kb.analytes and order.analyte not in EXTRA_TESTS:
                problems.append(f"{owner}: unknown test {order.analyte}")
    ids: set[str] = set()
    all_rules = (
        *kb.contraindications,
        *kb.interactions,
        *kb.medication_alerts,
        *kb.lab_alerts,
        *kb.test_rules,
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
        drug_side(owner, (*inter.drugs, *inter.unless_drugs), inter.classes)
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
    return problems


# Facts the engine derives from a case, usable in triggers.
KNOWN_FINDINGS = frozenset({"iron_overload", "inflammation", "ckd"})

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
