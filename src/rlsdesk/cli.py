"""The ``rlsdesk`` command: the desktop app with no arguments, or a subcommand.

Exit status: 0 success; 1 internal error; 2 invalid input (one line per problem on standard
error, naming the field); 3 the knowledge base is damaged, changed or invalid.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rlsdesk import __version__
from rlsdesk.domain.case import (
    Case,
    CaseInputError,
    InputProblem,
    load_case_bytes,
    read_case_file,
)
from rlsdesk.knowledge import (
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseIntegrityError,
    load_knowledge_base,
)
from rlsdesk.logs import configure_logging, set_patient_context

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_KNOWLEDGE = 0, 1, 2, 3
MAX_PROBLEM_LINES = 50  # a file with 80,000 bad keys is refused in 50 lines, not 80,000
SUBCOMMANDS = ("check", "sheet", "kb", "audit")


class InputFileError(Exception):
    """A file named on the command line could not be read."""


def read_case(path: Path, kb: KnowledgeBase) -> Case:
    try:
        data = read_case_file(path)
    except OSError as error:
        raise CaseInputError([InputProblem("", f"{path}: {error.strerror or error}")]) from None
    case = load_case_bytes(data, kb)
    set_patient_context(case.patient.name, case.patient.identifier)
    return case


def _check(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from rlsdesk.domain.engine import assess
    from rlsdesk.summary import render_summary

    assessment = assess(read_case(Path(args.case), kb), kb)
    sys.stdout.write(assessment.to_json() if args.json else render_summary(assessment))
    return EXIT_OK


def _kb(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    print(f"version: {kb.version}")
    print(f"sha256: {kb.sha256}")
    print(f"folder: {kb.folder}")
    for name, count in kb.counts.items():
        print(f"{name}: {count}")
    return EXIT_OK


def _sheet(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from rlsdesk.report.command import run_sheet

    return run_sheet(args, kb, read_case)


def _audit(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from rlsdesk.audit import run_audit_command

    return run_audit_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rlsdesk",
        description="Decision support for supplements in restless legs syndrome and "
        "nocturnal leg cramps. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"rlsdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="assess a case file and print the result")
    check.add_argument("case", help="a case in the rlsdesk-case/1 JSON format")
    check.add_argument("--json", action="store_true", help="print the rlsdesk-assessment/1 JSON")
    check.set_defaults(handler=_check)

    sheet = commands.add_parser("sheet", help="write the recommendation sheet (PDF)")
    sheet.add_argument("case", help="a case in the rlsdesk-case/1 JSON format")
    sheet.add_argument("-o", "--output", required=True, help="the PDF file to write")
    sheet.add_argument("--page-size", choices=("a4", "letter"), default=None)
    sheet.add_argument("--handout", action="store_true", help="append a patient handout page")
    sheet.add_argument("--clinic", help="clinic name (default: from settings)")
    sheet.add_argument("--clinic-address", help="clinic address (default: from settings)")
    sheet.add_argument("--clinician", help="clinician name (default: from settings)")
    sheet.add_argument(
        "--reproducible", action="store_true", help="fixed timestamp and invariant PDF bytes"
    )
    sheet.set_defaults(handler=_sheet)

    kb = commands.add_parser("kb", help="knowledge base commands")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    kb_check = kb_commands.add_parser("check", help="verify and validate the knowledge base")
    kb_check.set_defaults(handler=_kb)

    audit = commands.add_parser("audit", help="list or export the audit log of printed sheets")
    audit.add_argument("--csv", metavar="FILE", help="export the log as CSV to FILE ('-': stdout)")
    audit.set_defaults(handler=_audit)
    return parser


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    handler: Callable[[argparse.Namespace, KnowledgeBase], int] = args.handler
    try:
        kb = load_knowledge_base()
    except KnowledgeBaseIntegrityError as error:
        print(
            "rlsdesk: the knowledge base is damaged or was changed; refusing to assess.",
            file=sys.stderr,
        )
        for damage in error.problems:
            print(f"knowledge base: {damage}", file=sys.stderr)
        print("Reinstall rlsdesk to restore the knowledge base.", file=sys.stderr)
        return EXIT_KNOWLEDGE
    except KnowledgeBaseError as error:
        for invalid in error.problems:
            print(f"knowledge base: {invalid}", file=sys.stderr)
        return EXIT_KNOWLEDGE
    try:
        return handler(args, kb)
    except CaseInputError as error:
        for problem in error.problems[:MAX_PROBLEM_LINES]:
            print(str(problem), file=sys.stderr)
        if len(error.problems) > MAX_PROBLEM_LINES:
            more = len(error.problems) - MAX_PROBLEM_LINES
            print(f"... and {more} more problems", file=sys.stderr)
        return EXIT_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    from rlsdesk import selftest

    if selftest.wants_self_test(arguments):
        return selftest.main(arguments)
    if not arguments or arguments[0] not in (*SUBCOMMANDS, "-h", "--help", "--version"):
        from rlsdesk.app import main as app_main

        return app_main(arguments)
    try:
        return run(arguments)
    except KeyboardInterrupt:
        return EXIT_INTERNAL
    except Exception as error:  # the last line of defence: a message, never a traceback
        logging.getLogger("rlsdesk").exception("internal error")  # the log keeps the stack
        print(f"rlsdesk: internal error: {error.__class__.__name__}: {error}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
