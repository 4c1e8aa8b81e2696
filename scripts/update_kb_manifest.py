"""Write knowledge/manifest.toml after a reviewed change: scripts/update_kb_manifest.py VERSION.

Always the repository's own knowledge/ (beside this scripts/ folder): never the copy inside
an installed package or a venv, and never the folder RLSDESK_KNOWLEDGE points at.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rlsdesk.knowledge.manifest import data_files, write_manifest

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

if len(sys.argv) != 2:
    sys.exit("usage: scripts/update_kb_manifest.py CONTENT_VERSION (e.g. 2026.11.1)")
if not KNOWLEDGE.is_dir():
    sys.exit(f"update_kb_manifest: {KNOWLEDGE} is not a folder (run it from a checkout)")
write_manifest(KNOWLEDGE, sys.argv[1])
print(f"manifest written for {len(data_files(KNOWLEDGE))} files in {KNOWLEDGE}")
