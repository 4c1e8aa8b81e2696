"""Typed medication names: combinations keep every ingredient, brand suffixes, dose words,
spelling correction, suggestions and duplicate therapy (issue 14 items 1-2, issue 9 item 8)."""

from __future__ import annotations

import dataclasses
from difflib import SequenceMatcher

import pytest

from conftest import make_case
from rlsdesk.domain.case import MedicationEntry, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.medications import resolve_medication
from rlsdesk.domain.engine.spelling import closest_entries
from rlsdesk.knowledge import load_knowledge_base

KB = load_knowledge_base()


def read(name: str, kind: str = "medication") -> tuple[list[str], list[str], str | None]:
    result, _, _ = resolve_medication(MedicationEntry(name=name), kind, KB)
    return sorted(result.ingredients), result.unresolved_parts, result.resolved


@pytest.mark.parametrize(
    ("typed", "ingredients"),
    [
        ("HCTZ/triamterene", ["hydrochlorothiazide", "triamterene"]),
        (
            "emtricitabine/tenofovir alafenamide/bictegravir",
            ["bictegravir", "emtricitabine", "tenofovir alafenamide"],
        ),
        ("glyburide/metformin", ["glyburide", "metformin"]),
        ("olanzapine/fluoxetine", ["fluoxetine", "olanzapine"]),
        ("amitriptyline/perphenazine", ["amitriptyline", "perphenazine"]),
        ("Tekturna HCT", ["aliskiren", "hydrochlorothiazide"]),
        ("Lotensin HCT", ["benazepril", "hydrochlorothiazide"]),
        ("Micardis HCT", ["hydrochlorothiazide", "telmisartan"]),
        ("Lopressor HCT", ["hydrochlorothiazide", "metoprolol"]),
        ("Exforge HCT", ["amlodipine", "hydrochlorothiazide", "valsartan"]),
        ("hydrochlorothiazide-triamterene", ["hydrochlorothiazide", "triamterene"]),
        ("hydrochlorothiazide + triamterene", ["hydrochlorothiazide", "triamterene"]),
        ("hydrochlorothiazide and triamterene", ["hydrochlorothiazide", "triamterene"]),
        ("Tylenol with codeine #3", ["acetaminophen", "codeine"]),
        ("Claritin-D", ["loratadine", "pseudoephedrine"]),
        ("Advil PM", ["diphenhydramine", "ibuprofen"]),
    ],
)
def test_typed_combination_keeps_every_ingredient(typed: str, ingredients: list[str]) -> None:
    """Every ingredient of a typed combination or brand + suffix is resolved, none dropped."""
    found, unresolved, _ = read(typed)
    assert found == ingredients
    assert unresolved == []


@pytest.mark.parametrize(
    ("typed", "ingredients"),
    [
        ("Magnesium oxide 400 mg at night", ["magnesium oxide"]),
        ("co-careldopa 25/100", ["carbidopa", "levodopa"]),
        ("Sinemet 25/100 three times daily", ["carbidopa", "levodopa"]),
        ("metoprolol XL", ["metoprolol"]),
        ("Zoloft (sertraline)", ["sertraline"]),
        ("magnesium oxide tablets", ["magnesium oxide"]),
    ],
)
def test_dose_words_release_forms_and_hyphenated_names(typed: str, ingredients: list[str]) -> None:
    """Dose words, release-form suffixes and hyphenated catalogue names resolve whole."""
    found, unresolved, _ = read(typed)
    assert (found, unresolved) == (ingredients, [])


def test_calcium_plus_d_is_vitamin_d_after_a_supplement() -> None:
    """'D' after a calcium product is vitamin D; after an antihistamine it is pseudoephedrine."""
    result, drugs, agents = resolve_medication(MedicationEntry(name="Tums + D"), "supplement", KB)
    assert agents == ("calcium", "vitamin_d")
    assert result.resolved == "calcium/vitamin_d"
    assert drugs == ()
    assert "pseudoephedrine" in read("Allegra-D 12 hour")[0]


def test_unresolved_part_is_reported_and_alerted() -> None:
    """A part that matches nothing is listed and gives a 'not checked' alert; the rest is read."""
    found, unresolved, resolved = read("hydrochlorothiazide/zzqqx")
    assert found == ["hydrochlorothiazide"]
    assert unresolved == ["zzqqx"]
    case = make_case(medications=[{"name": "hydrochlorothiazide/zzqqx"}])
    result = assess(parse_case(case, KB), KB)
    alert = next(a for a in result.alerts if a.code == "unrecognized:0:1")
    assert "zzqqx" in alert.message
    assert "NOT CHECKED" in alert.message
    assert alert.kind == "unrecognized"
    assert resolved == "hydrochlorothiazide"


def test_whole_unrecognised_name_alerts_with_suggestions() -> None:
    """An unrecognised name alerts as not checked and offers at most three suggestions."""
    case = make_case(medications=[{"name": "hydrozine"}])
    result = assess(parse_case(case, KB), KB)
    medication = result.medications[0]
    assert medication.resolved is None
    assert 1 <= len(medication.suggestions) <= 3
    assert {"hydroxyzine", "hydralazine"} <= {s.lower() for s in medication.suggestions}
    alert = next(a for a in result.alerts if a.code == "unrecognized:0")
    assert "Did you mean" in alert.management


