#!/usr/bin/env python3
"""Check the Windows installers on Linux, where neither Inno Setup nor WiX can run.

The Linux one-folder build stands in for the Windows one (``rlsdesk`` plays
``rlsdesk.exe``; the rest of the layout is the same):

1. render.py --stand-in fills rlsdesk.iss and rlsdesk.wxs;
2. every file the .iss references ([Files] sources, wildcards included, the icon, and the
   ``{app}\\...`` targets of [Icons], [Run] and UninstallDisplayIcon) exists in the build;
3. Debian's wixl compiles the .wxs into an .msi and msiextract unpacks it again: the
   unpacked files must be exactly the build's files, byte for byte.

    check_windows.py [--bundle installer/dist/rlsdesk] [--out installer/build/windows-check]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from project import BUILD_DIR, DIST_DIR, load_project  # noqa: E402
from render import BundleFile, bundle_files, render  # noqa: E402


def iss_defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', text, re.M))


def iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _expand(value: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines.get(m.group(1), m.group(0)), value)


def _param(entry: str, name: str) -> str | None:
    match = re.search(rf'(?:^|;\s*){name}:\s*"([^"]*)"', entry)
    return match.group(1) if match else None


def iss_problems(iss: Path, bundle: Path, files: list[BundleFile]) -> list[str]:
    """Everything the .iss names that the build does not have.

    A file's source is taken as ``bundle / installed path``, so a stand-in build's
    ``rlsdesk`` is found where the .iss expects ``rlsdesk.exe``.
    """
    text = iss.read_text("utf-8")
    defines = iss_defines(text)
    sections = iss_sections(text)
    installed = {str(f.installed) for f in files}
    sources = {bundle.resolve() / f.installed for f in files}
    problems: list[str] = []
    if re.search(r"@[A-Z_]+@", text):
        problems.append("unfilled @PLACEHOLDER@ left in the .iss")
    matched_any: set[Path] = set()
    for entry in sections.get("Files", []):
        source = _param(entry, "Source")
        if source is None:
            problems.append(f"[Files] entry without Source: {entry}")
            continue
        path = Path(_expand(source, defines).replace("\\", "/"))
        if "*" in path.name or "?" in path.name:
            recursive = "recursesubdirs" in entry
            found = [
                s
                for s in sources
                if fnmatch.fnmatch(s.name, path.name)
                and (s.parent == path.parent or (recursive and path.parent in s.parents))
            ]
            if not found:
                problems.append(f"[Files] {source}: matches no file in the build")
            matched_any.update(found)
        elif path not in sources:
            problems.append(f"[Files] {source}: {path} is not in the build")
        else:
            matched_any.add(path)
    missed = sorted(str(s) for s in sources - matched_any)
    if missed:
        problems.append(f"[Files] leaves {len(missed)} build files out, e.g. {missed[0]}")
    setup = dict(line.split("=", 1) for line in sections.get("Setup", []) if "=" in line)
    icon = setup.get("SetupIconFile")
    if icon and not Path(_expand(icon, defines)).is_file():
        problems.append(f"SetupIconFile {icon} does not exist")
    targets = [_param(e, "Filename") for e in sections.get("Icons", []) + sections.get("Run", [])]
    targets.append(setup.get("UninstallDisplayIcon"))
    for target in targets:
        if target is None:
            continue
        expanded = _expand(target, defines)
        if expanded.startswith("{app}\\"):
            relative = str(PurePosixPath(*PureWindowsPath(expanded[6:]).parts))
            if relative not in installed:
                problems.append(f"{target}: {relative} is not in the build")
    return problems


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# WiX 3 attributes Debian's wixl does not know; they change upgrade rules, not the files,
# so the round trip checks a copy without them (WiX 3 on Windows compiles the real source).
WIXL_UNSUPPORTED = ('AllowSameVersionUpgrades="yes"',)


def wixl_source(wxs: Path) -> Path:
    """A copy of the .wxs that wixl accepts (see WIXL_UNSUPPORTED), beside the original so
    relative source paths still resolve."""
    text = wxs.read_text("utf-8")
    for attribute in WIXL_UNSUPPORTED:
        text = text.replace(attribute, "")
    copy = wxs.with_name(f"{wxs.stem}.wixl{wxs.suffix}")
    copy.write_text(text, "utf-8")
    return copy


def msi_round_trip(wxs: Path, files: list[BundleFile], msi: Path) -> list[str]:
    """Build the .msi with wixl, unpack it with msiextract, compare with the build."""
    result = subprocess.run(
        ["wixl", "-a", "x64", str(wixl_source(wxs)), "-o", str(msi)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not msi.is_file():
        return [f"wixl failed: {result.stderr.strip()[-2000:]}"]
    noise = [line for line in result.stderr.splitlines() if line.strip()]
    problems = [f"wixl: {line}" for line in noise]
    with tempfile.TemporaryDirectory(prefix="rlsdesk-msi-") as scratch:
        subprocess.run(
            ["msiextract", "-C", scratch, str(msi)], check=True, stdout=subprocess.DEVNULL
        )
        roots = [p for p in Path(scratch).iterdir() if p.is_dir()]
        if len(roots) != 1 or roots[0].name != "rlsdesk":
            return [*problems, f"msiextract: expected one rlsdesk folder, got {roots}"]
        unpacked = {
            str(PurePosixPath(p.relative_to(roots[0]).as_posix())): _digest(p)
            for p in roots[0].rglob("*")
            if p.is_file()
        }
    built = {str(f.installed): _digest(f.source) for f in files}
    for name in sorted(built.keys() - unpacked.keys()):
        problems.append(f"msi lacks {name}")
    for name in sorted(unpacked.keys() - built.keys()):
        problems.append(f"msi has {name}, which is not in the build")
    for name in sorted(built.keys() & unpacked.keys()):
        if built[name] != unpacked[name]:
            problems.append(f"msi's {name} differs from the build's")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DIST_DIR / "rlsdesk")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "windows-check")
    parser.add_argument("--icon", type=Path, default=BUILD_DIR / "icons" / "rlsdesk.ico")
    args = parser.parse_args(argv)
    for tool in ("wixl", "msiextract"):
        if shutil.which(tool) is None:
            print(f"check_windows: {tool} is not installed (apt-get install wixl msitools)")
            return 2
    project = load_project()
    bundle, out = args.bundle.resolve(), args.out.resolve()
    iss, wxs = render(project, bundle, out, args.icon.resolve(), stand_in=True)
    files = bundle_files(bundle, stand_in=True)
    problems = iss_problems(iss, bundle, files)
    print(f"{'ok' if not problems else 'FAIL'} {iss.name}: {len(files)} build files referenced")
    msi = out / f"rlsdesk-{project.version}.msi"
    msi_problems = msi_round_trip(wxs, files, msi)
    if not msi_problems:
        size = msi.stat().st_size / 2**20
        print(
            f"ok {wxs.name}: wixl built {msi.name} ({size:.1f} MiB); msiextract gave back "
            f"all {len(files)} files, byte for byte"
        )
    for problem in problems + msi_problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems or msi_problems else 0


if __name__ == "__main__":
    sys.exit(main())
