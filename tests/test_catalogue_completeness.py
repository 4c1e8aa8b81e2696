"""The catalogue is complete by construction: derived from the knowledge base itself, every
class rule reaches every member, every combination holds its ingredients, and typed
combinations never lose a part (issue 14 items 2-5)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_case
from rlsdesk.domain.case import MedicationEntry, parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.domain.engine.medications import resolve_medication
from rlsdesk.knowledge import load_knowledge_base
from rlsdesk.knowledge.names import normalize_name

KB = load_knowledge_base()
CLASS_INTERACTIONS = [r for r in KB.interactions if r.classes and len(r.agents) == 1]
CLASS_ALERTS = [r for r in KB.medication_alerts if r.classes]


def members(classes: tuple[str, ...]) -> list[str]:
    """Every catalogue drug (not a supplement product) in any of the classes."""
    wanted = set(classes)
    return sorted(n for n, d in KB.drugs.items() if d.agent is None and wanted & KB.classes_of(n))


def alert_codes(**overrides: Any) -> set[str]:
    return {a.code for a in assess(parse_case(make_case(**overrides), KB), KB).alerts}


def own_rules(agent: str, drug: str) -> list[str]:
    """Member-specific rules for the agent that name the drug (they take the class's place)."""
    return [r.id for r in KB.interactions if agent in r.agents and drug in r.drugs]


@pytest.mark.parametrize("rule", CLASS_INTERACTIONS, ids=lambda r: r.id)
def test_class_interaction_reaches_every_member(rule: Any) -> None:
    """Every member of the class fires the class rule or a rule naming that member."""
    agent = rule.agents[0]
    silent = []
    for drug in members(rule.classes):
        medications = [{"name": drug}] + [{"name": d} for d in rule.with_drugs]
        codes = alert_codes(
            medications=medications, supplements=[{"name": agent.replace("_", " ")}]
        )
        expected = {f"{rule.id}:{drug}"} | {f"{r}:{drug}" for r in own_rules(agent, drug)}
        if not expected & codes:
            silent.append(drug)
    assert not silent, f"{rule.id} is silent for {silent}"


@pytest.mark.parametrize("rule", CLASS_ALERTS, ids=lambda r: r.id)
def test_class_medication_alert_reaches_every_member(rule: Any) -> None:
    """Every member of an aggravating or cramp-causing class raises the class's alert."""
    presentation = {"rls": rule.requires == "rls", "leg_cramps": rule.requires == "leg_cramps"}
    silent = [
        drug
        for drug in members(rule.classes)
        if f"{rule.id}:{drug}"
        not in alert_codes(medications=[{"name": drug}], presentation=presentation)
    ]
    assert not silent, f"{rule.id} is silent for {silent}"


COMBINATIONS = sorted(
    {e.name: e for e in KB.names.values() if len(e.ingredients) > 1}.values(), key=lambda e: e.name
)


@pytest.mark.parametrize("entry", COMBINATIONS, ids=lambda e: e.name)
def test_combination_product_holds_every_ingredient(entry: Any) -> None:
    """Each combination product resolves to all of its ingredients, each a catalogue drug."""
    assert all(i in KB.drugs for i in entry.ingredients)
    result, _, _ = resolve_medication(MedicationEntry(name=entry.name), "medication", KB)
    assert sorted(result.ingredients) == sorted(entry.ingredients)


def typed_forms(ingredients: tuple[str, ...]) -> list[str]:
    return ["/".join(ingredients), " + ".join(ingredients), "-".join(ingredients)]


@pytest.mark.parametrize("entry", COMBINATIONS, ids=lambda e: e.name)
def test_generated_typed_combinations_keep_every_part(entry: Any) -> None:
    """'A/B', 'A + B', 'A-B' in either order: every part resolves, none is dropped."""
    for ingredients in (entry.ingredients, tuple(reversed(entry.ingredients))):
        for typed in typed_forms(ingredients):
            result, _, _ = resolve_medication(MedicationEntry(name=typed), "medication", KB)
            assert sorted(result.ingredients) == sorted(entry.ingredients), typed
            assert result.unresolved_parts == [], typed


def brands_with_suffixes() -> list[tuple[str, tuple[str, str]]]:
    """(brand, suffix key) for every suffix, with the first drug brand it fits."""
    found = []
    for key, suffix in KB.suffixes.items():
        for drug in sorted(KB.drugs.values(), key=lambda d: d.name):
            base = "supplement" if drug.agent else "medication"
            if drug.brands and suffix.base in (base, "any"):
                found.append((drug.brands[0], key))
                break
    return found


@pytest.mark.parametrize(("brand", "key"), brands_with_suffixes())
def test_brand_with_suffix_resolves_or_reports(brand: str, key: tuple[str, str]) -> None:
    """A brand + suffix gains the suffix's ingredients; a release form adds nothing."""
    base = resolve_medication(MedicationEntry(name=brand), "medication", KB)[0]
    meaning = KB.suffixes[key]
    typed = f"{brand} {meaning.suffix}"
    result = resolve_medication(MedicationEntry(name=typed), "medication", KB)[0]
    if KB.names.get(normalize_name(typed)) is None:
        assert set(result.ingredients) == set(base.ingredients) | set(meaning.ingredients)
    assert result.unresolved_parts == []


@pytest.mark.parametrize(
    "name",
    [
        "triprolidine",
        "dexchlorpheniramine",
        "pyrilamine",
        "pheniramine",
        "alimemazine",
    ],
)
def test_named_sedating_antihistamines_worsen_rls(name: str) -> None:
    """Each sedating antihistamine the audit found missing now raises the RLS alert."""
    codes = alert_codes(medications=[{"name": name}], presentation={"rls": True})
    assert f"rls.sedating_antihistamine:{name}" in codes


@pytest.mark.parametrize(
    ("brand", "ingredients"),
    [
        ("Glucovance", {"glyburide", "metformin"}),
        ("Tribenzor", {"olmesartan", "amlodipine", "hydrochlorothiazide"}),
        ("Twynsta", {"telmisartan", "amlodipine"}),
        ("Tarka", {"trandolapril", "verapamil"}),
        ("Invokamet", {"canagliflozin", "metformin"}),
        ("Kazano", {"alogliptin", "metformin"}),
        ("Symbyax", {"olanzapine", "fluoxetine"}),
        ("Vimovo", {"naproxen", "esomeprazole"}),
        ("methyclothiazide", {"methyclothiazide"}),
    ],
)
def test_missing_products_are_in_the_catalogue(brand: str, ingredients: set[str]) -> None:
    """Each product the audit found missing resolves with all its ingredients."""
    result = resolve_medication(MedicationEntry(name=brand), "medication", KB)[0]
    assert set(result.ingredients) == ingredients


def test_iv_bisphosphonate_is_not_an_oral_one() -> None:
    """IV zoledronic acid gives no oral chelation rule with iron, calcium or magnesium."""
    codes = alert_codes(
        medications=[{"name": "zoledronic acid"}],
        supplements=[{"name": "iron"}, {"name": "calcium"}, {"name": "magnesium"}],
    )
    assert not [c for c in codes if c.endswith(":zoledronic acid")]


@pytest.mark.parametrize(
    ("drug", "hours"), [("alendronate", 0.5), ("risedronate", 0.5), ("ibandronate", 1)]
)
def test_each_bisphosphonate_has_its_label_time(drug: str, hours: float) -> None:
    """Calcium waits each bisphosphonate's own label time (ibandronate 60 min, not 30)."""
    rule = next(r for r in KB.interactions if r.id == f"calcium.{drug}")
    assert rule.separation is not None
    assert rule.separation.drug_before_h == hours
    assert f"{int(hours * 60)} min" in rule.management


def test_juluca_has_its_own_rule() -> None:
    """Dolutegravir/rilpivirine: 4 h before or 6 h after, and not the dolutegravir 2 h rule."""
    codes = alert_codes(medications=[{"name": "Juluca"}], supplements=[{"name": "iron"}])
    assert "iron.dolutegravir_rilpivirine:dolutegravir" in codes
    assert "iron.dolutegravir:dolutegravir" not in codes
    rule = next(r for r in KB.interactions if r.id == "iron.dolutegravir_rilpivirine")
    assert rule.separation is not None
    assert (rule.separation.drug_before_h, rule.separation.drug_after_h) == (4, 6)
    dolutegravir = next(r for r in KB.interactions if r.id == "iron.dolutegravir")
    assert "4 h" not in dolutegravir.management


def test_copper_alone_gives_no_zinc_alert() -> None:
    """Zinc with a copper supplement is not the copper risk: high-dose zinc itself is."""
    codes = alert_codes(medications=[{"name": "copper"}], supplements=[{"name": "zinc"}])
    assert not [c for c in codes if c.startswith("zinc.") and "copper" in c]


def test_mycophenolic_acid_has_the_mycophenolate_rule() -> None:
    """Enteric-coated mycophenolic acid gets the mycophenolate iron rule, tagged as the brief."""
    codes = alert_codes(medications=[{"name": "Myfortic"}], supplements=[{"name": "iron"}])
    assert "iron.mycophenolate:mycophenolic acid" in codes
    rule = next(r for r in KB.interactions if r.id == "iron.mycophenolate")
    assert (rule.evidence, rule.references) == ("V", ("R25",))


@pytest.mark.parametrize("agent", ["iron", "magnesium", "calcium"])
def test_unverified_integrase_inhibitors_alert_with_label_check(agent: str) -> None:
    """Bictegravir, cabotegravir and elvitegravir get the class's [U] chelation alert."""
    rule = next(r for r in KB.interactions if r.id == f"{agent}.other_integrase_inhibitor")
    assert rule.evidence == "U"
    assert "check the product label" in rule.management
    for drug in ("bictegravir", "cabotegravir", "elvitegravir"):
        codes = alert_codes(medications=[{"name": drug}], supplements=[{"name": agent}])
        assert f"{rule.id}:{drug}" in codes


@pytest.mark.parametrize("name", ["Cabenuva", "Apretude", "Boniva injection", "pamidronate"])
def test_injected_forms_get_no_oral_chelation_rule(name: str) -> None:
    """Intramuscular and intravenous forms are not given the oral chelation rules."""
    codes = alert_codes(
        medications=[{"name": name}],
        supplements=[{"name": "iron"}, {"name": "calcium"}, {"name": "magnesium"}],
    )
    assert not [
        c for c in codes if c.split(".")[0] in ("iron", "calcium", "magnesium") and ":" in c
    ]
