"""The recommendation sheet, read back from the PDF: sections, values, order, pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, cast

import pypdf
import pytest
from pypdf.generic import DictionaryObject

from conftest import lab, run
from rlsdesk import __version__
from rlsdesk.domain.assessment import SEVERITY_ORDER, Assessment
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.report import SheetOptions, build_sheet, with_knowledge_base
from rlsdesk.report.styles import SEVERITY_LABELS
from rlsdesk.report.text import number

SECTIONS = [
    "Supplement recommendation sheet",
    "Safety alerts",
    "Recommendations",
    "Avoid",
    "Medication review",
    "Tests to order",
    "Monitoring and follow-up",
    "Lifestyle measures",
    "Red flags",
    "Laboratory results",
    "References",
    "Signature",
]
FIXED_TIME = dt.datetime(2026, 11, 3, 9, 30)


def typical(kb: KnowledgeBase, **overrides: Any) -> Assessment:
    """Adult RLS: ferritin 38, TSAT 17, low magnesium, eGFR 45, three medicines of note."""
    case: dict[str, Any] = {
        "patient": {"name": "Margaret Example", "identifier": "MRN-204817", "age_years": 58},
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
            {"name": "ciprofloxacin"},
        ],
        "supplements": [{"name": "magnesium oxide", "dose": "400 mg at night"}],
    }
    case.update(overrides)
    return run(kb, **case)


def options(kb: KnowledgeBase, **fields: Any) -> SheetOptions:
    fields.setdefault("generated_at", FIXED_TIME)
    return with_knowledge_base(SheetOptions(**fields), kb)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """The sheet's text with line breaks folded to spaces, so wrapped phrases still match."""
    return " ".join(" ".join(pages(pdf)).split())


def test_sections_appear_in_the_clinical_order(kb: KnowledgeBase) -> None:
    """Safety alerts come first, then the plan, labs, references and the signature line."""
    lines = [
        line.strip()
        for text in pages(build_sheet(typical(kb), options(kb)))
        for line in text.splitlines()
    ]
    positions = [lines.index(section) for section in SECTIONS]
    assert positions == sorted(positions)


def test_header_and_patient_block(kb: KnowledgeBase) -> None:
    """Clinic, clinician, time, patient, kidney with source and stage, conditions and IRLS."""
    sheet = options(
        kb, clinic_name="Riverside Clinic", clinic_address="12 Mill Lane", clinician="Dr Byrne"
    )
    text = flat(build_sheet(typical(kb), sheet))
    for expected in (
        "Riverside Clinic",
        "12 Mill Lane",
        "Clinician: Dr Byrne",
        "Generated 2026-11-03 09:30",
        "Margaret Example",
        "MRN-204817",
        "58 years, female",
        "Not pregnant",
        "eGFR 45 mL/min/1.73 m² (as entered), KDIGO stage G3a; no dialysis",
        "Diabetes",
        "24 / 40 (severe)",
    ):
        assert expected in text


def test_pregnancy_trimester_and_missing_egfr_note(kb: KnowledgeBase) -> None:
    """A pregnant patient's trimester prints; with no eGFR the sheet says why."""
    assessment = run(kb, pregnancy={"status": "pregnant", "trimester": 2})
    text = flat(build_sheet(assessment, options(kb)))
    assert "Pregnant, trimester 2" in text
    assert assessment.egfr.value is None
    assert "eGFR not available" in text
    if assessment.egfr.note:
        assert " ".join(assessment.egfr.note.split()) in text


def test_calculated_egfr_names_ckd_epi(kb: KnowledgeBase) -> None:
    """An eGFR computed from creatinine is labelled CKD-EPI 2021, not 'entered'."""
    assessment = run(kb, labs=[lab("creatinine", 1.4, "mg/dL")])
    assert assessment.egfr.source == "ckd_epi_2021"
    assert "calculated, CKD-EPI 2021" in flat(build_sheet(assessment, options(kb)))


def test_labs_print_as_entered_converted_flagged_and_superseded(kb: KnowledgeBase) -> None:
    """Each result shows its entered unit, the canonical conversion, LOW/HIGH, and supersession."""
    assessment = typical(kb)
    text = flat(build_sheet(assessment, options(kb)))
    assert "0.62 mmol/L" in text
    magnesium = next(r for r in assessment.labs if r.analyte == "magnesium")
    assert f"{number(magnesium.canonical_value)} {magnesium.canonical_unit}" in text
    assert "38 µg/L" in text
    assert "38 ng/mL" in text
    assert re.search(r"Transferrin saturation 17 % 17 % LOW", text)
    assert "2026-05-14 SUPERSEDED by a newer result" in text


