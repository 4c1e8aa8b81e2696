"""Safety: contraindications, interactions and medication alerts from the knowledge base.

An agent is *in play* when the patient takes it or its indication recommends, considers or
cautions it; interaction and contraindication alerts are raised for agents in play. Effects
on the decision apply whether or not the agent is in play: a contraindicated agent is
``avoid`` even when nothing suggested it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rlsdesk.domain.assessment import Alert, Basis, SeparationOut
from rlsdesk.domain.engine.facts import Facts, matching_drugs, trigger_basis
from rlsdesk.domain.engine.indications import Draft
from rlsdesk.domain.engine.name_checks import name_alerts
from rlsdesk.knowledge.schema import Cited, Contraindication, Effect, Interaction, Separation

ACTIVE = ("recommend", "consider", "caution")


@dataclass
class SafetyEffect:
    effect: Effect
    message: str
    management: str
    rule: Cited
    code: str = ""  # the code of the alert this effect raises when its agent is in play


@dataclass
class SafetyResult:
    alerts: list[Alert] = field(default_factory=list)
    effects: dict[str, list[SafetyEffect]] = field(default_factory=dict)
    timing: dict[str, list[str]] = field(default_factory=dict)
    # alert code -> the knowledge base's separation (it alone says whether food is an option)
    separations: dict[str, Separation] = field(default_factory=dict)

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
        effect = effect_for(rule, rule.agent, facts)
        result.add_effect(
            rule.agent, SafetyEffect(effect, rule.message, rule.management, rule, rule.id)
        )
        if rule.agent in active:
            taken = effect == "avoid" and rule.agent in facts.taking
            stop = stop_text(facts, [rule.agent]) if taken else ""
            result.alerts.append(
                _alert(
                    rule.id,
                    "contraindication",
                    rule,
                    severity=rule.severity,
                    agents=[rule.agent],
                    drugs=[],
                    message=rule.message,
                    management=" ".join((stop, rule.management)).strip(),
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
        if not all(d in facts.drugs for d in rule.with_drugs):
            continue
        if not _may_match(facts, rule.drugs, rule.classes):
            continue
        for drug in matching_drugs(facts, rule.drugs, rule.classes):
            if drug not in rule.drugs and (agent, drug) in named:
                continue  # a rule naming this drug takes precedence over its class rule
            timing = separation_text(rule.separation, drug, kb.agents[agent].label.lower())
            management = " ".join(part for part in (timing, rule.management) if part)
            message = f"{kb.agents[agent].label} with {drug}: {rule.mechanism}"
            code = f"{rule.id}:{drug}"
            effect = SafetyEffect(effect_for(rule, agent, facts), message, management, rule, code)
            result.add_effect(agent, effect)
            if agent not in active:
                continue
            if timing:
                result.add_timing(agent, timing)
            basis = [facts.drug_basis(drug), _agent_basis(facts, agent)]
            result.alerts.append(
                _alert(
                    code,
                    "interaction",
                    rule,
                    severity=rule.severity,
                    agents=[agent],
                    drugs=[drug],
                    message=message,
                    management=management,
                    basis=basis,
                    separation=_separation(result, code, rule.separation, agent, drug),
                )
            )


def _may_match(facts: Facts, names: tuple[str, ...], classes: tuple[str, ...]) -> bool:
    """A cheap first test (most rules name nothing the patient takes) before matching_drugs."""
    return any(name in facts.drugs for name in names) or not facts.classes.isdisjoint(classes)


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
            separation=_separation(result, rule.id, rule.separation, first, second),
        )
    )


def _separation(
    result: SafetyResult, code: str, separation: Separation | None, a: str, b: str
) -> SeparationOut | None:
    """The contract's form of a separation: ``b`` (the drug, or the second agent) relative to
    ``a``; a symmetric ``apart_h`` holds on both sides."""
    if separation is None:
        return None
    before = separation.apart_h if separation.apart_h is not None else separation.drug_before_h
    after = separation.apart_h if separation.apart_h is not None else separation.drug_after_h
    if before is None and after is None:
        return None
    result.separations[code] = separation
    return SeparationOut(a=a, b=b, b_before_h=before, b_after_h=after)


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
        if not _may_match(facts, rule.drugs, rule.classes):
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
    graded: set[str] = set()  # a finding graded by how far out it is gets one alert
    for rule in facts.kb.lab_alerts:
        if rule.group in graded:
            continue
        basis = trigger_basis(rule.when, facts)
        if basis is None:
            continue
        if rule.group is not None:
            graded.add(rule.group)
        taken = [a for a in rule.agents if a in facts.taking] if rule.stop_agents else []
        result.alerts.append(
            _alert(
                rule.id,
                "lab",
                rule,
                severity=rule.severity,
                agents=list(rule.agents),
                drugs=[],
                message=rule.message,
                management=" ".join((stop_text(facts, taken), rule.management)).strip(),
                basis=basis + [_agent_basis(facts, agent) for agent in taken],
            )
        )


def effect_for(rule: Contraindication | Interaction, agent: str, facts: Facts) -> Effect:
    """The rule's effect on the decision, or its ``taking_effect`` when the patient takes it."""
    if agent in facts.taking and rule.taking_effect is not None:
        return rule.taking_effect
    return rule.effect


def stop_text(facts: Facts, agents: list[str]) -> str:
    """'Stop magnesium oxide (magnesium), which the patient takes.' for agents taken."""
    if not agents:
        return ""
    named = [f"{facts.taking[a]} ({facts.kb.agents[a].label.lower()})" for a in agents]
    return f"Stop {' and '.join(named)}, which the patient takes."


def _unrecognized(facts: Facts, result: SafetyResult) -> None:
    result.alerts.extend(name_alerts(facts.medications))
