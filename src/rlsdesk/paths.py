"""The one place that finds rlsdesk's data folders and the user's own folders.

The knowledge base and resources sit at the top of the source tree; a wheel carries them
in ``rlsdesk/_data``; a PyInstaller build unpacks them beside the executable. User data
(settings, drafts, audit log) lives in the per-user data folder, or in ``RLSDESK_HOME``
when that is set (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
HOME_ENV = "RLSDESK_HOME"
KNOWLEDGE_ENV = "RLSDESK_KNOWLEDGE"


def _data_root_candidates() -> list[Path]:
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root))
    candidates.append(_PACKAGE_DIR / "_data")
    candidates.append(_PACKAGE_DIR.parent.parent)  # src/rlsdesk -> repository root
    return candidates


def _find(folder: str) -> Path:
    for root in _data_root_candidates():
        if (root / folder).is_dir():
            return root / folder
    searched = ", ".join(str(root / folder) for root in _data_root_candidates())
    raise FileNotFoundError(f"rlsdesk {folder} folder not found (looked in {searched})")


def knowledge_dir() -> Path:
    """The knowledge base folder (``RLSDESK_KNOWLEDGE`` overrides it, for KB updates)."""
    override = os.environ.get(KNOWLEDGE_ENV)
    if override:
        return Path(override)
    return _find("knowledge")


def resources_dir() -> Path:
    return _find("resources")


class UserDataError(OSError):
    """The per-user data folder cannot be used; the message says what is wrong and where."""


def _user_data_base() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "rlsdesk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "rlsdesk"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "rlsdesk"


def _prepare_user_data(base: Path) -> None:
    """Create the folder owner-only, or raise UserDataError naming the folder and the fault."""
    where = f"the rlsdesk user data folder {base}"
    if base.exists() and not base.is_dir():
        raise UserDataError(f"{where} is a file, not a folder")
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise UserDataError(f"{where} cannot be created ({error.strerror or error})") from None
    if os.name == "posix":
        owner = base.stat().st_uid
        if owner != os.geteuid():
            # Another account's folder: writing there would let that account read the data.
            raise UserDataError(f"{where} belongs to another user (uid {owner})")
        try:
            os.chmod(base, 0o700)
        except OSError as error:
            raise UserDataError(f"{where} cannot be made private ({error.strerror})") from None
    if not os.access(base, os.W_OK | os.X_OK):
        raise UserDataError(f"{where} is not writable")


def user_data_dir() -> Path:
    """Per-user folder for settings, drafts and the audit log, created owner-only.

    Raises UserDataError (an OSError) when the folder is unusable.
    """
    base = _user_data_base()
    _prepare_user_data(base)
    return base


def user_data_problem() -> str | None:
    """None when the per-user data folder is usable, otherwise one line saying what is wrong
    and where (the app shows it; the command line prints it as a warning)."""
    try:
        user_data_dir()
    except OSError as error:
        return str(error)
    return None


NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"


def third_party_notices_path() -> Path | None:
    """The licence notices of everything an installed build ships (generated at build time
    by installer/notices.py), for Help > About; None when running from source."""
    for root in _data_root_candidates():
        candidate = root / "licenses" / NOTICES_FILE
        if candidate.is_file():
            return candidate
    return None
