"""Recently opened case files, kept in QSettings (the app passes one under the user folder)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "recentFiles"
LIMIT = 8


class RecentFiles:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[Path]:
        value = self._settings.value(KEY, [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(p) for p in items if isinstance(p, str) and p]

    def add(self, path: Path) -> None:
        path = path.resolve()
        items = [path, *(p for p in self.paths() if p != path)][:LIMIT]
        self._settings.setValue(KEY, [str(p) for p in items])
        self._sync()

    def remove(self, path: Path) -> None:
        self._settings.setValue(KEY, [str(p) for p in self.paths() if p != path])
        self._sync()

    def _sync(self) -> None:
        """Write now; file names can name patients, so the file is owner-only."""
        self._settings.sync()
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.chmod(self._settings.fileName(), 0o600)
