"""What the engine knows about a patient: the labs that count, eGFR, what they take.

Everything here is derived once from the case and the knowledge base; the decision and
safety modules only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rlsdesk.domain.assessment import Basis, EgfrResult, LabResult, MedicationResult
from rlsdesk.domain.case import Case, LabEntry
from rlsdesk.domain.egfr import ADULT_AGE, ckd_epi_2021, kdigo_stage
from rlsdesk.domain.engine.medications import resolve_medication
from rlsdesk.domain.units import resolve_unit
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schema import Analyte, Range, Threshold, Trigger
from rlsdesk.knowledge.thresholds import (
    canonical_limit,
    counted_decimals,
    quantity,
    to_counted,
)


@dataclass(frozen=True)
class Reading:
    """The result that counts for one analyte (the newest dated one)."""

    analyte: str
    label: str
    entered_value: float
    entered_unit: str
    canonical_value: float
    canonical_unit: str
    flag: str
    decimals: int
    date: str | None

    def entered_text(self) -> str:
        return f"{_number(self.entered_value)} {self.entered_unit}"

    def canonical_text(self) -> str:
        return f"{self.canonical_value:.{self.decimals}f} {self.canonical_unit}"

    def basis(self, threshold: str | None = None, met: bool = True) -> Basis:
        when = f" ({self.date})" if self.date else ""
        return Basis(
            input=self.label + when,
            entered=self.entered_text(),
            canonical=self.canonical_text(),
            threshold=threshold,
            met=met,
        )


@dataclass(frozen=True)
class Facts:
    case: Case
    kb: KnowledgeBase
    readings: dict[str, Reading]
    lab_results: list[LabResult]
    egfr: EgfrResult
    medications: list[MedicationResult]
    drugs: dict[str, str]  # generic name -> the name the clinician typed
    classes: frozenset[str]
    taking: dict[str, str]  # agent id -> the name the clinician typed
    findings: dict[str, list[Basis]] = field(default_factory=dict)
    # each drug taken -> its classes with their broader classes, worked out once per case
    drug_classes: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def age(self) -> int:
        return self.case.patient.age_years

    @property
    def on_dialysis(self) -> bool:
        return self.case.kidney.dialysis != "none"

    @property
    def conditions(self) -> frozenset[str]:
        return frozenset(self.case.conditions)

    def reading(self, analyte: str) -> Reading | None:
        return self.readings.get(analyte)

    def meets(self, threshold_key: str, analyte: str | None = None) -> bool | None:
        """Whether the counting result meets a lab threshold; None when not measured."""
        threshold = self.kb.threshold(threshold_key)
        reading = self.readings.get(analyte or threshold.analyte or "")
        if reading is None:
            return None
        return threshold.holds(reading.canonical_value, self.canonical_limit(threshold))

    def canonical_limit(self, threshold: Threshold) -> float:
        assert threshold.analyte is not None
        return canonical_limit(threshold, self.kb.analytes[threshold.analyte])

    def egfr_basis(self, threshold: str | None = None) -> Basis:
        value = self.egfr.value
        source = "entered" if self.egfr.source == "entered" else "CKD-EPI 2021 from creatinine"
        text = "not available" if value is None else f"{_number(value)} mL/min/1.73 m² ({source})"
        return Basis(input="eGFR", entered=text, canonical=self.egfr.stage, threshold=threshold)

    def agent_basis(self, agent: str) -> Basis:
        """A supplement the patient takes, as typed, with the agent it is."""
        label = self.kb.agents[agent].label
        return Basis(input="supplement", entered=f"{self.taking[agent]} ({label})")

    def drug_basis(self, generic: str) -> Basis:
        typed = self.drugs.get(generic) or self.taking.get(generic) or generic
        shown = typed if typed.lower() == generic else f"{typed} ({generic})"
        return Basis(input="medication", entered=shown)


PRESENTATIONS = {"rls": "RLS", "leg_cramps": "nocturnal leg cramps"}


def _number(value: float) -> str:
    return f"{value:g}"


def _range_for(analyte: Analyte, sex: str) -> Range | None:
    specific = analyte.reference_range_female if sex == "female" else analyte.reference_range_male
    return specific or analyte.reference_range


def _range_text(bounds: Range) -> str:
    below = "<" if bounds.high_exclusive else "≤"
    if bounds.low is None:
        return f"{below} {bounds.high:g} {bounds.unit}"
    if bounds.high is None:
        return f"≥ {bounds.low:g} {bounds.unit}"
    if bounds.high_exclusive:
        return f"{bounds.low:g} to < {bounds.high:g} {bounds.unit}"
    return f"{bounds.low:g} – {bounds.high:g} {bounds.unit}"


def _bound(analyte: Analyte, analyte_id: str, value: float, unit: str) -> float:
    """A range bound or rule limit in the canonical unit, rounded as counted results are."""
    return to_counted(analyte, value, resolve_unit(analyte, analyte_id, unit))


def _flag(analyte_id: str, analyte: Analyte, canonical: float, sex: str) -> tuple[str, str | None]:
    """The lab's flag against the default range for the sex, and that range as text.

    ``high`` itself is in range unless the range says ``high_exclusive`` (potassium 5.0)."""
    bounds = _range_for(analyte, sex)
    if bounds is None:
        return "normal", None
    text = _range_text(bounds)
    if bounds.low is not None and canonical < _bound(analyte, analyte_id, bounds.low, bounds.unit):
        return "low", text
    if bounds.high is not None:
        high = _bound(analyte, analyte_id, bounds.high, bounds.unit)
        if canonical > high or (bounds.high_exclusive and canonical == high):
            return "high", text
    return "normal", text


def _labs(case: Case, kb: KnowledgeBase) -> tuple[dict[str, Reading], list[LabResult]]:
    def recency(item: tuple[int, LabEntry]) -> tuple[bool, str, int]:
        index, lab = item
        return (lab.date is not None, lab.date.isoformat() if lab.date else "", index)

    newest: dict[str, int] = {}
    for index, lab in sorted(enumerate(case.labs), key=recency):
        newest[lab.analyte] = index  # later in the sort order = newer
    readings: dict[str, Reading] = {}
    results: list[LabResult] = []
    for index, lab in enumerate(case.labs):
        analyte = kb.analytes[lab.analyte]
        unit = resolve_unit(analyte, lab.analyte, lab.unit)
        decimals = counted_decimals(analyte, lab.value, unit)
        # The one rounding: the number shown is the number every rule compares.
        canonical = to_counted(analyte, lab.value, unit)
        flag, range_text = _flag(lab.analyte, analyte, canonical, case.patient.sex)
        used = newest[lab.analyte] == index
        date = lab.date.isoformat() if lab.date else None
        results.append(
            LabResult(
                analyte=lab.analyte,
                value=lab.value,
                unit=unit,
                canonical_value=canonical,
                canonical_unit=analyte.canonical_unit,
                flag=flag,  # type: ignore[arg-type]
                date=date,
                used=used,
                reference_range=range_text,
            )
        )
        if used:
            readings[lab.analyte] = Reading(
                lab.analyte,
                analyte.label,
                lab.value,
                unit,
                canonical,
                analyte.canonical_unit,
                flag,
                decimals,
                date,
            )
    return readings, results


def _egfr(case: Case, readings: dict[str, Reading]) -> EgfrResult:
    entered = case.kidney.egfr
    if entered is not None:
        return EgfrResult(value=entered, source="entered", stage=kdigo_stage(entered))
    if case.kidney.dialysis != "none":
        note = "not estimated: on dialysis, creatinine does not reflect kidney function"
        return EgfrResult(value=None, source=None, stage=None, note=note)
    creatinine = readings.get("creatinine")
    if creatinine is None:
        note = "no eGFR or creatinine entered: kidney function unknown"
        return EgfrResult(value=None, source=None, stage=None, note=note)
    age = case.patient.age_years
    if age < ADULT_AGE:
        note = (
            f"not computed: CKD-EPI 2021 is validated for adults only and the patient is {age}; "
            "use a paediatric equation (e.g. bedside Schwartz) and enter the eGFR"
        )
        return EgfrResult(value=None, source=None, stage=None, note=note)
    value = round(ckd_epi_2021(creatinine.canonical_value, age, case.patient.sex), 1)
    note = f"CKD-EPI 2021 (race-free) from creatinine {creatinine.entered_text()}"
    if case.pregnancy.status == "pregnant":
        note += "; creatinine-based eGFR is less reliable in pregnancy"
    return EgfrResult(value=value, source="ckd_epi_2021", stage=kdigo_stage(value), note=note)


def build_facts(case: Case, kb: KnowledgeBase) -> Facts:
    readings, lab_results = _labs(case, kb)
    medications: list[MedicationResult] = []
    drugs: dict[str, str] = {}
    taking: dict[str, str] = {}
    for kind, entries in (("medication", case.medications), ("supplement", case.supplements)):
        for entry in entries:
            result, generic_names, agents = resolve_medication(entry, kind, kb)
            medications.append(result)
            for name in generic_names:
                drugs.setdefault(name, entry.name)
            for agent in agents:
                taking.setdefault(agent, entry.name)
    drug_classes = {name: kb.classes_of(name) for name in drugs}
    classes: set[str] = set().union(*drug_classes.values())
    facts = Facts(
        case=case,
        kb=kb,
        readings=readings,
        lab_results=lab_results,
        egfr=_egfr(case, readings),
        medications=medications,
        drugs=drugs,
        classes=frozenset(classes),
        drug_classes=drug_classes,
        taking=taking,
    )
    facts.findings.update(_findings(facts))
    return facts


def _findings(facts: Facts) -> dict[str, list[Basis]]:
    """Derived facts that several rules share, each with the inputs that establish it."""
    kb = facts.kb
    found: dict[str, list[Basis]] = {}
    inflammation: list[Basis] = []
    for condition in sorted(facts.conditions & set(kb.inflammatory_conditions)):
        inflammation.append(Basis(input="condition", entered=kb.conditions[condition]))
    crp = facts.reading("crp")
    if crp is not None and facts.meets("crp_raised"):
        inflammation.append(crp.basis(kb.threshold("crp_raised").text))
    if inflammation:
        found["inflammation"] = inflammation

    egfr = facts.egfr.value
    ckd_egfr = kb.threshold("ckd_egfr")
    if facts.on_dialysis:
        found["ckd"] = [Basis(input="dialysis", entered=facts.case.kidney.dialysis)]
    elif egfr is not None and ckd_egfr.holds(egfr):
        found["ckd"] = [facts.egfr_basis(ckd_egfr.text)]

    # Brief 1.1, 13.5: these raise ferritin whatever the iron stores, so a high ferritin
    # alone says nothing about overload.
    unreliable = list(inflammation) + _condition_basis(facts, kb.ferritin_raising_conditions)
    unreliable += found.get("ckd", [])
    if unreliable:
        found["ferritin_unreliable"] = unreliable

    overload = _condition_basis(facts, kb.iron_overload_conditions)
    tsat = facts.reading("tsat")
    if tsat is not None and facts.meets("iron_overload_tsat"):
        overload.append(tsat.basis(kb.threshold("iron_overload_tsat").text))
    ferritin = facts.reading("ferritin")
    if ferritin is not None and facts.meets("iron_overload_ferritin") and not unreliable:
        overload.append(ferritin.basis(kb.threshold("iron_overload_ferritin").text))
    if overload:
        found["iron_overload"] = overload
    return found


def _condition_basis(facts: Facts, conditions: tuple[str, ...]) -> list[Basis]:
    """The patient's conditions among ``conditions``, in the knowledge base's order."""
    return [
        Basis(input="condition", entered=facts.kb.conditions[c])
        for c in conditions
        if c in facts.conditions
    ]


def trigger_basis(trigger: Trigger, facts: Facts) -> list[Basis] | None:
    """The inputs that make ``trigger`` hold, or None when it does not hold."""
    population = _population_basis(trigger, facts)
    if population is None:
        return None
    basis = _facts_basis(trigger, facts)
    if basis is None:
        return None
    for part in trigger.all_of:
        part_basis = trigger_basis(part, facts)
        if part_basis is None:
            return None
        basis += part_basis
    if trigger.any_of:
        alternatives = (trigger_basis(part, facts) for part in trigger.any_of)
        chosen = next((found for found in alternatives if found is not None), None)
        if chosen is None:
            return None
        basis += chosen
    return population + basis


def _population_basis(trigger: Trigger, facts: Facts) -> list[Basis] | None:
    """Sex, pregnancy status, dialysis type, known eGFR, absent conditions, agents taken."""
    case = facts.case
    basis: list[Basis] = []
    if trigger.sex is not None:
        if case.patient.sex != trigger.sex:
            return None
        basis.append(Basis(input="sex", entered=case.patient.sex))
    if trigger.pregnancy_in:
        if case.pregnancy.status not in trigger.pregnancy_in:
            return None
        basis.append(Basis(input="pregnancy", entered=case.pregnancy.status.replace("_", " ")))
    if trigger.dialysis_in:
        if case.kidney.dialysis not in trigger.dialysis_in:
            return None
        basis.append(Basis(input="dialysis", entered=case.kidney.dialysis.replace("_", " ")))
    if trigger.egfr_known is not None:
        if (facts.egfr.value is not None) != trigger.egfr_known:
            return None
        basis.append(facts.egfr_basis())
    if facts.conditions & set(trigger.without_conditions):
        return None
    if trigger.taking:
        taken = [agent for agent in trigger.taking if agent in facts.taking]
        if not taken:
            return None
        basis += [facts.agent_basis(agent) for agent in taken]
    return basis


def _facts_basis(trigger: Trigger, facts: Facts) -> list[Basis] | None:
    """Presentation, conditions, a lab, eGFR, dialysis, pregnancy, age, findings, drugs."""
    basis: list[Basis] = []
    case = facts.case
    if trigger.presentation is not None:
        if not getattr(case.presentation, trigger.presentation):
            return None
        basis.append(Basis(input="presentation", entered=PRESENTATIONS[trigger.presentation]))
    if trigger.condition is not None:
        if trigger.condition not in facts.conditions:
            return None
        basis.append(Basis(input="condition", entered=facts.kb.conditions[trigger.condition]))
    if trigger.any_condition:
        present = [c for c in trigger.any_condition if c in facts.conditions]
        if not present:
            return None
        basis += [Basis(input="condition", entered=facts.kb.conditions[c]) for c in present]
    if trigger.lab is not None:
        lab_basis = _lab_trigger(trigger, facts)
        if lab_basis is None:
            return None
        basis.append(lab_basis)
    if trigger.egfr_below is not None or trigger.egfr_at_least is not None:
        egfr = facts.egfr.value
        if egfr is None:
            return None
        if trigger.egfr_below is not None and not egfr < trigger.egfr_below:
            return None
        if trigger.egfr_at_least is not None and not egfr >= trigger.egfr_at_least:
            return None
        parts = []
        if trigger.egfr_at_least is not None:
            parts.append(f"≥ {trigger.egfr_at_least:g}")
        if trigger.egfr_below is not None:
            parts.append(f"< {trigger.egfr_below:g}")
        basis.append(facts.egfr_basis("eGFR " + " and ".join(parts) + " mL/min/1.73 m²"))
    if trigger.dialysis is not None:
        if facts.on_dialysis != trigger.dialysis:
            return None
        basis.append(Basis(input="dialysis", entered=case.kidney.dialysis))
    if trigger.pregnancy is not None:
        if case.pregnancy.status != trigger.pregnancy:
            return None
        if trigger.trimester is not None and case.pregnancy.trimester != trigger.trimester:
            return None
        entered: str = case.pregnancy.status
        if case.pregnancy.trimester is not None:
            entered += f", trimester {case.pregnancy.trimester}"
        basis.append(Basis(input="pregnancy", entered=entered))
    if trigger.age_below is not None or trigger.age_at_least is not None:
        if trigger.age_below is not None and not facts.age < trigger.age_below:
            return None
        if trigger.age_at_least is not None and not facts.age >= trigger.age_at_least:
            return None
        basis.append(Basis(input="age", entered=f"{facts.age} years"))
    if trigger.finding is not None:
        if trigger.finding not in facts.findings:
            return None
        basis += facts.findings[trigger.finding]
    if trigger.drugs or trigger.classes:
        matched = matching_drugs(facts, trigger.drugs, trigger.classes)
        if not matched:
            return None
        basis += [facts.drug_basis(name) for name in matched]
    return basis


def matching_drugs(facts: Facts, names: tuple[str, ...], classes: tuple[str, ...]) -> list[str]:
    wanted = set(classes)
    return sorted(
        name
        for name, its_classes in facts.drug_classes.items()
        if name in names or (wanted and wanted & its_classes)
    )


def _lab_trigger(trigger: Trigger, facts: Facts) -> Basis | None:
    assert trigger.lab is not None
    reading = facts.reading(trigger.lab)
    if reading is None:
        return None
    analyte = facts.kb.analytes[trigger.lab]
    unit = trigger.unit or analyte.canonical_unit

    def limit(value: float) -> float:
        return _bound(analyte, trigger.lab or "", value, unit)

    value = reading.canonical_value
    checks: list[tuple[float | None, str, bool]] = [
        (trigger.at_least, "≥", trigger.at_least is not None and value >= limit(trigger.at_least)),
        (trigger.above, ">", trigger.above is not None and value > limit(trigger.above)),
        (trigger.below, "<", trigger.below is not None and value < limit(trigger.below)),
    ]
    texts = []
    for bound, symbol, holds in checks:
        if bound is None:
            continue
        if not holds:
            return None
        texts.append(f"{analyte.label.lower()} {symbol} {quantity(bound, unit)}")
    if trigger.lab_flag is not None:
        if reading.flag != trigger.lab_flag:
            return None
        texts.append(_flag_text(analyte, trigger.lab_flag, facts.case.patient.sex))
    return reading.basis("; ".join(texts) or None)


def _flag_text(analyte: Analyte, flag: str, sex: str) -> str:
    """'potassium ≥ 5 mmol/L (above the reference range)': the bound the flag used."""
    bounds = _range_for(analyte, sex)
    label = analyte.label.lower()
    if bounds is None:
        return f"{label} {flag} (reference range)"
    if flag == "high" and bounds.high is not None:
        symbol = "≥" if bounds.high_exclusive else ">"
        return f"{label} {symbol} {quantity(bounds.high, bounds.unit)} (above the reference range)"
    if flag == "low" and bounds.low is not None:
        return f"{label} < {quantity(bounds.low, bounds.unit)} (below the reference range)"
    return f"{label} {flag} (reference range)"
