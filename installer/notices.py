#!/usr/bin/env python3
"""Generate THIRD-PARTY-NOTICES.txt for everything a build ships, from the build environment.

    installer/notices.py --python BUILD_VENV/bin/python --out build/licenses/THIRD-PARTY-NOTICES.txt

The Python packages are those rlsdesk needs at run time in the build venv (its requirements,
followed recursively); their licence texts and notices come from pip-licenses (a maintained
tool reading each package's own metadata and licence files), never from hand-written text.
Added around them: the Python interpreter's own licence; Qt, PySide6 and shiboken6 under
the LGPL-3 with the GPL-3 it builds on and how to obtain their source (the wheels ship no
licence file); ICU (bundled by the Qt wheels); the PyInstaller bootloader; the DejaVu fonts.
A package with neither a licence text nor a licence in its metadata fails the build; one
with only the metadata (no licence file in its wheel) is listed with a warning.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from project import BUILD_DIR, REPO_ROOT  # noqa: E402

NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
RULE = "=" * 78
# Runs inside the build venv: rlsdesk's run-time distributions (no extras), and facts about
# the interpreter. Printed as JSON for this script.
_PROBE = """
import importlib.metadata as md, json, re, sys, sysconfig
from pathlib import Path
seen, pending = {}, ["rlsdesk"]
while pending:
    name = pending.pop()
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        continue
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        continue
    seen[key] = (dist.metadata["Name"], dist.version)
    for requirement in dist.requires or []:
        if "extra ==" in requirement:
            continue
        pending.append(re.match(r"[A-Za-z0-9._-]+", requirement).group(0))
seen.pop("rlsdesk", None)
licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
try:
    pyside = Path(md.distribution("shiboken6").locate_file("PySide6"))
    icu = any(pyside.rglob("*icu*"))
except md.PackageNotFoundError:
    icu = False
print(json.dumps({
    "icu": icu,
    "packages": sorted(seen.values()),
    "python": sys.version.split()[0],
    "python_licence": str(licence) if licence.is_file() else "",
}))
"""
# Licence texts no package carries in its metadata, kept beside this script (copied from
# Debian's /usr/share/common-licenses and ICU's copyright file) so Windows builds have them.
LICENCE_TEXTS = HERE / "licenses"
QT_SOURCE = (
    "Qt {qt} source: https://download.qt.io/official_releases/qt/ (the {qt} folder, "
    "single/qt-everywhere-src-{qt}.tar.xz)\n"
    "PySide6 and shiboken6 {pyside} source: "
    "https://download.qt.io/official_releases/QtForPython/pyside6/ "
    "(pyside-setup-everywhere-src-{pyside}.tar.xz) or the git repository "
    "https://code.qt.io/pyside/pyside-setup.git, tag v{pyside}\n"
    "The vendor of rlsdesk also provides these sources on request, for three years from "
    "the date of this release, at no charge beyond the cost of the medium."
)


QT_DISTRIBUTIONS = frozenset({"pyside6", "pyside6-essentials", "pyside6-pdf", "shiboken6"})


def _key(name: str) -> str:
    """A distribution name as packaging compares it (PySide6_Essentials = pyside6-essentials)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class NoticeError(Exception):
    """The notices cannot be complete; the message says what is missing."""


