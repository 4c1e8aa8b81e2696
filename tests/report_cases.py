"""Reference patients and PDF readers shared by the sheet, note and summary tests."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf

from conftest import lab, run
from rlsdesk.domain.assessment import Assessment, ScheduleItem, ScheduleSlot
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report import SheetOptions, with_knowledge_base

FIXED_TIME = dt.datetime(2026, 11, 3, 9, 30)


def typical(kb: KnowledgeBase, **overrides: Any) -> Assessment:
    """Issue 10's 58-year-old: RLS and cramps, ferritin 38, low magnesium, eGFR 45, four
    medicines (sertraline, diphenhydramine, ciprofloxacin, magnesium oxide)."""
    case: dict[str, Any] = {
        "patient": {
            "name": "Margaret Example",
            "identifier": "MRN-204817",
            "age_years": 58,
            "weight_kg": 71,
        },
        "presentation": {"rls": True, "leg_cramps": True, "irls_score": 24},
        "kidney": {"egfr": 45, "dialysis": "none"},
        "labs": [
            lab("ferritin", 52, "ng/mL", "2026-05-14"),
            lab("ferritin", 38, "µg/L", "2026-10-28"),
            lab("tsat", 17, "%", "2026-10-28"),
            lab("magnesium", 0.62, "mmol/L", "2026-10-28"),
        ],
        "conditions": ["diabetes"],
        "medications": [
            {"name": "Zoloft", "dose": "50 mg daily"},
            {"name": "Benadryl"},
            {"name": "ciprofloxacin", "dose": "500 mg twice daily"},
        ],
        "supplements": [{"name": "magnesium oxide", "dose": "400 mg at night"}],
    }
    case.update(overrides)
    return run(kb, **case)


def elderly(kb: KnowledgeBase) -> Assessment:
    """Issue 10's 74-year-old on nine medicines, taking calcium and vitamin D."""
    names = (
        "metformin",
        "lisinopril",
        "hydrochlorothiazide",
        "atorvastatin",
        "omeprazole",
        "sertraline",
        "levothyroxine",
        "aspirin",
    )
    return run(
        kb,
        patient={"name": "Arthur Example", "age_years": 74, "sex": "male"},
        presentation={"rls": True, "leg_cramps": True},
        kidney={"egfr": 58, "dialysis": "none"},
        labs=[lab("ferritin", 60, "ng/mL"), lab("tsat", 22, "%")],
        medications=[{"name": n} for n in names]
        + [{"name": "alendronate", "dose": "70 mg weekly"}],
        supplements=[{"name": "calcium carbonate"}, {"name": "vitamin D"}],
    )


def dialysis(kb: KnowledgeBase) -> Assessment:
    """Issue 10's dialysis patient: hemodialysis, warfarin, RLS with low ferritin."""
    return run(
        kb,
        patient={"name": "Dora Example", "age_years": 66},
        presentation={"rls": True, "leg_cramps": False},
        kidney={"egfr": None, "dialysis": "hemodialysis"},
        labs=[lab("ferritin", 150, "ng/mL"), lab("tsat", 18, "%")],
        medications=[{"name": "warfarin"}, {"name": "amlodipine"}],
    )


def with_schedule(assessment: Assessment) -> Assessment:
    """The assessment with a known daily schedule, whatever the engine placed."""
    slots = [
        ScheduleSlot(
            time="07:00",
            items=[
                ScheduleItem(
                    name="levothyroxine",
                    label="levothyroxine",
                    frequency="daily",
                    with_food=False,
                    note="on waking",
                )
            ],
        ),
        ScheduleSlot(
            time="08:00",
            items=[
                ScheduleItem(name="iron", label="Iron", frequency="every_other_day", with_food=None)
            ],
        ),
        ScheduleSlot(
            time="21:30",
            items=[
                ScheduleItem(name="magnesium", label="Magnesium", frequency="daily", with_food=True)
            ],
        ),
    ]
    return assessment.model_copy(update={"schedule": slots, "schedule_conflicts": []})


def options(kb: KnowledgeBase, **fields: Any) -> SheetOptions:
    fields.setdefault("generated_at", FIXED_TIME)
    return with_knowledge_base(SheetOptions(**fields), kb)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def folded(text: str) -> str:
    """Line breaks folded to spaces, so wrapped phrases still match."""
    return " ".join(text.split())


def flat(pdf: bytes) -> str:
    return folded(" ".join(pages(pdf)))
