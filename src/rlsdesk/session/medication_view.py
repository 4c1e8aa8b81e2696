"""What a medication or supplement row says beside the name, derived from the domain's result.

The recognised name (or that it was corrected, or not recognised at all), the "did you mean"
names to offer as one-click fixes, the dose check, and any duplicate-therapy alert naming
the row. Words only: the row widget decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rlsdesk.domain.assessment import Alert, DoseCheck, MedicationResult
from rlsdesk.knowledge import KnowledgeBase

NOT_CHECKED = "⚠ not checked: name not recognised"
# A duplicate-therapy alert is recognised by its code ("duplicate_therapy:<generic>",
# domain/engine/name_checks.py).
DUPLICATE_MARK = "duplicate_therapy:"


@dataclass(frozen=True)
class RowView:
    resolved: str = ""  # "→ sertraline", "sertralin → sertraline, corrected", NOT_CHECKED
    state: str = ""  # "" | "resolved" | "corrected" | "unresolved"
    suggestions: tuple[str, ...] = ()
    dose: str = ""  # the dose check in words, "" when there is nothing to say
    dose_state: str = ""  # "" | "within_limit" | "above_limit" | "not_checked"
    duplicates: tuple[str, ...] = ()  # the duplicate-therapy alerts that name this row


def resolved_label(result: MedicationResult, kb: KnowledgeBase) -> str:
    resolved = result.resolved or ""
    agent = kb.agents.get(resolved)
    if agent is not None:
        return f"{agent.label} (supplement)"
    if len(result.ingredients) > 1:
        return f"{resolved} ({', '.join(result.ingredients)})"
    return resolved


def _amount(value: float) -> str:
    return f"{value:g}"


def dose_text(check: DoseCheck | None) -> str:
    """The dose check as the row shows it: what was read, and against which limit."""
    if check is None:
        return ""
    if check.status == "not_checked":
        return f"dose not checked: {check.reason}" if check.reason else "dose not checked"
    amount = ""
    if check.daily_amount is not None:
        amount = f"{_amount(check.daily_amount)} {check.unit or ''}".strip() + " a day"
    reading = f" (read as {check.reading})" if check.reading else ""
    if check.status == "above_limit":
        limit = f"; limit {check.limit}" if check.limit else ""
        return f"▲ dose above the limit: {amount}{reading}{limit}"
    limit = f" ({check.limit})" if check.limit else ""
    return f"✓ dose checked: {amount}{reading}, within the limit{limit}"


def _names(result: MedicationResult) -> set[str]:
    names = {n for n in (result.resolved, result.agent) if n}
    return names | set(result.ingredients)


def duplicate_alerts(result: MedicationResult, alerts: Sequence[Alert]) -> tuple[str, ...]:
    names = _names(result)
    return tuple(
        alert.message
        for alert in alerts
        if alert.code.startswith(DUPLICATE_MARK) and names & {*alert.drugs, *alert.agents}
    )


def row_view(
    result: MedicationResult | None, known: bool, alerts: Sequence[Alert], kb: KnowledgeBase
) -> RowView:
    """``known``: the row has a name to resolve; ``result`` None: the name is not valid text."""
    if not known:
        return RowView()
    if result is None or result.resolved is None:
        suggestions = tuple(result.suggestions) if result is not None else ()
        parts = tuple(result.unresolved_parts) if result is not None else ()
        text = NOT_CHECKED
        if parts:
            text += " (" + ", ".join(parts) + ")"
        return RowView(text, "unresolved", suggestions)
    label = resolved_label(result, kb)
    if result.corrected_from:
        resolved, state = f"{result.entered.strip()} → {label}, corrected spelling", "corrected"
    else:
        resolved, state = f"→ {label}", "resolved"
    if result.unresolved_parts:
        resolved += "; not recognised: " + ", ".join(result.unresolved_parts)
    check = result.dose_check
    return RowView(
        resolved,
        state,
        tuple(result.suggestions),
        dose_text(check),
        check.status if check is not None else "",
        duplicate_alerts(result, alerts),
    )
