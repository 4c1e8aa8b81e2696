"""A plain (non-editable) install carries the knowledge base and resources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT


@pytest.mark.slow
def test_installed_package_finds_its_knowledge_base(tmp_path: Path) -> None:
    """`pip install .` into a clean folder: the installed rlsdesk loads its own knowledge base."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO_ROOT),
        ],
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    probe = (
        "import rlsdesk, rlsdesk.paths as p, rlsdesk.knowledge as k;"
        "kb = k.load_knowledge_base();"
        "print(rlsdesk.__file__); print(p.knowledge_dir()); print(p.resources_dir());"
        "print(kb.counts['drugs'])"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("RLSDESK_KNOWLEDGE", None)
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    package, knowledge, resources, drugs = out
    assert Path(package).is_relative_to(target)
    assert Path(knowledge) == target / "rlsdesk" / "_data" / "knowledge"
    assert Path(resources) == target / "rlsdesk" / "_data" / "resources"
    assert int(drugs) >= 150
