"""Time building a typical recommendation sheet against a bare reportlab baseline.

    .venv/bin/python scripts/bench_sheet.py [--runs 25]

The baseline is a minimal document with the same font and the same number of paragraphs
and table rows, measured in the same run, so the ratio shows the sheet's own overhead
whatever the machine. Budget: median under 150 ms. This is a report, not a test: timing
never decides pass or fail in the test suite.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import load_knowledge_base
from rlsdesk.report import SheetOptions, build_sheet, with_knowledge_base
from rlsdesk.report.fonts import REGULAR
from rlsdesk.report.sheet import compose

BUDGET_MS = 150.0
TYPICAL_CASE: dict[str, Any] = {
    "format": "rlsdesk-case/1",
    "patient": {
        "name": "Margaret Example",
        "identifier": "MRN-204817",
        "age_years": 58,
        "sex": "female",
        "weight_kg": 71,
    },
    "presentation": {"rls": True, "leg_cramps": True, "irls_score": 24},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": 45, "dialysis": "none"},
    "labs": [
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-10-28"},
        {"analyte": "tsat", "value": 17, "unit": "%", "date": "2026-10-28"},
        {"analyte": "magnesium", "value": 0.62, "unit": "mmol/L", "date": "2026-10-28"},
    ],
    "conditions": ["diabetes"],
    "medications": [
        {"name": "Zoloft", "dose": "50 mg daily"},
        {"name": "Benadryl"},
        {"name": "ciprofloxacin", "dose": "500 mg twice daily"},
    ],
    "supplements": [{"name": "magnesium oxide", "dose": "400 mg at night"}],
}


def count_content(flowables: Iterable[Any]) -> tuple[int, int]:
    """(paragraphs, table rows) in a story, looking inside tables and kept-together groups."""
    paragraphs = rows = 0
    for item in flowables:
        if isinstance(item, Paragraph):
            paragraphs += 1
        elif isinstance(item, Table):
            rows += len(item._cellvalues)  # reportlab keeps cell contents only here
            for row in item._cellvalues:
                for cell in row:
                    inner = cell if isinstance(cell, list | tuple) else [cell]
                    more_paragraphs, more_rows = count_content(inner)
                    paragraphs, rows = paragraphs + more_paragraphs, rows + more_rows
        elif isinstance(item, KeepTogether):
            more_paragraphs, more_rows = count_content(item._content)
            paragraphs, rows = paragraphs + more_paragraphs, rows + more_rows
    return paragraphs, rows


def baseline(paragraphs: int, rows: int) -> bytes:
    """A bare document: the same font, as many paragraphs and one table of as many rows."""
    style = ParagraphStyle("plain", fontName=REGULAR, fontSize=8.5, leading=11)
    text = "Take magnesium and iron at least 4 h apart; ferritin ≤ 75 ng/mL (AASM 2024)."
    story: list[Any] = [Paragraph(text, style) for _ in range(paragraphs)]
    story.append(Table([["Ferritin", "38 ng/mL", "LOW", "2026-10-28"]] * rows))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=REGULAR).build(story)
    return buffer.getvalue()


def median_ms(
    action: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    action()  # warm up: font parsing and imports are paid once per process
    timings = []
    for _ in range(runs):
        start = clock()
        action()
        timings.append((clock() - start) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description="Time building a typical sheet.")
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    kb = load_knowledge_base()
    assessment = assess(parse_case(TYPICAL_CASE, kb), kb)
    options = with_knowledge_base(SheetOptions(handout=True, reproducible=True), kb)
    paragraphs, rows = count_content(compose(assessment, options)[0])
    sheet_ms = median_ms(lambda: build_sheet(assessment, options), args.runs)
    baseline_ms = median_ms(lambda: baseline(paragraphs, rows), args.runs)
    print(f"typical sheet: {paragraphs} paragraphs, {rows} table rows, {args.runs} runs")
    print(f"sheet     median {sheet_ms:7.1f} ms   (budget {BUDGET_MS:.0f} ms)")
    print(f"baseline  median {baseline_ms:7.1f} ms")
    print(f"ratio     {sheet_ms / baseline_ms:7.2f}x")
    # CPU time is what the sheet costs this process; on a shared, loaded machine wall time
    # also counts the waits for a core.
    cpu_ms = median_ms(lambda: build_sheet(assessment, options), args.runs, time.process_time)
    print(f"sheet CPU median {cpu_ms:7.1f} ms")
    return 0 if sheet_ms < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
