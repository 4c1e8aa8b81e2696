"""One medication row's daily elemental amount of its agent, or why it cannot be read.

The structured ``dose_detail`` wins over the text. A text that leaves open whether an amount is
the salt or the elemental amount ("magnesium oxide 400 mg") is read at the larger elemental
reading, and the reading says so (brief 13.1, editorial dose-reading rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlsdesk.domain.case import DoseDetail, MedicationEntry
from rlsdesk.domain.doses.reading import Amount, ParsedDose, normalise, parse_dose
from rlsdesk.domain.doses.units import convert, number_text
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.doses_schema import NamedStrength, Salt
from rlsdesk.knowledge.names import normalize_name

_WORDS = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*")


@dataclass(frozen=True)
class RowDose:
    """A readable dose: ``daily`` is the elemental amount per day in ``unit``."""

    agent: str
    daily: float
    unit: str
    reading: str
    ambiguous: bool  # rests on the larger reading of an open text: at most moderate
    typed: str
    text: str = ""  # name and dose, normalised: a form named there picks its unit factor


@dataclass(frozen=True)
class RowUnread:
    agent: str | None
    reason: str
    typed: str


@dataclass(frozen=True)
class _Product:
    agent: str
    key: str  # the catalogue name the typed name matched, normalised
    remainder: str  # what the typed name says after the product ("400 mg at night")
    salt: Salt | None  # the salt the product is, if the knowledge base knows its fraction
    is_agent_itself: bool  # the name is the agent ("magnesium"), not a product of it
    text: str  # name and dose together, normalised (for salt and form words)


def typed_dose(entry: MedicationEntry) -> str:
    detail = entry.dose_detail
    if detail is not None:
        return f"{number_text(detail.amount)} {detail.unit} {detail.basis}, {detail.frequency}"
    return (entry.dose or "").strip() or entry.name


def read_row(entry: MedicationEntry, agent: str, kb: KnowledgeBase) -> RowDose | RowUnread:
    product = _product(entry, agent, kb)
    if entry.dose_detail is not None:
        return _from_detail(entry.dose_detail, product, kb, typed_dose(entry))
    return _from_text(entry, product, kb)


def _product(entry: MedicationEntry, agent: str, kb: KnowledgeBase) -> _Product:
    key, remainder = _split_name(entry.name, kb)
    found = kb.names.get(key)
    salts = {salt.name: salt for salt in kb.doses.salt}
    salt = None
    if found is not None and len(found.ingredients) == 1:
        salt = salts.get(found.ingredients[0])
    is_agent = found is not None and found.is_agent_name
    text = normalise(f"{entry.name} {entry.dose or ''}")
    return _Product(agent, key, remainder, salt, is_agent, text)


def _split_name(name: str, kb: KnowledgeBase) -> tuple[str, str]:
    """The longest leading words of ``name`` that are a catalogue name, and the rest."""

    # A bracketed catalogue name ("vitamin K2 (MK-7)") names the product, not a dose: it is
    # left out before reading; any other bracket ("(400 mg)") stays part of the dose.
    def named(match: re.Match[str]) -> str:
        return " " if normalize_name(match.group(0)) in kb.names else match.group(0)

    variants = (re.sub(r"\([^)]*\)|\[[^]]*\]", named, name), name)
    for variant in variants:
        ends = [match.end() for match in _WORDS.finditer(variant)]
        for end in reversed(ends):
            key = normalize_name(variant[:end])
            if key in kb.names:
                return key, variant[end:]
    return normalize_name(name), ""


def _from_detail(
    detail: DoseDetail, product: _Product, kb: KnowledgeBase, typed: str
) -> RowDose | RowUnread:
    agent = product.agent
    per_dose = convert(kb.doses, agent, detail.amount, detail.unit, product.text)
    if per_dose is None:
        return RowUnread(agent, f"{detail.unit} is not a unit for {_label(kb, agent)}", typed)
    basis = "elemental"
    if detail.basis == "salt" and detail.unit in ("mg", "g", "µg"):
        if product.salt is None:
            reason = "the dose is entered as salt, but the salt's elemental fraction is not known"
            return RowUnread(agent, reason + ": enter the elemental amount", typed)
        per_dose *= product.salt.fraction
        basis = f"from {product.salt.name} ({_percent(product.salt.fraction)} elemental)"
    per_day = kb.doses.frequency[detail.frequency].per_day
    daily = per_dose * per_day
    unit = kb.doses.agent_unit[agent]
    reading = (
        f"structured dose: {number_text(daily)} {unit}/day {_label(kb, agent)} ({basis}, "
        f"{detail.frequency.replace('_', ' ')})"
    )
    return RowDose(agent, daily, unit, reading, False, typed, product.text)


def _from_text(entry: MedicationEntry, product: _Product, kb: KnowledgeBase) -> RowDose | RowUnread:
    doses = kb.doses
    agent = product.agent
    typed = typed_dose(entry)
    known = _known_words(product, kb)
    dose = parse_dose(entry.dose or "", doses, known)
    name = parse_dose(product.remainder, doses, known)
    unknown = (*dose.unknown, *name.unknown)
    if unknown:
        words = ", ".join(f"'{w}'" for w in dict.fromkeys(unknown))
        if all(w.replace(".", "", 1).isdigit() for w in unknown):
            return RowUnread(agent, f"no amount with a unit ({words} has no unit)", typed)
        return RowUnread(agent, f"words not understood in the dose: {words}", typed)
    named = _named_strength(product, kb)
    strength = None if named is None else named.salt_mg
    salt_of_name = None if named is None else _salt(kb, named.salt)
    amounts = _amounts(dose) or _amounts(name)
    if isinstance(amounts, str):
        return RowUnread(agent, amounts, typed)
    notes: list[str] = []
    ambiguous = False
    if amounts is None and strength is None:
        reason = "no dose entered" if dose.empty and name.empty else "no amount with a unit"
        return RowUnread(agent, reason, typed)
    count = dose.count or name.count
    if dose.count_ranged or name.count_ranged or (amounts is not None and amounts.ranged):
        ambiguous = True
        notes.append("a range: the larger end was used")
    if amounts is not None and dose.amounts and dose.count:
        # "400 mg 2 tablets": per tablet or in total? The larger reading (per tablet) counts.
        ambiguous = True
        notes.append(f"read as {number_text(dose.count)} x {_amount_text(amounts)}")
    per_dose_count = (count or 1.0) * dose.multiplier * name.multiplier
    frequency = dose.frequency or name.frequency
    if dose.frequency_conflict or name.frequency_conflict:
        ambiguous = True
        notes.append("two frequencies given: the more frequent was used")
    if frequency is None:
        notes.append("no frequency given: read as once a day")
    per_day = doses.frequency[frequency or "daily"].per_day

    if amounts is None:
        assert strength is not None
        assert salt_of_name is not None
        per_unit_mg = strength * salt_of_name.fraction
        basis = (
            f"{number_text(strength)} mg {salt_of_name.name} per unit = "
            f"{number_text(per_unit_mg)} mg"
        )
        daily = per_unit_mg * per_dose_count * per_day
        return _row(kb, product, daily, typed, basis, notes, ambiguous)

    per_unit = convert(doses, agent, amounts.value, amounts.unit, product.text)
    if per_unit is None:
        return RowUnread(agent, f"{amounts.unit} is not a unit for {_label(kb, agent)}", typed)
    elemental, basis, open_salt = _elemental(product, amounts, dose.elemental or name.elemental, kb)
    daily = elemental(per_unit) * per_dose_count * per_day
    if open_salt is not None:
        ambiguous = True
        if open_salt.fraction:
            salt_daily = number_text(daily * open_salt.fraction)
            unit = kb.doses.agent_unit[product.agent]
            basis += (
                f"; as {open_salt.name} it would be {salt_daily} {unit}/day "
                f"({_percent(open_salt.fraction)} elemental)"
            )
    return _row(kb, product, daily, typed, basis, notes, ambiguous)


def _row(
    kb: KnowledgeBase,
    product: _Product,
    daily: float,
    typed: str,
    basis: str,
    notes: list[str],
    ambiguous: bool,
) -> RowDose:
    agent = product.agent
    unit = kb.doses.agent_unit[agent]
    text = f"{number_text(daily)} {unit}/day {_label(kb, agent)}"
    reading = "; ".join([f"'{typed}' read as {text}", *([basis] if basis else []), *notes])
    return RowDose(agent, daily, unit, reading, ambiguous, typed, product.text)


def _amounts(parsed: ParsedDose) -> Amount | str | None:
    """The one amount of the text, None without one, or why several cannot be read."""
    if not parsed.amounts:
        return None
    distinct = {(a.value, a.unit) for a in parsed.amounts}
    if len(distinct) == 1:
        return parsed.amounts[0]
    elemental = [a for a in parsed.amounts if a.elemental]
    if len(elemental) == 1:
        return elemental[0]
    listed = ", ".join(_amount_text(a) for a in parsed.amounts)
    return f"more than one amount ({listed}): which one is the dose?"


@dataclass(frozen=True)
class _OpenSalt:
    """The salt a text may mean; fraction 0 when its elemental fraction is not known."""

    name: str
    fraction: float


def _elemental(
    product: _Product, amount: Amount, says_elemental: bool, kb: KnowledgeBase
) -> tuple[_Scale, str, _OpenSalt | None]:
    """How to turn the typed amount into the elemental amount, the words for it, and the salt
    when the text left salt-or-elemental open (then the larger, elemental, reading is used)."""
    mineral = any(salt.agent == product.agent for salt in kb.doses.salt)
    if not mineral or amount.unit in ("IU", "mmol", "mEq"):
        return _Scale(1.0), "", None
    if says_elemental:
        return _Scale(1.0), "stated as elemental", None
    salt, labelled = _salt_named(product, kb)
    if salt is None and product.is_agent_itself:
        return _Scale(1.0), "elemental (no salt named)", None
    if salt is None and labelled:
        return _Scale(1.0), "elemental (a label states the elemental amount)", None
    if salt is not None:
        for tablet in kb.doses.salt_tablet:
            if tablet.salt == salt.name and amount.unit == "mg" and amount.value == tablet.salt_mg:
                scale = tablet.elemental_mg / tablet.salt_mg
                basis = (
                    f"{number_text(tablet.salt_mg)} mg {salt.name} = "
                    f"{number_text(tablet.elemental_mg)} mg elemental (label)"
                )
                return _Scale(scale), basis, None
        if labelled:
            return _Scale(1.0), f"elemental (as {salt.name}, label convention)", None
        basis = "salt or elemental? the larger reading (elemental) was used"
        return _Scale(1.0), basis, _OpenSalt(salt.name, salt.fraction)
    basis = "salt or elemental? the larger reading (elemental) was used; salt fraction unknown"
    return _Scale(1.0), basis, _OpenSalt(product.key, 0.0)


@dataclass(frozen=True)
class _Scale:
    factor: float

    def __call__(self, amount: float) -> float:
        return amount * self.factor


def _salt_named(product: _Product, kb: KnowledgeBase) -> tuple[Salt | None, bool]:
    """The product's salt, or one the text names; and whether the text says "as <salt>"
    (a Supplement Facts label: the amount is elemental)."""
    if product.salt is not None:
        return product.salt, _says_as(product.salt, product.text)
    for salt in kb.doses.salt:
        if salt.agent == product.agent and any(
            re.search(rf"\b{re.escape(word)}\b", product.text) for word in salt.words
        ):
            return salt, _says_as(salt, product.text)
    return None, False


def _says_as(salt: Salt, text: str) -> bool:
    words = "|".join(re.escape(word) for word in sorted(salt.words, key=len, reverse=True))
    return re.search(rf"\bas\s+(?:{words})\b", text) is not None


# (knowledge base, product, agent) -> its known words; the knowledge base is immutable.
_KNOWN: dict[tuple[int, str, str], tuple[KnowledgeBase, frozenset[str]]] = {}


def _known_words(product: _Product, kb: KnowledgeBase) -> frozenset[str]:
    """Words that name the product, its agent or a salt: not dose words, but not unknown."""
    key = (id(kb), product.key, product.agent)
    cached = _KNOWN.get(key)
    if cached is not None and cached[0] is kb:
        return cached[1]
    words = _name_words(product, kb)
    if len(_KNOWN) > 10_000:  # many distinct typed names in one long session
        _KNOWN.clear()
    _KNOWN[key] = (kb, words)
    return words


def _name_words(product: _Product, kb: KnowledgeBase) -> frozenset[str]:
    texts = [product.key, product.agent.replace("_", " "), kb.agents[product.agent].label]
    texts += list(kb.agents[product.agent].aliases)
    texts += [w for salt in kb.doses.salt if salt.agent == product.agent for w in salt.words]
    texts += [w for c in kb.doses.conversion if c.agent == product.agent for w in c.form_words]
    found = kb.names.get(product.key)
    if found is not None:
        texts += list(found.ingredients)
    return frozenset(w for text in texts for w in _WORDS.findall(normalise(text)))


def _named_strength(product: _Product, kb: KnowledgeBase) -> NamedStrength | None:
    for strength in kb.doses.named_strength:
        if product.key in {normalize_name(name) for name in strength.names}:
            return strength
    return None


def _salt(kb: KnowledgeBase, name: str) -> Salt:
    return next(salt for salt in kb.doses.salt if salt.name == name)


def _amount_text(amount: Amount) -> str:
    return f"{number_text(amount.value)} {amount.unit}"


def _percent(fraction: float) -> str:
    return f"{number_text(fraction * 100)} %"


def _label(kb: KnowledgeBase, agent: str) -> str:
    label = kb.agents[agent].label  # "Vitamin D" -> "vitamin D": only the first letter
    return label[:1].lower() + label[1:]
