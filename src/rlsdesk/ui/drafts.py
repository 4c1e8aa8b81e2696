"""Autosaved drafts: the raw form of the running session, offered back after a crash.

Each session writes ``drafts/session-<pid>-<ms>.json`` (atomic, owner-only) and holds a
``QLockFile`` beside it. A clean exit deletes both. At start-up a draft whose lock can be
taken belongs to a session that is no longer running, so it did not exit cleanly: that draft
is offered back. A draft stores what was typed (``FormState``), which may be invalid.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile

from rlsdesk.fileio import write_text_atomic
from rlsdesk.session.formstate import FormState

DRAFT_FORMAT = "rlsdesk-draft/1"


@dataclass(frozen=True)
class Draft:
    file: Path
    state: FormState
    path: Path | None  # the case file the session had open, if any
    saved_at: str

    def describe(self) -> str:
        who = self.state.name or self.state.identifier or "an unnamed patient"
        where = f" (from {self.path.name})" if self.path else ""
        return f"A draft for {who}{where}, autosaved {self.saved_at}, was not closed cleanly."


def _lock_for(draft_file: Path) -> QLockFile:
    lock = QLockFile(str(draft_file.with_suffix(".lock")))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    return lock


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.file = folder / f"session-{os.getpid()}-{int(time.time() * 1000)}.json"
        self._lock = _lock_for(self.file)
        self._lock.tryLock(0)
        self.writes = 0

    def save(self, state: FormState, path: Path | None) -> None:
        record = {
            "format": DRAFT_FORMAT,
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
            "path": str(path) if path else None,
            "form": state.to_json_dict(),
        }
        write_text_atomic(self.file, json.dumps(record, indent=1, ensure_ascii=False))
        self.writes += 1

    def discard(self) -> None:
        """A clean exit: this session's draft and lock go."""
        with contextlib.suppress(FileNotFoundError):
            self.file.unlink()
        self._lock.unlock()

    def orphans(self) -> list[Draft]:
        """Drafts left by sessions that are no longer running, newest first."""
        found: list[Draft] = []
        for file in sorted(self.folder.glob("session-*.json"), key=_mtime, reverse=True):
            if file == self.file:
                continue
            lock = _lock_for(file)
            if not lock.tryLock(0):
                continue  # another running session owns it
            try:
                draft = _read(file)
            finally:
                lock.unlock()
            if draft is not None and not draft.state.is_blank():
                found.append(draft)
            else:
                forget(file)  # unreadable or empty: nothing to offer
        return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read(file: Path) -> Draft | None:
    try:
        record = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != DRAFT_FORMAT:
        return None
    path = record.get("path")
    return Draft(
        file=file,
        state=FormState.from_json_dict(record.get("form")),
        path=Path(path) if isinstance(path, str) and path else None,
        saved_at=str(record.get("saved_at", "")),
    )


def forget(draft_file: Path) -> None:
    """Remove an orphaned draft once it was restored or declined."""
    lock = _lock_for(draft_file)
    if lock.tryLock(0):
        with contextlib.suppress(FileNotFoundError):
            draft_file.unlink()
        lock.unlock()
