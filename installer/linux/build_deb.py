#!/usr/bin/env python3
"""Build ``rlsdesk_<version>_amd64.deb`` from the one-folder build with dpkg-deb.

Layout: the application in /opt/rlsdesk, a /usr/bin/rlsdesk symlink (the PyInstaller
bootloader resolves it to /opt/rlsdesk), the desktop entry, hicolor icons and the Debian
copyright file. The control file comes from control.in with the version from
pyproject.toml; its Depends line is checked against the bundle by check_depends.py before
anything is packed, so a package that would fail on a clean Debian 12 is never produced.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from project import BUILD_DIR, DIST_DIR, REPO_ROOT, Project, load_project  # noqa: E402

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
NOTICES = "THIRD-PARTY-NOTICES.txt"


def render_control(project: Project, installed_kib: int, template: Path | None = None) -> str:
    text = (template or HERE / "control.in").read_text("utf-8")
    for key, value in {
        "@NAME@": project.name,
        "@VERSION@": project.debian_version,
        "@INSTALLED_SIZE@": str(installed_kib),
        "@DESCRIPTION@": project.description,
    }.items():
        text = text.replace(key, value)
    return text


def _tree_kib(root: Path) -> int:
    """Installed size the way dpkg counts it: KiB per file, rounded up."""
    return sum(-(-p.lstat().st_size // 1024) for p in root.rglob("*") if not p.is_dir())


def stage(project: Project, bundle: Path, icons: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    app = root / "opt" / project.name
    shutil.copytree(bundle, app, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / project.name).symlink_to(f"/opt/{project.name}/{project.name}")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copyfile(HERE / "rlsdesk.desktop", apps / f"{project.name}.desktop")
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copyfile(icons / f"rlsdesk-{size}.png", target / f"{project.name}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icons / "rlsdesk.svg", hicolor / "scalable" / "apps" / f"{project.name}.svg")
    doc = root / "usr" / "share" / "doc" / project.name
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(), "utf-8")
    notices = bundle / "_internal" / "licenses" / NOTICES
    if not notices.is_file():
        raise FileNotFoundError(f"{notices}: the bundle has no licence notices (notices.py)")
    shutil.copyfile(notices, doc / NOTICES)
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or bool(path.stat().st_mode & 0o111)
        os.chmod(path, 0o755 if executable else 0o644)


def _copyright() -> str:
    """DEP-5: later stanzas override earlier ones, so rlsdesk's own files are proprietary
    and every third-party file under _internal points at its own licence."""
    fonts = REPO_ROOT / "resources" / "fonts" / "LICENSE-DejaVu.txt"
    text = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Upstream-Name: rlsdesk",
        "",
        "Files: *",
        "Copyright: rlsdesk developers",
        "License: proprietary",
        " rlsdesk's own program, knowledge base and resources. All rights reserved.",
        "",
        "Files: opt/rlsdesk/_internal/*",
        "Copyright: the authors of each component (Python, pydantic, reportlab, Pillow ...)",
        "License: various-free-licences",
        " Third-party software, each part under its own licence, listed with the full",
        f" licence texts in /usr/share/doc/rlsdesk/{NOTICES} (also in",
        " /opt/rlsdesk/_internal/licenses/). None of it is proprietary to rlsdesk.",
        "",
        "Files: opt/rlsdesk/_internal/knowledge/* opt/rlsdesk/_internal/resources/icons/*",
        "Copyright: rlsdesk developers",
        "License: proprietary",
        " All rights reserved.",
        "",
        "Files: opt/rlsdesk/_internal/PySide6/* opt/rlsdesk/_internal/shiboken6/*",
        "Copyright: The Qt Company Ltd. and other contributors",
        "License: LGPL-3",
        " Qt, PySide6 and shiboken6 are used under the GNU Lesser General Public License v3;",
        " see /usr/share/common-licenses/LGPL-3. The libraries are shipped as separate",
        f" shared objects and may be replaced; how to obtain their source is in {NOTICES}.",
        "",
        "Files: opt/rlsdesk/_internal/resources/fonts/*",
        "Copyright: Bitstream, Inc.; DejaVu changes are in the public domain",
        "License: Bitstream-Vera",
    ]
    if fonts.is_file():
        text += [" " + (line.rstrip() or ".") for line in fonts.read_text("utf-8").splitlines()]
    return "\n".join(text) + "\n"


def build(project: Project, bundle: Path, icons: Path, out: Path) -> Path:
    root = BUILD_DIR / "deb" / f"{project.name}_{project.debian_version}_amd64"
    stage(project, bundle, icons, root)
    control = render_control(project, _tree_kib(root))
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control, "utf-8")
    check = [sys.executable, str(HERE / "check_depends.py"), str(bundle)]
    subprocess.run([*check, "--control", str(root / "DEBIAN" / "control")], check=True)
    out.mkdir(parents=True, exist_ok=True)
    package = out / f"{project.name}_{project.debian_version}_amd64.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(package)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DIST_DIR / "rlsdesk")
    parser.add_argument("--icons", type=Path, default=BUILD_DIR / "icons")
    parser.add_argument("--out", type=Path, default=DIST_DIR)
    args = parser.parse_args(argv)
    try:
        package = build(load_project(), args.bundle, args.icons, args.out)
    except subprocess.CalledProcessError as error:
        print(f"build_deb: {' '.join(map(str, error.cmd[:2]))} failed", file=sys.stderr)
        return 1
    print(f"build_deb: {package} ({package.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
