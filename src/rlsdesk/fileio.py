"""Safe file reads and writes.

Reads: only regular files are read as input (a FIFO would block forever, a device would
never end). Writes: atomic and owner-only (a reader sees the old file or the new one, never
half), and an output path is checked first, so that a sheet never replaces its own input,
a folder, a symbolic link, a device or a read-only file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

OWNER_ONLY = 0o600
TEMP_SUFFIX = ".tmp"
# Temporary names are ".<random hex>.tmp": random, so they never reveal the final name (which
# may hold a patient's name), and never longer than the final name unless that is shorter
# than this (a name this short is far below any file-system limit).
_MIN_TEMP_NAME = 16
_MAX_TEMP_NAME = 40
_KINDS = (
    (stat.S_ISDIR, "is a folder"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISCHR, "is a device"),
    (stat.S_ISBLK, "is a device"),
    (stat.S_ISSOCK, "is a socket"),
)


class NotARegularFileError(OSError):
    """A path that exists but is not a regular file (a folder, FIFO, device or socket)."""


class OutputPathError(Exception):
    """An output path rlsdesk refuses to write; ``str()`` names the path and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _kind(mode: int) -> str:
    return next((words for test, words in _KINDS if test(mode)), "is not a regular file")


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``; refuses anything but a regular file.

    The file is opened non-blocking, so a FIFO is refused at once instead of waiting for a
    writer, then checked on the open descriptor (no window between check and read).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFileError(errno.EINVAL, f"{_kind(mode)}, not a file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read(limit)
    finally:
        os.close(descriptor)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_output_path(path: Path, protect: Iterable[Path] = ()) -> None:
    """Raise OutputPathError unless ``path`` may be replaced by a newly written file.

    Refused: one of the ``protect`` files (the input case), a symbolic link (writing would
    replace the link, not what the user meant), a folder, a device, FIFO or socket, a file
    without write permission (also for root, who would otherwise override it), a missing
    folder, and a folder the user cannot write to.
    """
    path = Path(path)
    try:
        status = path.lstat()
    except FileNotFoundError:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputPathError(path, "the folder does not exist") from None
        if not os.access(folder, os.W_OK):
            raise OutputPathError(path, "the folder is not writable") from None
        return
    except OSError as error:  # a name too long, a folder in the path that is a file ...
        raise OutputPathError(path, error.strerror or str(error)) from None
    if stat.S_ISLNK(status.st_mode):
        raise OutputPathError(path, "is a symbolic link; name the file itself")
    if not stat.S_ISREG(status.st_mode):
        raise OutputPathError(path, _kind(status.st_mode))
    for protected in protect:
        with contextlib.suppress(OSError):
            if _same_file(status, Path(protected).stat()):
                raise OutputPathError(path, "is the input file; choose another output name")
    if not status.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise OutputPathError(path, "is read-only")


def _temp_name(final: str) -> str:
    length = min(max(len(os.fsencode(final)), _MIN_TEMP_NAME), _MAX_TEMP_NAME)
    random_chars = length - 1 - len(TEMP_SUFFIX)
    return "." + secrets.token_hex(random_chars)[:random_chars] + TEMP_SUFFIX


def _create_temp(folder: Path, final: str) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        candidate = folder / _temp_name(final)
        try:
            return os.open(candidate, flags, OWNER_ONLY), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(folder))


def write_atomic(path: Path, data: bytes, mode: int = OWNER_ONLY) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, replace.

    The temporary file is removed if anything fails, so no debris is left behind.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_path = _create_temp(folder, path.name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if os.name == "posix":
            os.chmod(temp_path, mode)
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
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
