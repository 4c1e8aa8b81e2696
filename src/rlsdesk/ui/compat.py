"""A guard against a reference-count bug in PySide6 6.12.0 on Python 3.11.

In that combination a call of a Qt method that returns nothing (``setText``, ``save``,
``translate`` …) takes one reference from ``None`` without having given it one, and
emitting a signal with a Python ``bool`` does the same to ``True``/``False``. On Python
3.12+ these objects are immortal and nothing happens; on 3.11 ``None``'s count (about 5,000
at start) reaches zero after a few thousand calls and the interpreter aborts with
"none_dealloc: deallocating None" — a few minutes of typing in the form.

``guard_refcounts`` measures whether the installed PySide6 leaks, and only then gives
``None``, ``True`` and ``False`` counts so large that the leak can never exhaust them (what
Python 3.12 does for every interpreter). The real fix is a PySide6 without the bug; see
docs/decisions/0003-gui.md.
"""

from __future__ import annotations

import ctypes
import sys

PROBE_CALLS = 200
_RESERVE = 1 << 40
_SINGLETONS = (None, True, False)


def none_refcount_leaks() -> bool:
    """True when calling a void Qt method takes references from None."""
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= PROBE_CALLS // 2


def guard_refcounts() -> bool:
    """Apply the guard if needed (once); returns True when it was applied now."""
    if sys.getrefcount(None) > _RESERVE // 2 or not none_refcount_leaks():
        return False
    for singleton in _SINGLETONS:
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    return True