def _probe(python: Path) -> dict[str, object]:
    result = subprocess.run(
        [str(python), "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    probed: dict[str, object] = json.loads(result.stdout)
    return probed


def _pip_licenses(python: Path, names: list[str]) -> list[dict[str, str]]:
    command = [
        sys.executable, "-m", "piplicenses", "--python", str(python), "--format=json",
        "--with-license-file", "--no-license-path", "--with-notice-file", "--with-urls",
        "--from=mixed", "--packages", *names,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    entries: list[dict[str, str]] = json.loads(result.stdout)
    return entries


def _section(title: str, body: str) -> str:
    return f"{RULE}\n{title}\n{RULE}\n\n{body.strip()}\n\n"


def _file_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise NoticeError(f"{what}: {path} is missing on the build machine")
    return path.read_text("utf-8", errors="replace")


def _qt_section(versions: dict[str, str]) -> str:
    qt = versions.get("pyside6-essentials", versions.get("pyside6", "6"))
    pyside = qt
    body = (
        "Qt, PySide6 and shiboken6 are used under the GNU Lesser General Public License "
        "version 3 (LGPL-3), which adds permissions to the GNU General Public License "
        "version 3; both texts follow. They are shipped as separate shared libraries "
        "(_internal/PySide6, _internal/shiboken6) that can be replaced by modified "
        "versions.\n\n" + QT_SOURCE.format(qt=qt, pyside=pyside)
    )
    lgpl = _file_text(LICENCE_TEXTS / "LGPL-3.txt", "the LGPL-3 text")
    gpl = _file_text(LICENCE_TEXTS / "GPL-3.txt", "the GPL-3 text")
    return _section(f"Qt {qt}, PySide6 {pyside}, shiboken6 {pyside} (LGPL-3)", body) + (
        _section("GNU Lesser General Public License version 3", lgpl)
        + _section("GNU General Public License version 3", gpl)
    )


def _icu_section() -> str:
    text = _file_text(LICENCE_TEXTS / "ICU.txt", "the ICU licence")
    return _section("ICU (bundled with the Qt libraries: libicu*), Unicode License", text)


def build_notices(python: Path) -> str:
    probe = _probe(python)
    packages = [tuple(item) for item in probe["packages"]]  # type: ignore[attr-defined]
    names = [name for name, _version in packages]
    versions = {_key(name): version for name, version in packages}
    parts = [
        "Third-party software shipped with rlsdesk\n\n"
        "rlsdesk's own code and knowledge base are proprietary (see the copyright notice). "
        "It ships the following third-party software, each under its own licence, listed "
        "from the build environment by installer/notices.py (pip-licenses).\n\n",
        _section(
            f"Python {probe['python']} (PSF License)",
            _file_text(Path(str(probe["python_licence"])), "the Python licence"),
        ),
    ]
    for entry in _pip_licenses(python, names):
        text = entry.get("LicenseText", "UNKNOWN")
        name = entry["Name"]
        if _key(name) in QT_DISTRIBUTIONS:
            continue  # covered by the Qt section below
        licence = entry.get("License", "UNKNOWN")
        if text in ("", "UNKNOWN"):
            if licence in ("", "UNKNOWN"):
                raise NoticeError(f"{name}: neither a licence text nor a licence in its metadata")
            print(f"notices: warning: {name} ships no licence file; listing its metadata")
            text = (
                f"This distribution ships no licence file. Its metadata names the licence "
                f"{licence}; the full text is in the project's source at its home page."
            )
        notice = entry.get("NoticeText", "UNKNOWN")
        body = f"Licence: {licence}\nHome page: {entry.get('URL', 'UNKNOWN')}\n\n{text}"
        if notice not in ("", "UNKNOWN"):
            body += f"\n\nNOTICE:\n{notice}"
        parts.append(_section(f"{name} {entry['Version']}", body))
    parts.append(_qt_section(versions))
    if probe["icu"]:
        parts.append(_icu_section())
    pyinstaller = _pip_licenses(python, ["pyinstaller"])
    if pyinstaller:
        parts.append(
            _section(
                "PyInstaller bootloader (the rlsdesk executable's start-up code)",
                pyinstaller[0].get("LicenseText", pyinstaller[0]["License"]),
            )
        )
    fonts = REPO_ROOT / "resources" / "fonts" / "LICENSE-DejaVu.txt"
    parts.append(_section("DejaVu fonts (Bitstream Vera licence)", _file_text(fonts, "fonts")))
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", type=Path, default=Path(sys.executable))
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "licenses" / NOTICES_NAME)
    args = parser.parse_args(argv)
    try:
        text = build_notices(args.python)
    except NoticeError as error:
        print(f"notices: FAIL {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"notices: FAIL {error.cmd[:3]}: {error.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8")
    print(f"notices: {args.out} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
