"""Resolving typed medication and supplement names against the catalogue."""

from __future__ import annotations

from rlsdesk.domain.assessment import MedicationResult
from rlsdesk.domain.case import MedicationEntry
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.names import lookup_keys


def resolve_medication(
    entry: MedicationEntry, kind: str, kb: KnowledgeBase
) -> tuple[MedicationResult, tuple[str, ...], tuple[str, ...]]:
    """The result row, the generic drug names it contains, and the agents it contains."""
    for key in lookup_keys(entry.name):
        found = kb.names.get(key)
        if found is None:
            continue
        agents = tuple(
            sorted({a for d in found.ingredients if (a := kb.drugs[d].agent)})
            if found.ingredients
            else ([found.agent] if found.agent else [])
        )
        is_single_agent_product = len(found.ingredients) <= 1 and len(agents) == 1
        if kind == "supplement" and is_single_agent_product:
            resolved = agents[0]
        elif found.is_agent_name:
            resolved = found.name
        else:
            resolved = found.name
        drugs = tuple(d for d in found.ingredients if kb.drugs[d].agent is None)
        result = MedicationResult(
            entered=entry.name,
            resolved=resolved,
            kind=kind,  # type: ignore[arg-type]
            dose=entry.dose,
            ingredients=list(found.ingredients),
            agent=agents[0] if len(agents) == 1 else None,
        )
        return result, drugs, agents
    unresolved = MedicationResult(entered=entry.name, resolved=None, kind=kind, dose=entry.dose)  # type: ignore[arg-type]
    return unresolved, (), ()
