"""Nothing lost, nothing silent: what happens when the app itself fails.

An exception that escapes a slot (a print, an export, a click) reaches ``sys.excepthook``;
without this it was printed on a terminal nobody reads. The handler saves the draft first
(the case is never lost), writes the traceback to the diagnostic log (whose filter removes
the patient's name and identifier), and tells the clinician in a dialog what happened and
where the log is. A failure while handling is logged and otherwise ignored: the hook must
never raise.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from rlsdesk.logs import log_path
from rlsdesk.ui.controller import CaseController

LOG = logging.getLogger("rlsdesk.crash")
Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class CrashHandler:
    def __init__(self, controller: CaseController) -> None:
        self.controller = controller
        self.handling = False
        self.count = 0

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt) or self.handling:
            sys.__excepthook__(kind, error, traceback)
            return
        self.handling = True
        self.count += 1
        try:
            saved = self._save_draft()
            LOG.error("unhandled exception", exc_info=(kind, error, traceback))
            where = "Your work was saved as a draft." if saved else "The draft could not be saved."
            self.controller.dialogs.show_problems(
                "rlsdesk met an internal error",
                [
                    f"The last action did not complete ({kind.__name__}).",
                    where,
                    _where_details_are(),
                    "Check the case, then try again; if it happens again, send the log to "
                    "support (it holds no patient name or identifier).",
                ],
            )
        except Exception:  # the hook itself must never fail
            LOG.exception("error while reporting an unhandled exception")
        finally:
            self.handling = False

    def _save_draft(self) -> bool:
        if self.controller.drafts is None:
            return False
        try:
            self.controller.autosave()
        except Exception:
            LOG.exception("draft not saved after an unhandled exception")
            return False
        return True


def _where_details_are() -> str:
    try:
        return f"Details are in the diagnostic log: {log_path()}"
    except OSError:  # an unusable user data folder: the log went to standard error
        return "Details were written to standard error (the user data folder is unusable)."


def install(controller: CaseController) -> CrashHandler:
    """Make ``CrashHandler`` the process's exception hook (the app's composition root)."""
    handler = CrashHandler(controller)
    sys.excepthook = handler
    return handler
