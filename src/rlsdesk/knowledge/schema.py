"""Strict models of the knowledge base files in ``knowledge/``.

Every model forbids unknown keys and is frozen: a typo in a data file is an error at start,
never a silently ignored rule.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Evidence = Literal["V", "S", "U", "editorial"]
Severity = Literal["contraindicated", "major", "moderate", "minor", "info"]
Effect = Literal["avoid", "caution", "none"]
DecisionValue = Literal["recommend", "consider", "caution", "avoid", "not_indicated"]
Route = Literal["oral", "iv"]
Comparison = Literal["<", "<=", ">", ">="]
# How often a dose is taken: the case's DoseDetail.frequency, the dose reader and the schedule
DoseFrequency = Literal[
    "daily",
    "twice_daily",
    "three_times_daily",
    "four_times_daily",
    "at_night",
    "every_other_day",
    "weekly",
]

AGENT_IDS: tuple[str, ...] = (
    "iron",
    "magnesium",
    "vitamin_b6",
    "vitamin_b12",
    "folate",
    "vitamin_d",
    "vitamin_c",
    "vitamin_e",
    "zinc",
    "potassium",
    "calcium",
    "vitamin_k2",
    "thiamine",
)

EVIDENCE_LABELS: dict[str, str] = {
    "V": "[V] verified against the primary source",
    "S": "[S] secondary sources only",
    "U": "[U] unverified",
    "editorial": "editorial (rule proposed by the brief, not stated by a source)",
}


class Strict(BaseModel):
    # TOML values are already typed; lax mode only lets arrays become tuples.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    evidence: Evidence
    references: tuple[str, ...] = Field(min_length=1)


class Reference(Strict):
    id: str
    citation: str
    year: int | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None

    def full_citation(self) -> str:
        """The citation with its year, DOI and URL, each added only if the text lacks it."""
        text = self.citation.rstrip()
        if self.year is not None and str(self.year) not in text:
            text += f" {self.year}."
        if self.doi and self.doi not in text:
            text += f" doi:{self.doi}"
        if self.url and self.url not in text:
            text += f" {self.url}"
        return text


class ReferenceFile(Strict):
    reference: tuple[Reference, ...]


class Range(Strict):
    """A range in ``unit`` (any unit of the analyte); either bound may be absent.

    ``low`` itself is in range; ``high`` is in range unless ``high_exclusive`` (potassium 5.0
    mmol/L is already hyperkalemia, brief 13.4), so flag and rules agree at the boundary."""

    unit: str
    low: float | None = None
    high: float | None = None
    high_exclusive: bool = False


class Analyte(Strict):
    label: str
    loinc: str | None = None
    # unit symbol -> how many of that unit make one canonical unit (canonical factor is 1)
    units: dict[str, float]
    si_unit: str  # the unit a lab reporting in SI uses (the GUI's default in SI mode)
    decimals: int = Field(ge=0, le=3)
    plausible: Range
    reference_range: Range | None = None
    reference_range_female: Range | None = None
    reference_range_male: Range | None = None
    range_evidence: Evidence
    range_references: tuple[str, ...] = ()
    # Lab import: every LOINC code that reports this analyte (mass and molar forms), and each
    # UCUM code a file may send mapped to the unit it means here (UCUM is case-sensitive).
    loinc_codes: tuple[str, ...] = ()
    loinc_evidence: Evidence | None = None
    loinc_references: tuple[str, ...] = ()
    ucum: dict[str, str] = Field(default_factory=dict)
    # thresholds (keys in rules.toml) drawn on this analyte's trend chart; none: all of them
    trend_thresholds: tuple[str, ...] = ()

    @property
    def canonical_unit(self) -> str:
        return next(iter(self.units))

    @model_validator(mode="after")
    def _canonical_first(self) -> Analyte:
        if not self.units or next(iter(self.units.values())) != 1:
            raise ValueError("the first unit is the canonical one and must have factor 1")
        return self

    @model_validator(mode="after")
    def _import_codes_consistent(self) -> Analyte:
        if self.loinc is not None and self.loinc_codes and self.loinc not in self.loinc_codes:
            raise ValueError(f"loinc {self.loinc} must be one of loinc_codes")
        if self.loinc_codes and self.loinc_evidence is None:
            raise ValueError("loinc_codes need loinc_evidence")
        strays = sorted(set(self.ucum.values()) - set(self.units))
        if strays:
            raise ValueError(f"ucum maps to units this analyte does not have: {strays}")
        return self


class EgfrImport(Strict):
    """How a lab file reports an eGFR that may fill ``kidney.egfr`` (lab import)."""

    loinc_codes: tuple[str, ...] = Field(min_length=1)
    loinc_evidence: Evidence
    loinc_references: tuple[str, ...] = ()
    unit: str  # the case's eGFR unit
    ucum: dict[str, str]  # UCUM code -> unit (every value must be ``unit``)
    plausible: Range

    @model_validator(mode="after")
    def _one_unit(self) -> EgfrImport:
        if set(self.ucum.values()) - {self.unit} or self.plausible.unit != self.unit:
            raise ValueError(f"every eGFR unit must be {self.unit}")
        return self


class AnalyteFile(Strict):
    analyte: dict[str, Analyte]
    egfr: EgfrImport | None = None


class Condition(Strict):
    label: str


class ConditionFile(Strict):
    condition: dict[str, Condition]
    # conditions that explain a raised ferritin (so it is not read as iron overload)
    inflammatory: tuple[str, ...]
    # other conditions that raise ferritin independently of iron stores (brief 1.1, 13.5)
    ferritin_raising: tuple[str, ...] = ()
    # conditions that are iron overload in themselves: every iron and vitamin C is blocked
    iron_overload: tuple[str, ...] = ()


class Agent(Strict):
    label: str
    aliases: tuple[str, ...]
    forms: tuple[str, ...]
    usual_dose: str
    upper_limit: str
    upper_limit_references: tuple[str, ...] = ()
    patient_advice: str


class AgentFile(Strict):
    agent: dict[str, Agent]


COMPARISON_SYMBOLS: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


class Threshold(Cited):
    """A cut-off. Its display text is derived from subject, comparison, value and unit by the
    loader (knowledge.thresholds), so the words can never say another number than the test;
    ``qualifier`` adds words only, and may hold no digit."""

    analyte: str | None = None  # None for eGFR and age thresholds
    comparison: Comparison
    value: float
    unit: str
    subject: str | None = None  # defaults to the analyte's label in lower case
    qualifier: str | None = None
    text: str = ""  # filled by the loader; a hand-written text must equal the derived one

    def holds(self, value: float, limit: float | None = None) -> bool:
        """Whether ``value`` meets the threshold; ``limit`` is the threshold value converted
        to the unit of ``value`` (defaults to the threshold as written)."""
        limit = self.value if limit is None else limit
        return {
            "<": value < limit,
            "<=": value <= limit,
            ">": value > limit,
            ">=": value >= limit,
        }[self.comparison]


class TestOrder(Strict):
    analyte: str
    reason: str
    when: Trigger | None = None  # ordered only when this holds too (its inputs are the basis)


class MonitoringLine(Strict):
    text: str
    evidence: Evidence
    references: tuple[str, ...] = Field(min_length=1)


class Rule(Cited):
    """A decision the engine can reach for one agent, with the words that explain it."""

    agent: str
    decision: DecisionValue
    route: Route | None = None
    dose: str | None = None
    statement: str
    # "defer": indicated, but not to be started now (IV iron in the first trimester)
    action: Literal["defer"] | None = None
    # a line is the rule's own text and tag, or a table with the tag of that line alone
    # (a recheck interval the brief marks [U] inside a [V] rule)
    monitoring: tuple[str | MonitoringLine, ...] = ()
    orders: tuple[TestOrder, ...] = ()
    # the indication, for agents decided by facts rather than a lab cut-off: any one holds
    when_any: tuple[Trigger, ...] = ()
    iv_doses: tuple[str, ...] = ()  # label dosing schemes (iv_dose keys) shown with the dose


class Trigger(Strict):
    """Facts about a patient; a trigger holds when every given key holds."""

    presentation: Literal["rls", "leg_cramps"] | None = None
    condition: str | None = None
    any_condition: tuple[str, ...] = ()
    lab: str | None = None
    lab_flag: Literal["low", "high"] | None = None
    unit: str | None = None  # unit of the lab comparison values; canonical when absent
    at_least: float | None = None
    above: float | None = None
    below: float | None = None
    egfr_below: float | None = None
    egfr_at_least: float | None = None
    egfr_known: bool | None = None
    dialysis: bool | None = None
    dialysis_in: tuple[Literal["hemodialysis", "peritoneal_dialysis"], ...] = ()
    pregnancy: Literal["pregnant", "breastfeeding"] | None = None
    pregnancy_in: tuple[Literal["not_pregnant", "pregnant", "breastfeeding", "unknown"], ...] = ()
    sex: Literal["female", "male"] | None = None
    without_conditions: tuple[str, ...] = ()  # holds only when none of these is present
    taking: tuple[str, ...] = ()  # agent ids: the patient takes at least one of them
    trimester: int | None = None
    age_below: float | None = None
    age_at_least: float | None = None
    finding: str | None = None
    drugs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    any_of: tuple[Trigger, ...] = ()  # populations as alternatives: at least one holds
    all_of: tuple[Trigger, ...] = ()  # e.g. two labs at once: every one holds

    @model_validator(mode="after")
    def _not_empty(self) -> Trigger:
        if not self.model_fields_set:
            raise ValueError("a trigger needs at least one condition")
        if (self.at_least, self.above, self.below, self.lab_flag) != (None,) * 4 and not self.lab:
            raise ValueError("a lab comparison needs 'lab'")
        return self


class Contraindication(Cited):
    id: str
    agent: str
    severity: Severity
    effect: Effect
    # what the effect is when the patient already takes the agent (K2 on warfarin: keep
    # steady with INR checks, never "stop"); the same as ``effect`` when absent
    taking_effect: Effect | None = None
    when: Trigger
    message: str
    management: str


class Separation(Strict):
    """Dose spacing. ``drug_before_h``/``drug_after_h``: when the drug is taken relative to
    the supplement; ``apart_h``: symmetric spacing; ``or_with_food``: taking both together
    with a meal is an accepted alternative."""

    drug_before_h: float | None = None
    drug_after_h: float | None = None
    apart_h: float | None = None
    or_with_food: bool = False


class Interaction(Cited):
    id: str
    agents: tuple[str, ...] = Field(min_length=1, max_length=2)
    drugs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    unless_drugs: tuple[str, ...] = ()
    # fires only when every one of these is taken too (Juluca: dolutegravir with rilpivirine)
    with_drugs: tuple[str, ...] = ()
    severity: Severity
    effect: Effect
    # what the effect is when the patient already takes the agent (K2 on warfarin: keep
    # steady with INR checks, never "stop"); the same as ``effect`` when absent
    taking_effect: Effect | None = None
    mechanism: str
    management: str
    separation: Separation | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Interaction:
        has_drug_side = bool(self.drugs or self.classes)
        if len(self.agents) == 2 and has_drug_side:
            raise ValueError("a supplement-supplement interaction names no drugs")
        if len(self.agents) == 1 and not has_drug_side:
            raise ValueError("a supplement-drug interaction names drugs or classes")
        return self


class MedicationAlert(Cited):
    id: str
    kind: Literal["aggravates_rls", "causes_cramps", "contraindication"]
    drugs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    requires: Literal["rls", "leg_cramps", "any"]
    severity: Severity
    message: str
    alternatives: str


class LabAlert(Cited):
    """A result that needs attention in itself, whatever is decided about supplements."""

    id: str
    agents: tuple[str, ...] = ()
    severity: Severity
    when: Trigger
    message: str
    management: str
    same_day_care: bool = False  # a level that needs same-day care: the alert interrupts
    # a level too high for the agents named: one the patient takes is to be stopped
    stop_agents: bool = False
    # Alerts sharing a group grade one finding by how far out it is: only the first that fires
    # (file order, most severe first) is raised.
    group: str | None = None


class TestRule(Cited):
    id: str
    analytes: tuple[str, ...] = Field(min_length=1)
    when: Trigger
    reason: str
    # only while one of these agents is taken or suggested by the assessment
    agents: tuple[str, ...] = ()


class Guidance(Cited):
    id: str
    text: str
    when: Trigger | None = None


class RuleNote(Cited):
    """A sentence added to a decision's rationale when its trigger holds."""

    id: str
    agent: str
    rules: tuple[str, ...] = ()  # the rule keys it qualifies; every rule of the agent if empty
    when: Trigger
    text: str


