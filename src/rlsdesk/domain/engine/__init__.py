"""The rule engine: a pure function from a case and a knowledge base to an assessment."""

from __future__ import annotations

from rlsdesk.domain.assessment import (
    SEVERITY_ORDER,
    Alert,
    Assessment,
    Basis,
    Decision,
    KnowledgeBaseStamp,
    PlanAction,
)
from rlsdesk.domain.case import Case
from rlsdesk.domain.doses import review_doses
from rlsdesk.domain.engine.facts import Facts, build_facts, trigger_basis
from rlsdesk.domain.engine.guidance import guidance_items, tests_to_order, texts
from rlsdesk.domain.engine.indications import Draft, draft_all, vitamin_c_follows_iron
from rlsdesk.domain.engine.safety import ACTIVE, SafetyEffect, SafetyResult, evaluate
from rlsdesk.domain.engine.tiers import present
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schedule_schema import DayAnchors
from rlsdesk.knowledge.schema import AGENT_IDS, DecisionValue, Evidence, Trigger

__all__ = ["assess"]


def assess(case: Case, kb: KnowledgeBase, day: DayAnchors | None = None) -> Assessment:
    """Decide every agent, check safety, and list tests, monitoring and advice.

    ``day``: the clinic's day anchors for the schedule (the knowledge base's defaults if None).
    """
    facts = build_facts(case, kb)
    drafts = draft_all(facts)
    safety = _evaluate(facts, drafts)
    decisions = [_decide(facts, drafts[agent], safety) for agent in AGENT_IDS]
    guidance = guidance_items(facts, drafts, decisions)
    active = {d.agent for d in decisions if d.decision in ACTIVE} | set(facts.taking)
    supported = frozenset(d.agent for d in decisions if d.decision in ACTIVE)

    def holds(when: Trigger) -> list[Basis] | None:
        return trigger_basis(when, facts)

    doses = review_doses(case, kb, facts.medications, holds, frozenset(facts.readings), supported)
    shown = present(facts, decisions, _sorted_alerts(safety.alerts + doses.alerts), safety, day)
    return Assessment(
        knowledge_base=KnowledgeBaseStamp(version=kb.version, sha256=kb.sha256),
        egfr=facts.egfr,
        labs=facts.lab_results,
        medications=doses.medications,
        decisions=shown.decisions,
        alerts=shown.alerts,
        schedule=shown.schedule,
        schedule_conflicts=shown.conflicts,
        tests_to_order=tests_to_order(facts, drafts, active),
        monitoring=texts(guidance, "monitoring"),
        lifestyle=texts(guidance, "lifestyle"),
        red_flags=texts(guidance, "red_flag"),
        guidance=guidance,
        case=case,
        irls_band=_irls_band(facts),
        condition_labels=[kb.conditions[c] for c in case.conditions],
    )


def _evaluate(facts: Facts, drafts: dict[str, Draft]) -> SafetyResult:
    """Safety, once more if vitamin C was drafted for an oral iron that safety then blocks."""
    safety = evaluate(facts, drafts)
    iron_avoided = any(e.effect == "avoid" for e in safety.effects.get("iron", []))
    follows = vitamin_c_follows_iron(facts, drafts["vitamin_c"], iron_given=not iron_avoided)
    if follows is drafts["vitamin_c"]:
        return safety
    drafts["vitamin_c"] = follows
    return evaluate(facts, drafts)


def _decide(facts: Facts, draft: Draft, safety: SafetyResult) -> Decision:
    rule = draft.rule
    decision, route, dose = rule.decision, rule.route, draft.dose or rule.dose
    evidence: Evidence = rule.evidence
    references = list(rule.references)
    effects = safety.effects.get(draft.agent, [])
    avoid = [e for e in effects if e.effect == "avoid"]
    caution = [e for e in effects if e.effect == "caution"]
    applied: list[SafetyEffect] = []
    if avoid:
        decision, route, dose = "avoid", None, None
        applied = avoid
    elif caution and decision in ("recommend", "consider"):
        decision = "caution"
        applied = caution
    if avoid:
        # An avoided agent rests on the safety rule, not on its indication.
        evidence = avoid[0].rule.evidence
    if applied:
        for effect in applied:
            references += [r for r in effect.rule.references if r not in references]
    taking = draft.agent in facts.taking
    notes = _notes(draft, applied, taking, facts)
    deferred = rule.action == "defer" and decision != "avoid"
    return Decision(
        agent=draft.agent,
        decision=decision,
        route=route,
        dose=dose,
        rationale=_rationale(draft, notes),
        references=references,
        rule=rule.statement,
        evidence=evidence,
        basis=draft.basis,
        timing=safety.timing.get(draft.agent, []) if decision != "avoid" else [],
        taking=taking,
        notes=notes,
        action=plan_action(decision, taking, deferred),
    )


def plan_action(decision: DecisionValue, taking: bool, deferred: bool = False) -> PlanAction | None:
    """Start, continue, stop, avoid or defer; None for an agent that is not indicated."""
    if decision == "not_indicated":
        return None
    if decision == "avoid":
        return "stop" if taking else "avoid"
    if deferred:
        return "defer"
    return "continue" if taking else "start"


def _describe(basis: Basis) -> str:
    value = basis.entered
    if basis.canonical and basis.canonical != basis.entered:
        value += f" (= {basis.canonical})"
    text = f"{basis.input} {value}"
    words = basis.comparison_words
    return text + (f", {words}" if words else "")


def _rationale(draft: Draft, notes: list[str]) -> str:
    parts = [draft.rule.statement]
    if draft.basis:
        parts.append("Inputs: " + "; ".join(_describe(b) for b in draft.basis) + ".")
    return " ".join([*parts, *notes])


def _notes(draft: Draft, applied: list[SafetyEffect], taking: bool, facts: Facts) -> list[str]:
    """The rationale after the rule and its inputs, as separate sentences (Decision.notes)."""
    notes = list(draft.notes)
    for effect in applied:
        notes.append(f"Safety: {effect.message} {effect.management}".strip())
    if taking:
        notes.append(f"The patient already takes it ({facts.taking[draft.agent]}).")
    return notes


def _sorted_alerts(alerts: list[Alert]) -> list[Alert]:
    unique: dict[str, Alert] = {}
    for alert in alerts:
        unique.setdefault(alert.code, alert)
    return sorted(unique.values(), key=lambda a: (SEVERITY_ORDER.index(a.severity), a.code))


def _irls_band(facts: Facts) -> str | None:
    score = facts.case.presentation.irls_score
    if score is None:
        return None
    for band in facts.kb.irls_bands:
        if score <= band.upto:
            return band.label
    return None
