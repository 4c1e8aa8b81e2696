"""Reading a free-text dose ("400 mg at night", "2 tabs bid", "50,000 IU weekly") into parts.

Only the words of ``knowledge/doses.toml`` [reading] and [frequency] are understood; any other
word is returned in ``unknown`` so the caller can refuse to guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rlsdesk.knowledge.doses_schema import DoseFile

_NUMBER = r"\d+(?:\.\d+)?"
_THOUSANDS = re.compile(r"(?<=\d)[, ](?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_WORD = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*")


@dataclass(frozen=True)
class Amount:
    value: float  # the larger end of a range
    unit: str
    ranged: bool = False
    elemental: bool = False  # "65 mg elemental"


@dataclass(frozen=True)
class ParsedDose:
    amounts: tuple[Amount, ...] = ()
    count: float | None = None  # dose units per dose ("2 tablets"), larger end of a range
    count_ranged: bool = False
    multiplier: float = 1.0  # "x2", "2 x"
    frequency: str | None = None  # a [frequency] id
    frequency_conflict: bool = False  # two frequencies that disagree: the larger was kept
    elemental: bool = False  # the word "elemental" anywhere
    words: tuple[str, ...] = ()  # every remaining word (salt and product words among them)
    unknown: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.amounts or self.count or self.frequency or self.words)


@dataclass(frozen=True)
class _Patterns:
    frequency: re.Pattern[str]  # every frequency phrase, longest first
    frequency_of: dict[str, str]  # phrase (single-spaced) -> [frequency] id
    amount: re.Pattern[str]
    count: re.Pattern[str]
    multiplier: re.Pattern[str]


def _phrase(words: str) -> str:
    left = r"(?<![^\W_])" if words[0].isalnum() else ""
    right = r"(?![^\W_])" if words[-1].isalnum() or words[-1] == "." else ""
    return left + re.escape(words).replace(r"\ ", r"\s+") + right


# Compiled once per loaded knowledge base (the models are frozen, so the id is stable).
_COMPILED: dict[int, tuple[DoseFile, _Patterns]] = {}


def _patterns(doses: DoseFile) -> _Patterns:
    cached = _COMPILED.get(id(doses))
    if cached is not None and cached[0] is doses:
        return cached[1]
    compiled = _compile(doses)
    _COMPILED[id(doses)] = (doses, compiled)
    return compiled


def _compile(doses: DoseFile) -> _Patterns:
    assert doses.reading is not None
    phrases = sorted(
        ((word, key) for key, freq in doses.frequency.items() for word in freq.words),
        key=lambda item: -len(item[0]),
    )
    frequency = re.compile("|".join(_phrase(word) for word, _ in phrases))
    frequency_of = {word: key for word, key in phrases}
    units = sorted(doses.reading.units, key=len, reverse=True)
    unit_group = "|".join(re.escape(u) for u in units)
    amount = re.compile(
        rf"({_NUMBER})(?:\s*(?:-|to)\s*({_NUMBER}))?\s*({unit_group})(?![^\W_])"
        rf"(\s*\(?\s*(?:{'|'.join(doses.reading.elemental_words)}))?"
    )
    numbers = "|".join([_NUMBER, *(re.escape(w) for w in doses.reading.number_words)])
    counts = "|".join(re.escape(w) for w in doses.reading.count_words)
    count = re.compile(
        rf"(?<![^\W_])({numbers})(?:\s*(?:-|to)\s*({numbers}))?\s*({counts})(?![^\W_])"
    )
    multiplier = re.compile(rf"(?<![^\W_.])(?:x\s*({_NUMBER})|({_NUMBER})\s*x)(?![^\W_])")
    return _Patterns(frequency, frequency_of, amount, count, multiplier)


def normalise(text: str) -> str:
    """Lower case; µ/μ/u-micro alike; thousands separators dropped; a decimal comma read."""
    text = text.lower().replace("μ", "µ").replace("–", "-").replace("½", "0.5")
    return _DECIMAL_COMMA.sub(".", _THOUSANDS.sub("", text))


def parse_dose(text: str, doses: DoseFile, known_words: frozenset[str]) -> ParsedDose:
    """The parts of ``text``; ``known_words`` (product and salt words) are not unknown."""
    assert doses.reading is not None
    if not text.strip():
        return ParsedDose()
    reading = doses.reading
    patterns = _patterns(doses)
    rest = normalise(text)

    found = [patterns.frequency_of[" ".join(m.split())] for m in patterns.frequency.findall(rest)]
    rest = patterns.frequency.sub(" ", rest)
    frequency, conflict = _one_frequency(found, doses)

    amounts: list[Amount] = []
    for match in patterns.amount.finditer(rest):
        low, high, unit, elemental = match.groups()
        amounts.append(
            Amount(float(high or low), reading.units[unit], high is not None, bool(elemental))
        )
    rest = patterns.amount.sub(" ", rest)

    count: float | None = None
    count_ranged = False
    for match in patterns.count.finditer(rest):
        low, high, _ = match.groups()
        value = _number(high or low, reading.number_words)
        count = max(count or 0.0, value)
        count_ranged = count_ranged or high is not None
    rest = patterns.count.sub(" ", rest)

    multiplier = 1.0
    for match in patterns.multiplier.finditer(rest):
        multiplier *= float(match.group(1) or match.group(2))
    rest = patterns.multiplier.sub(" ", rest)

    words = tuple(_WORD.findall(rest))
    ignorable = set(reading.filler) | set(reading.elemental_words) | known_words
    unknown = tuple(w for w in words if w not in ignorable)
    return ParsedDose(
        amounts=tuple(amounts),
        count=count,
        count_ranged=count_ranged,
        multiplier=multiplier,
        frequency=frequency,
        frequency_conflict=conflict,
        elemental=any(w in reading.elemental_words for w in words)
        or any(a.elemental for a in amounts),
        words=words,
        unknown=unknown,
    )


def _number(text: str, words: dict[str, float]) -> float:
    return words[text] if text in words else float(text)


def _one_frequency(found: list[str], doses: DoseFile) -> tuple[str | None, bool]:
    if not found:
        return None, False
    per_day = {key: doses.frequency[key].per_day for key in found}
    largest = max(found, key=lambda key: per_day[key])
    return largest, len(set(per_day.values())) > 1