class IvDoseOption(Strict):
    """One label regimen: ``doses`` of a fixed or weight-based amount, for a weight band."""

    doses: int = Field(ge=1)
    mg_per_dose: float | None = None
    mg_per_kg: float | None = None
    max_mg_per_dose: float | None = None
    days_apart_at_least: float | None = None
    weight_at_least_kg: float | None = None
    weight_below_kg: float | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> IvDoseOption:
        if (self.mg_per_dose is None) == (self.mg_per_kg is None):
            raise ValueError("give exactly one of mg_per_dose and mg_per_kg")
        return self


class IvDose(Cited):
    """Label dosing of an IV iron product for one population (brief 1.4)."""

    product: str
    population: str
    when: Trigger | None = None  # the population; any patient when absent
    options: tuple[IvDoseOption, ...] = ()
    infuse_min_at_least: float | None = None
    note: str | None = None


class IrlsBand(Strict):
    upto: int
    label: str


class RuleFile(Strict):
    irls_bands: tuple[IrlsBand, ...]
    threshold: dict[str, Threshold]
    rule: dict[str, Rule]
    note: tuple[RuleNote, ...] = ()
    iv_dose: dict[str, IvDose] = Field(default_factory=dict)


class SafetyFile(Strict):
    contraindication: tuple[Contraindication, ...]
    interaction: tuple[Interaction, ...]
    medication_alert: tuple[MedicationAlert, ...]
    lab_alert: tuple[LabAlert, ...]


class GuidanceFile(Strict):
    test_rule: tuple[TestRule, ...]
    lifestyle: tuple[Guidance, ...]
    red_flag: tuple[Guidance, ...]
    monitoring: tuple[Guidance, ...]


class ManifestFile(Strict):
    format: Literal["rlsdesk-knowledge/1"]
    content_version: str
    files: dict[str, str]
