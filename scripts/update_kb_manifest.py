"""Write knowledge/manifest.toml after a reviewed change: scripts/update_kb_manifest.py VERSION."""

from __future__ import annotations

import sys

from rlsdesk.knowledge.manifest import data_files, write_manifest
from rlsdesk.paths import knowledge_dir

if len(sys.argv) != 2:
    sys.exit("usage: scripts/update_kb_manifest.py CONTENT_VERSION (e.g. 2026.11.1)")
write_manifest(knowledge_dir(), sys.argv[1])
print(f"manifest written for {len(data_files(knowledge_dir()))} files")
