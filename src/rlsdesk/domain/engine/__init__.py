"""The rule engine: a pure function from a case and a knowledge base to an assessment."""

from __future__ import annotations

from rlsdesk.domain.assessment import (
    SEVERITY_ORDER,
    Alert,
    Assessment,
    Basis,
    Decision,
    KnowledgeBaseStamp,
    TestToOrder,
)
from rlsdesk.domain.case import Case
from rlsdesk.domain.engine.facts import Facts, build_facts, trigger_basis
from rlsdesk.domain.engine.indications import Draft, draft_all
from rlsdesk.domain.engine.safety import ACTIVE, SafetyEffect, SafetyResult, evaluate
from rlsdesk.knowledge import EXTRA_TESTS, KnowledgeBase
from rlsdesk.knowledge.schema import AGENT_IDS, Evidence, Guidance

__all__ = ["assess"]


def assess(case: Case, kb: KnowledgeBase) -> Assessment:
    """Decide every agent, check safety, and list tests, monitoring and advice."""
    facts = build_facts(case, kb)
    drafts = draft_all(facts)
    safety = evaluate(facts, drafts)
    decisions = [_decide(facts, drafts[agent], safety) for agent in AGENT_IDS]
    active = {d.agent for d in decisions if d.decision in ACTIVE} | set(facts.taking)
    return Assessment(
        knowledge_base=KnowledgeBaseStamp(version=kb.version, sha256=kb.sha256),
        egfr=facts.egfr,
        labs=facts.lab_results,
        medications=facts.medications,
        decisions=decisions,
        alerts=_sorted_alerts(safety.alerts),
        tests_to_order=_tests(facts, drafts, active),
        monitoring=_monitoring(facts, drafts, decisions),
        lifestyle=_guidance_texts(facts, kb.lifestyle),
        red_flags=_guidance_texts(facts, kb.red_flags),
        case=case,
        irls_band=_irls_band(facts),
        condition_labels=[kb.conditions[c] for c in case.conditions],
    )


def _decide(facts: Facts, draft: Draft, safety: SafetyResult) -> Decision:
    rule = draft.rule
    decision, route, dose = rule.decision, rule.route, rule.dose
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
    return Decision(
        agent=draft.agent,
        decision=decision,
        route=route,
        dose=dose,
        rationale=_rationale(draft, applied, taking, facts),
        references=references,
        rule=rule.statement,
        evidence=evidence,
        basis=draft.basis,
        timing=safety.timing.get(draft.agent, []) if decision != "avoid" else [],
        taking=taking,
    )


def _describe(basis: Basis) -> str:
    value = basis.entered
    if basis.canonical and basis.canonical != basis.entered:
        value += f" (= {basis.canonical})"
    text = f"{basis.input} {value}"
    return text + (f", meets {basis.threshold}" if basis.threshold else "")


def _rationale(draft: Draft, applied: list[SafetyEffect], taking: bool, facts: Facts) -> str:
    parts = [draft.rule.statement]
    if draft.basis:
        parts.append("Inputs: " + "; ".join(_describe(b) for b in draft.basis) + ".")
    parts += draft.notes
    for effect in applied:
        parts.append(f"Safety: {effect.message} {effect.management}".strip())
    if taking:
        parts.append(f"The patient already takes it ({facts.taking[draft.agent]}).")
    return " ".join(parts)


def _sorted_alerts(alerts: list[Alert]) -> list[Alert]:
    unique: dict[str, Alert] = {}
    for alert in alerts:
        unique.setdefault(alert.code, alert)
    return sorted(unique.values(), key=lambda a: (SEVERITY_ORDER.index(a.severity), a.code))


def _tests(facts: Facts, drafts: dict[str, Draft], active: set[str]) -> list[TestToOrder]:
    kb = facts.kb
    found: dict[str, TestToOrder] = {}

    def order(analyte: str, reason: str, references: list[str]) -> None:
        if analyte in facts.readings:
            return
        label = kb.analytes[analyte].label if analyte in kb.analytes else EXTRA_TESTS[analyte]
        if analyte in found:
            previous = found[analyte]
            refs = previous.references + [r for r in references if r not in previous.references]
            found[analyte] = previous.model_copy(
                update={"reason": f"{previous.reason} {reason}", "references": refs}
            )
        else:
            found[analyte] = TestToOrder(
                analyte=analyte, reason=reason, label=label, references=references
            )

    for rule in kb.test_rules:
        if trigger_basis(rule.when, facts) is not None:
            for analyte in rule.analytes:
                order(analyte, rule.reason, list(rule.references))
    for draft in drafts.values():
        for item in (*draft.rule.orders, *draft.orders):
            order(item.analyte, item.reason, list(draft.rule.references))
    renal_agents = active & {"magnesium", "potassium"}
    if renal_agents and facts.egfr.value is None and not facts.on_dialysis:
        names = " and ".join(sorted(kb.agents[a].label.lower() for a in renal_agents))
        reason = (
            f"Kidney function is unknown and {names} accumulates when eGFR is below 30: "
            "creatinine (for eGFR) before or soon after starting."
        )
        order("creatinine", reason, ["R28", "R33"])
    return list(found.values())


def _monitoring(facts: Facts, drafts: dict[str, Draft], decisions: list[Decision]) -> list[str]:
    items: list[str] = []
    for decision in decisions:
        if decision.decision in ACTIVE:
            items += drafts[decision.agent].rule.monitoring
    items += _guidance_texts(facts, facts.kb.monitoring)
    if "vitamin_k2" in facts.taking and facts.classes & {"vitamin_k_antagonist"}:
        items.append("Vitamin K with a vitamin K antagonist: INR monitoring with any change.")
    return list(dict.fromkeys(items))


def _guidance_texts(facts: Facts, entries: tuple[Guidance, ...]) -> list[str]:
    return [
        f"{entry.text} [{entry.evidence}; {', '.join(entry.references)}]"
        for entry in entries
        if entry.when is None or trigger_basis(entry.when, facts) is not None
    ]


def _irls_band(facts: Facts) -> str | None:
    score = facts.case.presentation.irls_score
    if score is None:
        return None
    for band in facts.kb.irls_bands:
        if score <= band.upto:
            return band.label
    return None
