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
    """A range in ``unit`` (any unit of the analyte); either bound may be absent."""

    unit: str
    low: float | None = None
    high: float | None = None


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

    @property
    def canonical_unit(self) -> str:
        return next(iter(self.units))

    @model_validator(mode="after")
    def _canonical_first(self) -> Analyte:
        if not self.units or next(iter(self.units.values())) != 1:
            raise ValueError("the first unit is the canonical one and must have factor 1")
        return self


class AnalyteFile(Strict):
    analyte: dict[str, Analyte]


class Condition(Strict):
    label: str


class ConditionFile(Strict):
    condition: dict[str, Condition]
    # conditions that explain a raised ferritin (so it is not read as iron overload)
    inflammatory: tuple[str, ...]


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


class Threshold(Cited):
    analyte: str | None = None  # None for eGFR and age thresholds
    comparison: Comparison
    value: float
    unit: str
    text: str

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


class Rule(Cited):
    """A decision the engine can reach for one agent, with the words that explain it."""

    agent: str
    decision: DecisionValue
    route: Route | None = None
    dose: str | None = None
    statement: str
    monitoring: tuple[str, ...] = ()
    orders: tuple[TestOrder, ...] = ()


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
    dialysis: bool | None = None
    pregnancy: Literal["pregnant", "breastfeeding"] | None = None
    trimester: int | None = None
    age_below: float | None = None
    age_at_least: float | None = None
    finding: str | None = None
    drugs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()

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
    severity: Severity
    effect: Effect
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


class TestRule(Cited):
    id: str
    analytes: tuple[str, ...] = Field(min_length=1)
    when: Trigger
    reason: str


class Guidance(Cited):
    id: str
    text: str
    when: Trigger | None = None


class IrlsBand(Strict):
    upto: int
    label: str


class RuleFile(Strict):
    irls_bands: tuple[IrlsBand, ...]
    threshold: dict[str, Threshold]
    rule: dict[str, Rule]


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


class DrugClass(Strict):
    id: str
    label: str
    parents: tuple[str, ...] = ()


class Drug(Strict):
    name: str
    classes: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    agent: str | None = None


class Combination(Strict):
    name: str
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = Field(min_length=2)


class DrugFile(Strict):
    # TOML's [[class]] array key is a Python keyword, hence the alias.
    classes: tuple[DrugClass, ...] = Field(alias="class")
    drug: tuple[Drug, ...]
    combination: tuple[Combination, ...]


class ManifestFile(Strict):
    format: Literal["rlsdesk-knowledge/1"]
    content_version: str
    files: dict[str, str]
