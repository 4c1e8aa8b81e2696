"""The one source of truth for installer metadata: ``pyproject.toml``.

The PyInstaller spec, the Debian package builder and the Windows template renderer all read
the name, version and description from here, so a release changes one line in
pyproject.toml and nothing in installer/.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
REPO_ROOT = INSTALLER_DIR.parent
BUILD_DIR = INSTALLER_DIR / "build"
DIST_DIR = INSTALLER_DIR / "dist"
# Stable across versions: lets an MSI major upgrade replace the previous version.
MSI_UPGRADE_CODE = "6C3E2B0A-5D0B-4F7C-9A52-3A1F0E7D2B41"
PUBLISHER = "rlsdesk developers"
HOMEPAGE = "https://example.invalid/rlsdesk"  # offline product; no public homepage yet

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)([.+-]?[0-9A-Za-z.+-]+)?$")


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    description: str

    @property
    def debian_version(self) -> str:
        """Pre-releases sort before the release in dpkg: 1.2.0rc1 -> 1.2.0~rc1."""
        return re.sub(r"(?<=\d)\.?(a|b|rc|dev)(?=\d)", r"~\1", self.version)

    @property
    def numeric_version(self) -> str:
        """``X.Y.Z`` only: what Windows Installer and Inno Setup's VersionInfo accept."""
        match = _VERSION_RE.match(self.version)
        assert match is not None  # checked in load_project
        return ".".join(match.group(1, 2, 3))


def load_project(pyproject: Path | None = None) -> Project:
    """Read name, version and description from pyproject.toml (raises if malformed)."""
    path = pyproject or REPO_ROOT / "pyproject.toml"
    with path.open("rb") as handle:
        table = tomllib.load(handle)["project"]
    version = str(table["version"])
    if not _VERSION_RE.match(version):
        raise ValueError(f"{path}: version {version!r} is not X.Y.Z[suffix]")
    return Project(name=str(table["name"]), version=version, description=str(table["description"]))
