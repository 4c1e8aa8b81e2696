"""Indications: for each agent, which knowledge-base rule the patient's data select.

This is the decision before safety: contraindications and interactions are applied
afterwards (engine.safety) and can only weaken it. Every number lives in the knowledge
base; this module only chooses among its thresholds and rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rlsdesk.domain.assessment import Basis
from rlsdesk.domain.engine.facts import Facts, matching_drugs
from rlsdesk.knowledge.schema import Rule, TestOrder


@dataclass
class Draft:
    agent: str
    rule_key: str
    rule: Rule
    basis: list[Basis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    orders: list[TestOrder] = field(default_factory=list)


def _draft(facts: Facts, key: str, basis: list[Basis] | None = None) -> Draft:
    rule = facts.kb.rule(key)
    return Draft(rule.agent, key, rule, list(basis or []))


def _lab_basis(facts: Facts, threshold_key: str, analyte: str | None = None) -> list[Basis]:
    threshold = facts.kb.threshold(threshold_key)
    reading = facts.reading(analyte or threshold.analyte or "")
    return [] if reading is None else [reading.basis(threshold.text)]


def _not_measured(facts: Facts, *analytes: str) -> list[Basis]:
    return [
        Basis(input=facts.kb.analytes[a].label, entered="not measured")
        for a in analytes
        if facts.reading(a) is None
    ]


# ----------------------------------------------------------------------------- iron


def iron(facts: Facts) -> Draft:
    if "iron_overload" in facts.findings:
        return _draft(facts, "iron_overload", facts.findings["iron_overload"])
    ferritin = facts.reading("ferritin")
    if (
        ferritin is not None
        and facts.meets("iron_overload_ferritin")
        and "inflammation" in facts.findings
    ):
        basis = [ferritin.basis(facts.kb.threshold("iron_overload_ferritin").text)]
        return _draft(facts, "iron_ferritin_inflamed", basis + facts.findings["inflammation"])
    presentation = facts.case.presentation
    if not presentation.rls:
        return _iron_general(facts)
    if ferritin is None and facts.reading("tsat") is None:
        return _draft(facts, "iron_needs_studies", _not_measured(facts, "ferritin", "tsat"))
    # Pregnancy outranks age: a pregnant adolescent follows the obstetric consensus.
    if facts.on_dialysis:
        draft = _iron_esrd(facts)
    elif facts.case.pregnancy.status == "pregnant":
        draft = _iron_pregnancy(facts)
    elif facts.case.pregnancy.status == "breastfeeding":
        draft = _iron_lactation(facts)
    elif facts.age < 18:
        draft = _iron_child(facts)
    else:
        draft = _iron_adult(facts)
    if "inflammation" in facts.findings:
        draft.notes.append(
            "Inflammation is present, so ferritin may be falsely reassuring: "
            "rely more on TSAT < 20% [editorial; WHO inflammation cut-off unverified]."
        )
        draft.basis += facts.findings["inflammation"]
    if "ckd" in facts.findings and not facts.on_dialysis:
        draft.notes.append("CKD: interpret ferritin with CRP (ferritin rises in CKD).")
    return draft


def _iron_adult(facts: Facts) -> Draft:
    low_ferritin = facts.meets("iron_rls_ferritin")
    low_tsat = facts.meets("iron_rls_tsat")
    in_iv_band = not low_ferritin and facts.meets("iron_iv_band_ferritin")
    basis = _lab_basis(facts, "iron_rls_ferritin") + _lab_basis(facts, "iron_rls_tsat")
    if in_iv_band:
        basis = _lab_basis(facts, "iron_iv_band_ferritin") + _lab_basis(facts, "iron_rls_tsat")
        return _with_missing(facts, _draft(facts, "iron_adult_iv_band", basis))
    if low_ferritin or low_tsat:
        if facts.case.presentation.oral_iron_failed:
            basis.append(Basis(input="oral iron trial", entered="failed or not tolerated"))
            return _with_missing(facts, _draft(facts, "iron_adult_iv_after_oral", basis))
        draft = _draft(facts, "iron_adult_oral", basis)
        if facts.classes & {"ppi", "h2ra"} or facts.conditions & {
            "bariatric_surgery",
            "celiac_disease",
            "inflammatory_bowel_disease",
        }:
            draft.notes.append(
                "Acid suppression or malabsorption predicts a poor oral response: "
                "consider IV iron if ferritin does not rise."
            )
        return _with_missing(facts, draft)
    if low_ferritin is None or low_tsat is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    return _draft(facts, "iron_adult_none", basis)


def _with_missing(facts: Facts, draft: Draft) -> Draft:
    draft.basis += _not_measured(facts, "ferritin", "tsat")
    return draft


def _iron_child(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_child_ferritin")
    basis.append(Basis(input="age", entered=f"{facts.age} years", threshold="under 18"))
    low = facts.meets("iron_child_ferritin")
    if low is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    return _draft(facts, "iron_child_oral" if low else "iron_child_none", basis)


def _iron_esrd(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_esrd_ferritin") + _lab_basis(facts, "iron_esrd_tsat")
    basis.append(Basis(input="dialysis", entered=facts.case.kidney.dialysis))
    low_ferritin = facts.meets("iron_esrd_ferritin")
    low_tsat = facts.meets("iron_esrd_tsat")
    if low_ferritin and low_tsat:
        return _draft(facts, "iron_esrd_iv", basis)
    if low_ferritin is None or low_tsat is None:
        if low_ferritin is False or low_tsat is False:
            return _draft(facts, "iron_esrd_none", basis)
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    return _draft(facts, "iron_esrd_none", basis)


def _iron_pregnancy(facts: Facts) -> Draft:
    trimester = facts.case.pregnancy.trimester
    basis = _lab_basis(facts, "iron_pregnancy_ferritin")
    basis.append(Basis(input="pregnancy", entered=f"trimester {trimester}"))
    low = facts.meets("iron_pregnancy_ferritin")
    if low is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    if not low:
        return _draft(facts, "iron_pregnancy_none", basis)
    severe = facts.case.presentation.oral_iron_failed or _irls_severe(facts)
    if trimester in (2, 3) and severe and facts.meets("iron_pregnancy_iv_ferritin"):
        basis = _lab_basis(facts, "iron_pregnancy_iv_ferritin") + basis[1:]
        basis += _severity_basis(facts)
        return _draft(facts, "iron_pregnancy_iv", basis)
    return _draft(facts, "iron_pregnancy_oral", basis)


def _iron_lactation(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_pregnancy_ferritin")
    basis.append(Basis(input="pregnancy", entered="breastfeeding"))
    low = facts.meets("iron_pregnancy_ferritin")
    if low is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    if not low:
        return _iron_adult(facts)
    if facts.case.presentation.oral_iron_failed:
        basis.append(Basis(input="oral iron trial", entered="failed or not tolerated"))
        return _draft(facts, "iron_lactation_iv", basis)
    return _draft(facts, "iron_lactation_oral", basis)


def _iron_general(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_general_deficiency_ferritin")
    if facts.meets("iron_general_deficiency_ferritin"):
        return _draft(facts, "iron_general_deficiency", basis)
    return _draft(facts, "iron_no_rls_none", basis or _not_measured(facts, "ferritin"))


def _irls_severe(facts: Facts) -> bool:
    score = facts.case.presentation.irls_score
    return score is not None and facts.kb.threshold("irls_severe").holds(score)


def _severity_basis(facts: Facts) -> list[Basis]:
    basis = []
    score = facts.case.presentation.irls_score
    if score is not None:
        threshold = facts.kb.threshold("irls_severe").text
        basis.append(Basis(input="IRLS total", entered=str(score), threshold=threshold))
    if facts.case.presentation.oral_iron_failed:
        basis.append(Basis(input="oral iron trial", entered="failed or not tolerated"))
    return basis


# ----------------------------------------------------------------- other agents


def magnesium(facts: Facts) -> Draft:
    if facts.meets("magnesium_severe"):
        return _draft(facts, "magnesium_severe", _lab_basis(facts, "magnesium_severe"))
    if facts.meets("magnesium_low"):
        return _draft(facts, "magnesium_deficiency", _lab_basis(facts, "magnesium_low"))
    reading = facts.reading("magnesium")
    basis = [reading.basis()] if reading else _not_measured(facts, "magnesium")
    return _draft(facts, "magnesium_none", basis)


def vitamin_b6(facts: Facts) -> Draft:
    if facts.case.presentation.leg_cramps:
        basis = [Basis(input="presentation", entered="nocturnal leg cramps")]
        return _draft(facts, "vitamin_b6_cramps", basis)
    return _draft(facts, "vitamin_b6_none")


def vitamin_b12(facts: Facts) -> Draft:
    if facts.meets("b12_deficient"):
        return _draft(facts, "vitamin_b12_deficient", _lab_basis(facts, "b12_deficient"))
    if facts.meets("b12_borderline"):
        return _draft(facts, "vitamin_b12_borderline", _lab_basis(facts, "b12_borderline"))
    reading = facts.reading("vitamin_b12")
    basis = [reading.basis()] if reading else _not_measured(facts, "vitamin_b12")
    return _draft(facts, "vitamin_b12_none", basis)


def folate(facts: Facts) -> Draft:
    if not facts.meets("folate_low"):
        reading = facts.reading("folate")
        basis = [reading.basis()] if reading else _not_measured(facts, "folate")
        return _draft(facts, "folate_none", basis)
    basis = _lab_basis(facts, "folate_low")
    b12_deficient = facts.meets("b12_deficient")
    if b12_deficient is False:
        return _draft(facts, "folate_deficient", basis + _lab_basis(facts, "b12_deficient"))
    draft = _draft(facts, "folate_b12_first", basis)
    if b12_deficient is None:
        draft.basis += _not_measured(facts, "vitamin_b12")
        reason = "Low folate: vitamin B12 must be known before folic acid above 1 mg/day."
        draft.orders.append(TestOrder(analyte="vitamin_b12", reason=reason))
    else:
        draft.basis += _lab_basis(facts, "b12_deficient")
    return draft


def vitamin_d(facts: Facts) -> Draft:
    if facts.meets("vitamin_d_deficient"):
        return _draft(facts, "vitamin_d_deficient", _lab_basis(facts, "vitamin_d_deficient"))
    if facts.meets("vitamin_d_inadequate"):
        return _draft(facts, "vitamin_d_inadequate", _lab_basis(facts, "vitamin_d_inadequate"))
    reading = facts.reading("vitamin_d_25oh")
    basis = [reading.basis()] if reading else _not_measured(facts, "vitamin_d_25oh")
    return _draft(facts, "vitamin_d_none", basis)


def vitamin_c(facts: Facts, iron_draft: Draft) -> Draft:
    if facts.case.presentation.rls and facts.on_dialysis:
        basis = [
            Basis(input="presentation", entered="RLS"),
            Basis(input="dialysis", entered=facts.case.kidney.dialysis),
        ]
        return _draft(facts, "vitamin_c_esrd", basis)
    if iron_draft.rule.route == "oral" and iron_draft.rule.decision in ("recommend", "consider"):
        basis = [Basis(input="iron decision", entered=f"oral iron ({iron_draft.rule.decision})")]
        return _draft(facts, "vitamin_c_with_iron", basis)
    return _draft(facts, "vitamin_c_none")


def vitamin_e(facts: Facts) -> Draft:
    return _draft(facts, "vitamin_e_none")


def zinc(facts: Facts) -> Draft:
    if facts.meets("zinc_low"):
        return _draft(facts, "zinc_low", _lab_basis(facts, "zinc_low"))
    reading = facts.reading("zinc")
    return _draft(facts, "zinc_none", [reading.basis()] if reading else [])


def potassium(facts: Facts) -> Draft:
    if facts.meets("potassium_iv"):
        return _draft(facts, "potassium_iv", _lab_basis(facts, "potassium_iv"))
    if facts.meets("potassium_low"):
        return _draft(facts, "potassium_low", _lab_basis(facts, "potassium_low"))
    reading = facts.reading("potassium")
    basis = [reading.basis()] if reading else _not_measured(facts, "potassium")
    return _draft(facts, "potassium_none", basis)


def calcium(facts: Facts) -> Draft:
    if not facts.meets("calcium_low"):
        reading = facts.reading("calcium")
        basis = [reading.basis()] if reading else _not_measured(facts, "calcium")
        return _draft(facts, "calcium_none", basis)
    basis = _lab_basis(facts, "calcium_low")
    albumin_low = facts.meets("albumin_low")
    if albumin_low:
        return _draft(facts, "calcium_low_albumin", basis + _lab_basis(facts, "albumin_low"))
    draft = _draft(facts, "calcium_low", basis)
    if albumin_low is None:
        draft.basis += _not_measured(facts, "albumin")
        reason = "Low total calcium: albumin is needed to tell true hypocalcemia from low albumin."
        draft.orders.append(TestOrder(analyte="albumin", reason=reason))
    return draft


def vitamin_k2(facts: Facts) -> Draft:
    threshold = facts.kb.threshold("k2_trial_age")
    if facts.case.presentation.leg_cramps and threshold.holds(facts.age):
        basis = [
            Basis(input="presentation", entered="nocturnal leg cramps"),
            Basis(input="age", entered=f"{facts.age} years", threshold=threshold.text),
        ]
        draft = _draft(facts, "vitamin_k2_cramps", basis)
        diuretics = matching_drugs(
            facts, (), ("loop_diuretic", "thiazide_diuretic", "potassium_sparing_diuretic")
        )
        if diuretics:
            draft.notes.append(
                "The trial excluded diuretic users, and this patient takes "
                + ", ".join(diuretics)
                + ": the evidence does not cover them."
            )
        return draft
    return _draft(facts, "vitamin_k2_none")


def thiamine(facts: Facts) -> Draft:
    risks = facts.conditions & {"alcohol_use_disorder", "bariatric_surgery"}
    basis = [Basis(input="condition", entered=facts.kb.conditions[c]) for c in sorted(risks)]
    basis += [facts.drug_basis(d) for d in matching_drugs(facts, (), ("loop_diuretic",))]
    if basis:
        return _draft(facts, "thiamine_risk", basis)
    return _draft(facts, "thiamine_none")


SIMPLE_AGENTS: dict[str, Callable[[Facts], Draft]] = {
    "magnesium": magnesium,
    "vitamin_b6": vitamin_b6,
    "vitamin_b12": vitamin_b12,
    "folate": folate,
    "vitamin_d": vitamin_d,
    "vitamin_e": vitamin_e,
    "zinc": zinc,
    "potassium": potassium,
    "calcium": calcium,
    "vitamin_k2": vitamin_k2,
    "thiamine": thiamine,
}


def draft_all(facts: Facts) -> dict[str, Draft]:
    """A draft for every agent, in the contract's agent order."""
    iron_draft = iron(facts)
    drafts = {"iron": iron_draft}
    drafts.update({agent: decide(facts) for agent, decide in SIMPLE_AGENTS.items()})
    drafts["vitamin_c"] = vitamin_c(facts, iron_draft)
    return drafts
