"""Time the import of a generated ~600 kB FHIR Bundle (issue 13: must take under 1 s).

Usage: python scripts/bench_import.py [--size-kb 600] [--repeat 5]
Prints the Bundle's size, the number of results and the best and median times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rlsdesk.knowledge import load_knowledge_base
from rlsdesk.labimport.api import import_files

# A mix of tests rlsdesk uses and tests it does not (white cells), as a lab sends them.
CODES = (
    ("2276-4", "ng/mL", 38.0),
    ("2502-3", "%", 17.0),
    ("718-7", "g/dL", 12.4),
    ("2823-3", "mmol/L", 4.1),
    ("6690-2", "10*9/L", 6.2),
)


def _observation(index: int) -> dict[str, Any]:
    code, unit, value = CODES[index % len(CODES)]
    day = 1 + index % 28
    return {
        "fullUrl": f"urn:uuid:obs-{index}",
        "resource": {
            "resourceType": "Observation",
            "id": f"obs-{index}",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": f"2026-{1 + index % 10:02d}-{day:02d}T08:00:00+01:00",
            "valueQuantity": {
                "value": value,
                "unit": unit,
                "system": "http://unitsofmeasure.org",
                "code": unit,
            },
        },
    }


def make_bundle(size_kb: int) -> bytes:
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": "urn:uuid:p1",
            "resource": {"resourceType": "Patient", "id": "p1", "gender": "female"},
        }
    ]
    while True:
        entries.append(_observation(len(entries)))
        if len(entries) % 100 == 0:
            data = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
            if len(data) >= size_kb * 1000:
                return data.encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-kb", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    kb = load_knowledge_base()
    data = make_bundle(args.size_kb)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.json"
        path.write_bytes(data)
        import_files([path], kb)  # warm up: imports the FHIR models once
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            (report,) = import_files([path], kb)
            times.append(time.perf_counter() - start)
    print(
        f"bundle: {len(data) / 1000:.0f} kB, {len(report.imported)} results imported, "
        f"{len(report.not_imported)} listed"
    )
    print(
        f"import: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"(limit 1 s: {'ok' if max(times) < 1 else 'TOO SLOW'})"
    )


if __name__ == "__main__":
    main()
