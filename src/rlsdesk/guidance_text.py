"""Guidance items (monitoring, lifestyle, red flags) as text, evidence and references.

The assessment carries them structured in ``guidance`` (kind, text, evidence, references);
the contract's text lists ``monitoring``, ``lifestyle`` and ``red_flags`` repeat each
``text`` with the engine's tag ``[V; R1, R4]`` at its end. The sheet, the note and the app
show the text without the tag, and the evidence and references from their own fields.
An assessment written before ``guidance`` existed is read from the text lists, here only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rlsdesk.domain.assessment import Assessment, GuidanceItem, GuidanceKind
from rlsdesk.knowledge.schema import EVIDENCE_LABELS


@dataclass(frozen=True)
class GuidanceLine:
    text: str
    evidence: str | None = None
    references: tuple[str, ...] = ()


def _tag(evidence: str, references: list[str] | tuple[str, ...]) -> str:
    """The tag the engine appends to a guidance line of the contract's text lists."""
    return f" [{evidence}; {', '.join(references)}]"


def from_item(item: GuidanceItem) -> GuidanceLine:
    text = item.text
    if item.evidence:
        text = text.removesuffix(_tag(item.evidence, item.references))
    return GuidanceLine(text, item.evidence, tuple(item.references))


def from_text(text: str) -> GuidanceLine:
    """A line of an older assessment: its trailing tag, if it is the engine's, read back."""
    body, opened, tag = text.rstrip().rpartition(" [")
    evidence, _, ids = tag.removesuffix("]").partition("; ")
    if not opened or not tag.endswith("]") or evidence not in EVIDENCE_LABELS:
        return GuidanceLine(text)
    references = tuple(part.strip() for part in ids.split(",") if part.strip())
    return GuidanceLine(body, evidence, references)


def guidance_lines(assessment: Assessment, kind: GuidanceKind) -> list[GuidanceLine]:
    """The lines of one kind, in the assessment's order."""
    if assessment.guidance:
        return [from_item(item) for item in assessment.guidance if item.kind == kind]
    texts = {
        "monitoring": assessment.monitoring,
        "lifestyle": assessment.lifestyle,
        "red_flag": assessment.red_flags,
    }[kind]
    return [from_text(text) for text in texts]
