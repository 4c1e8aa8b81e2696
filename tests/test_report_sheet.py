"""The recommendation sheet, read back from the PDF: page 1 (the signed summary), the
appendix, references, fonts, pages and escaping."""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Callable
from typing import cast

import pypdf
import pytest
from pypdf.generic import DictionaryObject
from reportlab.platypus import KeepTogether, Paragraph

from conftest import lab, run
from report_cases import (
    FIXED_TIME,
    dialysis,
    elderly,
    flat,
    folded,
    options,
    pages,
    typical,
    with_schedule,
)
from rlsdesk import __version__
from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Assessment, Decision, ScheduleConflict
from rlsdesk.domain.engine import plan_action
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import knowledge_dir
from rlsdesk.report import SheetOptions, build_sheet, with_knowledge_base
from rlsdesk.report.alerts import NOT_ACKNOWLEDGED
from rlsdesk.report.closing import DISCLAIMER
from rlsdesk.report.sheet import APPENDIX_TITLE, compose
from rlsdesk.report.text import number
from rlsdesk.schedule_words import clock
from rlsdesk.vocabulary import PLAN_ACTION, SEVERITY, evidence_legend
from test_report_fonts import strings

REFERENCE_PATIENTS: list[Callable[[KnowledgeBase], Assessment]] = [typical, elderly, dialysis]
PAGE_ONE_SECTIONS = ["Supplement recommendation sheet", "Alerts", "Plan", "Daily schedule"]


def page_one(pdf: bytes) -> str:
    return folded(pages(pdf)[0])


def labelled(kb: KnowledgeBase, agent: str) -> str:
    return kb.agents[agent].label


def retiered(assessment: Assessment, tiers: dict[str, str]) -> Assessment:
    """The assessment with the named alerts moved to the given tiers."""
    alerts = [
        a.model_copy(update={"tier": tiers[a.code]}) if a.code in tiers else a
        for a in assessment.alerts
    ]
    return assessment.model_copy(update={"alerts": alerts})


@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("patient", REFERENCE_PATIENTS, ids=lambda f: f.__name__)
def test_page_one_holds_every_decided_agent_the_schedule_and_the_signature(
    kb: KnowledgeBase, patient: Callable[[KnowledgeBase], Assessment], page_size: str
) -> None:
    """For issue 10's reference patients page 1 alone carries the plan, schedule and signature,
    on A4 and on US Letter."""
    assessment = patient(kb)
    first = page_one(build_sheet(assessment, options(kb, page_size=page_size)))
    decided = [d for d in assessment.decisions if d.decision != "not_indicated"]
    assert decided
    for decision in decided:
        assert labelled(kb, decision.agent) in first, decision.agent
    assert "Daily schedule" in first
    for slot in assessment.schedule:
        assert clock(slot.time) in first
        for item in slot.items:
            assert folded(item.label) in first
    assert "Signature" in first
    assert "Clinician" in first
    assert "Date" in first
    assert APPENDIX_TITLE not in first


def test_page_one_sections_in_reading_order_then_the_appendix_on_a_new_page(
    kb: KnowledgeBase,
) -> None:
    """Alerts, plan, schedule, tests, follow-up and signature; the appendix starts a page."""
    texts = pages(build_sheet(typical(kb), options(kb)))
    lines = [line.strip() for line in texts[0].splitlines()]
    order = [*PAGE_ONE_SECTIONS, "Tests to order", "Follow-up"]
    positions = [next(i for i, line in enumerate(lines) if line.startswith(s)) for s in order]
    assert positions == sorted(positions)
    appendix_page = next(i for i, text in enumerate(texts) if APPENDIX_TITLE in text)
    assert texts[appendix_page].lstrip().startswith(APPENDIX_TITLE)
    signature_page = max(i for i, text in enumerate(texts) if "Signature" in text)
    assert signature_page < appendix_page


def test_summary_only_leaves_out_the_appendix(kb: KnowledgeBase) -> None:
    """summary_only prints page 1 alone: no appendix, no references, signature kept."""
    assessment = typical(kb)
    full = pages(build_sheet(assessment, options(kb)))
    summary = pages(build_sheet(assessment, options(kb, summary_only=True)))
    assert len(summary) < len(full)
    text = folded(" ".join(summary))
    assert APPENDIX_TITLE not in text
    assert "References" not in text
    assert "Signature" in text


