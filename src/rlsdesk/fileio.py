"""Atomic, owner-only file writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OWNER_ONLY = 0o600


def write_atomic(path: Path, data: bytes, mode: int = OWNER_ONLY) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, replace.

    The temporary file is removed if anything fails, so no debris is left behind.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if os.name == "posix":
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_folder(folder)


def write_text_atomic(path: Path, text: str, mode: int = OWNER_ONLY) -> None:
    write_atomic(path, text.encode("utf-8"), mode)


def _fsync_folder(folder: Path) -> None:
    # The rename itself lives in the folder entry; without this a power cut can lose it.
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
