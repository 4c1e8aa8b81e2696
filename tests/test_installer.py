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
    (root / "_internal" / "licenses").mkdir()
    (root / "_internal" / "licenses" / "THIRD-PARTY-NOTICES.txt").write_text("notices\n")
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
    assert names == [
        "THIRD-PARTY-NOTICES.txt",
        "libpython3.11.so.1.0",
        "manifest.toml",
        "rlsdesk.exe",
    ]
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


lock = _load("lock.py")
notices = _load("notices.py")
clean_runpath = _load("linux/clean_runpath.py")


def test_the_msi_upgrades_a_rebuilt_same_version_and_a_pre_release(
    bundle: Path, tmp_path: Path
) -> None:
    """MajorUpgrade allows the same X.Y.Z (1.2.0rc1 -> 1.2.0, a rebuild) and refuses downgrades."""
    _, wxs_path = render.render(
        _project("1.2.0rc1"), bundle, tmp_path / "w", tmp_path / "i.ico", stand_in=True
    )
    product = ET.parse(wxs_path).getroot().find(f"{WIX}Product")
    assert product is not None
    assert product.get("Version") == "1.2.0"  # what Windows Installer compares
    upgrade = product.find(f"{WIX}MajorUpgrade")
    assert upgrade is not None
    assert upgrade.get("AllowSameVersionUpgrades") == "yes"
    assert "newer version" in (upgrade.get("DowngradeErrorMessage") or "")


def test_inno_setup_closes_a_running_app_and_ships_the_notices(
    bundle: Path, tmp_path: Path
) -> None:
    """A silent install closes a running rlsdesk (no restart) and installs the notices."""
    iss_path, _ = render.render(_project(), bundle, tmp_path / "w", tmp_path / "i.ico",
                                stand_in=True)  # fmt: skip
    settings = check_windows.iss_sections(iss_path.read_text("utf-8"))
    assert "CloseApplications=force" in settings["Setup"]
    assert "RestartApplications=no" in settings["Setup"]
    assert any("THIRD-PARTY-NOTICES.txt" in line for line in settings["Files"])


def test_the_deb_copyright_calls_no_third_party_code_proprietary() -> None:
    """Only rlsdesk's own files are proprietary; _internal/* points at the notices."""
    text = build_deb._copyright()
    stanzas = [stanza for stanza in text.split("\n\n") if stanza.startswith("Files:")]
    licences = {stanza.splitlines()[0]: stanza.splitlines()[2] for stanza in stanzas}
    assert licences["Files: *"] == "License: proprietary"
    assert licences["Files: opt/rlsdesk/_internal/*"] == "License: various-free-licences"
    proprietary = [files for files, licence in licences.items() if "proprietary" in licence]
    assert all("knowledge" in files or files == "Files: *" for files in proprietary)
    assert "THIRD-PARTY-NOTICES.txt" in text


def test_the_deb_installs_the_notices(bundle: Path, tmp_path: Path) -> None:
    """stage() puts THIRD-PARTY-NOTICES.txt in /usr/share/doc/rlsdesk (and refuses without)."""
    icons = tmp_path / "icons"
    icons.mkdir()
    for size in build_deb.ICON_SIZES:
        (icons / f"rlsdesk-{size}.png").write_bytes(b"png")
    (icons / "rlsdesk.svg").write_text("<svg/>")
    root = tmp_path / "root"
    build_deb.stage(_project(), bundle, icons, root)
    assert (root / "usr/share/doc/rlsdesk/THIRD-PARTY-NOTICES.txt").read_text() == "notices\n"
    (bundle / "_internal" / "licenses" / "THIRD-PARTY-NOTICES.txt").unlink()
    with pytest.raises(FileNotFoundError, match="notices"):
        build_deb.stage(_project(), bundle, icons, root)