def test_twenty_medicines_end_the_summary_with_the_signature_before_the_appendix(
    kb: KnowledgeBase,
) -> None:
    """Page 1 may overflow, but the signature comes before the appendix and never alone."""
    names = [
        "Zoloft", "Benadryl", "ciprofloxacin", "metformin", "furosemide", "lisinopril",
        "atorvastatin", "omeprazole", "levothyroxine", "aspirin", "amlodipine", "warfarin",
        "alendronate", "hydrochlorothiazide", "gabapentin", "prednisone", "tramadol",
        "citalopram", "metoclopramide", "simvastatin",
    ]  # fmt: skip
    assessment = typical(kb, medications=[{"name": n} for n in names])
    texts = [folded(t) for t in pages(build_sheet(assessment, options(kb)))]
    appendix_page = next(i for i, text in enumerate(texts) if APPENDIX_TITLE in text)
    signature_page = next(i for i, text in enumerate(texts) if DISCLAIMER[:40] in text)
    assert signature_page < appendix_page
    before_signature = texts[signature_page].split(DISCLAIMER[:40])[0]
    assert "Follow-up" in before_signature


def test_page_one_shows_interruptive_and_alert_tiers_only(kb: KnowledgeBase) -> None:
    """Schedule- and info-tier alerts stay off page 1's alerts; the appendix lists them all."""
    base = typical(kb)
    first, second, third = base.alerts[:3]
    assessment = retiered(
        base, {first.code: "schedule", second.code: "info", third.code: "interruptive"}
    )
    texts = pages(build_sheet(assessment, options(kb)))
    alerts_part = folded(texts[0]).split("Plan")[0]
    assert folded(first.message) not in alerts_part
    assert folded(second.message) not in alerts_part
    assert folded(third.message) in alerts_part
    appendix = folded(" ".join(texts[1:]))
    for alert in assessment.alerts:
        assert folded(alert.message) in appendix


def test_interruptive_alert_prints_not_acknowledged_unless_acknowledged(
    kb: KnowledgeBase,
) -> None:
    """An interruptive alert not acknowledged says so; an acknowledged one prints its reason."""
    base = typical(kb)
    one, two = base.alerts[2], base.alerts[3]
    assessment = retiered(base, {one.code: "interruptive", two.code: "interruptive"})
    given = (Acknowledgement(two.code, "Course ends in 2 days"),)
    first = page_one(build_sheet(assessment, options(kb, acknowledgements=given)))
    assert first.count(NOT_ACKNOWLEDGED) == 1
    assert "Acknowledged by the clinician. Reason: Course ends in 2 days" in first
    assert first.index(folded(one.message)) < first.index(NOT_ACKNOWLEDGED)
    none_given = page_one(build_sheet(assessment, options(kb)))
    assert none_given.count(NOT_ACKNOWLEDGED) == 2


def test_alert_tier_prints_no_acknowledgement_line(kb: KnowledgeBase) -> None:
    """Only the interruptive tier asks for acknowledgement: an alert-tier item never says so."""
    base = typical(kb)
    assessment = retiered(base, {a.code: "alert" for a in base.alerts})
    assert NOT_ACKNOWLEDGED not in flat(build_sheet(assessment, options(kb)))


def test_alerts_print_most_severe_first_with_words_and_symbols(kb: KnowledgeBase) -> None:
    """Within a tier, contraindicated before major before moderate, as symbol plus word."""
    assessment = run(
        kb,
        presentation={"rls": True},
        conditions=["hemochromatosis"],
        labs=[lab("ferritin", 38, "ng/mL"), lab("magnesium", 0.62, "mmol/L")],
        kidney={"egfr": 20},
        medications=[{"name": "ciprofloxacin"}, {"name": "Zoloft"}],
        supplements=[{"name": "iron"}],
    )
    assessment = retiered(assessment, {a.code: "alert" for a in assessment.alerts})
    alerts_part = page_one(build_sheet(assessment, options(kb))).split("Plan")[0]
    labels = {look.label: severity for severity, look in SEVERITY.items()}
    found = re.findall("|".join(re.escape(label) for label in labels), alerts_part)
    assert [labels[label] for label in found] == [a.severity for a in assessment.alerts]
    assert SEVERITY["contraindicated"].label in alerts_part


def _decision(agent: str, value: str, taking: bool, **extra: object) -> Decision:
    fields: dict[str, object] = {
        "agent": agent,
        "decision": value,
        "route": None if value in ("avoid", "not_indicated") else "oral",
        "dose": None if value in ("avoid", "not_indicated") else f"{agent} dose text",
        "rationale": f"{agent} rationale.",
        "references": ["BRIEF"],
        "taking": taking,
        "action": plan_action(value, taking),  # type: ignore[arg-type]
    }
    fields.update(extra)
    return Decision.model_validate(fields)


