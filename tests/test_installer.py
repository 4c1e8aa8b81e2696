"""Fast checks of the installer sources; the heavy build is installer/build.sh, not pytest."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import version as installed_version
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO_ROOT

INSTALLER = REPO_ROOT / "installer"
WIX = "{http://schemas.microsoft.com/wix/2006/wi}"


def _load(relative: str) -> ModuleType:
    """Import an installer script by path (they are scripts that import each other by name)."""
    path = INSTALLER / relative
    for folder in (INSTALLER, path.parent):
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    return importlib.import_module(path.stem)


project = _load("project.py")
render = _load("windows/render.py")
check_windows = _load("windows/check_windows.py")
check_depends = _load("linux/check_depends.py")
build_deb = _load("linux/build_deb.py")


def _project(version: str = "9.8.7") -> object:
    return project.Project(name="rlsdesk", version=version, description='A "quoted" & <odd> one')


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A tiny stand-in for the Linux one-folder build."""
    root = tmp_path / "dist" / "rlsdesk"
    (root / "_internal" / "knowledge").mkdir(parents=True)
    (root / "rlsdesk").write_bytes(b"\x7fELF stand-in")
    (root / "_internal" / "knowledge" / "manifest.toml").write_text("format = 1\n")
    (root / "_internal" / "libpython3.11.so.1.0").write_bytes(b"lib")
    return root


def test_the_version_comes_from_pyproject_only() -> None:
    """Installers carry the version in pyproject.toml, the one the app reports."""
    loaded = project.load_project()
    assert loaded.version == installed_version("rlsdesk")  # else the spec refuses to build
    spec = (INSTALLER / "rlsdesk.spec").read_text("utf-8")
    assert "load_project()" in spec
    assert "name=PROJECT.name" in spec
    sources = [*INSTALLER.glob("*"), *INSTALLER.glob("linux/*"), *INSTALLER.glob("windows/*")]
    for path in sources:
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            assert f'"{loaded.version}"' not in text, f"{path} hard-codes the version"


def test_a_release_version_is_read_and_checked(tmp_path: Path) -> None:
    """A new version in pyproject.toml is what the installers get; a malformed one stops them."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "rlsdesk"\nversion = "1.2.3rc1"\ndescription = "d"\n')
    loaded = project.load_project(pyproject)
    assert (loaded.version, loaded.numeric_version) == ("1.2.3rc1", "1.2.3")
    assert loaded.debian_version == "1.2.3~rc1"  # sorts before 1.2.3 in dpkg
    pyproject.write_text('[project]\nname = "rlsdesk"\nversion = "next"\ndescription = "d"\n')
    with pytest.raises(ValueError, match=r"not X\.Y\.Z"):
        project.load_project(pyproject)


def test_the_desktop_entry_validates() -> None:
    """The Linux menu entry passes desktop-file-validate."""
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    result = subprocess.run(
        [validator, str(INSTALLER / "linux" / "rlsdesk.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""  # no hints or warnings either


def test_render_fills_the_version_into_inno_setup_and_wix(bundle: Path, tmp_path: Path) -> None:
    """The .iss and .wxs get the version, and the .wxs lists every file of the build."""
    out = tmp_path / "windows"
    icon = tmp_path / "rlsdesk.ico"
    icon.write_bytes(b"ico")
    iss_path, wxs_path = render.render(_project(), bundle, out, icon, stand_in=True)
    iss = iss_path.read_text("utf-8")
    assert '#define AppVersion "9.8.7"' in iss
    assert "VersionInfoVersion=9.8.7" in iss
    assert "PrivilegesRequired=admin" in iss
    assert "@" not in iss.replace("{#", "")
    wxs = ET.parse(wxs_path).getroot()
    product = wxs.find(f"{WIX}Product")
    assert product is not None
    assert product.get("Version") == "9.8.7"
    assert product.get("UpgradeCode") == project.MSI_UPGRADE_CODE
    names = sorted(f.get("Name", "") for f in wxs.iter(f"{WIX}File"))
    assert names == ["libpython3.11.so.1.0", "manifest.toml", "rlsdesk.exe"]
    refs = {r.get("Id") for r in wxs.iter(f"{WIX}ComponentRef")}
    components = {c.get("Id") for c in wxs.iter(f"{WIX}Component")}
    assert refs == components


def test_component_guids_stay_the_same_across_versions(bundle: Path, tmp_path: Path) -> None:
    """An upgrade keeps each file's MSI component GUID (derived from its path)."""
    guids = []
    for version in ("1.0.0", "1.1.0"):
        _, wxs = render.render(
            _project(version), bundle, tmp_path / version, tmp_path / "i.ico", stand_in=True
        )
        root = ET.parse(wxs).getroot()
        guids.append({c.get("Id"): c.get("Guid") for c in root.iter(f"{WIX}Component")})
    assert guids[0] == guids[1]


