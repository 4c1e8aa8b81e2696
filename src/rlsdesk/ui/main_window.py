"""The main window: the form beside the live assessment, menus, shortcuts. Wiring only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSplitter, QWidget

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings
from rlsdesk.ui.assessment_panel import AssessmentPanel
from rlsdesk.ui.controller import CaseController
from rlsdesk.ui.dialogs import Dialogs, QtDialogs
from rlsdesk.ui.drafts import DraftStore
from rlsdesk.ui.form import CaseForm
from rlsdesk.ui.live import LiveAssessor, LiveResult
from rlsdesk.ui.recent import RecentFiles
from rlsdesk.ui.sheet_flow import SheetFlow

if TYPE_CHECKING:
    from rlsdesk.ui.preview import PreviewWindow


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
        self.sheets = SheetFlow(self.controller, kb, lambda: self.settings, self._show_preview)
        self.preview: PreviewWindow | None = None
        self.recent = recent
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(self.panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.setCentralWidget(self.splitter)
        self._build_actions()
        self.form.changed.connect(self.live.schedule)
        self.live.updated.connect(self._show_result)
        self.panel.problem_activated.connect(self.form.focus_field)
        self.controller.status_changed.connect(self._retitle)
        kb_label = QLabel(f"Knowledge base {kb.version} · sha256 {kb.sha256[:12]}")
        kb_label.setObjectName("statusNote")
        self.statusBar().addPermanentWidget(kb_label)
        # An explicit minimum keeps the layout from resizing the window itself (which the
        # offscreen platform warns about); 900x560 fits every laptop screen.
        self.setMinimumSize(900, 560)
        self.resize(1280, 780)
        self.splitter.setSizes([720, 560])
        self._retitle()
        self.live.flush()

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
        file.addSeparator()
        self._action(file, "&Quit", self.close, "Ctrl+Q")
        edit = self.menuBar().addMenu("&Edit")
        self._action(edit, "&Settings…", self.edit_settings, "Ctrl+,")
        view = self.menuBar().addMenu("&View")
        self._action(view, "Go to the &form", self.form.setFocus, "Ctrl+1")
        self._action(view, "Go to the &assessment", self.panel.tree.setFocus, "Ctrl+2")
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.open_action, self.save_action):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.preview_action, self.print_action, self.export_action):
            bar.addAction(action)
        QWidget.setTabOrder(self.form.focus_chain()[-1], self.panel.tree)

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

    def _retitle(self) -> None:
        state = self.form.state()
        who = state.name or state.identifier or "New case"
        self.setWindowTitle(f"{who} — {self.controller.display_name()}[*] — rlsdesk")
        self.setWindowModified(self.controller.dirty)

    def _show_preview(self, pdf: bytes) -> None:
        if self.preview is None:
            from rlsdesk.ui.preview import PreviewWindow  # QtPdf: on first use

            self.preview = PreviewWindow(self)
            self.preview.print_requested.connect(self.sheets.print_sheet)
            self.preview.export_requested.connect(self.sheets.export_pdf)
        note = "acknowledgements of serious alerts are added when printing or exporting"
        self.preview.show_pdf(pdf, note)
        if self.preview.isVisible():
            self.preview.raise_()  # already open behind the main window: bring it forward
        else:
            self.preview.show()

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
            if self.preview is not None:
                self.preview.close()
            event.accept()
        else:
            event.ignore()
