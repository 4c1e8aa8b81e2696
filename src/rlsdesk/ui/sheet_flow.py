"""Preview, print and export of the recommendation sheet: one rendering path.

``build_sheet`` makes the PDF bytes once; the preview shows them with QtPdf, the printer
gets those pages, the export writes those bytes. Before printing or exporting, every
interruptive alert must be acknowledged; each sheet is recorded in the audit log.

Each of the three first asks ``installation_changed()``: after an upgrade under the running
session they say so and ask for a restart instead of failing with nothing on screen (the
form is left as it is, so nothing typed is lost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from rlsdesk import audit, installation
from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings
from rlsdesk.ui.controller import CaseController
from rlsdesk.ui.vocabulary import INTERRUPTIVE

if TYPE_CHECKING:
    from rlsdesk.report import SheetOptions

RESTART_TITLE = "Restart rlsdesk"
PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


@dataclass(frozen=True)
class Sheet:
    assessment: Assessment
    pdf: bytes
    acknowledgements: tuple[Acknowledgement, ...]


def _build(assessment: Assessment, options: SheetOptions) -> bytes:
    """The one rendering path: every preview, print and export starts from these bytes."""
    from rlsdesk.report import build_sheet

    return build_sheet(assessment, options)


class SheetFlow:
    def __init__(
        self,
        controller: CaseController,
        kb: KnowledgeBase,
        settings: Callable[[], Settings],
        show_preview: Callable[[bytes], None] | None = None,
    ) -> None:
        self.controller = controller
        self.dialogs = controller.dialogs
        self.kb = kb
        self.settings = settings
        self.show_preview = show_preview
        self.handout = False
        self.summary_only = False  # page 1 without the appendix (File menu)
        self.last_pages = 0

    def options(self, acknowledgements: tuple[Acknowledgement, ...] = ()) -> SheetOptions:
        from rlsdesk.report import SheetOptions, with_knowledge_base  # reportlab: on first use

        settings = self.settings()
        options = SheetOptions(
            page_size=settings.page_size,
            handout=self.handout,
            summary_only=self.summary_only,
            clinic_name=settings.clinic_name,
            clinic_address=settings.clinic_address,
            clinician=settings.clinician,
            acknowledgements=acknowledgements,
        )
        return with_knowledge_base(options, self.kb)

    def _code_unchanged(self) -> bool:
        """False (after saying so) when rlsdesk was upgraded under this session."""
        message = installation.installation_changed()
        if message is None:
            return True
        self.dialogs.show_warning(RESTART_TITLE, message)
        return False

    def _assessment(self) -> Assessment | None:
        case = self.controller.current_case()
        return assess(case, self.kb) if case is not None else None

    def _acknowledged(self, assessment: Assessment) -> tuple[Acknowledgement, ...] | None:
        serious = [a for a in assessment.alerts if a.tier == INTERRUPTIVE]
        if not serious:
            return ()
        answers = self.dialogs.acknowledge(serious)
        if answers is None:
            return None
        answered = {a.alert_code for a in answers}
        if any(alert.code not in answered for alert in serious):
            return None
        return tuple(answers)

    def prepare(self) -> Sheet | None:
        """The sheet to print or export, or None if the case is invalid or not acknowledged."""
        assessment = self._assessment()
        if assessment is None:
            return None
        acknowledgements = self._acknowledged(assessment)
        if acknowledgements is None:
            return None
        pdf = _build(assessment, self.options(acknowledgements))
        return Sheet(assessment, pdf, acknowledgements)

    def _record(self, sheet: Sheet, action: str) -> None:
        warning = audit.record_sheet(
            sheet.assessment, sheet.pdf, action, self.settings().clinician, sheet.acknowledgements
        )
        if warning:
            self.dialogs.show_warning("Audit log", warning)

    def preview(self) -> bytes | None:
        if not self._code_unchanged():
            return None
        assessment = self._assessment()
        if assessment is None:
            return None
        pdf = _build(assessment, self.options())
        if self.show_preview is not None:
            self.show_preview(pdf)
        return pdf

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        page = QPageSize(PAGE_SIZES[self.settings().page_size])
        printer.setPageLayout(
            QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        printer.setFullPage(True)  # the sheet carries its own margins
        printer.setDocName("rlsdesk recommendation sheet")
        return printer

    def print_sheet(self) -> bool:
        if not self._code_unchanged():
            return False
        sheet = self.prepare()
        if sheet is None:
            return False
        printer = self.make_printer()
        if not self.dialogs.ask_printer(printer):
            return False
        from rlsdesk.ui.printing import PrintError, print_pdf

        try:
            self.last_pages = print_pdf(sheet.pdf, printer)
        except PrintError as error:
            self.dialogs.show_problems("The sheet was not printed", [str(error)])
            return False
        self._record(sheet, "print")
        return True

    def export_pdf(self) -> Path | None:
        if not self._code_unchanged():
            return None
        sheet = self.prepare()
        if sheet is None:
            return None
        path = self.dialogs.ask_export_path(self._suggested_path())
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:  # the audit row is recorded before the file appears (no unaudited sheet)
            warning = audit.audited_write(
                path,
                sheet.pdf,
                sheet.assessment,
                "export",
                self.settings().clinician,
                sheet.acknowledgements,
            )
        except OSError as error:
            self.dialogs.show_problems(
                f"Could not write {path.name}", [error.strerror or str(error)]
            )
            return None
        if warning:
            self.dialogs.show_warning("Audit log", warning)
        return path

    def _suggested_path(self) -> Path:
        case_path = self.controller.path
        if case_path is not None:
            return case_path.with_name(f"{case_path.stem}-sheet.pdf")
        return Path.home() / "recommendation-sheet.pdf"
