"""Strict models of knowledge/drugs.toml: the drug catalogue, its classes and combination
products, brand suffixes and the spelling-correction thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rlsdesk.knowledge.schema import Strict


class DrugClass(Strict):
    id: str
    label: str
    parents: tuple[str, ...] = ()


class Drug(Strict):
    name: str
    classes: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    agent: str | None = None


class Combination(Strict):
    name: str
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = Field(min_length=2)


class BrandSuffix(Strict):
    """A word a brand adds to a product's name ('Lotensin HCT', 'Claritin-D', 'Ambien CR'):
    the ingredients it adds (none for a release form). ``base`` says after which products the
    meaning holds: 'D' is pseudoephedrine after a medication, vitamin D after a supplement."""

    suffix: str
    base: Literal["medication", "supplement", "any"] = "any"
    ingredients: tuple[str, ...] = ()
    meaning: str


class SpellingRule(Strict):
    """How sure a spelling correction must be (similarity 0-1 of the typed and catalogue
    words): the closest entry must reach ``correct_at_least`` and beat every other entry by
    ``margin``; otherwise entries reaching ``suggest_at_least`` are offered."""

    min_length: int = Field(ge=1)
    correct_at_least: float = Field(gt=0, le=1)
    margin: float = Field(ge=0, le=1)
    suggest_at_least: float = Field(gt=0, le=1)
    max_suggestions: int = Field(ge=0)


class DrugFile(Strict):
    # TOML's [[class]] array key is a Python keyword, hence the alias.
    classes: tuple[DrugClass, ...] = Field(alias="class")
    drug: tuple[Drug, ...]
    combination: tuple[Combination, ...]
    suffix: tuple[BrandSuffix, ...] = ()
    spelling: SpellingRule | None = None
    # dose-form and instruction words that name no product ('tablets', 'chewable', 'nightly')
    filler_words: tuple[str, ...] = ()
