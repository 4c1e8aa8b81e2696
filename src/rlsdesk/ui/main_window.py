"""The main window: the form beside the live assessment, menus, shortcuts. Wiring only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.clipboard_note import note_text
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.settings import Settings
from rlsdesk.ui.assessment_panel import AssessmentPanel
from rlsdesk.ui.controller import CaseController
from rlsdesk.ui.dialogs import Dialogs, QtDialogs
from rlsdesk.ui.drafts import DraftStore
from rlsdesk.ui.form import CaseForm
from rlsdesk.ui.import_dialog import FileDropFilter, LabImportFlow
from rlsdesk.ui.live import LiveAssessor
from rlsdesk.ui.recent import RecentFiles
from rlsdesk.ui.sheet_flow import SheetFlow
from rlsdesk.ui.shortcuts import ShortcutKeeper

if TYPE_CHECKING:
    from rlsdesk.ui.about import HelpWindow
    from rlsdesk.ui.preview import PreviewWindow

TITLE = "rlsdesk"
FORM_SHARE = 0.55  # of the window's width, for the form (the rest is the assessment)
STATUS_MESSAGE_MS = 6000
NOT_SAVING = "Drafts, the audit log and settings will not be saved in this session."


class MainWindow(QMainWindow):
    def __init__(
        self,
        kb: KnowledgeBase,
        settings: Settings,
        recent: RecentFiles,
        drafts: DraftStore | None = None,
        dialogs: Dialogs | None = None,
        store_settings: Callable[[Settings], None] | None = None,
    ) -> None:
        super().__init__()
        self.kb = kb
        self.settings = settings
        self._store_settings = store_settings
        self.dialogs: Dialogs = dialogs or QtDialogs(self)
        self.form = CaseForm(kb, settings.unit_system)
        self.panel = AssessmentPanel(kb)
        self.live = LiveAssessor(kb, self.form.state)
        self.controller = CaseController(self.form, kb, self.dialogs, recent, drafts)
        # Owned by the window: their timers (debounce, autosave) end with the form they read.
        self.live.setParent(self)
        self.controller.setParent(self)
        self.sheets = SheetFlow(self.controller, kb, lambda: self.settings, self._show_preview)
        self.lab_import = LabImportFlow(self, self.form, kb, self.dialogs)
        self.file_drop = FileDropFilter(self, self.lab_import.import_paths)
        self.trends_window: QWidget | None = None
        self.preview: PreviewWindow | None = None
        self.help_window: HelpWindow | None = None
        self.recent = recent
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(self.panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # A banner above the form for a problem that lasts the whole session (an unusable
        # user data folder); hidden otherwise.
        self.banner = QLabel()
        self.banner.setObjectName("sessionBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self.form.changed.connect(self.live.schedule)
        self.live.updated.connect(self._show_result)
        self.panel.problem_activated.connect(self.form.focus_field)
        self.controller.status_changed.connect(self._retitle)
        self.controller.case_loaded.connect(self._case_loaded)
        kb_label = QLabel(f"Knowledge base {kb.version} · sha256 {kb.sha256[:12]}")
        kb_label.setObjectName("statusNote")
        self.statusBar().addPermanentWidget(kb_label)
        # An explicit minimum keeps the layout from resizing the window itself (which the
        # offscreen platform warns about); 900x560 fits every laptop screen.
        self.setMinimumSize(900, 560)
        self.resize(1280, 720)
        self.share_width()
        self._retitle()
        self.live.flush()
        self.form.patient.name.setFocus()

    # -- actions --------------------------------------------------------------------

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        c, s = self.controller, self.sheets
        file = self.menuBar().addMenu("&File")
        self.new_action = self._action(file, "&New case", c.new_case, "Ctrl+N")
        self.open_action = self._action(file, "&Open…", c.open_case, "Ctrl+O")
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.save_action = self._action(file, "&Save", c.save, "Ctrl+S")
        self.save_as_action = self._action(file, "Save &as…", c.save_as, QKeySequence(keys.SaveAs))
        self.import_action = self._action(
            file,
            "&Import lab results…",
            self.lab_import.import_lab_results,
            tip="Read lab results from FHIR R4, HL7 v2 or CSV/TSV files (or drop files here)",
        )
        file.addSeparator()
        self.preview_action = self._action(
            file,
            "Pre&view sheet",
            s.preview,
            "Ctrl+Shift+P",
            "Show the recommendation sheet as it will print",
        )
        self.print_action = self._action(file, "&Print sheet…", s.print_sheet, "Ctrl+P")
        self.export_action = self._action(file, "&Export sheet as PDF…", s.export_pdf, "Ctrl+E")
        self.handout_action = QAction("Include patient &handout page", self, checkable=True)
        self.handout_action.toggled.connect(lambda on: setattr(self.sheets, "handout", on))
        file.addAction(self.handout_action)
        self.summary_only_action = QAction("S&ummary page only (no appendix)", self, checkable=True)
        self.summary_only_action.setStatusTip("Leave the detailed basis out of the sheet")
        self.summary_only_action.toggled.connect(
            lambda on: setattr(self.sheets, "summary_only", on)
        )
        file.addAction(self.summary_only_action)
        file.addSeparator()
        self.quit_action = self._action(file, "&Quit", self.close, "Ctrl+Q")
        edit = self.menuBar().addMenu("&Edit")
        self.copy_summary_action = self._action(
            edit,
            "&Copy summary",
            self.copy_summary,
            "Ctrl+Shift+C",
            "Copy a plain-text note of the assessment for the patient record",
        )
        edit.addSeparator()
        self.settings_action = self._action(edit, "&Settings…", self.edit_settings, "Ctrl+,")
        view = self.menuBar().addMenu("&View")
        self.go_form_action = self._action(view, "Go to the &form", self.focus_form, "Ctrl+1")
        self.go_panel_action = self._action(
            view, "Go to the &assessment", self.panel.tree.setFocus, "Ctrl+2"
        )
        self.trends_action = self._action(view, "Lab &trends", self.show_trends)
        help_menu = self.menuBar().addMenu("&Help")
        self.help_action = self._action(
            help_menu, "rlsdesk &help", self.show_help, QKeySequence(keys.HelpContents)
        )
        self.about_action = self._action(
            help_menu, "&About rlsdesk", lambda: self.dialogs.show_about(self.kb)
        )
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.open_action, self.save_action):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.preview_action, self.print_action, self.export_action):
            bar.addAction(action)
        bar.addAction(self.copy_summary_action)
        QWidget.setTabOrder(self.form.focus_chain()[-1], self.panel.tree)
        self._keeper = ShortcutKeeper(self, self.shortcut_actions())

    def shortcut_actions(self) -> list[QAction]:
        """Every menu command with a keyboard shortcut, in menu order."""
        found: list[QAction] = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if isinstance(menu, QMenu):
                found += [a for a in menu.actions() if not a.shortcut().isEmpty()]
        return found

    def shortcut_list(self) -> list[tuple[str, str]]:
        native = QKeySequence.SequenceFormat.NativeText
        return [
            (action.text().replace("&", "").rstrip("…"), action.shortcut().toString(native))
            for action in self.shortcut_actions()
        ]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name}")
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.controller.open_case(p))
        if not paths:
            self.recent_menu.addAction("No recent cases").setEnabled(False)

    # -- reactions ------------------------------------------------------------------

    def _show_result(self, result: LiveResult) -> None:
        self.form.show_live(result)
        self.panel.show_result(result, self.form.describe)
        self._retitle()

    def _case_loaded(self) -> None:
        self.live.forget()
        self.focus_form()

    def focus_form(self) -> None:
        """The patient's name: where a new or opened case starts."""
        self.form.ensureWidgetVisible(self.form.patient.name)
        self.form.patient.name.setFocus()

    def _retitle(self) -> None:
        state = self.form.state()
        who = state.name.strip() or state.identifier.strip() or "New case"
        self.setWindowTitle(f"{TITLE} - {who}[*]")
        self.setWindowModified(self.controller.dirty)

    def show_storage_problem(self, problem: str) -> str:
        """Say for the whole session that nothing is saved and why; returns the text shown."""
        text = f"rlsdesk cannot save its files: {problem.rstrip('.')}. {NOT_SAVING}"
        self.banner.setText(text)
        self.banner.setAccessibleName("rlsdesk cannot save")
        self.banner.show()
        return text

    def share_width(self) -> None:
        """Split the window between form and assessment (the form gets FORM_SHARE)."""
        width = max(self.width(), self.minimumWidth())
        form = round(width * FORM_SHARE)
        self.splitter.setSizes([form, width - form])

    def _show_preview(self, pdf: bytes) -> None:
        if self.preview is None:
            from rlsdesk.ui.preview import PreviewWindow  # QtPdf: on first use

            self.preview = PreviewWindow(self)
            self.preview.print_requested.connect(self.sheets.print_sheet)
            self.preview.export_requested.connect(self.sheets.export_pdf)
        note = "acknowledgements of interruptive alerts are added when printing or exporting"
        self.preview.show_pdf(pdf, note)
        if self.preview.isVisible():
            self.preview.raise_()  # already open behind the main window: bring it forward
        else:
            self.preview.fit_to_screen()
            self.preview.show()
        self.preview.activateWindow()  # the keyboard follows the sheet: Escape closes it

    def show_help(self) -> None:
        if self.help_window is None:
            from rlsdesk.ui.about import HelpWindow

            self.help_window = HelpWindow(self.shortcut_list(), self)
        if self.help_window.isVisible():
            self.help_window.raise_()  # open behind the main window: bring it forward
        else:
            self.help_window.show()

    def show_trends(self) -> None:
        if self.trends_window is None:
            from rlsdesk.ui.trend_chart import TrendsWindow

            self.trends_window = TrendsWindow(self.kb, self.form, self)
        if self.trends_window.isVisible():
            self.trends_window.raise_()  # already open behind the main window: bring it forward
        else:
            self.trends_window.show()

    def copy_summary(self) -> str | None:
        """Put the plain-text note on the clipboard; None (and why) when the case is invalid."""
        result = self.live.flush()
        if result.assessment is None:
            self.statusBar().showMessage(
                "Nothing copied: the case is not complete or not valid", STATUS_MESSAGE_MS
            )
            return None
        text = note_text(result.assessment, self.kb)
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Summary copied to the clipboard", STATUS_MESSAGE_MS)
        return text

    def edit_settings(self) -> None:
        updated = self.dialogs.edit_settings(self.settings)
        if updated is None or updated == self.settings:
            return
        self.settings = updated
        self.form.set_unit_system(updated.unit_system)
        if self._store_settings is not None:
            self._store_settings(updated)

    def open_path(self, path: Path) -> bool:
        return self.controller.open_case(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.close_allowed():
            self.controller.shutdown()
            for window in (self.preview, self.help_window, self.trends_window):
                if window is not None:
                    window.close()
            event.accept()
        else:
            event.ignore()
