"""Indications: for each agent, which knowledge-base rule the patient's data select.

This is the decision before safety: contraindications and interactions are applied
afterwards (engine.safety) and can only weaken it. Every number lives in the knowledge
base; this module only chooses among its thresholds and rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rlsdesk.domain.assessment import Basis
from rlsdesk.domain.engine.facts import Facts, trigger_basis
from rlsdesk.domain.engine.iv_dosing import iv_dose_text
from rlsdesk.knowledge.schema import Rule, TestOrder, Trigger


@dataclass
class Draft:
    agent: str
    rule_key: str
    rule: Rule
    basis: list[Basis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    orders: list[TestOrder] = field(default_factory=list)
    dose: str | None = None  # the rule's dose made specific to this patient (IV iron weight)


def _draft(facts: Facts, key: str, basis: list[Basis] | None = None) -> Draft:
    rule = facts.kb.rule(key)
    return Draft(rule.agent, key, rule, list(basis or []))


def _lab_basis(facts: Facts, threshold_key: str, analyte: str | None = None) -> list[Basis]:
    threshold = facts.kb.threshold(threshold_key)
    reading = facts.reading(analyte or threshold.analyte or "")
    if reading is None:
        return []
    return [reading.basis(threshold.text, met=bool(facts.meets(threshold_key, analyte)))]


def _not_measured(facts: Facts, *analytes: str) -> list[Basis]:
    return [
        Basis(input=facts.kb.analytes[a].label, entered="not measured")
        for a in analytes
        if facts.reading(a) is None
    ]


def _add_basis(draft: Draft, basis: list[Basis]) -> None:
    draft.basis += [b for b in basis if b not in draft.basis]


def _any_basis(triggers: tuple[Trigger, ...], facts: Facts) -> list[Basis] | None:
    """The inputs of the first trigger that holds, or None when none does."""
    found = (trigger_basis(when, facts) for when in triggers)
    return next((basis for basis in found if basis is not None), None)


def _either(first: bool | None, second: bool | None) -> bool | None:
    """Either cut-off met; None when neither is met and one was not measured."""
    if first or second:
        return True
    return None if first is None or second is None else False


# ----------------------------------------------------------------------------- iron


def iron(facts: Facts) -> Draft:
    draft = _iron_by_population(facts)
    if draft.rule.route == "iv":
        # Never IV iron in the first trimester, in any population (brief 13.6).
        deferral = facts.kb.rule("iron_iv_deferred_first_trimester")
        deferred_by = _any_basis(deferral.when_any, facts)
        if deferred_by is not None:
            deferred = _draft(facts, "iron_iv_deferred_first_trimester", draft.basis)
            _add_basis(deferred, deferred_by)
            return deferred
    if draft.rule.iv_doses:
        label_dose, weight = iv_dose_text(facts, draft.rule)
        draft.dose = " ".join(part for part in (draft.rule.dose, label_dose) if part)
        _add_basis(draft, weight)
    return draft


def _iron_by_population(facts: Facts) -> Draft:
    if "iron_overload" in facts.findings:
        return _draft(facts, "iron_overload", facts.findings["iron_overload"])
    ferritin = facts.reading("ferritin")
    explained = facts.findings.get("ferritin_unreliable")
    # On dialysis the ESRD rule itself answers a ferritin above 300 (brief 13.5).
    above_rls_rules = facts.meets("iron_ferritin_high")
    if ferritin is not None and above_rls_rules and explained and not facts.on_dialysis:
        basis = [ferritin.basis(facts.kb.threshold("iron_ferritin_high").text)]
        return _draft(facts, "iron_ferritin_explained", basis + explained)
    if not facts.case.presentation.rls:
        return _iron_general(facts)
    if ferritin is None and facts.reading("tsat") is None:
        return _draft(facts, "iron_needs_studies", _not_measured(facts, "ferritin", "tsat"))
    # Pregnancy outranks age: a pregnant adolescent follows the obstetric consensus.
    if facts.on_dialysis:
        return _iron_esrd(facts)
    if facts.case.pregnancy.status == "pregnant":
        return _iron_pregnancy(facts)
    if facts.case.pregnancy.status == "breastfeeding":
        return _iron_lactation(facts)
    if facts.kb.threshold("child_age").holds(facts.age):
        return _iron_child(facts)
    return _iron_adult(facts)


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
        return _with_missing(facts, _draft(facts, "iron_adult_oral", basis))
    if low_ferritin is None or low_tsat is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    return _draft(facts, "iron_adult_none", basis)


def _with_missing(facts: Facts, draft: Draft) -> Draft:
    draft.basis += _not_measured(facts, "ferritin", "tsat")
    return draft


def _iron_child(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_child_ferritin")
    child = facts.kb.threshold("child_age").text
    basis.append(Basis(input="age", entered=f"{facts.age} years", threshold=child))
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


def _pregnancy_iron_low(facts: Facts) -> bool | None:
    """The consensus ferritin cut-off [U] or TSAT < 20 % as in other adults (AASM [V])."""
    return _either(facts.meets("iron_pregnancy_ferritin"), facts.meets("iron_rls_tsat"))


def _iron_pregnancy(facts: Facts) -> Draft:
    trimester = facts.case.pregnancy.trimester
    labs = _lab_basis(facts, "iron_pregnancy_ferritin") + _lab_basis(facts, "iron_rls_tsat")
    basis = [*labs, Basis(input="pregnancy", entered=f"trimester {trimester}")]
    low = _pregnancy_iron_low(facts)
    if low is None:
        return _with_missing(facts, _draft(facts, "iron_needs_studies", basis))
    if not low:
        return _draft(facts, "iron_pregnancy_none", basis)
    severe = facts.case.presentation.oral_iron_failed or _irls_severe(facts)
    deferred = _any_basis(facts.kb.rule("iron_iv_deferred_first_trimester").when_any, facts)
    if deferred is None and severe and facts.meets("iron_pregnancy_iv_ferritin"):
        basis = _lab_basis(facts, "iron_pregnancy_iv_ferritin") + basis[len(labs) :]
        basis += _severity_basis(facts)
        return _draft(facts, "iron_pregnancy_iv", basis)
    return _with_missing(facts, _draft(facts, "iron_pregnancy_oral", basis))


def _iron_lactation(facts: Facts) -> Draft:
    basis = _lab_basis(facts, "iron_pregnancy_ferritin") + _lab_basis(facts, "iron_rls_tsat")
    basis.append(Basis(input="pregnancy", entered="breastfeeding"))
    if not _pregnancy_iron_low(facts):
        # Not low, or not known: the adult rule (IV-only band, missing studies) applies.
        return _iron_adult(facts)
    if facts.case.presentation.oral_iron_failed:
        basis.append(Basis(input="oral iron trial", entered="failed or not tolerated"))
        return _with_missing(facts, _draft(facts, "iron_lactation_iv", basis))
    return _with_missing(facts, _draft(facts, "iron_lactation_oral", basis))


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
    if reading is None:
        # Never "above 300: no deficiency" for a value nobody measured.
        return _draft(facts, "vitamin_b12_unmeasured", _not_measured(facts, "vitamin_b12"))
    return _draft(facts, "vitamin_b12_none", [reading.basis()])


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


def vitamin_c_follows_iron(facts: Facts, draft: Draft, iron_given: bool) -> Draft:
    """Vitamin C "with oral iron" only while that oral iron is still given after safety."""
    if draft.rule_key == "vitamin_c_with_iron" and not iron_given:
        return _draft(facts, "vitamin_c_none")
    return draft


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
        return _draft(facts, "vitamin_k2_cramps", basis)
    return _draft(facts, "vitamin_k2_none")


def thiamine(facts: Facts) -> Draft:
    risk = facts.kb.rule("thiamine_risk")
    basis: list[Basis] = []
    for when in risk.when_any:  # every risk present is an input, not just the first
        found = trigger_basis(when, facts)
        basis += found or []
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
    """A draft for every agent, in the contract's agent order, with the notes that apply."""
    iron_draft = iron(facts)
    drafts = {"iron": iron_draft}
    drafts.update({agent: decide(facts) for agent, decide in SIMPLE_AGENTS.items()})
    drafts["vitamin_c"] = vitamin_c(facts, iron_draft)
    for draft in drafts.values():
        _apply_notes(facts, draft)
    return drafts


def _apply_notes(facts: Facts, draft: Draft) -> None:
    """Each knowledge-base note for this rule whose trigger holds, with its inputs."""
    for note in facts.kb.notes:
        if note.agent != draft.agent or (note.rules and draft.rule_key not in note.rules):
            continue
        basis = trigger_basis(note.when, facts)
        if basis is not None:
            draft.notes.append(note.text)
            _add_basis(draft, basis)
