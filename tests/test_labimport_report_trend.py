"""The sheet's trend chart: drawn with reportlab, thresholds and values readable in the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from conftest import make_case
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.trend import trends
from rlsdesk.report import SheetOptions, build_sheet, with_knowledge_base
from rlsdesk.report.fonts import register_fonts
from rlsdesk.report.styles import make_styles
from rlsdesk.report.trends import trend_charts

LABS = [
    {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-08-01"},
    {"analyte": "ferritin", "value": 62, "unit": "ng/mL", "date": "2026-10-01"},
    {"analyte": "tsat", "value": 17, "unit": "%", "date": "2026-08-01"},
    {"analyte": "tsat", "value": 24, "unit": "%", "date": "2026-10-01"},
    {"analyte": "potassium", "value": 4.1, "unit": "mmol/L", "date": "2026-08-01"},
    {"analyte": "potassium", "value": 4.3, "unit": "mmol/L", "date": "2026-10-01"},
]


def _pdf_text(kb: KnowledgeBase, labs: list[dict[str, object]]) -> str:
    register_fonts()
    case = parse_case(make_case(labs=labs), kb)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4)
    story = trend_charts(list(trends(case.labs, kb).values()), make_styles(), document.width)
    if not story:
        return ""
    document.build(story)
    return "\n".join(page.extract_text() for page in PdfReader(buffer).pages)


def test_ferritin_and_tsat_trends_with_thresholds(kb: KnowledgeBase) -> None:
    """Ferritin and TSAT charts show their values, dates and decision thresholds."""
    text = _pdf_text(kb, LABS)
    assert "Ferritin (ng/mL)" in text
    assert "Transferrin saturation (%)" in text
    for words in ("38", "62", "75 ng/mL", "100 ng/mL", "300 ng/mL", "20 %", "45 %", "2026-08-01"):
        assert words in text
    assert "Potassium" not in text  # the sheet shows the iron trend only


def test_no_trend_without_two_dated_results(kb: KnowledgeBase) -> None:
    """One ferritin and one TSAT: no trend section at all."""
    assert _pdf_text(kb, LABS[:1] + LABS[2:3]) == ""


def test_sheet_appendix_carries_the_iron_trend(kb: KnowledgeBase) -> None:
    """A sheet built with the knowledge base shows the ferritin trend in its appendix."""
    case = parse_case(make_case(labs=LABS), kb)
    options = with_knowledge_base(SheetOptions(reproducible=True), kb)
    pdf = build_sheet(assess(case, kb), options)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Trend over time" in text
    assert "300 ng/mL" in text


def test_page_one_states_the_iron_trend(kb: KnowledgeBase) -> None:
    """Page 1 says how ferritin and TSAT moved: 'ferritin 38 -> 62 ng/mL since 2026-08-01'."""
    case = parse_case(make_case(labs=LABS), kb)
    options = with_knowledge_base(SheetOptions(reproducible=True, summary_only=True), kb)
    pdf = build_sheet(assess(case, kb), options)
    page_one = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "ferritin 38 -> 62 ng/mL since 2026-08-01" in page_one
    assert "transferrin saturation 17 -> 24 % since 2026-08-01" in page_one
    assert "potassium 4.1" not in page_one


def test_page_one_has_no_trend_line_without_a_trend(kb: KnowledgeBase) -> None:
    """A single ferritin gives no trend line on page 1."""
    case = parse_case(make_case(labs=LABS[:1]), kb)
    options = with_knowledge_base(SheetOptions(reproducible=True, summary_only=True), kb)
    pdf = build_sheet(assess(case, kb), options)
    assert "since 2026" not in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
