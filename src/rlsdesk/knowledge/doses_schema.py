"""Strict models of ``knowledge/doses.toml``: how a dose is read, salts, and daily limits.

Source: clinical brief 13.1 (elemental fraction of each salt), 13.2 (unit conversions) and
13.3 (daily limits with their severities and the conditions that raise them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field, model_validator

from rlsdesk.knowledge.schema import AGENT_IDS, Cited, DoseFrequency, Severity, Strict, Trigger

if TYPE_CHECKING:
    from rlsdesk.knowledge.loader import KnowledgeBase

DoseUnit = Literal["mg", "g", "µg", "IU", "mmol", "mEq"]
# Mass units convert among themselves by their size in mg.
MASS_MG: dict[str, float] = {"µg": 0.001, "mg": 1.0, "g": 1000.0}
# The frequencies a structured dose (case DoseDetail.frequency) may name.
DETAIL_FREQUENCIES: tuple[str, ...] = get_args(DoseFrequency)


class Reading(Strict):
    units: dict[str, DoseUnit]
    count_words: tuple[str, ...]
    number_words: dict[str, float]
    elemental_words: tuple[str, ...]
    filler: tuple[str, ...]


class Frequency(Strict):
    """``times`` doses every ``days`` days."""

    times: int = Field(ge=1)
    days: int = Field(ge=1)
    words: tuple[str, ...] = Field(min_length=1)

    @property
    def per_day(self) -> float:
        return self.times / self.days


class Conversion(Cited):
    """One ``unit`` of the agent is ``factor`` ``to``; ``form_words`` select a form's factor."""

    agent: str
    unit: DoseUnit
    factor: float = Field(gt=0)
    to: DoseUnit
    text: str
    form_words: tuple[str, ...] = ()


class Salt(Cited):
    name: str  # the catalogue product that is this salt
    agent: str
    fraction: float = Field(gt=0, le=1)
    words: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class SaltTablet(Cited):
    """A tablet whose typed amount is the salt by convention, with its label's elemental mg."""

    salt: str
    salt_mg: float = Field(gt=0)
    elemental_mg: float = Field(gt=0)


class NamedStrength(Cited):
    """A product whose name states the salt amount of one unit ("Mag-Ox 400")."""

    names: tuple[str, ...] = Field(min_length=1)
    salt: str
    salt_mg: float = Field(gt=0)


class Modifier(Cited):
    """Raises the severity (or adds a step) when ``when`` holds or ``unmeasured`` is missing."""

    severity: Severity | None = None
    when: Trigger | None = None
    unmeasured: str | None = None  # analyte id
    note: str

    @model_validator(mode="after")
    def _one_condition(self) -> Modifier:
        if (self.when is None) == (self.unmeasured is None):
            raise ValueError("a modifier needs exactly one of 'when' and 'unmeasured'")
        return self


class Limit(Cited):
    id: str
    agent: str
    comparison: Literal[">", ">="]
    value: float = Field(gt=0)
    unit: DoseUnit
    name: str
    protects: str
    severity: Severity
    age_at_least: int | None = None
    age_below: int | None = None
    applies_when: Trigger | None = None
    exempt_when_recommended: bool = False  # no alert when this assessment recommends the agent
    management: str
    modifiers: tuple[Modifier, ...] = ()

    def exceeded_by(self, amount: float, limit: float | None = None) -> bool:
        """Whether ``amount`` is beyond the limit; ``limit`` is the value in the amount's unit
        (defaults to the value as written)."""
        limit = self.value if limit is None else limit
        return amount > limit if self.comparison == ">" else amount >= limit

    def applies_to_age(self, age: int) -> bool:
        return (self.age_at_least is None or age >= self.age_at_least) and (
            self.age_below is None or age < self.age_below
        )


class NoLimit(Cited):
    reason: str


class DoseFile(Strict):
    reading: Reading | None = None
    frequency: dict[str, Frequency] = Field(default_factory=dict)
    agent_unit: dict[str, DoseUnit] = Field(default_factory=dict)
    conversion: tuple[Conversion, ...] = ()
    salt: tuple[Salt, ...] = ()
    salt_tablet: tuple[SaltTablet, ...] = ()
    named_strength: tuple[NamedStrength, ...] = ()
    limit: tuple[Limit, ...] = ()
    no_limit: dict[str, NoLimit] = Field(default_factory=dict)


