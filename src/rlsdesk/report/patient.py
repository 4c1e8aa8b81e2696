"""The top of the sheet: who wrote it, when, and for whom (patient, kidney, pregnancy, IRLS)."""

from __future__ import annotations

from reportlab.platypus import Flowable, HRFlowable, Paragraph, Table

from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import ACCENT, SHADE_LIGHT, grid_style
from rlsdesk.report.text import bold, escape, markup, para
from rlsdesk.report.trends import trend_sentences

PREGNANCY_WORDS = {
    "not_pregnant": "Not pregnant",
    "pregnant": "Pregnant",
    "breastfeeding": "Breastfeeding",
    "unknown": "Unknown",
}
DIALYSIS_WORDS = {
    "none": "no dialysis",
    "hemodialysis": "on hemodialysis",
    "peritoneal_dialysis": "on peritoneal dialysis",
}
EGFR_SOURCES = {"entered": "as entered", "ckd_epi_2021": "calculated, CKD-EPI 2021"}


def header(context: SheetContext) -> list[Flowable]:
    styles, options = context.styles, context.options
    clinic_lines = [bold(options.clinic_name or "Clinic not set")]
    clinic_lines += [escape(line) for line in options.clinic_address.splitlines() if line.strip()]
    who = [
        f"Generated {escape(context.generated_text)}",
        f"Clinician: {bold(options.clinician) if options.clinician else '____________________'}",
    ]
    title = [
        para("Supplement recommendation sheet", styles.title),
        para(
            "Restless legs syndrome and nocturnal leg cramps · decision support for the "
            "treating clinician",
            styles.muted,
        ),
    ]
    table = Table(
        [[title, markup("<br/>".join(clinic_lines + who), styles.right)]],
        colWidths=[context.width * 0.7, context.width * 0.3],
        style=grid_style(header=False, rules=False),
    )
    return [
        table,
        HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=1, spaceAfter=3),
    ]


def _presenting(context: SheetContext) -> str:
    presentation = context.assessment.case.presentation
    presenting = [
        name
        for name, present in (
            ("restless legs syndrome", presentation.rls),
            ("nocturnal leg cramps", presentation.leg_cramps),
        )
        if present
    ]
    if presentation.oral_iron_failed:
        presenting.append("oral iron trial failed or not tolerated")
    return "; ".join(presenting) or "neither RLS nor cramps"


def patient_block(context: SheetContext) -> list[Flowable]:
    assessment = context.assessment
    patient = assessment.case.patient
    styles = context.styles

    def cell(text: str) -> Paragraph:
        return para(text, styles.small)

    def label(text: str) -> Paragraph:
        return para(text, styles.label)

    weight = f", {patient.weight_kg:g} kg" if patient.weight_kg is not None else ""
    trends = trend_sentences(context)
    rows = [
        [
            label("Patient"),
            markup(bold(patient.name or "Unnamed patient"), styles.small),
            label("Identifier"),
            cell(patient.identifier or "none"),
        ],
        [
            label("Age, sex"),
            cell(f"{patient.age_years} years, {patient.sex}{weight}"),
            label("Pregnancy"),
            cell(_pregnancy(context)),
        ],
        [label("Presenting"), cell(_presenting(context)), label("IRLS"), cell(_irls(context))],
        [label("Kidney"), cell(_kidney(context)), "", ""],
        [
            label("Conditions"),
            cell(", ".join(assessment.condition_labels) or "none recorded"),
            "",
            "",
        ],
        *([[label("Trend"), cell("; ".join(trends)), "", ""]] if trends else []),
    ]
    width = context.width
    table = Table(
        rows,
        colWidths=[width * 0.13, width * 0.45, width * 0.12, width * 0.3],
        style=grid_style(
            header=False,
            extra=[
                ("BACKGROUND", (0, 0), (-1, -1), SHADE_LIGHT),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("SPAN", (1, 3), (3, 3)),
                ("SPAN", (1, 4), (3, 4)),
                *([("SPAN", (1, 5), (3, 5))] if trends else []),
            ],
        ),
    )
    return [table]


def _pregnancy(context: SheetContext) -> str:
    pregnancy = context.assessment.case.pregnancy
    text = PREGNANCY_WORDS[pregnancy.status]
    if pregnancy.trimester is not None:
        text += f", trimester {pregnancy.trimester}"
    return text


def _irls(context: SheetContext) -> str:
    score = context.assessment.case.presentation.irls_score
    if score is None:
        return "not scored"
    band = context.assessment.irls_band
    return f"{score} / 40" + (f" ({band})" if band else "")


def _kidney(context: SheetContext) -> str:
    egfr = context.assessment.egfr
    dialysis = DIALYSIS_WORDS[context.assessment.case.kidney.dialysis]
    if egfr.value is None:
        note = f": {egfr.note}" if egfr.note else ""
        return f"eGFR not available{note}; {dialysis}"
    source = EGFR_SOURCES.get(egfr.source or "", "source not stated")
    stage = f", KDIGO stage {egfr.stage}" if egfr.stage else ""
    return f"eGFR {egfr.value:g} mL/min/1.73 m² ({source}){stage}; {dialysis}"