def test_render_refuses_a_build_without_the_exe(bundle: Path, tmp_path: Path) -> None:
    """A Linux build is not taken for a Windows one unless asked (--stand-in)."""
    with pytest.raises(ValueError, match=r"no rlsdesk\.exe"):
        render.render(_project(), bundle, tmp_path / "w", tmp_path / "i.ico", stand_in=False)


def test_the_iss_check_finds_a_missing_file(bundle: Path, tmp_path: Path) -> None:
    """Every file the Inno Setup script names must exist in the build."""
    icon = tmp_path / "rlsdesk.ico"
    icon.write_bytes(b"ico")
    iss, _ = render.render(_project(), bundle, tmp_path / "w", icon, stand_in=True)
    files = render.bundle_files(bundle, stand_in=True)
    assert check_windows.iss_problems(iss, bundle, files) == []
    without_exe = [f for f in files if str(f.installed) != "rlsdesk.exe"]
    problems = check_windows.iss_problems(iss, bundle, without_exe)
    assert any("rlsdesk.exe is not in the build" in p for p in problems)


OBJDUMP = """
Dynamic Section:
  NEEDED               libQt6Gui.so.6
  NEEDED               libxcb-cursor.so.0
  NEEDED               libfoo.so.1
  NEEDED               libc.so.6
  SONAME               libQt6XcbQpa.so.6
  RUNPATH              $ORIGIN
"""


def _elf(needed: tuple[str, ...], glibc: tuple[int, ...] = (2, 28)) -> object:
    return check_depends.ElfInfo(Path("libQt6XcbQpa.so.6"), "libQt6XcbQpa.so.6", needed, glibc)


def test_check_depends_reads_the_dynamic_section() -> None:
    """NEEDED and SONAME come out of objdump -p; GLIBC versions out of objdump -T."""
    soname, needed = check_depends.parse_dynamic(OBJDUMP)
    assert soname == "libQt6XcbQpa.so.6"
    assert needed == ("libQt6Gui.so.6", "libxcb-cursor.so.0", "libfoo.so.1", "libc.so.6")
    symbols = "0000 DF *UND* 0 (GLIBC_2.34) pthread_create\n0000 DF *UND* 0 (GLIBC_2.2.5) free"
    assert check_depends.newest_glibc(symbols) == (2, 34)


def test_check_depends_fails_on_an_unmapped_library() -> None:
    """A library the bundle needs from the system but no package is known for fails the build."""
    _, needed = check_depends.parse_dynamic(OBJDUMP)
    sonames = {"libxcb-cursor.so.0": "libxcb-cursor0", "libc.so.6": "libc6"}
    depends = check_depends.parse_depends("Depends: libc6 (>= 2.28), libxcb-cursor0\n")
    report = check_depends.check([_elf(needed)], ["libQt6Gui.so.6"], sonames, {}, depends)
    assert [p.split(":")[0] for p in report.problems] == ["libfoo.so.1"]
    sonames["libfoo.so.1"] = "libfoo1"
    report = check_depends.check([_elf(needed)], ["libQt6Gui.so.6"], sonames, {}, depends)
    assert report.problems == ["Depends does not name libfoo1 (provides libfoo.so.1)"]
    depends = check_depends.parse_depends(
        "Depends: libc6 (>= 2.28), libxcb-cursor0,\n libfoo1 | libfoo-compat\n"
    )
    report = check_depends.check([_elf(needed)], ["libQt6Gui.so.6"], sonames, {}, depends)
    assert report.ok, report.problems


def test_check_depends_wants_qt_inside_the_bundle_and_a_high_enough_glibc() -> None:
    """Debian's older Qt must never stand in for the bundle's; the libc6 floor must hold."""
    sonames = {"libc.so.6": "libc6", "libQt6Gui.so.6": "libqt6gui6"}
    depends = check_depends.parse_depends("Depends: libc6 (>= 2.28), libqt6gui6")
    report = check_depends.check(
        [_elf(("libQt6Gui.so.6", "libc.so.6"), glibc=(2, 35))], [], sonames, {}, depends
    )
    assert any(p.startswith("libQt6Gui.so.6: must be inside the bundle") for p in report.problems)
    assert any("needs glibc 2.35" in p for p in report.problems)


def test_the_control_file_names_the_packages_and_the_version(tmp_path: Path) -> None:
    """The Debian control file gets the version; every package in Depends is accounted for."""
    control = build_deb.render_control(_project(), 123456)
    assert "Version: 9.8.7\n" in control
    assert "Installed-Size: 123456\n" in control
    assert not re.search(r"@[A-Z_]+@", control)
    depends = check_depends.parse_depends(control)
    sonames, runtime = check_depends.load_map()
    mapped = set(sonames.values()) | set(runtime.values())
    assert "libc6" in depends
    assert set(depends) <= mapped, set(depends) - mapped