def test_plan_groups_stop_start_continue_avoid_with_dose_and_route(kb: KnowledgeBase) -> None:
    """Stop (taking, avoid) first, then start, continue and avoid; not indicated is left out."""
    decisions = [
        _decision("iron", "recommend", taking=False),
        _decision("magnesium", "caution", taking=True),
        _decision("potassium", "avoid", taking=True),
        _decision("vitamin_e", "avoid", taking=False),
        _decision("zinc", "not_indicated", taking=False),
    ]
    assessment = typical(kb).model_copy(update={"decisions": decisions, "alerts": []})
    plan_part = page_one(build_sheet(assessment, options(kb))).split("Plan", 1)[1]
    plan_part = plan_part.split("Daily schedule")[0]
    words = [PLAN_ACTION[d.action or ""].word for d in decisions[:4]]
    assert words == ["START", "CONTINUE", "STOP", "AVOID"]
    agents = ("potassium", "iron", "magnesium", "vitamin_e")  # stop, start, continue, avoid
    positions = [plan_part.index(labelled(kb, agent)) for agent in agents]
    assert positions == sorted(positions)
    assert "iron dose text · oral" in plan_part
    assert labelled(kb, "zinc") not in plan_part


def test_avoid_prints_the_alerts_that_decided_it(kb: KnowledgeBase) -> None:
    """An avoided agent shows on page 1 the message of each alert named in its reasons."""
    base = typical(kb)
    reason = base.alerts[0].model_copy(update={"tier": "info", "code": "test.reason"})
    avoided = _decision("vitamin_e", "avoid", taking=False, reasons=["test.reason"])
    assessment = base.model_copy(update={"decisions": [avoided], "alerts": [reason]})
    plan_part = page_one(build_sheet(assessment, options(kb))).split("Plan", 1)[1]
    assert folded(reason.message) in plan_part


def test_schedule_prints_by_time_with_frequency_and_food(kb: KnowledgeBase) -> None:
    """The schedule is a table by clock time: each item with how often and with or without food."""
    assessment = with_schedule(typical(kb))
    first = page_one(build_sheet(assessment, options(kb)))
    schedule_part = first.split("Daily schedule")[1]
    assert "7:00 levothyroxine, on an empty stomach (on waking)" in schedule_part
    assert "8:00 Iron, every other day" in schedule_part
    assert "21:30 Magnesium, with food" in schedule_part


def test_schedule_conflicts_are_printed_never_dropped(kb: KnowledgeBase) -> None:
    """An item the schedule could not place prints as NOT PLACED with its reason."""
    conflict = ScheduleConflict(names=["iron", "calcium"], reason="no 2-hour gap fits the day")
    assessment = typical(kb).model_copy(update={"schedule_conflicts": [conflict]})
    first = page_one(build_sheet(assessment, options(kb)))
    assert "Not placed: iron, calcium: no 2-hour gap fits the day" in first


def test_decision_detail_shows_rule_inputs_notes_and_evidence(kb: KnowledgeBase) -> None:
    """The appendix shows each decision's rule, its inputs as a table, notes and evidence."""
    assessment = typical(kb)
    iron = next(d for d in assessment.decisions if d.agent == "iron")
    text = flat(build_sheet(assessment, options(kb)))
    appendix = text[text.index(APPENDIX_TITLE) :]
    assert iron.rule is not None
    assert folded(iron.rule) in appendix
    for basis in iron.basis:
        assert basis.entered in appendix
        assert basis.threshold is None or basis.threshold in appendix
    for note in iron.notes:
        assert folded(note) in appendix
    assert "Inputs:" not in appendix, "the inputs print as a table, not as the sentence"
    assert "[V] verified against the primary source; references" in appendix


def test_decision_without_a_rule_prints_its_rationale_whole(kb: KnowledgeBase) -> None:
    """An assessment written before rule and notes existed still shows the full rationale."""
    old = _decision("iron", "recommend", taking=False, rationale="Old wording. Inputs: x 1.")
    assessment = typical(kb).model_copy(update={"decisions": [old]})
    assert "Old wording. Inputs: x 1." in flat(build_sheet(assessment, options(kb)))


def test_references_list_only_what_the_sheet_cites_numbered_in_order(kb: KnowledgeBase) -> None:
    """References are numbered on first citation in the appendix; page 1 cites none."""
    assessment = typical(kb)
    texts = pages(build_sheet(assessment, options(kb)))
    assert not re.search(r"\brefs?\b", folded(texts[0]), re.IGNORECASE)
    text = folded(" ".join(texts))
    listing = text[text.rindex("References") :]
    lines = "\n".join(texts).split("References")[-1].splitlines()
    numbers = [int(m[1]) for line in lines if (m := re.fullmatch(r"(\d+)\.", line.strip()))]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {r for d in assessment.decisions if d.decision != "not_indicated" for r in d.references}
    assert len(numbers) >= len(cited)
    assert len(numbers) < len(kb.references)
    first_decision = next(d for d in assessment.decisions if d.decision != "not_indicated")
    citation = folded(kb.references[first_decision.references[0]].full_citation())
    assert f"1. {citation[:40]}" in listing
    assert evidence_legend() in text