def test_alerts_print_most_severe_first_with_words_and_symbols(kb: KnowledgeBase) -> None:
    """Contraindicated before major before moderate, each as symbol plus word."""
    assessment = run(
        kb,
        presentation={"rls": True},
        conditions=["hemochromatosis"],
        labs=[lab("ferritin", 38, "ng/mL"), lab("magnesium", 0.62, "mmol/L")],
        kidney={"egfr": 20},
        medications=[{"name": "ciprofloxacin"}, {"name": "Zoloft"}],
        supplements=[{"name": "iron"}],
    )
    severities = {a.severity for a in assessment.alerts}
    assert {"contraindicated", "major", "moderate"} <= severities
    text = flat(build_sheet(assessment, options(kb)))
    alerts_part = text[text.index("Safety alerts") : text.index("Recommendations")]
    found = re.findall(
        "|".join(re.escape(label) for label in SEVERITY_LABELS.values()), alerts_part
    )
    printed = [next(k for k, v in SEVERITY_LABELS.items() if v == label) for label in found]
    assert printed == [a.severity for a in assessment.alerts]
    assert printed == sorted(printed, key=SEVERITY_ORDER.index)
    assert "✖ CONTRAINDICATED" in alerts_part


def test_acknowledged_alert_prints_its_reason(kb: KnowledgeBase) -> None:
    """An acknowledgement prints beside the alert it answers, with the clinician's reason."""
    from rlsdesk.audit import Acknowledgement

    assessment = typical(kb)
    code = assessment.alerts[0].code
    sheet = options(kb, acknowledgements=(Acknowledgement(code, "Course ends in 2 days"),))
    text = flat(build_sheet(assessment, sheet))
    assert "Acknowledged by the clinician. Reason: Course ends in 2 days" in text


def test_recommendation_shows_dose_timing_and_the_inputs_that_fired_it(kb: KnowledgeBase) -> None:
    """Iron: its dose, timing, and ferritin as entered, converted and the threshold met."""
    assessment = typical(kb)
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    text = flat(build_sheet(assessment, options(kb)))
    assert "Iron · RECOMMEND · oral" in text
    assert iron.dose is not None
    assert " ".join(iron.dose.split()) in text
    for timing in iron.timing:
        assert timing in text
    for basis in iron.basis:
        assert basis.entered in text
        assert basis.threshold is not None
        assert basis.threshold in text


def test_references_are_numbered_in_order_of_first_citation(kb: KnowledgeBase) -> None:
    """The first alert's references become 1, 2 ...; the list ends with full citations."""
    assessment = typical(kb)
    text = flat(build_sheet(assessment, options(kb)))
    first_refs = sorted(range(1, len(set(assessment.alerts[0].references)) + 1))
    assert f"Refs {', '.join(map(str, first_refs))}" in text
    listing = text[text.rindex("References") :]
    first_id = assessment.alerts[0].references[0]
    citation = " ".join(kb.references[first_id].citation.split())
    assert re.search(rf"\b\d+\. {re.escape(citation[:40])}", listing)
    assert f"[{first_id}]" in listing
    assert not re.search(r"\[V; R\d", text), "guidance tags must cite numbers, not ids"


def test_without_citation_texts_reference_ids_print(kb: KnowledgeBase) -> None:
    """Options with no citation texts still number references and print their ids."""
    assessment = typical(kb)
    text = flat(build_sheet(assessment, SheetOptions(generated_at=FIXED_TIME)))
    assert f"1. [{assessment.alerts[0].references[0]}]" in text


def test_markup_characters_print_exactly(kb: KnowledgeBase) -> None:
    """Names with quotes, angle brackets and ampersands print as typed, not as markup."""
    name = "O'Brien <Jr> & Sons"
    assessment = run(
        kb,
        patient={"name": name, "identifier": "<MRN&1>"},
        medications=[{"name": "Tonic <b>forte</b> & co", "dose": "1 < 2 & 3 > 2"}],
    )
    sheet = options(kb, clinic_name="A&B <Clinic>", clinician="Dr <i>Who</i>")
    text = flat(build_sheet(assessment, sheet))
    for exact in (
        name,
        "<MRN&1>",
        "Tonic <b>forte</b> & co",
        "1 < 2 & 3 > 2",
        "A&B <Clinic>",
        "Dr <i>Who</i>",
    ):
        assert exact in text


