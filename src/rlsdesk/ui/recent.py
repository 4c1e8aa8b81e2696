"""Recently opened case files, kept in QSettings (the app passes one under the user folder).

When the user folder is unusable the app passes a ``MemorySettings`` instead: the list
lasts for the session and nothing is written.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Protocol

KEY = "recentFiles"
LIMIT = 8


class UiSettings(Protocol):
    """What the UI uses of QSettings (recent files, window geometry)."""

    def value(self, key: str, defaultValue: Any = ..., /) -> object: ...
    def setValue(self, key: str, value: Any, /) -> None: ...
    def sync(self) -> None: ...
    def fileName(self) -> str: ...


class MemorySettings:
    """UI settings held in memory only (the user folder cannot be written)."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def value(self, key: str, defaultValue: Any = None, /) -> object:
        return self._values.get(key, defaultValue)

    def setValue(self, key: str, value: Any, /) -> None:
        self._values[key] = value

    def sync(self) -> None:
        """Nothing to write."""

    def fileName(self) -> str:
        return ""


class RecentFiles:
    def __init__(self, settings: UiSettings) -> None:
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
        if os.name == "posix" and self._settings.fileName():
            with contextlib.suppress(OSError):
                os.chmod(self._settings.fileName(), 0o600)
