"""The guard against PySide6 6.12.0's reference-count leak on Python 3.11 holds."""

from __future__ import annotations

import subprocess
import sys


def test_many_void_qt_calls_do_not_exhaust_none() -> None:
    """200,000 void Qt calls and bool emits (far past None's natural count) do not abort."""
    script = (
        "import rlsdesk.ui\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "class Probe(QObject):\n"
        "    toggled = Signal(bool)\n"
        "probe = Probe()\n"
        "for _ in range(100_000):\n"
        "    probe.setObjectName('x')\n"
        "    probe.toggled.emit(True)\n"
        "    probe.toggled.emit(False)\n"
        "print('alive')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive"