def dose_problems(kb: KnowledgeBase) -> list[str]:
    """Cross-references of doses.toml: agents, references, salts, analytes, frequencies."""
    doses = kb.doses
    problems: list[str] = []
    owner = "doses.toml"
    if doses.reading is None:
        problems.append(f"{owner}: [reading] is missing")
    missing = set(DETAIL_FREQUENCIES) - set(doses.frequency)
    problems += [f"{owner}: frequency.{name} is missing" for name in sorted(missing)]
    if set(doses.agent_unit) != set(AGENT_IDS):
        problems.append(f"{owner}: agent_unit must name exactly the agents {', '.join(AGENT_IDS)}")
    salts = {salt.name for salt in doses.salt}
    cited: list[tuple[str, Cited]] = [
        *((f"conversion {c.agent} {c.unit}", c) for c in doses.conversion),
        *((f"salt {s.name}", s) for s in doses.salt),
        *((f"salt_tablet {t.salt}", t) for t in doses.salt_tablet),
        *((f"named_strength {n.salt}", n) for n in doses.named_strength),
        *((f"limit {lim.id}", lim) for lim in doses.limit),
        *((f"limit {lim.id} modifier", m) for lim in doses.limit for m in lim.modifiers),
        *((f"no_limit {a}", n) for a, n in doses.no_limit.items()),
    ]
    for where, item in cited:
        problems += [
            f"{owner}: {where}: unknown reference {r}"
            for r in item.references
            if r not in kb.references
        ]
    agents = [
        *((f"conversion {c.agent}", c.agent) for c in doses.conversion),
        *((f"salt {s.name}", s.agent) for s in doses.salt),
        *((f"limit {lim.id}", lim.agent) for lim in doses.limit),
        *((f"no_limit {a}", a) for a in doses.no_limit),
    ]
    problems += [
        f"{owner}: {where}: unknown agent {a}" for where, a in agents if a not in kb.agents
    ]
    for salt in doses.salt:
        drug = kb.drugs.get(salt.name)
        if drug is not None and drug.agent != salt.agent:
            problems.append(f"{owner}: salt {salt.name} is {drug.agent} in drugs.toml")
    for salt_name in (
        *(t.salt for t in doses.salt_tablet),
        *(n.salt for n in doses.named_strength),
    ):
        if salt_name not in salts:
            problems.append(f"{owner}: {salt_name} is not a [[salt]]")
    limited = {lim.agent for lim in doses.limit}
    for agent in set(AGENT_IDS) - limited - set(doses.no_limit):
        problems.append(f"{owner}: agent {agent} has neither a [[limit]] nor a [no_limit] entry")
    ids = [lim.id for lim in doses.limit]
    problems += [
        f"{owner}: duplicate limit id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for lim in doses.limit:
        if not _convertible(doses, lim.agent, lim.unit):
            problems.append(f"{owner}: limit {lim.id}: {lim.unit} does not convert for {lim.agent}")
        problems += _trigger_problems(kb, f"{owner}: limit {lim.id}", lim.applies_when)
        for modifier in lim.modifiers:
            problems += _trigger_problems(kb, f"{owner}: limit {lim.id}", modifier.when)
            if modifier.unmeasured and modifier.unmeasured not in kb.analytes:
                problems.append(f"{owner}: limit {lim.id}: unknown analyte {modifier.unmeasured}")
    return problems


def _convertible(doses: DoseFile, agent: str, unit: str) -> bool:
    """Whether an amount in ``unit`` can be counted in the agent's unit (mass units convert
    among themselves; any other unit needs a [[conversion]] for the agent)."""
    counted = doses.agent_unit.get(agent)
    if counted is None or unit == counted or (unit in MASS_MG and counted in MASS_MG):
        return True
    return any(c.agent == agent and unit in (c.unit, c.to) for c in doses.conversion)


def _trigger_problems(kb: KnowledgeBase, owner: str, when: Trigger | None) -> list[str]:
    from rlsdesk.knowledge.loader import KNOWN_FINDINGS  # the loader imports this module

    if when is None:
        return []
    problems = [
        f"{owner}: unknown condition {c}"
        for c in (*([when.condition] if when.condition else []), *when.any_condition)
        if c not in kb.conditions
    ]
    if when.lab is not None:
        analyte = kb.analytes.get(when.lab)
        if analyte is None:
            problems.append(f"{owner}: unknown analyte {when.lab}")
        elif when.unit is not None and when.unit not in analyte.units:
            problems.append(f"{owner}: unit {when.unit} is not a unit of {when.lab}")
    if when.finding is not None and when.finding not in KNOWN_FINDINGS:
        problems.append(f"{owner}: unknown finding {when.finding}")
    problems += [f"{owner}: unknown drug {d}" for d in when.drugs if d not in kb.drugs]
    problems += [
        f"{owner}: unknown drug class {c}" for c in when.classes if c not in kb.class_labels
    ]
    return problems
