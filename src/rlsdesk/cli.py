"""The ``rlsdesk`` command: the desktop app with no arguments, or a subcommand.

Exit status: 0 success; 1 internal error; 2 invalid input (one line per problem on standard
error, naming the field); 3 the knowledge base is damaged, changed or invalid.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from rlsdesk import __version__
from rlsdesk.domain.case import (
    Case,
    CaseInputError,
    InputProblem,
    load_case_bytes,
    printable,
    read_case_file,
)
from rlsdesk.fileio import OutputPathError, check_output_path, write_text_atomic
from rlsdesk.knowledge import (
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseIntegrityError,
    load_knowledge_base,
)
from rlsdesk.logs import configure_logging, set_patient_context
from rlsdesk.paths import user_data_problem

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_KNOWLEDGE = 0, 1, 2, 3
MAX_PROBLEM_LINES = 50  # a file with 80,000 bad keys is refused in 50 lines, not 80,000
SUBCOMMANDS = ("check", "sheet", "kb", "audit", "import")


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
    chosen = "json" if args.json else args.format
    if chosen == "json":
        sys.stdout.write(assessment.to_json())
    elif chosen == "note":
        from rlsdesk.note import render_note

        labels = {agent_id: agent.label for agent_id, agent in kb.agents.items()}
        sys.stdout.write(_terminal_safe(render_note(assessment, labels)))
    else:
        sys.stdout.write(_terminal_safe(render_summary(assessment)))
    return EXIT_OK


def _terminal_safe(text: str) -> str:
    """Every line with its control characters escaped: a name in a case cannot clear the
    terminal or hide text (the summary escapes names itself, so they cannot add lines)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _kb(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    print(f"version: {kb.version}")
    print(f"sha256: {kb.sha256}")
    print(f"folder: {kb.folder}")
    for name, count in kb.counts.items():
        print(f"{name}: {count}")
    return EXIT_OK


def _sheet(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from rlsdesk.report.command import run_sheet

    check_output_path(Path(args.output), protect=[Path(args.case)])
    return run_sheet(args, kb, read_case)


def _import(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from rlsdesk.labimport.command import run_import

    return run_import(args, kb, read_case)


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
    check.add_argument(
        "--format",
        choices=("summary", "json", "note"),
        default="summary",
        help="summary (default), the rlsdesk-assessment/1 JSON, or a plain-text note for the "
        "patient record",
    )
    check.set_defaults(handler=_check)

    sheet = commands.add_parser("sheet", help="write the recommendation sheet (PDF)")
    sheet.add_argument("case", help="a case in the rlsdesk-case/1 JSON format")
    sheet.add_argument("-o", "--output", required=True, help="the PDF file to write")
    sheet.add_argument("--page-size", choices=("a4", "letter"), default=None)
    sheet.add_argument("--handout", action="store_true", help="append a patient handout page")
    sheet.add_argument(
        "--summary-only", action="store_true", help="page 1 only: leave out the appendix"
    )
    sheet.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        metavar="CODE[=REASON]",
        help="acknowledge the interruptive alert CODE, with an optional reason (repeatable); "
        "an interruptive alert not named prints as NOT ACKNOWLEDGED",
    )
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
    kb_check.add_argument(
        "--report",
        metavar="FILE",
        help="also write everything printed to FILE (Windows: the app has no console)",
    )
    kb_check.set_defaults(handler=_kb)

    audit = commands.add_parser("audit", help="list or export the audit log of printed sheets")
    audit.add_argument("--csv", metavar="FILE", help="export the log as CSV to FILE ('-': stdout)")
    audit.set_defaults(handler=_audit)

    from rlsdesk.labimport.command import add_import_parser

    add_import_parser(commands)
    commands.choices["import"].set_defaults(handler=_import)
    return parser


def _warn_about_user_data() -> None:
    problem = user_data_problem()
    if problem:
        print(
            f"rlsdesk: warning: {problem}; using default settings, the diagnostic log goes to "
            "standard error and sheets are not recorded in the audit log",
            file=sys.stderr,
        )


class _Tee(io.TextIOBase):
    """A console stream that also keeps what was written, for a --report file."""

    def __init__(self, console: TextIO | None, kept: io.StringIO) -> None:
        self.console, self.kept = console, kept

    def write(self, text: str) -> int:
        if self.console is not None:
            self.console.write(text)
        return self.kept.write(text)


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    report = getattr(args, "report", None)
    if not report:
        return _run(args)
    report_path = Path(report)
    try:
        check_output_path(report_path)
    except OutputPathError as error:
        print(f"rlsdesk: {printable(str(error))}", file=sys.stderr)
        return EXIT_INPUT
    kept = io.StringIO()
    with (
        contextlib.redirect_stdout(_Tee(sys.stdout, kept)),
        contextlib.redirect_stderr(_Tee(sys.stderr, kept)),
    ):
        status = _run(args)
        print(f"exit status: {status}")
    write_text_atomic(report_path, kept.getvalue())
    return status


def _run(args: argparse.Namespace) -> int:
    if configure_logging() is None:
        _warn_about_user_data()
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
    except OSError as error:  # a file of the knowledge base cannot be read at all
        where = error.filename or "the knowledge base"
        print(
            f"knowledge base: {where}: cannot be read ({error.strerror or error})", file=sys.stderr
        )
        print("Reinstall rlsdesk to restore the knowledge base.", file=sys.stderr)
        return EXIT_KNOWLEDGE
    try:
        return handler(args, kb)
    except OutputPathError as error:
        print(f"rlsdesk: {printable(str(error))}", file=sys.stderr)
        return EXIT_INPUT
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
