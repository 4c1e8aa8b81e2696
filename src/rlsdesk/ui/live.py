"""The debounce between typing and the live panel: Qt's part of the live evaluation.

What is evaluated, and how, lives in the Qt-free ``rlsdesk.session.evaluation``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveResult, LiveSession
from rlsdesk.session.formstate import FormState

__all__ = ["LiveAssessor", "LiveResult"]


class LiveAssessor(QObject):
    """Re-evaluates the form a moment after the last edit (assess takes ~1–2 ms)."""

    updated = Signal(object)  # LiveResult

    def __init__(
        self, kb: KnowledgeBase, read_state: Callable[[], FormState], delay_ms: int = 10
    ) -> None:
        super().__init__()
        self.session = LiveSession(kb)
        self._read_state = read_state
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.result: LiveResult | None = None
        self.last_duration_ms = 0.0

    def schedule(self) -> None:
        self._timer.start()

    def forget(self) -> None:
        """Another case was loaded: do not show the previous one as its out-of-date view."""
        self.session.forget()

    def flush(self) -> LiveResult:
        """Evaluate now (tests, printing, the screenshot) and publish the result."""
        self._timer.stop()
        started = time.perf_counter()
        self.result = self.session.evaluate(self._read_state())
        self.updated.emit(self.result)
        self.last_duration_ms = (time.perf_counter() - started) * 1000
        return self.result
