"""Tests to order, monitoring, lifestyle and red flags: each from a knowledge-base entry whose
trigger holds, carrying that trigger's inputs as its basis (brief 13.6: nothing the inputs do
not support)."""

from __future__ import annotations

from typing import TypeVar

from rlsdesk.domain.assessment import Basis, Decision, GuidanceItem, GuidanceKind, TestToOrder
from rlsdesk.domain.engine.facts import Facts, trigger_basis
from rlsdesk.domain.engine.indications import Draft
from rlsdesk.domain.engine.safety import ACTIVE
from rlsdesk.knowledge import EXTRA_TESTS
from rlsdesk.knowledge.schema import Evidence, Guidance, MonitoringLine

T = TypeVar("T")


def tests_to_order(facts: Facts, drafts: dict[str, Draft], in_play: set[str]) -> list[TestToOrder]:
    """Every test a rule orders whose trigger holds, once per analyte, unless it was measured."""
    found: dict[str, TestToOrder] = {}

    def order(
        analyte: str, reason: str, evidence: Evidence, refs: tuple[str, ...], basis: list[Basis]
    ) -> None:
        if analyte in facts.readings:
            return
        previous = found.get(analyte)
        if previous is None:
            kb = facts.kb
            label = kb.analytes[analyte].label if analyte in kb.analytes else EXTRA_TESTS[analyte]
            found[analyte] = TestToOrder(
                analyte=analyte,
                reason=reason,
                label=label,
                references=list(refs),
                evidence=evidence,
                basis=basis,
            )
            return
        found[analyte] = previous.model_copy(
            update={
                "reason": f"{previous.reason} {reason}",
                "references": _merged(previous.references, list(refs)),
                "basis": _merged(previous.basis, basis),
            }
        )

    for rule in facts.kb.test_rules:
        if rule.agents and not set(rule.agents) & in_play:
            continue
        basis = trigger_basis(rule.when, facts)
        if basis is not None:
            for analyte in rule.analytes:
                order(analyte, rule.reason, rule.evidence, rule.references, basis)
    for draft in drafts.values():
        for item in (*draft.rule.orders, *draft.orders):
            basis = draft.basis if item.when is None else trigger_basis(item.when, facts)
            if basis is not None:
                cited = draft.rule
                order(item.analyte, item.reason, cited.evidence, cited.references, basis)
    return list(found.values())


def guidance_items(
    facts: Facts, drafts: dict[str, Draft], decisions: list[Decision]
) -> list[GuidanceItem]:
    """Monitoring of each active decision, then every guidance entry whose trigger holds."""
    items: list[GuidanceItem] = []
    for decision in decisions:
        if decision.decision not in ACTIVE:
            continue
        rule_key, rule = drafts[decision.agent].rule_key, drafts[decision.agent].rule
        for number, line in enumerate(rule.monitoring, start=1):
            own = line if isinstance(line, MonitoringLine) else None
            items.append(
                GuidanceItem(
                    id=f"rule.{rule_key}.monitoring.{number}",
                    kind="monitoring",
                    text=own.text if own else str(line),
                    evidence=own.evidence if own else rule.evidence,
                    references=list(own.references if own else rule.references),
                    basis=decision.basis,
                )
            )
    kb = facts.kb
    sections: tuple[tuple[GuidanceKind, tuple[Guidance, ...]], ...] = (
        ("monitoring", kb.monitoring),
        ("lifestyle", kb.lifestyle),
        ("red_flag", kb.red_flags),
    )
    for kind, entries in sections:
        for entry in entries:
            basis = [] if entry.when is None else trigger_basis(entry.when, facts)
            if basis is not None:
                items.append(_item(kind, entry, basis))
    unique: dict[tuple[str, str], GuidanceItem] = {}
    for item in items:
        unique.setdefault((item.kind, item.text), item)
    return list(unique.values())


def texts(items: list[GuidanceItem], kind: GuidanceKind) -> list[str]:
    """The contract's text list for one kind, in order."""
    return [item.text for item in items if item.kind == kind]


def _item(kind: GuidanceKind, entry: Guidance, basis: list[Basis]) -> GuidanceItem:
    return GuidanceItem(
        id=entry.id,
        kind=kind,
        text=f"{entry.text} [{entry.evidence}; {', '.join(entry.references)}]",
        evidence=entry.evidence,
        references=list(entry.references),
        basis=basis,
    )


def _merged(first: list[T], second: list[T]) -> list[T]:
    return first + [item for item in second if item not in first]