def test_no_internal_file_names_and_the_brief_cites_the_knowledge_base_version(
    kb: KnowledgeBase,
) -> None:
    """No sheet names a repository file; BRIEF cites the knowledge base with its version."""
    assessment = dialysis(kb)
    text = flat(build_sheet(assessment, options(kb)))
    assert not re.search(r"shared/|\w+\.(toml|md)\b", text)
    assert f"rlsdesk knowledge base {kb.version}" in kb.references["BRIEF"].full_citation()
    assert f"rlsdesk knowledge base {kb.version}" in kb.references["KB"].full_citation()


def test_without_citation_texts_reference_ids_print(kb: KnowledgeBase) -> None:
    """Options with no citation texts still number references and print their ids."""
    assessment = typical(kb)
    text = flat(build_sheet(assessment, SheetOptions(generated_at=FIXED_TIME)))
    first = next(d for d in assessment.decisions if d.decision != "not_indicated")
    assert f"1. {first.references[0]}" in text


def test_header_and_patient_block(kb: KnowledgeBase) -> None:
    """Clinic, clinician, time, patient, kidney with source and stage, conditions and IRLS."""
    sheet = options(
        kb, clinic_name="Riverside Clinic", clinic_address="12 Mill Lane", clinician="Dr Byrne"
    )
    first = page_one(build_sheet(typical(kb), sheet))
    for expected in (
        "Riverside Clinic",
        "12 Mill Lane",
        "Clinician: Dr Byrne",
        "Generated 2026-11-03 09:30",
        "Margaret Example",
        "MRN-204817",
        "58 years, female, 71 kg",
        "Not pregnant",
        "eGFR 45 mL/min/1.73 m² (as entered), KDIGO stage G3a; no dialysis",
        "Diabetes",
        "24 / 40 (severe)",
    ):
        assert expected in first


def test_pregnancy_trimester_and_missing_egfr_note(kb: KnowledgeBase) -> None:
    """A pregnant patient's trimester prints; with no eGFR the sheet says why."""
    assessment = run(kb, pregnancy={"status": "pregnant", "trimester": 2})
    text = flat(build_sheet(assessment, options(kb)))
    assert "Pregnant, trimester 2" in text
    assert assessment.egfr.value is None
    assert "eGFR not available" in text


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
    assert re.search(r"Transferrin saturation 17 % 17 % LOW", text)
    assert "2026-05-14 SUPERSEDED by a newer result" in text


def test_imported_lab_prints_its_source(kb: KnowledgeBase) -> None:
    """A result imported from a file shows the file, code and value as the file had them."""
    entry = {
        **lab("ferritin", 38, "ng/mL", "2026-10-28"),
        "source": {
            "file": "results-2026-10.csv",
            "system": "LOINC",
            "code": "2276-4",
            "value": "38",
            "unit": "ug/L",
        },
    }
    text = flat(build_sheet(run(kb, labs=[entry]), options(kb)))
    assert 'imported from results-2026-10.csv, LOINC 2276-4: "38" ug/L' in text


def test_markup_and_control_characters_print_safely(kb: KnowledgeBase) -> None:
    """Quotes, brackets and ampersands print as typed; control characters as escapes."""
    name = "O'Brien <Jr> & Sons"
    assessment = run(
        kb,
        patient={"name": name, "identifier": "<MRN&1>"},
        medications=[{"name": "Tonic <b>forte</b> & co", "dose": "1 < 2 & 3 > 2"}],
    )
    sheet = options(kb, clinic_name="A&B <Clinic>", clinician="Dr <i>Who</i>")
    text = flat(build_sheet(assessment, sheet))
    for exact in (name, "<MRN&1>", "Tonic <b>forte</b> & co", "1 < 2 & 3 > 2", "A&B <Clinic>"):
        assert exact in text
    assert "Dr <i>Who</i>" in text
    patient = assessment.case.patient.model_copy(update={"name": "Eve\x1b[2JX"})
    hostile = assessment.model_copy(
        update={"case": assessment.case.model_copy(update={"patient": patient})}
    )
    assert "Eve\\x1b[2JX" in flat(build_sheet(hostile, options(kb)))


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


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("a4", 595.28, 841.89), ("letter", 612, 792)]
)
def test_page_sizes(kb: KnowledgeBase, page_size: str, width: float, height: float) -> None:
    """A4 and US Letter sheets have the right page boxes on every page."""
    pdf = build_sheet(typical(kb), options(kb, page_size=page_size))
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.1)