def test_a_stale_lock_is_refused(tmp_path: Path) -> None:
    """A dependency added to pyproject.toml after the lock was written makes check() fail."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text((REPO_ROOT / "pyproject.toml").read_text("utf-8"), "utf-8")
    current = tmp_path / "requirements-build.lock"
    current.write_text(f"{lock.MARK}{lock.input_digest(pyproject)}\nx==1 \\\n", "utf-8")
    assert lock.check(current, pyproject) is None
    text = pyproject.read_text("utf-8").replace(
        "dependencies = [", 'dependencies = [\n "new>=1",', 1
    )
    pyproject.write_text(text, "utf-8")
    problem = lock.check(current, pyproject)
    assert problem is not None
    assert "stale" in problem
    assert "installer/lock.py write" in problem
    assert "missing" in (lock.check(tmp_path / "none.lock", pyproject) or "")


def test_the_lock_pins_every_package_with_hashes() -> None:
    """Every requirement in the committed lock is pinned (==) and carries a sha256 hash."""
    text = (INSTALLER / "requirements-build.lock").read_text("utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    requirements = [entry for entry in entries if re.match(r"[A-Za-z0-9]", entry)]
    assert all("==" in entry.splitlines()[0] for entry in requirements)
    assert all("--hash=sha256:" in entry for entry in requirements)
    pinned = {entry.split("==")[0] for entry in requirements}
    assert {"pydantic", "reportlab", "pyside6-essentials", "pyinstaller"} <= pinned


@pytest.mark.skipif(shutil.which("patchelf") is None, reason="needs patchelf (apt)")
def test_absolute_runpaths_are_removed_and_origin_kept(tmp_path: Path) -> None:
    """A build machine's RUNPATH is removed, $ORIGIN entries stay, and the check then passes."""
    library = Path(sys.executable).resolve()
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    leaky, mixed = bundle / "leaky", bundle / "mixed"
    for target, rpath in ((leaky, "/root/.pyenv/lib"), (mixed, "$ORIGIN/lib:/opt/build/lib")):
        shutil.copyfile(library, target)
        subprocess.run(["patchelf", "--set-rpath", rpath, str(target)], check=True)
    assert clean_runpath.problems(bundle, [])  # found before cleaning
    changed = clean_runpath.clean(bundle)
    assert sorted(changed) == [leaky, mixed]
    assert clean_runpath.runpath(leaky) == []
    assert clean_runpath.runpath(mixed) == ["$ORIGIN/lib"]
    assert clean_runpath.problems(bundle, []) == []


def test_a_build_path_inside_the_bundle_is_reported(tmp_path: Path) -> None:
    """A file naming the build folder (a direct_url.json, say) fails the leak check."""
    (tmp_path / "direct_url.json").write_text('{"url": "file:///home/ci/build/rlsdesk"}')
    (tmp_path / "fine.txt").write_text("nothing to see")
    found = clean_runpath.problems(tmp_path, ["/home/ci/build"])
    assert found == ["direct_url.json: names the build folder /home/ci/build"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("piplicenses") is None, reason="needs pip-licenses")
def test_the_notices_cover_what_ships() -> None:
    """From this environment: Python, every run-time package with its licence text, Qt under
    LGPL-3 with its source, and the fonts; nothing without a licence text."""
    text = notices.build_notices(Path(sys.executable))
    for heading in ("Python 3.", "pydantic ", "reportlab ", "pillow ", "Qt 6.", "DejaVu fonts"):
        assert f"\n{heading}" in text, heading
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "pyside-setup" in text
    assert "UNKNOWN\n\n" not in text


def _workflow_steps() -> dict[str, str]:
    """The Windows workflow's steps, name -> body (a plain-text parse: no YAML dependency)."""
    text = (REPO_ROOT / ".github" / "workflows" / "windows.yml").read_text("utf-8")
    parts = re.split(r"\n      - (?:name: |uses: )", text)
    return {part.splitlines()[0]: part for part in parts[1:]}


def test_the_windows_workflow_signs_or_says_it_did_not() -> None:
    """Signing runs on the exe and both installers, from secrets, via the documented hook."""
    steps = _workflow_steps()
    signing = [body for name, body in steps.items() if name.startswith("Sign ")]
    assert len(signing) == 2
    assert all("installer/windows/sign.ps1" in body for body in signing)
    assert all("secrets.WINDOWS_SIGNING_CERT_PFX_BASE64" in body for body in signing)
    hook = (INSTALLER / "windows" / "sign.ps1").read_text("utf-8")
    assert "signtool" in hook
    assert "UNSIGNED" in hook
    assert "exit 0" in hook


def test_the_windows_workflow_builds_from_the_lock_and_tests_upgrades() -> None:
    """Locked install with hashes, an upgrade over the previous build with the app running,
    and a run as a standard user."""
    text = "\n".join(_workflow_steps().values())
    assert "--require-hashes" in text
    assert "installer/lock.py check" in text
    assert "PREVIOUS_MSI" in text
    assert "$app = Start-Process $exe -PassThru" in text
    assert "-Credential $credential" in text
    assert "net user rlsdesk-user" in text


def test_install_docs_no_longer_claim_signed_installers() -> None:
    """docs/INSTALL.md says the installers are unsigned unless built with a certificate."""
    text = (REPO_ROOT / "docs" / "INSTALL.md").read_text("utf-8")
    assert "The installers are the signed, versioned unit" not in text
    assert "**not signed**" in text
    assert "AllowSameVersionUpgrades" in text


def test_the_wixl_check_copy_drops_only_what_wixl_does_not_know(tmp_path: Path) -> None:
    """The Linux MSI check compiles a copy without AllowSameVersionUpgrades; the real
    source keeps it."""
    wxs = tmp_path / "rlsdesk.wxs"
    wxs.write_text('<MajorUpgrade AllowSameVersionUpgrades="yes" DowngradeErrorMessage="x" />')
    copy = check_windows.wixl_source(wxs)
    assert copy.parent == wxs.parent
    assert copy.read_text() == '<MajorUpgrade  DowngradeErrorMessage="x" />'
    assert "AllowSameVersionUpgrades" in wxs.read_text()
