"""Safety: contraindications, interactions and medication alerts from the knowledge base.

An agent is *in play* when the patient takes it or its indication recommends, considers or
cautions it; interaction and contraindication alerts are raised for agents in play. Effects
on the decision apply whether or not the agent is in play: a contraindicated agent is
``avoid`` even when nothing suggested it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rlsdesk.domain.assessment import Alert, Basis
from rlsdesk.domain.engine.facts import Facts, matching_drugs, trigger_basis
from rlsdesk.domain.engine.indications import Draft
from rlsdesk.knowledge.schema import Cited, Effect, Interaction, Separation

ACTIVE = ("recommend", "consider", "caution")


@dataclass
class SafetyEffect:
    effect: Effect
    message: str
    management: str
    rule: Cited


@dataclass
class SafetyResult:
    alerts: list[Alert] = field(default_factory=list)
    effects: dict[str, list[SafetyEffect]] = field(default_factory=dict)
    timing: dict[str, list[str]] = field(default_factory=dict)

    def add_effect(self, agent: str, effect: SafetyEffect) -> None:
        self.effects.setdefault(agent, []).append(effect)

    def add_timing(self, agent: str, text: str) -> None:
        items = self.timing.setdefault(agent, [])
        if text not in items:
            items.append(text)


def in_play(facts: Facts, drafts: dict[str, Draft]) -> set[str]:
    return {a for a, d in drafts.items() if d.rule.decision in ACTIVE} | set(facts.taking)


def evaluate(facts: Facts, drafts: dict[str, Draft]) -> SafetyResult:
    result = SafetyResult()
    active = in_play(facts, drafts)
    _contraindications(facts, active, result)
    _interactions(facts, active, result)
    _medication_alerts(facts, result)
    _lab_alerts(facts, result)
    _unrecognized(facts, result)
    return result


def _alert(code: str, kind: str, rule: Cited, **fields: object) -> Alert:
    return Alert(
        code=code,
        kind=kind,  # type: ignore[arg-type]
        references=list(rule.references),
        evidence=rule.evidence,
        **fields,  # type: ignore[arg-type]
    )


def _contraindications(facts: Facts, active: set[str], result: SafetyResult) -> None:
    for rule in facts.kb.contraindications:
        basis = trigger_basis(rule.when, facts)
        if basis is None:
            continue
        result.add_effect(
            rule.agent, SafetyEffect(rule.effect, rule.message, rule.management, rule)
        )
        if rule.agent in active:
            result.alerts.append(
                _alert(
                    rule.id,
                    "contraindication",
                    rule,
                    severity=rule.severity,
                    agents=[rule.agent],
                    drugs=[],
                    message=rule.message,
                    management=rule.management,
                    basis=basis,
                )
            )


def _interactions(facts: Facts, active: set[str], result: SafetyResult) -> None:
    kb = facts.kb
    named = {(agent, d) for r in kb.interactions for agent in r.agents for d in r.drugs}
    for rule in kb.interactions:
        if len(rule.agents) == 2:
            _agent_pair(facts, rule, active, result)
            continue
        agent = rule.agents[0]
        if any(d in facts.drugs for d in rule.unless_drugs):
            continue
        for drug in matching_drugs(facts, rule.drugs, rule.classes):
            if drug not in rule.drugs and (agent, drug) in named:
                continue  # a rule naming this drug takes precedence over its class rule
            timing = separation_text(rule.separation, drug, kb.agents[agent].label.lower())
            management = " ".join(part for part in (timing, rule.management) if part)
            message = f"{kb.agents[agent].label} with {drug}: {rule.mechanism}"
            effect = SafetyEffect(rule.effect, message, management, rule)
            result.add_effect(agent, effect)
            if agent not in active:
                continue
            if timing:
                result.add_timing(agent, timing)
            basis = [facts.drug_basis(drug), _agent_basis(facts, agent)]
            result.alerts.append(
                _alert(
                    f"{rule.id}:{drug}",
                    "interaction",
                    rule,
                    severity=rule.severity,
                    agents=[agent],
                    drugs=[drug],
                    message=message,
                    management=management,
                    basis=basis,
                )
            )


def _agent_pair(facts: Facts, rule: Interaction, active: set[str], result: SafetyResult) -> None:
    first, second = rule.agents
    if first not in active or second not in active:
        return
    labels = [facts.kb.agents[a].label.lower() for a in rule.agents]
    timing = separation_text(rule.separation, labels[1], labels[0])
    for agent in rule.agents:
        if timing:
            result.add_timing(agent, timing)
    result.alerts.append(
        _alert(
            rule.id,
            "interaction",
            rule,
            severity=rule.severity,
            agents=list(rule.agents),
            drugs=[],
            message=f"{labels[0].capitalize()} with {labels[1]}: {rule.mechanism}",
            management=" ".join(part for part in (timing, rule.management) if part),
            basis=[_agent_basis(facts, first), _agent_basis(facts, second)],
        )
    )


def _agent_basis(facts: Facts, agent: str) -> Basis:
    label = facts.kb.agents[agent].label
    if agent in facts.taking:
        return Basis(input="supplement", entered=f"{facts.taking[agent]} ({label})")
    return Basis(input="supplement", entered=f"{label} (suggested by this assessment)")


def separation_text(separation: Separation | None, drug: str, supplement: str) -> str:
    """'Take ciprofloxacin at least 2 h before or 6 h after magnesium.'"""
    if separation is None:
        return ""
    food = " Or take both together with food." if separation.or_with_food else ""
    before, after = separation.drug_before_h, separation.drug_after_h
    if separation.apart_h is not None:
        text = f"Take {drug} and {supplement} at least {_hours(separation.apart_h)} apart."
    elif before is not None and after is not None:
        text = (
            f"Take {drug} at least {_hours(before)} before or {_hours(after)} after {supplement}."
        )
    elif before is not None:
        text = f"Take {drug} at least {_hours(before)} before {supplement}."
    elif after is not None:
        text = f"Take {drug} at least {_hours(after)} after {supplement}."
    else:
        return ""
    return text + food


def _hours(value: float) -> str:
    return f"{int(value * 60)} min" if value < 1 else f"{value:g} h"


def _medication_alerts(facts: Facts, result: SafetyResult) -> None:
    presentation = facts.case.presentation
    for rule in facts.kb.medication_alerts:
        if rule.requires == "rls" and not presentation.rls:
            continue
        if rule.requires == "leg_cramps" and not presentation.leg_cramps:
            continue
        for drug in matching_drugs(facts, rule.drugs, rule.classes):
            basis = facts.drug_basis(drug)
            result.alerts.append(
                _alert(
                    f"{rule.id}:{drug}",
                    rule.kind,
                    rule,
                    severity=rule.severity,
                    agents=[],
                    drugs=[drug],
                    message=f"{basis.entered}: {rule.message}",
                    management=rule.alternatives,
                    basis=[basis],
                )
            )


def _lab_alerts(facts: Facts, result: SafetyResult) -> None:
    for rule in facts.kb.lab_alerts:
        basis = trigger_basis(rule.when, facts)
        if basis is not None:
            result.alerts.append(
                _alert(
                    rule.id,
                    "lab",
                    rule,
                    severity=rule.severity,
                    agents=list(rule.agents),
                    drugs=[],
                    message=rule.message,
                    management=rule.management,
                    basis=basis,
                )
            )


def _unrecognized(facts: Facts, result: SafetyResult) -> None:
    for index, medication in enumerate(facts.medications):
        if medication.resolved is not None:
            continue
        result.alerts.append(
            Alert(
                code=f"unrecognized:{index}",
                severity="moderate",
                kind="unrecognized",
                agents=[],
                drugs=[],
                message=f"'{medication.entered}' was not recognised: NOT CHECKED for "
                "interactions, RLS aggravation or cramps.",
                management="Check this medicine yourself, or re-enter it by its generic name.",
                references=["KB"],
                basis=[Basis(input=medication.kind, entered=medication.entered)],
            )
        )
