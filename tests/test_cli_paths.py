"""Development-loop paths: the manifest script writes the checkout's knowledge/ only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO_ROOT


def test_update_kb_manifest_writes_the_checkouts_knowledge_folder(tmp_path: Path) -> None:
    """The script rewrites knowledge/ beside its own scripts/ folder, not the one that
    rlsdesk.paths or RLSDESK_KNOWLEDGE would find (a venv's copy, an IT folder)."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "scripts" / "update_kb_manifest.py", checkout / "scripts")
    shutil.copytree(REPO_ROOT / "knowledge", checkout / "knowledge")
    elsewhere = tmp_path / "it-folder"
    shutil.copytree(REPO_ROOT / "knowledge", elsewhere)
    untouched = (elsewhere / "manifest.toml").read_bytes()
    repository_manifest = (REPO_ROOT / "knowledge" / "manifest.toml").read_bytes()
    result = subprocess.run(
        [sys.executable, str(checkout / "scripts" / "update_kb_manifest.py"), "2099.1.1"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "RLSDESK_KNOWLEDGE": str(elsewhere)}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(checkout / "knowledge") in result.stdout
    with (checkout / "knowledge" / "manifest.toml").open("rb") as stream:
        assert "2099.1.1" in str(tomllib.load(stream))
    assert (elsewhere / "manifest.toml").read_bytes() == untouched
    assert (REPO_ROOT / "knowledge" / "manifest.toml").read_bytes() == repository_manifest
