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


def user_data_dir() -> Path:
    """Per-user folder for settings, drafts and the audit log, created owner-only."""
    override = os.environ.get(HOME_ENV)
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "rlsdesk"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "rlsdesk"
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(xdg) / "rlsdesk"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(base, 0o700)
    return base
