#!/usr/bin/env python3
"""Fill the Windows installer templates with the version and the build's file list.

    render.py --bundle installer/dist/rlsdesk --out installer/build/windows

writes ``rlsdesk.iss`` (Inno Setup) and ``rlsdesk.wxs`` (WiX 3) from the ``.in`` templates
beside this script. The version, name and description come from pyproject.toml; the WiX
file list (one component per file, with GUIDs derived from the path so that they stay the
same from version to version) is generated from the one-folder build. ``--stand-in`` lets
a Linux build stand in for the Windows one in checks: the executable ``rlsdesk`` is
listed as ``rlsdesk.exe``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from project import (  # noqa: E402
    BUILD_DIR,
    DIST_DIR,
    MSI_UPGRADE_CODE,
    PUBLISHER,
    Project,
    load_project,
)

INNO_APP_ID = "8F0B6A52-2C7E-4D4B-B1E3-6E0D2A9C5F17"  # never change: upgrades find it by this
GUID_NAMESPACE = uuid.UUID(MSI_UPGRADE_CODE)
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")


@dataclass(frozen=True)
class BundleFile:
    source: Path  # the file on disk
    installed: PurePosixPath  # its path under the install folder (exe name mapped)


def bundle_files(bundle: Path, stand_in: bool = False, exe: str = "rlsdesk") -> list[BundleFile]:
    """Every file of the one-folder build, symlinks followed, with its installed path."""
    files = []
    for path in sorted(bundle.rglob("*")):
        if path.is_dir():
            continue
        installed = PurePosixPath(path.relative_to(bundle).as_posix())
        if stand_in and str(installed) == exe:
            installed = PurePosixPath(f"{exe}.exe")
        files.append(BundleFile(path, installed))
    return files


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every @KEY@; a placeholder left without a value is an error."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(0)[1:-1], m.group(0)), template)
    left = sorted(set(_PLACEHOLDER.findall(text)))
    if left:
        raise ValueError(f"no value for {', '.join(left)}")
    return text


def _ident(prefix: str, key: str) -> str:
    """A WiX identifier (letters, digits, dots, underscores; at most 72 characters)."""
    return f"{prefix}_{hashlib.sha1(key.encode('utf-8')).hexdigest()[:24]}"


def stable_guid(key: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, key)).upper()


def wix_file_tree(files: list[BundleFile], base: Path, indent: int = 10) -> tuple[str, str]:
    """(the <Directory>/<Component> tree, the <ComponentRef> lines) for the files; sources
    are written relative to ``base``, the folder of the .wxs (wixl takes no absolute ones)."""
    tree: dict[str, object] = {}
    for item in files:
        node = tree
        for part in item.installed.parts[:-1]:
            child = node.setdefault(part + "/", {})
            assert isinstance(child, dict)
            node = child
        node[item.installed.name] = item
    refs: list[str] = []

    def emit(node: dict[str, object], depth: int, here: str) -> Iterator[str]:
        pad = " " * (indent + 2 * depth)
        for name, value in sorted(node.items()):
            if isinstance(value, dict):
                path = f"{here}{name}"
                yield f'{pad}<Directory Id="{_ident("d", path)}" Name="{escape(name[:-1])}">'
                yield from emit(value, depth + 1, path)
                yield f"{pad}</Directory>"
            else:
                assert isinstance(value, BundleFile)
                key = str(value.installed)
                component = _ident("c", key)
                refs.append(f'{" " * 6}<ComponentRef Id="{component}" />')
                yield (
                    f'{pad}<Component Id="{component}" Guid="{stable_guid(key)}" Win64="yes">'
                    f'<File Id="{_ident("f", key)}" Name="{escape(value.installed.name)}" '
                    f'Source="{escape(_relative(value.source, base))}" KeyPath="yes" />'
                    "</Component>"
                )

    lines = list(emit(tree, 0, ""))
    return "\n".join(lines), "\n".join(refs)


def _relative(path: Path, base: Path) -> str:
    return os.path.relpath(path, base)


def render(
    project: Project,
    bundle: Path,
    out: Path,
    icon: Path,
    stand_in: bool = False,
    setup_dir: Path = DIST_DIR,
) -> tuple[Path, Path]:
    """Write rlsdesk.iss and rlsdesk.wxs into ``out``; return their paths. Inno Setup
    writes rlsdesk-setup-<version>.exe into ``setup_dir``."""
    files = bundle_files(bundle, stand_in)
    if not any(str(f.installed) == f"{project.name}.exe" for f in files):
        raise ValueError(f"{bundle} has no {project.name}.exe (use --stand-in for a Linux build)")
    tree, refs = wix_file_tree(files, out)
    common = {
        "VERSION": project.version,
        "NUMERIC_VERSION": project.numeric_version,
        "PUBLISHER": PUBLISHER,
        "ICON": str(icon),
    }
    iss = fill(
        (HERE / "rlsdesk.iss.in").read_text("utf-8"),
        {
            **common,
            "APP_ID": INNO_APP_ID,
            "BUNDLE_DIR": str(bundle),
            "OUTPUT_DIR": str(setup_dir),
            "DESCRIPTION": project.description.replace('"', '""'),
        },
    )
    wxs = fill(
        (HERE / "rlsdesk.wxs.in").read_text("utf-8"),
        {
            **common,
            "PUBLISHER": escape(PUBLISHER),
            "DESCRIPTION": escape(project.description, {'"': "&quot;"}),
            "ICON": escape(_relative(icon, out)),
            "UPGRADE_CODE": MSI_UPGRADE_CODE,
            "SHORTCUT_GUID": stable_guid("start-menu-shortcut"),
            "FILES": tree,
            "COMPONENT_REFS": refs,
        },
    )
    out.mkdir(parents=True, exist_ok=True)
    iss_path, wxs_path = out / "rlsdesk.iss", out / "rlsdesk.wxs"
    iss_path.write_text(iss, "utf-8")
    wxs_path.write_text(wxs, "utf-8")
    return iss_path, wxs_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DIST_DIR / "rlsdesk")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "windows")
    parser.add_argument("--icon", type=Path, default=BUILD_DIR / "icons" / "rlsdesk.ico")
    parser.add_argument("--setup-dir", type=Path, default=DIST_DIR, help="where ISCC writes")
    parser.add_argument("--stand-in", action="store_true", help="a Linux build stands in")
    args = parser.parse_args(argv)
    try:
        paths = render(
            load_project(),
            args.bundle.resolve(),
            args.out.resolve(),
            args.icon.resolve(),
            args.stand_in,
            args.setup_dir.resolve(),
        )
    except ValueError as error:
        print(f"render: {error}", file=sys.stderr)
        return 1
    print(f"render: wrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