def test_spelling_correction_is_reported() -> None:
    """A clearly closest misspelling is corrected and says so on its row; being recognised,
    it raises no 'not recognised' alert."""
    case = make_case(medications=[{"name": "sertrallinne"}])
    result = assess(parse_case(case, KB), KB)
    medication = result.medications[0]
    assert medication.resolved == "sertraline"
    assert medication.corrected_from == "sertrallinne"
    assert not [a for a in result.alerts if a.kind == "unrecognized"]


def test_two_close_drugs_are_suggested_not_corrected() -> None:
    """Between two similarly spelt drugs the resolver suggests and never guesses."""
    _, unresolved, resolved = read("hydrozine")
    assert resolved is None
    assert unresolved == ["hydrozine"]


def test_short_typo_is_never_corrected() -> None:
    """A name shorter than the knowledge base's minimum is not corrected."""
    assert KB.spelling is not None
    typed = "sertraline"[: KB.spelling.min_length - 1]
    assert read(typed)[2] != "sertraline"


@pytest.mark.parametrize(
    ("entries", "generic"),
    [
        (["Zoloft", "sertraline 50 mg"], "sertraline"),
        (["Sinemet", "levodopa"], "levodopa"),
        (["Glucovance", "metformin"], "metformin"),
    ],
)
def test_same_drug_twice_is_duplicate_therapy(entries: list[str], generic: str) -> None:
    """A drug in two entries (brand and generic, or a shared ingredient) alerts, naming both."""
    case = make_case(medications=[{"name": name} for name in entries])
    result = assess(parse_case(case, KB), KB)
    alert = next(a for a in result.alerts if a.code == f"duplicate_therapy:{generic}")
    assert alert.kind == "interaction"
    assert alert.drugs == [generic]
    assert alert.applies_to == "taking"
    assert all(f"'{name}'" in alert.message for name in entries)


def test_different_drugs_are_not_duplicates() -> None:
    """Two different drugs never give a duplicate-therapy alert."""
    case = make_case(medications=[{"name": "sertraline"}, {"name": "metformin"}])
    result = assess(parse_case(case, KB), KB)
    assert not [a for a in result.alerts if a.code.startswith("duplicate_therapy:")]


def test_first_word_of_two_drugs_is_ambiguous_not_misspelt() -> None:
    """'tenofovir' starts two different drugs: both are suggested, neither is chosen."""
    result = resolve_medication(MedicationEntry(name="tenofovir"), "medication", KB)[0]
    assert result.resolved is None
    assert result.corrected_from is None
    assert len(result.suggestions) >= 2


@pytest.mark.parametrize(
    ("typed", "agent"),
    [
        ("vitamin B 12 1000 mcg", "vitamin_b12"),
        ("B-12", "vitamin_b12"),
        ("vitamin D 3 1000 IU", "vitamin_d"),
        ("vitamin D 50 mcg", "vitamin_d"),
        ("MK-7 180 mcg", "vitamin_k2"),
    ],
)
def test_vitamin_numbers_belong_to_the_name_and_doses_do_not(typed: str, agent: str) -> None:
    """'B 12' and 'D 3' are names; '50' after 'vitamin D' is a dose, never an unknown part."""
    result, _, agents = resolve_medication(MedicationEntry(name=typed), "supplement", KB)
    assert agents == (agent,)
    assert result.unresolved_parts == []


@pytest.mark.parametrize(("offset", "corrected"), [(-0.001, True), (0.0, True), (0.001, False)])
def test_correction_threshold_at_below_and_above(offset: float, corrected: bool) -> None:
    """A misspelling is corrected exactly when its similarity reaches the KB's threshold."""
    assert KB.spelling is not None
    typed, target = "sertrallinne", "sertraline"
    similarity = SequenceMatcher(None, target, typed, autojunk=False).ratio()
    rule = KB.spelling.model_copy(update={"correct_at_least": similarity + offset})
    kb = dataclasses.replace(KB, spelling=rule)
    match = closest_entries(typed, kb)
    assert (match.correction is not None and match.correction.name == target) is corrected


def test_salt_in_parentheses_names_the_product() -> None:
    """'Iron (ferrous sulfate) 325 mg' keeps the salt, so the dose check knows what it reads."""
    result, _, agents = resolve_medication(
        MedicationEntry(name="Iron (ferrous sulfate) 325 mg"), "supplement", KB
    )
    assert agents == ("iron",)
    assert result.resolved == "iron"
    assert result.ingredients == ["ferrous sulfate"]


def test_explanation_in_parentheses_is_not_an_unknown_part() -> None:
    """'magnesium (as oxide)' is magnesium: words in parentheses that name nothing are dropped."""
    result, _, agents = resolve_medication(
        MedicationEntry(name="magnesium (as oxide) 250 mg x2"), "supplement", KB
    )
    assert agents == ("magnesium",)
    assert result.unresolved_parts == []
