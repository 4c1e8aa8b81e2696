"""Alerts about the medication list itself: names not recognised (whole or in part) and the
same drug entered twice. A name read by spelling correction was recognised, so it raises no
"unrecognized" alert: ``MedicationResult.corrected_from`` says so on its row."""

from __future__ import annotations

from rlsdesk.domain.assessment import Alert, Basis, MedicationResult

_NOT_CHECKED = "NOT CHECKED for interactions, RLS aggravation or cramps."


def name_alerts(medications: list[MedicationResult]) -> list[Alert]:
    """Every unrecognised name or part, every duplicate drug."""
    alerts: list[Alert] = []
    for index, medication in enumerate(medications):
        basis = [Basis(input=medication.kind, entered=medication.entered)]
        if medication.resolved is None:
            alerts.append(
                _unrecognized(
                    f"unrecognized:{index}",
                    f"'{medication.entered}' was not recognised: {_NOT_CHECKED}",
                    medication.suggestions,
                    basis,
                )
            )
            continue
        for number, part in enumerate(medication.unresolved_parts, start=1):
            alerts.append(
                _unrecognized(
                    f"unrecognized:{index}:{number}",
                    f"'{part}' in '{medication.entered}' was not recognised (the rest was read "
                    f"as {medication.resolved}): this part is {_NOT_CHECKED}",
                    medication.suggestions,
                    basis,
                )
            )
    return alerts + duplicate_therapy_alerts(medications)


def _unrecognized(code: str, message: str, suggestions: list[str], basis: list[Basis]) -> Alert:
    did_you_mean = f"Did you mean: {', '.join(suggestions)}? " if suggestions else ""
    return Alert(
        code=code,
        severity="moderate",
        kind="unrecognized",
        agents=[],
        drugs=[],
        message=message,
        management=did_you_mean + "Check it yourself, or re-enter it by its generic name.",
        references=["KB"],
        evidence="editorial",
        basis=basis,
        applies_to="taking",
    )


def duplicate_therapy_alerts(medications: list[MedicationResult]) -> list[Alert]:
    """One alert per drug contained in two or more entries (brand and generic, or two
    products sharing an ingredient), naming every entry."""
    holders: dict[str, list[MedicationResult]] = {}
    for medication in medications:
        for generic in medication.ingredients:
            holders.setdefault(generic, []).append(medication)
    alerts: list[Alert] = []
    for generic, entries in holders.items():
        if len(entries) < 2:
            continue
        quoted = [f"'{m.entered}'" for m in entries]
        named = ", ".join(quoted[:-1]) + " and " + quoted[-1]
        alerts.append(
            Alert(
                code=f"duplicate_therapy:{generic}",
                severity="moderate",
                kind="interaction",
                agents=[],
                drugs=[generic],
                message=f"Duplicate therapy: {generic} is entered {len(entries)} times ({named}).",
                management="Check whether every entry is meant to be taken; if so, check the "
                "total daily dose. If not, remove the duplicate.",
                references=["KB"],
                evidence="editorial",
                basis=[Basis(input=m.kind, entered=m.entered) for m in entries],
                applies_to="taking",
            )
        )
    return alerts
