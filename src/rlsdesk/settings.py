"""User preferences that change the printed output, stored per user as versioned JSON.

Window geometry and recent files belong to QSettings in the UI; these are the values a
sheet prints, so they live in a small validated model in the user data folder
(``RLSDESK_HOME`` redirects it for tests and portable installs).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rlsdesk.fileio import write_text_atomic
from rlsdesk.paths import UserDataError, user_data_dir

SETTINGS_FILE = "settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["rlsdesk-settings/1"] = "rlsdesk-settings/1"
    clinic_name: str = Field(default="", max_length=200)
    clinic_address: str = Field(default="", max_length=500)
    clinician: str = Field(default="", max_length=200)
    unit_system: Literal["conventional", "si"] = "conventional"
    page_size: Literal["a4", "letter"] = "a4"


def settings_path() -> Path:
    return user_data_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or defaults when none are saved or the file is unreadable.

    An unreadable file is not fatal: the defaults print a sheet with blank clinic details,
    which the clinician sees and can correct; the damaged file is kept aside for support.
    An unusable user data folder (``rlsdesk.paths.user_data_problem()``) gives the defaults
    too: the command line and the app say so once, and sheets still print.
    """
    try:
        path = path if path is not None else settings_path()
    except UserDataError:
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, ValidationError):
        with contextlib.suppress(OSError):  # a read-only folder keeps the damaged file
            path.replace(path.with_suffix(".damaged.json"))
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_text_atomic(path or settings_path(), settings.model_dump_json(indent=2) + "\n")
