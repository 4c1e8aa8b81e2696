"""The ``rlsdesk-assessment/1`` format (shared/case-format.md).

Fields marked *extension* are additions allowed by the contract (new optional fields): they
carry the basis of each decision so the sheet and the GUI can show it without clinical logic.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from rlsdesk.domain.case import Case
from rlsdesk.knowledge.schema import DecisionValue, Evidence, Route, Severity

SEVERITY_ORDER: tuple[Severity, ...] = ("contraindicated", "major", "moderate", "minor", "info")
AlertKind = Literal[
    "contraindication", "interaction", "aggravates_rls", "causes_cramps", "lab", "unrecognized"
]
# 2026-11 extensions (shared/case-format.md): what an alert is about, and how it is shown.
AppliesTo = Literal["taking", "suggested", "patient"]
Tier = Literal["interruptive", "alert", "schedule", "info"]
TIER_ORDER: tuple[Tier, ...] = ("interruptive", "alert", "schedule", "info")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(Out):
    """One input of a rule: as entered, as converted, and the threshold it was compared with."""

    input: str
    entered: str
    canonical: str | None = None
    threshold: str | None = None
    met: bool = True  # extension: False when the input was compared and does not meet it

    @property
    def comparison_words(self) -> str | None:
        """'meets TSAT < 20%' or 'does not meet TSAT < 20%': the same words everywhere."""
        if not self.threshold:
            return None
        return f"{'meets' if self.met else 'does not meet'} {self.threshold}"


class KnowledgeBaseStamp(Out):
    version: str
    sha256: str


class EgfrResult(Out):
    value: float | None
    source: Literal["entered", "ckd_epi_2021"] | None
    stage: str | None
    note: str | None = None  # extension: why it was not computed, caveats


class LabResult(Out):
    analyte: str
    value: float
    unit: str
    canonical_value: float
    canonical_unit: str
    flag: Literal["low", "normal", "high"]
    date: str | None = None  # extension
    used: bool = True  # extension: False when a newer result for the analyte superseded it
    reference_range: str | None = None  # extension: the range the flag came from


class DoseCheck(Out):
    """Extension: the daily dose read from a medication's or supplement's dose, checked
    against the knowledge base's limit (brief 13.1-13.3)."""

    status: Literal["within_limit", "above_limit", "not_checked"]
    agent: str | None = None  # the agent whose amount was read
    daily_amount: float | None = None  # elemental amount per day, in ``unit``
    unit: str | None = None
    reading: str | None = None  # how the text was read, incl. which reading of an ambiguous one
    limit: str | None = None  # the limit compared with, as text
    reason: str | None = None  # why it was not checked ("dose not checked: ...")


class MedicationResult(Out):
    entered: str
    resolved: str | None
    kind: Literal["medication", "supplement"]
    dose: str | None = None  # extension
    ingredients: list[str] = []  # extension: generic names it contains
    agent: str | None = None  # extension: the supplement agent it is, if any
    # extension: the catalogue name a misspelling was corrected to ("sertralin" -> sertraline)
    corrected_from: str | None = None
    suggestions: list[str] = []  # extension: "did you mean" names for an unresolved entry
    unresolved_parts: list[str] = []  # extension: parts of a typed combination not recognised
    dose_check: DoseCheck | None = None  # extension


# What the plan says to do with an agent (extension): derived by the engine from the decision,
# whether the patient takes it, and the rule (a deferred start), never by a display layer.
PlanAction = Literal["start", "continue", "stop", "avoid", "defer"]


class Decision(Out):
    agent: str
    decision: DecisionValue
    route: Route | None
    dose: str | None
    rationale: str
    references: list[str]
    rule: str | None = None  # extension: the rule in plain words
    evidence: Evidence | None = None  # extension
    basis: list[Basis] = []  # extension
    timing: list[str] = []  # extension: separation from named medications and supplements
    taking: bool = False  # extension: the patient already takes it
    # extension: the rationale's sentences after the rule and its inputs (the rule's notes, the
    # safety effects applied, "already takes it"), so a reader need not take the text apart
    notes: list[str] = []
    # 2026-11 extension (rlsdesk): codes of the alerts whose safety effect made the decision
    # avoid (or caution); an avoided agent's alerts have tier "info" and are shown here
    reasons: list[str] = []
    action: PlanAction | None = None  # extension: None when not indicated


class SeparationOut(Out):
    """``b`` taken at least ``b_before_h`` hours before ``a`` or ``b_after_h`` hours after it
    (None: that order is not allowed). ``a`` is an agent id, ``b`` an agent id or drug name."""

    a: str
    b: str
    b_before_h: float | None
    b_after_h: float | None


class Alert(Out):
    code: str
    severity: Severity
    kind: AlertKind
    agents: list[str]
    drugs: list[str]
    message: str
    management: str
    references: list[str]
    evidence: Evidence | None = None  # extension
    basis: list[Basis] = []  # extension
    applies_to: AppliesTo = "patient"  # 2026-11 extension
    tier: Tier = "alert"  # 2026-11 extension
    separation: SeparationOut | None = None  # 2026-11 extension


class ScheduleItem(Out):
    name: str  # agent id or canonical drug name
    label: str
    frequency: str
    with_food: bool | None = None
    note: str | None = None


class ScheduleSlot(Out):
    time: str  # "HH:MM"
    items: list[ScheduleItem]


class ScheduleConflict(Out):
    names: list[str]
    reason: str


class TestToOrder(Out):
    analyte: str
    reason: str
    label: str | None = None  # extension
    references: list[str] = []  # extension
    evidence: Evidence | None = None  # extension: the ordering rule's evidence tag
    basis: list[Basis] = []  # extension: the inputs that made the rule order it


GuidanceKind = Literal["monitoring", "lifestyle", "red_flag"]


class GuidanceItem(Out):
    """Extension: one monitoring, lifestyle or red-flag line with what it rests on; its
    ``text`` is the same line as in ``monitoring``/``lifestyle``/``red_flags``."""

    id: str  # knowledge-base id, or "rule.<rule key>" for a decision's monitoring line
    kind: GuidanceKind
    text: str
    evidence: Evidence | None = None
    references: list[str] = []
    basis: list[Basis] = []


class Assessment(Out):
    format: Literal["rlsdesk-assessment/1"] = "rlsdesk-assessment/1"
    knowledge_base: KnowledgeBaseStamp
    egfr: EgfrResult
    labs: list[LabResult]
    medications: list[MedicationResult]
    decisions: list[Decision]
    alerts: list[Alert]
    tests_to_order: list[TestToOrder]
    monitoring: list[str]
    lifestyle: list[str]
    red_flags: list[str]
    case: Case  # extension: the input as validated, so a sheet needs nothing else
    irls_band: str | None = None  # extension
    condition_labels: list[str] = []  # extension
    schedule: list[ScheduleSlot] = []  # 2026-11 extension
    schedule_conflicts: list[ScheduleConflict] = []  # 2026-11 extension
    guidance: list[GuidanceItem] = []  # extension: the three text lists above, structured

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
