"""The diagnostic log: a rotating, owner-only file that never holds a patient's name.

``configure_logging`` writes ``rlsdesk.log`` in ``user_data_dir()/logs`` (folder 0700, files
0600 on POSIX). Whoever opens a case calls ``set_patient_context(name, identifier)``; from
then on every record that reaches the file has those strings, and each part of the name
(split at spaces, commas, dots, hyphens and underscores) replaced by ``[redacted]`` in its
message, its exception text and its stack, until ``clear_patient_context()``: also inside
joined tokens (``Jane_Doe_MRN1.json``), URL-encoded, and in any Unicode normal form.
Redaction is a safety net, not a licence: code should still not log case contents.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import re
import threading
import traceback
import unicodedata
from pathlib import Path
from typing import Literal
from urllib.parse import quote, quote_plus

from rlsdesk.paths import user_data_dir

LOG_FOLDER = "logs"
LOG_FILE = "rlsdesk.log"
REDACTED = "[redacted]"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "rlsdesk-file"
# Parts of a name shorter than this are not redacted on their own (too many ordinary words and
# codes are that short); the full name and the identifier are always redacted, however short.
MIN_NAME_PART = 3


# A secret stands alone when no letter or digit touches it: an underscore, a dot or a
# percent-escape around it (Jane_Doe_MRN1.json, Jane%20Doe) is a boundary, not part of it.
_BEFORE = r"(?:(?<![^\W_])|(?<=%[0-9A-Fa-f]{2}))"
_AFTER = r"(?![^\W_])"
_NORMAL_FORMS: tuple[Literal["NFC", "NFD", "NFKC", "NFKD"], ...] = ("NFC", "NFD", "NFKC", "NFKD")


def _spellings(secret: str) -> set[str]:
    """The ways a secret can appear in a log: any Unicode normal form, URL-encoded or not."""
    forms = {secret, *(unicodedata.normalize(form, secret) for form in _NORMAL_FORMS)}
    encoded = {quote(form, safe="") for form in forms} | {quote_plus(form) for form in forms}
    return forms | encoded


class RedactingFilter(logging.Filter):
    """Replaces the current patient's name, its parts and identifier in every record."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def set_context(self, name: str | None, identifier: str | None) -> None:
        secrets = {value.strip() for value in (name, identifier) if value and value.strip()}
        if name:
            secrets.update(
                part for part in re.split(r"[\s,.\-_]+", name) if len(part) >= MIN_NAME_PART
            )
        # Longest first, so the full name is replaced before its parts are.
        ordered = sorted({form for s in secrets for form in _spellings(s)}, key=len, reverse=True)
        pattern = None
        if ordered:
            words = "|".join(re.escape(secret) for secret in ordered)
            pattern = re.compile(rf"{_BEFORE}(?:{words}){_AFTER}", re.IGNORECASE)
        with self._lock:
            self._pattern = pattern

    def clear(self) -> None:
        with self._lock:
            self._pattern = None

    def redact(self, text: str) -> str:
        with self._lock:
            pattern = self._pattern
        if pattern is None:
            return text
        redacted = pattern.sub(REDACTED, text)
        # A compatibility spelling (full-width letters, ligatures) only shows after NFKC.
        folded = unicodedata.normalize("NFKC", redacted)
        return pattern.sub(REDACTED, folded) if pattern.search(folded) else redacted

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        # Freeze the message first: an argument's repr can carry the name too.
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def set_patient_context(name: str | None, identifier: str | None) -> None:
    """Redact this patient's name and identifier from every log record from now on."""
    _FILTER.set_context(name, identifier)


def clear_patient_context() -> None:
    """Stop redacting (the case was closed); records already written stay redacted."""
    _FILTER.clear()


def redact(text: str) -> str:
    """The text as the log would store it under the current patient context."""
    return _FILTER.redact(text)


class _OwnerOnlyRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose every new file is created 0600 (POSIX)."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if os.name == "posix":
            os.chmod(self.baseFilename, 0o600)  # a file left by an older version
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)


def log_path() -> Path:
    return user_data_dir() / LOG_FOLDER / LOG_FILE


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send records at ``level`` and above, from rlsdesk and the libraries it uses, to the
    rotating log; returns its path.

    When the user data folder is unusable the records go to standard error instead (still
    redacted, warnings and above only) and None is returned; the caller says why, using
    ``rlsdesk.paths.user_data_problem()``. Calling it again replaces the handler it installed
    before, so records are never doubled.
    """
    path: Path | None
    handler: logging.Handler
    try:
        path = log_path()
        path.parent.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix":
            os.chmod(path.parent, 0o700)
        handler = _OwnerOnlyRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        path = None
        handler = logging.StreamHandler()  # standard error
        handler.setLevel(max(level, logging.WARNING))
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(_FILTER)
    handler.set_name(HANDLER_NAME)
    stop_logging()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path


def stop_logging() -> None:
    """Remove and close the file handler ``configure_logging`` installed (at exit, in tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
        with contextlib.suppress(OSError):
            handler.close()