def test_footer_on_every_page_of_a_long_sheet(kb: KnowledgeBase) -> None:
    """A 30-medicine case runs to several pages; each footer has patient, page X of Y, versions."""
    medicines = [{"name": f"Unlisted remedy {i}", "dose": "1 tablet"} for i in range(25)]
    medicines += [
        {"name": n} for n in ("Zoloft", "Benadryl", "ciprofloxacin", "metformin", "furosemide")
    ]
    assessment = typical(kb, medications=medicines)
    texts = pages(build_sheet(assessment, options(kb)))
    stamp = assessment.knowledge_base
    assert len(texts) > 2
    for page_number, text in enumerate(texts, start=1):
        assert f"Page {page_number} of {len(texts)}" in text
        assert "Margaret Example · MRN-204817" in text
        assert f"Knowledge base {stamp.version} ({stamp.sha256[:12]})" in text
        assert f"rlsdesk {__version__}" in text
        assert "generated 2026-11-03 09:30" in text


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("a4", 595.28, 841.89), ("letter", 612, 792)]
)
def test_page_sizes(kb: KnowledgeBase, page_size: str, width: float, height: float) -> None:
    """A4 and US Letter sheets have the right page boxes on every page."""
    pdf = build_sheet(typical(kb), options(kb, page_size=page_size))
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.1)


def test_handout_is_one_plain_page_at_the_end(kb: KnowledgeBase) -> None:
    """--handout adds one page in plain words: what to take, when, avoid, come back; no refs."""
    assessment = typical(kb)
    without = pages(build_sheet(assessment, options(kb)))
    texts = pages(build_sheet(assessment, options(kb, handout=True)))
    assert len(texts) == len(without) + 1
    handout = " ".join(texts[-1].split())
    for heading in ("Your treatment plan", "What to take", "What to avoid", "When to come back"):
        assert heading in handout
    assert "Iron:" in handout
    assert "When: Take ciprofloxacin at least 2 hours before or 6 hours after iron." in handout
    assert "Zoloft can make restless legs worse" in handout
    handout_body = handout[: handout.index("Page ")]
    assert not re.search(r"\brefs?\b|\[(V|S|U|editorial)\b|\bR\d+\b", handout_body)


def test_reproducible_sheets_are_byte_identical(kb: KnowledgeBase) -> None:
    """The same case in reproducible mode gives the same bytes, stamped 2000-01-01 00:00."""
    assessment = typical(kb)
    sheet = with_knowledge_base(SheetOptions(reproducible=True, handout=True), kb)
    first, second = build_sheet(assessment, sheet), build_sheet(typical(kb), sheet)
    assert first == second
    assert "Generated 2000-01-01 00:00" in flat(first)


def test_only_embedded_truetype_fonts(kb: KnowledgeBase) -> None:
    """Every font on every page is embedded DejaVu: no base-14 font is relied on."""
    pdf = build_sheet(typical(kb), options(kb, handout=True))
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        fonts = cast(DictionaryObject, resources["/Font"].get_object())
        for reference in fonts.values():
            font = cast(DictionaryObject, reference.get_object())
            descriptor = cast(DictionaryObject, font["/FontDescriptor"].get_object())
            assert "DejaVuSans" in str(font["/BaseFont"])
            assert "/FontFile2" in descriptor


def test_unrecognised_medicine_is_marked_not_checked(kb: KnowledgeBase) -> None:
    """A name the catalogue lacks is listed as NOT CHECKED in the medication review."""
    assessment = run(kb, supplements=[{"name": "Dr Smith's leg formula"}])
    text = flat(build_sheet(assessment, options(kb)))
    review = text[text.index("Medication review") : text.index("Tests to order")]
    assert "NOT CHECKED: Dr Smith's leg formula (supplement) was not recognised" in review
    assert "Dr Smith's leg formula supplement NOT CHECKED (not recognised)" in review


def test_medication_review_lists_alternatives(kb: KnowledgeBase) -> None:
    """An RLS-aggravating medicine prints with its alternative (the alert's management)."""
    assessment = typical(kb)
    alert = next(a for a in assessment.alerts if a.kind == "aggravates_rls")
    text = flat(build_sheet(assessment, options(kb)))
    review = text[text.index("Medication review") : text.index("Tests to order")]
    assert "Zoloft (sertraline)" in review
    assert " ".join(alert.management.split())[:60] in review


def test_an_empty_case_still_prints_every_section(kb: KnowledgeBase) -> None:
    """With nothing entered each section says so instead of disappearing."""
    text = flat(build_sheet(run(kb), options(kb)))
    for statement in (
        "No supplement is indicated by the data given.",
        "No laboratory results were entered.",
        "No medicines or supplements were entered.",
    ):
        assert statement in text
