#!/usr/bin/env python3
"""Render the application icon for the installers from ``resources/icons/rlsdesk.svg``.

Writes PNGs for the freedesktop hicolor theme (16-512 px), a multi-size Windows
``rlsdesk.ico`` (PNG-compressed entries, read by Windows Vista and later) and a copy of the
SVG into OUT (default installer/build/icons). A PNG the GUI ships as
``resources/icons/rlsdesk-<size>.png`` (hand-tuned small sizes) is used instead of
rendering that size. Qt renders the SVG, so no other image tool is needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import BUILD_DIR, REPO_ROOT

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SOURCE = REPO_ROOT / "resources" / "icons" / "rlsdesk.svg"


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """A .ico file holding one PNG per size (each entry is a complete PNG file)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def render_png(svg: Path, size: int, scratch: Path) -> bytes:
    """The app's own SVG renderer (rlsdesk.ui.icons), saved as PNG bytes."""
    from rlsdesk.ui.icons import render_svg

    try:
        image = render_svg(svg, size)
    except ValueError as error:
        raise SystemExit(f"render_icons: {error}") from None
    target = scratch / f"render-{size}.png"  # the format follows the suffix
    if not image.save(str(target)):
        raise SystemExit(f"render_icons: could not write {target}")
    data = target.read_bytes()
    target.unlink()
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--svg", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "icons")
    args = parser.parse_args(argv)
    if not args.svg.is_file():
        print(f"render_icons: {args.svg} does not exist (the app icon is missing)", file=sys.stderr)
        return 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    args.out.mkdir(parents=True, exist_ok=True)
    pngs: dict[int, bytes] = {}
    for size in sorted(set(HICOLOR_SIZES) | set(ICO_SIZES)):
        shipped = args.svg.parent / f"rlsdesk-{size}.png"
        if shipped.is_file():
            pngs[size] = shipped.read_bytes()
        else:
            pngs[size] = render_png(args.svg, size, args.out)
        if size in HICOLOR_SIZES:
            (args.out / f"rlsdesk-{size}.png").write_bytes(pngs[size])
    (args.out / "rlsdesk.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    shutil.copyfile(args.svg, args.out / "rlsdesk.svg")
    print(f"render_icons: {len(HICOLOR_SIZES)} PNGs, rlsdesk.ico and rlsdesk.svg in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
