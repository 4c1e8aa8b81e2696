"""Every valid case prints (issue 12.1): long words wrap or break, a cell never outgrows
its frame, and generated cases at the limits of the format build a sheet."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from conftest import lab, make_case
from report_cases import folded, options, pages
from rlsdesk.domain.case import MAX_TEXT, CaseInputError, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report import build_sheet
from rlsdesk.report.closing import DISCLAIMER
from rlsdesk.report.sheet import APPENDIX_TITLE

A4_HEIGHT = 841.89
KNOWN_NAMES = ("Zoloft", "Benadryl", "ciprofloxacin", "warfarin", "levothyroxine", "iron")
LAB_TEMPLATES = (
    ("ferritin", 38, "ng/mL"),
    ("tsat", 17, "%"),
    ("magnesium", 0.62, "mmol/L"),
    ("potassium", 4.1, "mmol/L"),
    ("hemoglobin", 12.5, "g/dL"),
)


def sheet_for(kb: KnowledgeBase, case: dict[str, Any]) -> bytes:
    assessment = assess(parse_case(case, kb), kb)
    return build_sheet(assessment, options(kb, handout=True))


def assert_whole_sheet(pdf: bytes) -> None:
    """Every page is A4 and the summary ends with the signature before the appendix."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert all(float(p.mediabox.height) == pytest.approx(A4_HEIGHT, abs=0.1) for p in reader.pages)
    text = folded(" ".join(pages(pdf)))
    assert text.startswith("Supplement recommendation sheet")
    assert text.index(DISCLAIMER[:40]) < text.index(APPENDIX_TITLE)


def test_eight_medicines_with_200_character_names_print(kb: KnowledgeBase) -> None:
    """Eight 200-character names (one unbreakable word each) and doses break inside cells."""
    name = "Zoloft" + "x" * (MAX_TEXT - len("Zoloft"))
    meds = [{"name": name, "dose": "z" * MAX_TEXT} for _ in range(8)]
    pdf = sheet_for(kb, make_case(presentation={"rls": True, "leg_cramps": True}, medications=meds))
    assert_whole_sheet(pdf)
    assert name in "".join("".join(pages(pdf)).split())


def test_eighty_entries_of_one_brand_print(kb: KnowledgeBase) -> None:
    """Eighty times 'Zoloft' prints (the review lists it once)."""
    meds = [{"name": "Zoloft"}] * 80
    assert_whole_sheet(sheet_for(kb, make_case(presentation={"rls": True}, medications=meds)))


def test_the_most_medicines_and_labs_the_format_allows_print(kb: KnowledgeBase) -> None:
    """200 medicines, 200 supplements and 500 lab results still make a sheet."""
    start = dt.date(2024, 1, 1)
    labs = [
        lab(analyte, value, unit, (start + dt.timedelta(days=day)).isoformat())
        for day in range(100)
        for analyte, value, unit in LAB_TEMPLATES
    ]
    case = make_case(
        presentation={"rls": True},
        medications=[{"name": "Zoloft"}] * 200,
        supplements=[{"name": "magnesium oxide"}] * 200,
        labs=labs,
    )
    assert_whole_sheet(sheet_for(kb, case))


names = st.one_of(
    st.sampled_from(KNOWN_NAMES),
    st.integers(min_value=150, max_value=MAX_TEXT).map(lambda n: "W" * n),
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, codec="utf-8"),
        min_size=1,
        max_size=MAX_TEXT,
    ),
)
entries = st.fixed_dictionaries({"name": names}, optional={"dose": names})


@st.composite
def cases_at_the_limits(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.integers(min_value=0, max_value=12))
    start = dt.date(2025, 1, 1)
    labs = [
        lab(analyte, value, unit, (start + dt.timedelta(days=day)).isoformat())
        for day in range(days)
        for analyte, value, unit in LAB_TEMPLATES
    ]
    return make_case(
        patient={
            "name": draw(names),
            "identifier": draw(names),
            "age_years": draw(st.integers(min_value=18, max_value=120)),
        },
        presentation={"rls": draw(st.booleans()), "leg_cramps": draw(st.booleans())},
        medications=draw(st.lists(entries, max_size=10)),
        supplements=draw(st.lists(entries, max_size=6)),
        labs=labs,
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases_at_the_limits())
def test_generated_valid_cases_always_print(kb: KnowledgeBase, case: dict[str, Any]) -> None:
    """Any valid case with long or odd names, many entries and labs builds a whole sheet."""
    try:
        parse_case(case, kb)
    except CaseInputError:
        reject()
    assert_whole_sheet(sheet_for(kb, case))
