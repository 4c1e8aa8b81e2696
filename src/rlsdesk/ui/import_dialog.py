"""File > Import lab results... and files dropped on the window: read, review, then accept.

Nothing joins the case before the clinician accepts the review dialog, which shows what will
be imported (value, unit, date, source), what will not and why, and the patient the file
names beside the open case's patient; a mismatch must be confirmed before Import is enabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.merge import Choice
from rlsdesk.labimport.model import Imported, LabFileError
from rlsdesk.labimport.patients import PatientChoiceNeeded
from rlsdesk.labimport.review import Review, apply_review, build_review
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.dialogs import Dialogs
from rlsdesk.ui.form import CaseForm

LAB_FILE_FILTER = (
    "Lab files (*.json *.hl7 *.txt *.csv *.tsv);;FHIR JSON (*.json);;HL7 v2 (*.hl7 *.txt);;"
    "CSV/TSV (*.csv *.tsv);;All files (*)"
)
IMPORTED_HEADINGS = ("Test", "Value", "Unit", "Date", "Source")
REFUSED_HEADINGS = ("File", "Where", "Not imported because")
CHOICE_LABELS: dict[Choice, str] = {"case": "keep the case's value", "file": "take the file's"}


def _source_text(item: Imported) -> str:
    source = item.entry.source
    if source is None:
        return item.where
    code = f"{source.system} {source.code}" if source.code else ""
    as_written = f"{source.value} {source.unit or ''}".strip()
    return f"{source.file} · {code} · “{as_written}” · {item.where}"


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headings))
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headings))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportReviewDialog(QDialog):
    """The review: accept to add the results shown under "Will be imported"."""

    def __init__(
        self, review: Review, state: FormState, kb: KnowledgeBase, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import lab results")
        self.review = review
        label = {key: analyte.label for key, analyte in kb.analytes.items()}
        layout = QVBoxLayout(self)
        layout.addWidget(self._patients(review, state))
        self.confirm = QCheckBox("These results belong to the patient of the open case")
        self.confirm.setVisible(bool(review.mismatch))
        self.confirm.toggled.connect(self._update_accept)
        if review.mismatch:
            warning = QLabel(
                "The file's patient differs from the case's: " + "; ".join(review.mismatch)
            )
            warning.setObjectName("patientMismatch")
            warning.setWordWrap(True)
            layout.addWidget(warning)
            layout.addWidget(self.confirm)
        rows = [
            (
                label[i.entry.analyte],
                f"{i.entry.value:g}",
                i.entry.unit,
                str(i.entry.date),
                _source_text(i),
            )
            for i in review.new
        ]
        if review.egfr is not None and review.egfr_is_new:
            found = review.egfr
            rows.append(
                (
                    "eGFR (kidney)",
                    f"{found.value:g}",
                    "mL/min/1.73 m²",
                    str(found.date),
                    f"{found.source.file} · {found.where}",
                )
            )
        layout.addWidget(QLabel(f"Will be imported ({len(rows)}):"))
        self.imported_table = _table(IMPORTED_HEADINGS, rows, "Will be imported")
        layout.addWidget(self.imported_table)
        self.choice_boxes: list[QComboBox] = []
        if review.conflicts:
            layout.addWidget(QLabel("Same test and date as in the case, another value: choose"))
            for conflict in review.conflicts:
                entry, row = conflict.incoming.entry, conflict.row
                box = QComboBox()
                for choice, words in CHOICE_LABELS.items():
                    box.addItem(words, choice)
                box.setAccessibleName(
                    f"{label[entry.analyte]} on {entry.date}: case {row.value} {row.unit}, "
                    f"file {entry.value:g} {entry.unit}"
                )
                layout.addWidget(QLabel(box.accessibleName()))
                layout.addWidget(box)
                self.choice_boxes.append(box)
        self.egfr_box: QComboBox | None = None
        if review.egfr is not None and review.egfr_in_form:
            self.egfr_box = QComboBox()
            for choice, words in CHOICE_LABELS.items():
                self.egfr_box.addItem(words, choice)
            self.egfr_box.setAccessibleName(
                f"eGFR: case {review.egfr_in_form}, file {review.egfr.value:g} "
                f"on {review.egfr.date}"
            )
            layout.addWidget(QLabel(self.egfr_box.accessibleName()))
            layout.addWidget(self.egfr_box)
        for item in review.repeats:
            entry = item.entry
            layout.addWidget(
                QLabel(
                    f"Already in the case: {label[entry.analyte]} "
                    f"{entry.value:g} {entry.unit} on {entry.date}"
                )
            )
        for medication in review.medications:
            layout.addWidget(QLabel(f"Medication: {medication.name} ({medication.file})"))
        refused = [
            (Path(n.file).name, n.where, n.reason)
            for report in review.reports
            for n in report.not_imported
        ]
        layout.addWidget(QLabel(f"Will not be imported ({len(refused)}):"))
        self.refused_table = _table(REFUSED_HEADINGS, refused, "Will not be imported")
        layout.addWidget(self.refused_table)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.accept_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.accept_button.setText(
            "Import" if not review.nothing_to_import else "Nothing to import"
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_accept()
        self.resize(820, 560)

    @staticmethod
    def _patients(review: Review, state: FormState) -> QLabel:
        patient = review.file_patient
        in_file = patient.display if patient else "no patient named"
        if patient is not None and patient.sex:
            in_file += f", {patient.sex}"
        if patient is not None and patient.birth_date:
            in_file += f", born {patient.birth_date}"
        case = " ".join(p for p in (state.name.strip(), state.identifier.strip()) if p)
        text = QLabel(
            f"Patient in the file: {in_file}\nPatient of the open case: {case or 'not entered yet'}"
        )
        text.setObjectName("patients")
        return text

    def _update_accept(self) -> None:
        confirmed = not self.review.mismatch or self.confirm.isChecked()
        self.accept_button.setEnabled(confirmed and not self.review.nothing_to_import)

    def choices(self) -> dict[int, Choice]:
        return {n: box.currentData() for n, box in enumerate(self.choice_boxes)}

    def egfr_choice(self) -> Choice | None:
        return self.egfr_box.currentData() if self.egfr_box is not None else None


Review_ = Callable[[ImportReviewDialog], bool]


class LabImportFlow(QObject):
    """Choose files, read them, ask which patient when a file names several, review, apply."""

    def __init__(
        self,
        parent: QWidget,
        form: CaseForm,
        kb: KnowledgeBase,
        dialogs: Dialogs,
        choose_files: Callable[[], list[Path]] | None = None,
        ask_patient: Callable[[PatientChoiceNeeded], str | None] | None = None,
        review: Review_ | None = None,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.form, self.kb, self.dialogs = form, kb, dialogs
        self.choose_files = choose_files or self._ask_files
        self.ask_patient = ask_patient or self._ask_patient
        self.review = review or (lambda dialog: dialog.exec() == QDialog.DialogCode.Accepted)

    def import_lab_results(self) -> bool:
        paths = self.choose_files()
        return self.import_paths(paths) if paths else False

    def import_paths(self, paths: Sequence[Path]) -> bool:
        """True when the clinician accepted and the results joined the form."""
        from rlsdesk.labimport.api import import_files  # loads the FHIR models: on first use

        patient: str | None = None
        while True:
            try:
                reports = import_files(paths, self.kb, patient)
                break
            except LabFileError as error:
                self.dialogs.show_problems("Lab file not imported", [str(error)])
                return False
            except PatientChoiceNeeded as error:
                patient = self.ask_patient(error)
                if patient is None:
                    return False
        state = self.form.state()
        review = build_review(reports, state, self.kb)
        dialog = ImportReviewDialog(review, state, self.kb, self.parent_widget)
        try:
            if not self.review(dialog) or review.nothing_to_import:
                return False
            choices, egfr = dialog.choices(), dialog.egfr_choice()
            self.form.set_state(apply_review(state, review, choices, egfr_choice=egfr))
            return True
        finally:
            dialog.deleteLater()

    def _ask_files(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent_widget, "Import lab results", "", LAB_FILE_FILTER
        )
        return [Path(name) for name in names]

    def _ask_patient(self, error: PatientChoiceNeeded) -> str | None:
        items = [f"{p.display} [{p.key}]" for p in error.patients]
        chosen, ok = QInputDialog.getItem(
            self.parent_widget,
            "Which patient?",
            f"{Path(error.file).name} names {len(items)} patients. Import the results of:",
            items,
            0,
            False,
        )
        return error.patients[items.index(chosen)].key if ok else None


class FileDropFilter(QObject):
    """Files dropped on the window go to ``on_files`` (installed on the main window)."""

    def __init__(self, target: QWidget, on_files: Callable[[list[Path]], object]) -> None:
        super().__init__(target)
        self.on_files = on_files
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isinstance(event, QDragMoveEvent | QDropEvent):  # enter and move are both
            return False
        local = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not local:
            return False
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            self.on_files(local)
        return kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
