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


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(Out):
    """One input that fired a rule: as entered, as converted, and the threshold it met."""

    input: str
    entered: str
    canonical: str | None = None
    threshold: str | None = None


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


class MedicationResult(Out):
    entered: str
    resolved: str | None
    kind: Literal["medication", "supplement"]
    dose: str | None = None  # extension
    ingredients: list[str] = []  # extension: generic names it contains
    agent: str | None = None  # extension: the supplement agent it is, if any


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


class TestToOrder(Out):
    analyte: str
    reason: str
    label: str | None = None  # extension
    references: list[str] = []  # extension


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

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
