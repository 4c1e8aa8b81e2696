#!/usr/bin/env python3
"""Remove the build machine from the frozen bundle: RUNPATHs and build folders.

    clean_runpath.py BUNDLE [--leak PATH ...]

1. Every ELF file's RUNPATH/RPATH keeps only ``$ORIGIN``-relative entries; an absolute entry
   (e.g. the build machine's Python, ``/root/.pyenv/versions/3.11.7/lib``) is removed with
   patchelf. Inside the bundle the loader finds everything by ``$ORIGIN`` or by soname
   (libpython is loaded by the bootloader before any extension module).
2. Then it checks: no ELF keeps an absolute entry, and no file in the bundle contains any
   ``--leak`` path (the checkout, the build venv). Exit 1 naming each offender.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def elf_files(bundle: Path) -> Iterator[Path]:
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as stream:
                if stream.read(4) == ELF_MAGIC:
                    yield path


def runpath(path: Path) -> list[str]:
    result = subprocess.run(
        ["patchelf", "--print-rpath", str(path)], capture_output=True, text=True, check=True
    )
    return [entry for entry in result.stdout.strip().split(":") if entry]


def portable(entries: list[str]) -> list[str]:
    """The entries that still mean something on another machine."""
    return [entry for entry in entries if entry.startswith("$ORIGIN")]


def clean(bundle: Path) -> list[Path]:
    """Drop absolute RUNPATH entries; returns the files changed."""
    changed = []
    for path in elf_files(bundle):
        entries = runpath(path)
        kept = portable(entries)
        if kept == entries:
            continue
        command = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
        subprocess.run(["patchelf", *command, str(path)], check=True)
        changed.append(path)
    return changed


def problems(bundle: Path, leaks: list[str]) -> list[str]:
    found = [
        f"{path.relative_to(bundle)}: RUNPATH {':'.join(entries)}"
        for path in elf_files(bundle)
        if (entries := runpath(path)) != portable(entries)
    ]
    needles = [leak.encode() for leak in leaks if leak]
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [
                f"{path.relative_to(bundle)}: names the build folder {needle.decode()}"
                for needle in needles
                if needle in data
            ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--leak", action="append", default=[], help="a path that must not ship")
    args = parser.parse_args(argv)
    changed = clean(args.bundle)
    found = problems(args.bundle, args.leak)
    for problem in found:
        print(f"clean_runpath: FAIL {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"clean_runpath: {len(changed)} RUNPATHs cleaned, no build path in the bundle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
