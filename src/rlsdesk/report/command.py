"""``rlsdesk sheet CASE.json -o SHEET.pdf``: assess a case and write its sheet."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rlsdesk.audit import audited_write
from rlsdesk.domain.case import Case, CaseInputError, InputProblem
from rlsdesk.domain.engine import assess
from rlsdesk.report.acknowledge import audit_entries, parse_acknowledgements
from rlsdesk.report.knowledge_texts import with_knowledge_base
from rlsdesk.report.sheet import SheetOptions, build_sheet
from rlsdesk.settings import load_settings

if TYPE_CHECKING:
    from rlsdesk.knowledge import KnowledgeBase

EXIT_OK = 0


def _chosen(given: str | None, saved: str) -> str:
    """A command-line value wins over the saved setting, even when it is empty."""
    return saved if given is None else given


def run_sheet(
    args: argparse.Namespace,
    kb: KnowledgeBase,
    read_case: Callable[[Path, KnowledgeBase], Case],
) -> int:
    settings = load_settings()
    assessment = assess(read_case(Path(args.case), kb), kb)
    options = SheetOptions(
        page_size=args.page_size or settings.page_size,
        handout=args.handout,
        clinic_name=_chosen(args.clinic, settings.clinic_name),
        clinic_address=_chosen(args.clinic_address, settings.clinic_address),
        clinician=_chosen(args.clinician, settings.clinician),
        reproducible=args.reproducible,
        summary_only=args.summary_only,
        acknowledgements=parse_acknowledgements(args.acknowledge, assessment),
    )
    pdf = build_sheet(assessment, with_knowledge_base(options, kb))
    logged = audit_entries(assessment, options.acknowledgements)
    output = Path(args.output)
    # Only the write is the user's input problem; a failed build (a missing font, say) is an
    # internal error and must not be reported as an unwritable path.
    # audited_write records the row before the file appears: no sheet without its audit row.
    try:
        warning = audited_write(output, pdf, assessment, "export", options.clinician, logged)
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        problem = InputProblem("output", f"{output}: cannot write the sheet ({reason})")
        raise CaseInputError([problem]) from None
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    print(output)
    return EXIT_OK
