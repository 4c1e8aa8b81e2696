"""Every question the app asks the clinician, behind one small seam (as Mu and Picard do).

The controller talks to a ``Dialogs``; the app passes ``QtDialogs`` (message boxes, file and
print dialogs); tests pass a scripted fake, so no modal dialog ever opens in a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Alert
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings

DiscardChoice = Literal["save", "discard", "cancel"]
CASE_FILTER = "rlsdesk cases (*.json);;All files (*)"
PDF_FILTER = "PDF documents (*.pdf)"


class Dialogs(Protocol):
    def ask_discard_changes(self, what: str) -> DiscardChoice: ...
    def ask_open_path(self, folder: Path | None) -> Path | None: ...
    def ask_save_path(self, suggested: Path) -> Path | None: ...
    def ask_export_path(self, suggested: Path) -> Path | None: ...
    def ask_printer(self, printer: QPrinter) -> bool: ...
    def show_problems(self, title: str, problems: Sequence[str]) -> None: ...
    def show_warning(self, title: str, message: str) -> None: ...
    def acknowledge(self, alerts: Sequence[Alert]) -> list[Acknowledgement] | None: ...
    def offer_draft(self, description: str) -> bool: ...
    def edit_settings(self, settings: Settings) -> Settings | None: ...
    def show_about(self, kb: KnowledgeBase) -> None: ...


class QtDialogs:
    """The real dialogs, parented to the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def ask_discard_changes(self, what: str) -> DiscardChoice:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent,
            "Unsaved changes",
            f"The case has unsaved changes. Save them before {what}?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return "save"
        return "discard" if answer == buttons.Discard else "cancel"

    def ask_open_path(self, folder: Path | None) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.parent, "Open case", str(folder or Path.home()), CASE_FILTER
        )
        return Path(name) if name else None

    def ask_save_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save case", str(suggested), CASE_FILTER)
        return Path(name) if name else None

    def ask_export_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent, "Export recommendation sheet", str(suggested), PDF_FILTER
        )
        return Path(name) if name else None

    def ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self.parent)
        dialog.setWindowTitle("Print recommendation sheet")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def show_problems(self, title: str, problems: Sequence[str]) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, title, parent=self.parent)
        box.setInformativeText("\n".join(problems))
        box.exec()

    def show_warning(self, title: str, message: str) -> None:
        QMessageBox.warning(self.parent, title, message)

    def acknowledge(self, alerts: Sequence[Alert]) -> list[Acknowledgement] | None:
        from rlsdesk.ui.acknowledge_dialog import AcknowledgeDialog

        dialog = AcknowledgeDialog(alerts, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.acknowledgements()

    def offer_draft(self, description: str) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent,
            "Restore unsaved work?",
            f"{description}\n\nRestore it? (No discards the draft.)",
            buttons.Yes | buttons.No,
            buttons.Yes,
        )
        return answer == buttons.Yes

    def edit_settings(self, settings: Settings) -> Settings | None:
        from rlsdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(settings, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.settings()

    def show_about(self, kb: KnowledgeBase) -> None:
        from rlsdesk.ui.about import AboutDialog

        AboutDialog(kb, self.parent).exec()
