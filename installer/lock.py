#!/usr/bin/env python3
"""The build's lock file: every package of the frozen app's venv, pinned with hashes.

    installer/lock.py write    resolve pyproject.toml's dependencies + the "build" extra with
                               uv (universal: Linux, Windows and macOS) into
                               installer/requirements-build.lock, with sha256 hashes
    installer/lock.py check    exit 1 when the lock no longer matches pyproject.toml

The lock's first line records a hash of what it was resolved from (the run-time
dependencies, the build extra, requires-python), so a dependency added to pyproject.toml
without a new lock fails the build at once, naming the command that fixes it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
LOCK = HERE / "requirements-build.lock"
MARK = "# rlsdesk-lock-input: "
PYTHON_VERSION = "3.11"


def input_digest(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    """sha256 of what the lock is resolved from, independent of formatting and order."""
    with pyproject.open("rb") as stream:
        project = tomllib.load(stream)["project"]
    inputs = {
        "dependencies": sorted(project.get("dependencies", [])),
        "build": sorted(project.get("optional-dependencies", {}).get("build", [])),
        "requires-python": project.get("requires-python", ""),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    if not lock.is_file():
        return None
    first = lock.read_text("utf-8").splitlines()[:1]
    return first[0][len(MARK) :].strip() if first and first[0].startswith(MARK) else None


def check(lock: Path = LOCK, pyproject: Path = REPO_ROOT / "pyproject.toml") -> str | None:
    """None when the lock is current, else the reason it is not (with the fix)."""
    recorded = recorded_digest(lock)
    if recorded is None:
        return f"{lock} is missing or has no '{MARK.strip()}' line; run installer/lock.py write"
    if recorded != input_digest(pyproject):
        return (
            f"{lock} is stale: the dependencies in pyproject.toml changed since it was "
            "written; run installer/lock.py write and commit the new lock"
        )
    return None


def write(lock: Path = LOCK) -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    resolved = subprocess.run(
        [
            uv, "pip", "compile", str(REPO_ROOT / "pyproject.toml"), "--extra", "build",
            "--universal", "--generate-hashes", "--python-version", PYTHON_VERSION,
            "--no-header",
        ],
        capture_output=True, text=True, check=True, timeout=900,
    )  # fmt: skip
    header = (
        f"{MARK}{input_digest()}\n"
        "# The frozen app's build venv, pinned with hashes: written by `installer/lock.py write`\n"
        "# (uv pip compile --universal --generate-hashes) from pyproject.toml's dependencies\n"
        "# and the 'build' extra. Do not edit; installer/build.sh refuses a stale lock.\n"
    )
    lock.write_text(header + resolved.stdout, "utf-8")


def main(argv: list[str]) -> int:
    if argv == ["write"]:
        write()
        print(f"lock: wrote {LOCK}")
        return 0
    if argv == ["check"]:
        problem = check()
        if problem:
            print(f"lock: FAIL {problem}", file=sys.stderr)
            return 1
        print(f"lock: {LOCK.name} matches pyproject.toml")
        return 0
    print("usage: installer/lock.py write|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
