"""The case file behind the form: path, unsaved changes, open/save, autosaved drafts.

Every question goes through ``Dialogs``, so all of this runs in tests without a modal
dialog. "Unsaved" means the form differs from what was last opened or saved.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from rlsdesk.domain.case import (
    Case,
    CaseInputError,
    load_case_bytes,
    parse_case,
    read_case_file,
)
from rlsdesk.fileio import write_text_atomic
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.logs import set_patient_context
from rlsdesk.session.formstate import FormState, from_case, to_raw
from rlsdesk.ui.dialogs import Dialogs
from rlsdesk.ui.drafts import DraftStore, forget
from rlsdesk.ui.form import CaseForm
from rlsdesk.ui.recent import RecentFiles

AUTOSAVE_INTERVAL_MS = 30_000
AUTOSAVE_AFTER_EDIT_MS = 700


class CaseController(QObject):
    status_changed = Signal()  # path or unsaved state changed: retitle the window
    case_loaded = Signal()  # the form now holds another case (new, opened, restored)

    def __init__(
        self,
        form: CaseForm,
        kb: KnowledgeBase,
        dialogs: Dialogs,
        recent: RecentFiles,
        drafts: DraftStore | None = None,
    ) -> None:
        super().__init__()
        self.form = form
        self.kb = kb
        self.dialogs = dialogs
        self.recent = recent
        self.drafts = drafts
        self.path: Path | None = None
        self._saved = FormState()
        self._dirty = False
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(AUTOSAVE_AFTER_EDIT_MS)
        self._edit_timer.timeout.connect(self.autosave)
        self._interval_timer = QTimer(self)
        self._interval_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self._interval_timer.timeout.connect(self.autosave)
        form.changed.connect(self._form_changed)
        if drafts is not None:
            self._interval_timer.start()

    # -- state ----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _form_changed(self) -> None:
        state = self.form.state()
        set_patient_context(state.name, state.identifier)  # the log never holds them
        dirty = state != self._saved
        if dirty != self._dirty:
            self._dirty = dirty
            self.status_changed.emit()
        if self.drafts is not None:
            self._edit_timer.start()

    def _loaded(self, state: FormState, path: Path | None, saved: FormState) -> None:
        self.path = path
        self._saved = saved
        self._dirty = False
        self.form.set_state(state)  # emits changed: recomputes dirty, schedules the draft
        self.status_changed.emit()
        self.case_loaded.emit()

    def display_name(self) -> str:
        return self.path.name if self.path else "New case"

    def autosave(self) -> None:
        self._edit_timer.stop()
        if self.drafts is not None:
            self.drafts.save(self.form.state(), self.path)

    # -- questions before losing work -----------------------------------------------

    def maybe_discard(self, what: str) -> bool:
        """True when it is fine to replace the form (saved, or the clinician said so)."""
        if not self._dirty:
            return True
        choice = self.dialogs.ask_discard_changes(what)
        if choice == "save":
            return self.save()
        return choice == "discard"

    # -- file commands --------------------------------------------------------------

    def new_case(self) -> bool:
        if not self.maybe_discard("starting a new case"):
            return False
        self._loaded(FormState(), None, FormState())
        return True

    def read_case(self, path: Path) -> Case | None:
        """The case in ``path``, or None after showing every problem (one per line).

        The command line's bounded reader: regular files only, at most the case size limit,
        so a device such as /dev/zero or a FIFO is refused instead of read forever."""
        try:
            return load_case_bytes(read_case_file(path), self.kb)
        except OSError as error:
            self.dialogs.show_problems(
                f"Could not open {path.name}", [error.strerror or str(error)]
            )
        except CaseInputError as error:
            lines = [str(problem) for problem in error.problems]
            self.dialogs.show_problems(
                f"{path.name} is not a valid case; nothing was opened", lines
            )
        return None

    def open_case(self, path: Path | None = None) -> bool:
        if path is None:
            folder = self.path.parent if self.path else None
            path = self.dialogs.ask_open_path(folder)
            if path is None:
                return False
        case = self.read_case(path)
        if case is None:
            if not path.exists():
                self.recent.remove(path)
            return False
        if not self.maybe_discard(f"opening {path.name}"):
            return False
        state = from_case(case, self.kb)
        self._loaded(state, path, state)
        self.recent.add(path)
        return True

    def current_case(self) -> Case | None:
        """The form as a valid case, or None after listing what must be fixed."""
        raw = to_raw(self.form.state())
        try:
            return parse_case(raw.data, self.kb)
        except CaseInputError as error:
            lines = [f"{raw.form_field(p.field) or 'case'}: {p.message}" for p in error.problems]
            self.dialogs.show_problems("The case is not complete or not valid", lines)
            return None

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        if self.current_case() is None:
            return False
        path = self.dialogs.ask_save_path(self._suggested_path())
        if path is None:
            return False
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        return self._write(path)

    def _write(self, path: Path) -> bool:
        case = self.current_case()
        if case is None:
            return False
        try:
            write_text_atomic(path, case.to_json())
        except OSError as error:
            self.dialogs.show_problems(
                f"Could not save {path.name}", [error.strerror or str(error)]
            )
            return False
        self.path = path
        self._saved = self.form.state()
        self._dirty = False
        self.recent.add(path)
        self.autosave()
        self.status_changed.emit()
        return True

    def _suggested_path(self) -> Path:
        if self.path is not None:
            return self.path
        state = self.form.state()
        stem = re.sub(r"[^\w.-]+", "-", state.identifier or state.name or "case").strip("-.")
        return Path.home() / f"{stem or 'case'}.json"

    # -- drafts ---------------------------------------------------------------------

    def restore_drafts(self) -> bool:
        """Offer back the newest draft of a session that did not exit cleanly."""
        if self.drafts is None:
            return False
        orphans = self.drafts.orphans()
        if not orphans:
            return False
        newest = orphans[0]
        accepted = self.dialogs.offer_draft(newest.describe())
        if accepted:
            saved = FormState()
            if newest.path is not None and newest.path.exists():
                case = self.read_case(newest.path)
                saved = from_case(case, self.kb) if case is not None else FormState()
            self._loaded(newest.state, newest.path, saved)
            self.autosave()  # this session's draft holds it before the old one goes
        for draft in orphans:
            forget(draft.file)
        return accepted

    def close_allowed(self) -> bool:
        return self.maybe_discard("closing")

    def shutdown(self) -> None:
        """A clean exit: stop autosaving and remove this session's draft."""
        self._edit_timer.stop()
        self._interval_timer.stop()
        if self.drafts is not None:
            self.drafts.discard()
