"""Has rlsdesk been upgraded or reinstalled under the running session?

A PyInstaller build reads its module archive (inside the executable) again by path each
time a module is imported for the first time. Upgrading the package while the app is open
replaces that file, so the first Preview, Print or Export afterwards (which import the
sheet code lazily) would fail with nothing on screen. The app therefore records the
identity of its installed files at start (``record_installation``) and, before an action
that loads code, asks ``installation_changed()``: a message to show (restart rlsdesk) or
None. Qt-free, so the desktop app, the command line and tests share it.

``preload_code()`` goes further: called once the window is up (it takes a few hundred
milliseconds), it imports every rlsdesk module and builds one sheet for the self-test's
built-in case, so everything Preview, Print and Export load is already in memory and an
upgrade can no longer break them (tested in installer/linux/test_in_chroot.sh, where an
upgrade that moves the archive's offsets makes a later first import fail with "Error -3
while decompressing data").
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path

import rlsdesk

RESTART_MESSAGE = (
    "rlsdesk was upgraded or reinstalled while it was open ({detail}). Save your case, "
    "close rlsdesk and start it again: this session can no longer load the code it needs "
    "to preview, print or export."
)


@dataclass(frozen=True)
class FileIdentity:
    """What changes when a file is replaced, even by one of the same size and date."""

    path: str
    device: int
    inode: int
    size: int
    modified_ns: int


def code_files() -> list[Path]:
    """The files whose replacement breaks a running session: the frozen executable (it
    holds the module archive), or, from source, the package's ``__init__.py``."""
    if getattr(sys, "frozen", False):
        return [Path(sys.executable).resolve()]
    return [Path(rlsdesk.__file__).resolve()]


def _identity(path: Path) -> FileIdentity | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return FileIdentity(str(path), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


@dataclass
class _Recorded:
    files: list[Path]
    identities: list[FileIdentity | None]


_recorded: _Recorded | None = None
_log = logging.getLogger(__name__)


def record_installation(files: list[Path] | None = None) -> None:
    """Remember the installed files as they are now (call once, at start-up)."""
    global _recorded
    chosen = files if files is not None else code_files()
    _recorded = _Recorded(chosen, [_identity(path) for path in chosen])


def installation_changed() -> str | None:
    """None while the installed files are those seen at start; otherwise the message that
    asks the user to restart. Without a recorded start nothing can have changed."""
    if _recorded is None:
        return None
    for path, before in zip(_recorded.files, _recorded.identities, strict=True):
        now = _identity(path)
        if now != before:
            what = "removed" if now is None else "replaced"
            return RESTART_MESSAGE.format(detail=f"{path.name} was {what}")
    return None


def preload_code() -> list[str]:
    """Import every rlsdesk module, then build the self-test's sheet (which imports what the
    PDF library loads on first use). Returns the modules imported.

    Never raises: a module that cannot be imported is logged and skipped, since preloading
    is a precaution and must not stop a session that would otherwise work.
    """
    imported = []
    for module in pkgutil.walk_packages(rlsdesk.__path__, "rlsdesk.", onerror=_skip):
        if module.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            importlib.import_module(module.name)
        except Exception:  # whatever a module raises, the session goes on without it
            _log.warning("preload: %s could not be imported", module.name, exc_info=True)
            continue
        imported.append(module.name)
    try:
        from rlsdesk.selftest import build_builtin_sheet

        build_builtin_sheet()
    except Exception:  # the sheet step of --self-test reports this properly
        _log.warning("preload: the built-in sheet could not be built", exc_info=True)
    return imported


def _skip(name: str) -> None:
    _log.warning("preload: package %s could not be listed", name)