def test_handout_gives_the_schedule_in_plain_words(kb: KnowledgeBase) -> None:
    """The handout's 'Your day' reads '21:30, with food: Magnesium'; no notes, refs or tags."""
    assessment = with_schedule(typical(kb))
    without = pages(build_sheet(assessment, options(kb)))
    texts = pages(build_sheet(assessment, options(kb, handout=True)))
    assert len(texts) == len(without) + 1
    handout = folded(texts[-1])
    for heading in ("Your treatment plan", "What to take", "Your day", "What to avoid"):
        assert heading in handout
    assert "7:00, on an empty stomach: levothyroxine •" in handout
    assert "on waking" not in handout, "the clinician's notes stay off the patient's page"
    assert "8:00: Iron, every other day" in handout
    assert "21:30, with food: Magnesium" in handout
    assert "Zoloft can make restless legs worse" in handout
    body = handout[: handout.index("Page ")]
    assert not re.search(r"\brefs?\b|\[(V|S|U|editorial)\b|\bR\d+\b", body)


def test_reproducible_sheets_are_byte_identical(kb: KnowledgeBase) -> None:
    """The same case in reproducible mode gives the same bytes, stamped 2000-01-01 00:00."""
    sheet = with_knowledge_base(SheetOptions(reproducible=True, handout=True), kb)
    first, second = build_sheet(typical(kb), sheet), build_sheet(typical(kb), sheet)
    assert first == second
    assert "Generated 2000-01-01 00:00" in flat(first)


def test_only_embedded_truetype_fonts(kb: KnowledgeBase) -> None:
    """Every font on every page is embedded DejaVu: no base-14 font is relied on."""
    pdf = build_sheet(with_schedule(typical(kb)), options(kb, handout=True))
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
    review = text[text.index("Medication review") : text.index("Laboratory results")]
    assert "NOT CHECKED: Dr Smith's leg formula (supplement) was not recognised" in review
    assert "NOT CHECKED (not recognised)" in review


def test_medication_review_names_each_medicine_once(kb: KnowledgeBase) -> None:
    """Eighty entries of one brand list it once beside its alert, with the alternative."""
    assessment = typical(kb, medications=[{"name": "Zoloft"}] * 80)
    alert = next(a for a in assessment.alerts if a.kind == "aggravates_rls")
    text = flat(build_sheet(assessment, options(kb)))
    review = text[text.index("Medication review") : text.index("Entered medicines")]
    in_message = folded(alert.message).count("Zoloft (sertraline)")
    assert review.count("Zoloft (sertraline)") == 1 + in_message
    assert folded(alert.management)[:60] in review


def test_an_empty_case_still_prints_every_section(kb: KnowledgeBase) -> None:
    """With nothing entered each section says so instead of disappearing."""
    text = flat(build_sheet(run(kb), options(kb)))
    for statement in (
        "No alerts for this patient.",
        "No supplement is indicated or to be avoided on the data given.",
        "Nothing needs to be timed.",
        "No laboratory results were entered.",
        "No medicines or supplements were entered.",
    ):
        assert statement in text


def test_each_decision_block_and_the_signature_are_kept_together(kb: KnowledgeBase) -> None:
    """Every decision's appendix block, and the signature with what precedes it, is one
    KeepTogether: moved to the next page whole rather than split or left alone."""
    assessment = elderly(kb)
    story, _ = compose(assessment, options(kb))
    kept = [item for item in story if isinstance(item, KeepTogether)]
    decided = [d for d in assessment.decisions if d.decision != "not_indicated"]
    assert len(kept) == len(decided) + 1
    closing = kept[0]._content
    disclaimer = next(
        i
        for i, f in enumerate(closing)
        if isinstance(f, Paragraph) and "decision support" in f.text
    )
    assert disclaimer >= 2, "the signature moves with the schedule, tests and follow-up"


def test_no_knowledge_base_text_names_a_repository_file() -> None:
    """Nothing the knowledge base can print cites 'shared/...' or a '.toml'/'.md' file."""
    for path in sorted(knowledge_dir().glob("*.toml")):
        if path.name == "manifest.toml":
            continue
        for text in strings(tomllib.loads(path.read_text("utf-8"))):
            assert not re.search(r"shared/|\w\.(toml|md)\b", text), (path.name, text)
