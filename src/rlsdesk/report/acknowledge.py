"""Acknowledging interruptive alerts outside the app: ``rlsdesk sheet --acknowledge CODE[=REASON]``.

An interruptive alert the clinician does not name still prints, marked NOT ACKNOWLEDGED,
and the audit log records it as not acknowledged beside those that were.
"""

from __future__ import annotations

from collections.abc import Sequence

from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.case import CaseInputError, InputProblem

OPTION = "--acknowledge"


def interruptive_codes(assessment: Assessment) -> list[str]:
    return [a.code for a in assessment.alerts if a.tier == "interruptive"]


def parse_acknowledgements(
    given: Sequence[str], assessment: Assessment
) -> tuple[Acknowledgement, ...]:
    """Each 'CODE' or 'CODE=reason' as an acknowledgement; a code that names no interruptive
    alert of this assessment is an input error (a typo must not pass for an acknowledgement)."""
    codes = interruptive_codes(assessment)
    acknowledgements: list[Acknowledgement] = []
    problems: list[InputProblem] = []
    for value in given:
        code, _, reason = value.partition("=")
        code = code.strip()
        if code not in codes:
            known = ", ".join(codes) if codes else "none on this sheet"
            problems.append(
                InputProblem(OPTION, f"{code!r} is not an interruptive alert (these are: {known})")
            )
            continue
        acknowledgements.append(Acknowledgement(code, reason.strip()))
    if problems:
        raise CaseInputError(problems)
    return tuple(acknowledgements)


def audit_entries(
    assessment: Assessment, acknowledgements: Sequence[Acknowledgement]
) -> list[Acknowledgement]:
    """The acknowledgements given, then every interruptive alert left unacknowledged."""
    named = {a.alert_code for a in acknowledgements}
    missing = [
        Acknowledgement(code, "", acknowledged=False)
        for code in interruptive_codes(assessment)
        if code not in named
    ]
    return [*acknowledgements, *missing]
