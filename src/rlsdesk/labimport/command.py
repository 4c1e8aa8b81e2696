"""`rlsdesk import FILE... -o CASE.json [--into EXISTING.json] [--patient ID]`.

Exit 0 when the case was written (even when nothing new came in: it says so), 2 when a file
is malformed, a file names several patients and none was chosen, or a result conflicts with
one already in the case (both are named). Nothing is written unless every file was read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rlsdesk.domain.case import Case, CaseInputError, InputProblem, semantic_problems
from rlsdesk.fileio import OutputPathError, check_output_path, write_text_atomic
from rlsdesk.knowledge import KnowledgeBase

if TYPE_CHECKING:  # the readers load the FHIR models: only when a file is imported
    from rlsdesk.labimport.merge import MergeOutcome
    from rlsdesk.labimport.model import FileReport

EXIT_OK, EXIT_INPUT = 0, 2
CaseReader = Callable[[Path, KnowledgeBase], Case]


def add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import", help="read lab results (FHIR R4 JSON, HL7 v2 ORU, CSV/TSV) into a case"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="lab or patient-record files")
    parser.add_argument("-o", "--output", required=True, help="the case file to write")
    parser.add_argument("--into", metavar="CASE", help="an existing case to add the results to")
    parser.add_argument(
        "--patient",
        metavar="ID",
        help="the patient to take from a file that names several (identifier or reference id)",
    )


def run_import(args: argparse.Namespace, kb: KnowledgeBase, read_case: CaseReader) -> int:
    from rlsdesk.labimport.api import import_files
    from rlsdesk.labimport.merge import case_for_patient, merge_into
    from rlsdesk.labimport.model import LabFileError
    from rlsdesk.labimport.patients import PatientChoiceNeeded

    out, err = sys.stdout, sys.stderr
    output = Path(args.output)
    inputs = [Path(name) for name in args.files]
    try:
        check_output_path(output, protect=[*inputs, *([Path(args.into)] if args.into else [])])
    except OutputPathError as error:
        raise CaseInputError([InputProblem("", str(error))]) from None
    try:
        reports = import_files(inputs, kb, args.patient)
    except LabFileError as error:
        print(f"{error}; nothing was imported", file=err)
        return EXIT_INPUT
    except PatientChoiceNeeded as error:
        print(f"{error}; name one with --patient ID", file=err)
        for patient in error.patients:
            print(f"  patient {patient.key}: {patient.display}", file=err)
        return EXIT_INPUT
    for report in reports:
        _describe(report, out)
    if args.into:
        case = read_case(Path(args.into), kb)
    else:
        chosen = next((r.patient for r in reports if r.patient is not None), None)
        try:
            case = case_for_patient(chosen)
        except ValueError as error:
            print(f"{error}: name a case to add the results to with --into CASE", file=err)
            return EXIT_INPUT
    entries = [item.entry for report in reports for item in report.imported]
    medications = [m for report in reports for m in report.medications]
    egfr = [found for report in reports for found in report.egfr]
    outcome = merge_into(case, entries, kb, medications, egfr=egfr)
    if outcome.egfr_conflict is not None:
        found = outcome.egfr_conflict
        print(
            f"conflict: kidney.egfr: the case has {case.kidney.egfr:g}, {found.source.file} has "
            f"{found.value:g} on {found.date}; choose one in the case file or the app",
            file=err,
        )
    if outcome.unresolved:
        for conflict in outcome.conflicts:
            print(
                f"conflict: {conflict.analyte} on {conflict.date}: the case has "
                f"{conflict.in_case.value:g} {conflict.in_case.unit}, "
                f"{_origin(conflict.incoming.source)} has "
                f"{conflict.incoming.value:g} {conflict.incoming.unit}; choose one in the "
                "case file or the app",
                file=err,
            )
        print("nothing was written", file=err)
        return EXIT_INPUT
    problems = semantic_problems(outcome.case, kb)
    if problems:  # an imported value that the case rules refuse: never written
        raise CaseInputError(problems)
    write_text_atomic(output, outcome.case.to_json())
    _summarise(outcome, output, out, new_case=not args.into)
    return EXIT_OK


def _origin(source: object) -> str:
    file = getattr(source, "file", None)
    return str(file) if file else "the file"


def _describe(report: FileReport, out: TextIO) -> None:
    patient = report.patient.display if report.patient else "no patient named"
    print(f"{report.file} ({report.kind}): patient {patient}", file=out)
    for item in report.imported:
        entry, source = item.entry, item.entry.source
        where = f"{source.system} {source.code}" if source and source.code else item.where
        print(
            f"  imported {entry.analyte} {entry.value:g} {entry.unit} on {entry.date} "
            f"({where}, {item.where})",
            file=out,
        )
    for found in report.egfr:
        print(f"  imported eGFR {found.value:g} on {found.date} ({found.where})", file=out)
    for medication in report.medications:
        print(f"  medication {medication.name} ({medication.where})", file=out)
    unused = [n for n in report.not_imported if n.kind == "unused"]
    for skipped in report.not_imported:
        if skipped.kind != "unused":
            print(f"  not imported ({skipped.where}): {skipped.reason}", file=out)
    if unused:
        codes = ", ".join(sorted({n.code or "?" for n in unused}))
        print(
            f"  not imported: {len(unused)} results of tests rlsdesk does not use ({codes})",
            file=out,
        )


def _summarise(outcome: MergeOutcome, output: Path, out: TextIO, new_case: bool) -> None:
    for entry in outcome.already_there:
        print(
            f"already in the case: {entry.analyte} {entry.value:g} {entry.unit} on {entry.date}",
            file=out,
        )
    if outcome.egfr_added is not None:
        print(f"kidney.egfr set to {outcome.egfr_added.value:g}", file=out)
    if not outcome.added and not outcome.medications_added and outcome.egfr_added is None:
        print("nothing was imported", file=out)
    else:
        print(
            f"{len(outcome.added)} results and {len(outcome.medications_added)} medications "
            f"imported into {output}",
            file=out,
        )
    if new_case:
        print("a new case: complete presentation, pregnancy and kidney before assessing", file=out)
