"""The import entry point shared by the CLI and the app's review dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.judge import Judge
from rlsdesk.labimport.model import FileReport
from rlsdesk.labimport.patients import report_for
from rlsdesk.labimport.reading import read_lab_file


def import_files(
    paths: Iterable[Path],
    kb: KnowledgeBase,
    patient: str | None = None,
    today: dt.date | None = None,
) -> list[FileReport]:
    """One report per file. A malformed file raises LabFileError and a file naming several
    patients without ``patient`` raises PatientChoiceNeeded: either way nothing is taken."""
    judge = Judge(kb, today)
    return [report_for(read_lab_file(path), judge, patient) for path in paths]
