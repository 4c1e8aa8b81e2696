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
from rlsdesk.domain.units import resolve_unit, to_canonical
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schema import Analyte, Range, Threshold, Trigger


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

    def basis(self, threshold: str | None = None) -> Basis:
        when = f" ({self.date})" if self.date else ""
        return Basis(
            input=self.label + when,
            entered=self.entered_text(),
            canonical=self.canonical_text(),
            threshold=threshold,
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
        analyte = self.kb.analytes[threshold.analyte]
        return to_canonical(analyte, threshold.analyte, threshold.value, threshold.unit)

    def egfr_basis(self, threshold: str | None = None) -> Basis:
        value = self.egfr.value
        source = "entered" if self.egfr.source == "entered" else "CKD-EPI 2021 from creatinine"
        text = "not available" if value is None else f"{_number(value)} mL/min/1.73 m² ({source})"
        return Basis(input="eGFR", entered=text, canonical=self.egfr.stage, threshold=threshold)

    def drug_basis(self, generic: str) -> Basis:
        typed = self.drugs.get(generic) or self.taking.get(generic) or generic
        shown = typed if typed.lower() == generic else f"{typed} ({generic})"
        return Basis(input="medication", entered=shown)


def _number(value: float) -> str:
    return f"{value:g}"


def _range_for(analyte: Analyte, sex: str) -> Range | None:
    specific = analyte.reference_range_female if sex == "female" else analyte.reference_range_male
    return specific or analyte.reference_range


def _range_text(bounds: Range) -> str:
    if bounds.low is None:
        return f"≤ {bounds.high:g} {bounds.unit}"
    if bounds.high is None:
        return f"≥ {bounds.low:g} {bounds.unit}"
    return f"{bounds.low:g} – {bounds.high:g} {bounds.unit}"


def _flag(analyte_id: str, analyte: Analyte, canonical: float, sex: str) -> tuple[str, str | None]:
    """The lab's flag against the default range for the sex, and that range as text."""
    bounds = _range_for(analyte, sex)
    if bounds is None:
        return "normal", None
    text = _range_text(bounds)
    if bounds.low is not None and canonical < to_canonical(
        analyte, analyte_id, bounds.low, bounds.unit
    ):
        return "low", text
    if bounds.high is not None and canonical > to_canonical(
        analyte, analyte_id, bounds.high, bounds.unit
    ):
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
        canonical = lab.value / analyte.units[unit]
        flag, range_text = _flag(lab.analyte, analyte, canonical, case.patient.sex)
        used = newest[lab.analyte] == index
        date = lab.date.isoformat() if lab.date else None
        results.append(
            LabResult(
                analyte=lab.analyte,
                value=lab.value,
                unit=unit,
                canonical_value=round(canonical, analyte.decimals + 2),
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
                analyte.decimals,
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
    classes: set[str] = set()
    for name in drugs:
        classes |= kb.classes_of(name)
    facts = Facts(
        case=case,
        kb=kb,
        readings=readings,
        lab_results=lab_results,
        egfr=_egfr(case, readings),
        medications=medications,
        drugs=drugs,
        classes=frozenset(classes),
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

    overload: list[Basis] = []
    for condition in ("hemochromatosis", "transfusional_iron_overload"):
        if condition in facts.conditions:
            overload.append(Basis(input="condition", entered=kb.conditions[condition]))
    tsat = facts.reading("tsat")
    if tsat is not None and facts.meets("iron_overload_tsat"):
        overload.append(tsat.basis(kb.threshold("iron_overload_tsat").text))
    ferritin = facts.reading("ferritin")
    if ferritin is not None and facts.meets("iron_overload_ferritin") and not inflammation:
        overload.append(ferritin.basis(kb.threshold("iron_overload_ferritin").text))
    if overload:
        found["iron_overload"] = overload

    egfr = facts.egfr.value
    if facts.on_dialysis:
        found["ckd"] = [Basis(input="dialysis", entered=facts.case.kidney.dialysis)]
    elif egfr is not None and egfr < 60:
        found["ckd"] = [facts.egfr_basis("eGFR < 60 mL/min/1.73 m²")]
    return found


def trigger_basis(trigger: Trigger, facts: Facts) -> list[Basis] | None:
    """The inputs that make ``trigger`` hold, or None when it does not hold."""
    basis: list[Basis] = []
    case = facts.case
    if trigger.presentation is not None and not getattr(case.presentation, trigger.presentation):
        return None
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
        basis.append(Basis(input="pregnancy", entered=case.pregnancy.status))
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
        for name in facts.drugs
        if name in names or (wanted and wanted & facts.kb.classes_of(name))
    )


def _lab_trigger(trigger: Trigger, facts: Facts) -> Basis | None:
    assert trigger.lab is not None
    reading = facts.reading(trigger.lab)
    if reading is None:
        return None
    analyte = facts.kb.analytes[trigger.lab]
    unit = trigger.unit or analyte.canonical_unit

    def limit(value: float) -> float:
        return to_canonical(analyte, trigger.lab or "", value, unit)

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
        texts.append(f"{analyte.label.lower()} {symbol} {bound:g} {unit}")
    if trigger.lab_flag is not None:
        if reading.flag != trigger.lab_flag:
            return None
        texts.append(f"{analyte.label.lower()} {trigger.lab_flag} (reference range)")
    return reading.basis("; ".join(texts) or None)
