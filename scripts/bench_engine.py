"""Median time to evaluate a typical case, beside validating the same case with pydantic alone.

Run: .venv/bin/python scripts/bench_engine.py   (budget: engine under 2 ms on the 2-core CI box)
Timings on shared machines are noisy, so the ratio to the baseline measured in the same run
is the figure to compare between runs.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from rlsdesk.domain.case import Case, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import load_knowledge_base

TYPICAL_CASE = {
    "format": "rlsdesk-case/1",
    "patient": {"name": "Jane Example", "identifier": "MRN-0001", "age_years": 46, "sex": "female"},
    "presentation": {"rls": True, "leg_cramps": True, "irls_score": 22},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": None, "dialysis": "none"},
    "labs": [
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-11-02"},
        {"analyte": "tsat", "value": 17, "unit": "%"},
        {"analyte": "magnesium", "value": 0.62, "unit": "mmol/L"},
        {"analyte": "vitamin_d_25oh", "value": 40, "unit": "nmol/L"},
        {"analyte": "creatinine", "value": 90, "unit": "µmol/L"},
        {"analyte": "crp", "value": 3, "unit": "mg/L"},
    ],
    "conditions": ["diabetes"],
    "medications": [
        {"name": n} for n in ("Zoloft", "levothyroxine", "metformin", "Cipro", "Nexium")
    ],
    "supplements": [{"name": "magnesium oxide 400 mg"}, {"name": "calcium carbonate"}],
}


def median_ms(action: Callable[[], object], repeat: int = 2000) -> float:
    for _ in range(50):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    kb = load_knowledge_base()
    case = parse_case(TYPICAL_CASE, kb)
    text = json.dumps(TYPICAL_CASE)
    baseline = median_ms(lambda: Case.model_validate_json(text))
    parse = median_ms(lambda: parse_case(json.loads(text), kb))
    engine = median_ms(lambda: assess(case, kb))
    print(f"pydantic validation alone (baseline): {baseline:.3f} ms")
    print(f"parse_case (JSON + semantic checks):  {parse:.3f} ms")
    print(f"engine assess (typical case):         {engine:.3f} ms  (budget 2 ms)")
    print(f"engine / baseline ratio:              {engine / baseline:.1f}x")


if __name__ == "__main__":
    main()
