"""The laboratory table (appendix): each result as entered, as imported, converted and
flagged in words."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from rlsdesk.domain.assessment import LabResult
from rlsdesk.domain.case import LabSource
from rlsdesk.report.context import SheetContext
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import coloured, escape, heading, markup, number, para
from rlsdesk.vocabulary import FLAG_WORDS, SEVERITY

HEADINGS = ("Test", "As entered", "Converted", "Flag", "Reference range", "Date")


def _flag(context: SheetContext, lab: LabResult) -> Paragraph:
    word = FLAG_WORDS[lab.flag]
    if lab.flag == "normal":
        return para(word, context.styles.muted)
    return markup(coloured(word, SEVERITY["major"].colour, strong=True), context.styles.small)


def _date(context: SheetContext, lab: LabResult) -> Paragraph:
    date = escape(lab.date or "no date")
    if lab.used:
        return markup(date, context.styles.small)
    return markup(f"{date}<br/><b>SUPERSEDED</b> by a newer result", context.styles.muted)


def source_text(source: LabSource) -> str:
    """'imported from results.csv, LOINC 2276-4: "38" ng/mL', as the file had it."""
    code = " ".join(part for part in (source.system, source.code) if part)
    written = f'"{source.value}"' + (f" {source.unit}" if source.unit else "")
    return f"imported from {source.file}" + (f", {code}" if code else "") + f": {written}"


def _entered(context: SheetContext, lab: LabResult, source: LabSource | None) -> Paragraph:
    style = context.styles.small if lab.used else context.styles.muted
    text = escape(f"{number(lab.value)} {lab.unit}")
    if source is not None:
        text += f'<br/><font size="6.5">{escape(source_text(source))}</font>'
    return markup(text, style)


def _sources(context: SheetContext) -> list[LabSource | None]:
    """The import source of each result: results are in the order the case lists its labs."""
    entries = context.assessment.case.labs
    if len(entries) != len(context.assessment.labs):
        return [None] * len(context.assessment.labs)
    return [entry.source for entry in entries]


def lab_results(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    title = heading("Laboratory results", styles.heading)
    labs = context.assessment.labs
    if not labs:
        return [*title, para("No laboratory results were entered.", styles.body)]
    rows: list[list[object]] = [[para(text, styles.label) for text in HEADINGS]]
    for lab, source in zip(labs, _sources(context), strict=True):
        # A superseded result is printed greyed, and says so in words beside its date.
        style = styles.small if lab.used else styles.muted
        rows.append(
            [
                para(context.analyte_label(lab.analyte), style),
                _entered(context, lab, source),
                para(f"{number(lab.canonical_value)} {lab.canonical_unit}", style),
                _flag(context, lab),
                para(lab.reference_range or "", style),
                _date(context, lab),
            ]
        )
    width = context.width
    widths = [w * width for w in (0.22, 0.19, 0.15, 0.09, 0.18, 0.17)]
    return [*title, data_table(rows, widths)]
