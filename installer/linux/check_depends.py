#!/usr/bin/env python3
"""Check that the .deb's Depends: line names every system library the frozen bundle needs.

Reads the dynamic section (``objdump -p``) of every ELF file in the one-folder build, keeps
the ``NEEDED`` sonames that no file in the bundle provides, maps each to its Debian package
with the committed table ``depends-map.toml`` (plus the libraries Qt opens with dlopen,
which no NEEDED entry shows), and fails when a package is not named in the control file's
Depends, when a soname has no mapping, or when the bundle needs a newer glibc than the
Depends line promises.

    check_depends.py BUNDLE --control CONTROL     check (exit 1 on any problem)
    check_depends.py BUNDLE --suggest             print the Depends line the bundle needs
    check_depends.py BUNDLE --refresh             re-map the sonames on this Debian machine
                                                  (ldconfig + dpkg -S) and rewrite the table
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAP_FILE = HERE / "depends-map.toml"
ELF_MAGIC = b"\x7fELF"
_DYNAMIC = re.compile(r"^\s*(NEEDED|SONAME)\s+(\S+)\s*$", re.M)
_GLIBC = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")
# Libraries that must come from inside the bundle, never from the system: the bundle's Qt is
# newer than Debian's (a system libQt6Core would load and crash), ICU must match it.
MUST_BE_BUNDLED = re.compile(r"^lib(Qt6|icu|pyside6|shiboken6|python3)")


@dataclass(frozen=True)
class ElfInfo:
    path: Path
    soname: str | None
    needed: tuple[str, ...]
    glibc: tuple[int, ...] = ()  # the newest GLIBC_x.y symbol version it references


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    packages: dict[str, set[str]] = field(default_factory=dict)  # package -> sonames
    glibc: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_dynamic(objdump_output: str) -> tuple[str | None, tuple[str, ...]]:
    """(SONAME, NEEDED sonames) from ``objdump -p`` output."""
    soname: str | None = None
    needed: list[str] = []
    for kind, value in _DYNAMIC.findall(objdump_output):
        if kind == "SONAME":
            soname = value
        else:
            needed.append(value)
    return soname, tuple(needed)


def newest_glibc(objdump_t_output: str) -> tuple[int, ...]:
    versions = [tuple(int(n) for n in m if n) for m in _GLIBC.findall(objdump_t_output)]
    return max(versions, default=())


def parse_depends(control_text: str) -> dict[str, tuple[str, str] | None]:
    """Package names in a control file's Depends (each alternative counts), with the
    version constraint when there is one: {"libc6": (">=", "2.34"), "libx11-6": None}."""
    match = re.search(r"^Depends:(.*(?:\n[ \t].*)*)", control_text, re.M)
    if not match:
        return {}
    found: dict[str, tuple[str, str] | None] = {}
    for relation in re.split(r"[,|]", match.group(1).replace("\n", " ")):
        item = re.match(
            r"\s*([a-z0-9][a-z0-9+.-]+)(?::\w+)?\s*(?:\(\s*(\S+)\s*([^)\s]+)\s*\))?", relation
        )
        if item:
            found[item.group(1)] = (item.group(2), item.group(3)) if item.group(2) else None
    return found


def load_map(path: Path = MAP_FILE) -> tuple[dict[str, str], dict[str, str]]:
    """(soname -> package for NEEDED sonames, soname -> package for dlopen-ed libraries)."""
    table = tomllib.loads(path.read_text("utf-8"))
    return dict(table.get("sonames", {})), dict(table.get("runtime", {}))


def elf_files(bundle: Path) -> Iterator[Path]:
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    yield path


def read_elf(path: Path) -> ElfInfo:
    headers = _run(["objdump", "-p", str(path)])
    symbols = _run(["objdump", "-T", str(path)])
    soname, needed = parse_dynamic(headers)
    return ElfInfo(path, soname, needed, newest_glibc(symbols))


def _run(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def check(
    elves: Iterable[ElfInfo],
    bundle_files: Iterable[str],
    sonames: dict[str, str],
    runtime: dict[str, str],
    depends: dict[str, tuple[str, str] | None] | None,
) -> Report:
    """The core logic, free of I/O so it can be tested with fixtures."""
    elves = list(elves)
    provided = set(bundle_files) | {e.soname for e in elves if e.soname}
    report = Report(glibc=max((e.glibc for e in elves), default=()))
    system: dict[str, list[Path]] = {}
    for elf in elves:
        for name in elf.needed:
            if name not in provided:
                system.setdefault(name, []).append(elf.path)
    for name, users in sorted(system.items()):
        if MUST_BE_BUNDLED.match(name):
            report.problems.append(
                f"{name}: must be inside the bundle but is missing (needed by {users[0].name})"
            )
        elif name not in sonames:
            report.problems.append(
                f"{name}: no Debian package mapped (needed by {users[0].name}); run "
                "check_depends.py --refresh on Debian 12 or add it to depends-map.toml"
            )
        else:
            report.packages.setdefault(sonames[name], set()).add(name)
    for name, package in runtime.items():
        report.packages.setdefault(package, set()).add(f"{name} (dlopen)")
    if depends is not None:
        for package, names in sorted(report.packages.items()):
            if package not in depends:
                report.problems.append(
                    f"Depends does not name {package} (provides {', '.join(sorted(names))})"
                )
        libc = depends.get("libc6")
        if report.glibc and libc is not None and libc[0] == ">=":
            promised = tuple(int(n) for n in libc[1].split("."))
            if promised < report.glibc:
                report.problems.append(
                    f"Depends promises libc6 (>= {libc[1]}) but the bundle needs glibc "
                    f"{_dotted(report.glibc)}"
                )
    return report


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in version)


def suggest(report: Report) -> str:
    parts = []
    for package in sorted(report.packages):
        if package == "libc6" and report.glibc:
            parts.append(f"libc6 (>= {_dotted(report.glibc)})")
        else:
            parts.append(package)
    return "Depends: " + ", ".join(parts)


def refresh(needed: Iterable[str], known: dict[str, str]) -> dict[str, str]:
    """Map sonames to packages on this machine with ``ldconfig -p`` and ``dpkg -S``."""
    cache = _run(["ldconfig", "-p"])
    mapped = dict(known)
    for name in sorted(set(needed)):
        if MUST_BE_BUNDLED.match(name):
            continue
        paths = re.findall(rf"^\s*{re.escape(name)} \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.M)
        for path in paths:
            candidates = {path, path.removeprefix("/usr"), "/usr" + path.removeprefix("/usr")}
            for candidate in sorted(candidates):
                result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if result.returncode == 0:
                    mapped[name] = result.stdout.split(":", 1)[0].strip()
                    break
            if name in mapped:
                break
        if name not in mapped:
            print(f"warning: {name} is not installed here; map it by hand", file=sys.stderr)
    return mapped


def write_map(sonames: dict[str, str], runtime: dict[str, str], path: Path = MAP_FILE) -> None:
    lines = [
        "# Shared library (soname) -> Debian 12 (bookworm, amd64) package that provides it.",
        "# Refreshed by installer/linux/check_depends.py BUNDLE --refresh (ldconfig + dpkg -S);",
        "# entries for libraries no longer needed are kept so the table only grows.",
        "",
        "[sonames]",
        *(f'"{name}" = "{package}"' for name, package in sorted(sonames.items())),
        "",
        "# Loaded at run time with dlopen, so no NEEDED entry shows them; kept by hand.",
        "[runtime]",
        *(f'"{name}" = "{package}"' for name, package in sorted(runtime.items())),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the one-folder build (installer/dist/rlsdesk)")
    parser.add_argument("--control", type=Path, help="the DEBIAN/control file to check")
    parser.add_argument("--map", type=Path, default=MAP_FILE, help="soname -> package table")
    parser.add_argument("--suggest", action="store_true", help="print the Depends line needed")
    parser.add_argument("--refresh", action="store_true", help="re-map sonames with dpkg -S")
    args = parser.parse_args(argv)

    elves = [read_elf(path) for path in elf_files(args.bundle)]
    names = [p.name for p in args.bundle.rglob("*")]
    sonames, runtime = load_map(args.map)
    if args.refresh:
        sonames = refresh((n for e in elves for n in e.needed if n not in names), sonames)
        write_map(sonames, runtime, args.map)
        print(f"wrote {args.map} ({len(sonames)} sonames)")
    depends = parse_depends(args.control.read_text("utf-8")) if args.control else None
    report = check(elves, names, sonames, runtime, depends)
    print(f"{len(elves)} ELF files; system packages needed: {len(report.packages)}", end="")
    print(f"; newest glibc symbol: {_dotted(report.glibc) or 'none'}")
    if args.suggest or not args.control:
        print(suggest(report))
    for problem in report.problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if report.ok and args.control:
        print(f"ok: {args.control} Depends names every system library the bundle needs")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
