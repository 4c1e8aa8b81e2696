"""Strict models and cross-checks of ``knowledge/class_audit.toml``.

The class audit records, per drug class the brief names, which standard list of members (the
WHO ATC index) the catalogue was checked against, when, which members were checked and which
were left out and why (issue 14 item 4), so that the next audit starts from a record.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from rlsdesk.knowledge.names import normalize_name
from rlsdesk.knowledge.schema import Strict

if TYPE_CHECKING:
    from rlsdesk.knowledge.loader import KnowledgeBase

OWNER = "class_audit.toml"
# An ATC code at any level from the anatomical group ("C") to the substance ("C03AA03").
AtcCode = Annotated[str, Field(pattern=r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")]
Reason = Annotated[str, Field(min_length=1)]


class AuditSource(Strict):
    id: str
    citation: str
    url: str | None = None


class OutsideSource(Strict):
    """A catalogue member that the source's codes do not list, and why it is a member."""

    name: str
    reason: Reason


class LeftOut(Strict):
    """A member of the source's list that the class does not hold: why (a [reason] id of the
    file, so reasons can be counted and re-checked by kind) and the particulars."""

    name: str
    atc: AtcCode
    why: str
    detail: str | None = None


class ClassAudit(Strict):
    class_id: str = Field(alias="class")
    atc: tuple[AtcCode, ...] = Field(min_length=1)
    source: str
    checked: date
    members: tuple[str, ...] = Field(min_length=1)
    # each member's ATC code(s) as read: a newer ATC list is compared code by code
    member_atc: dict[str, tuple[AtcCode, ...]] = Field(default_factory=dict)
    # members whose current US/UK/EU marketing the auditor could not confirm
    unconfirmed: tuple[str, ...] = ()
    note: str | None = None
    outside_source: tuple[OutsideSource, ...] = ()
    left_out: tuple[LeftOut, ...] = ()


class ClassAuditFile(Strict):
    market_status_basis: str
    reason: dict[str, Reason] = Field(min_length=1)  # reason id -> text, for left_out.why
    source: tuple[AuditSource, ...] = Field(min_length=1)
    class_audit: tuple[ClassAudit, ...] = Field(min_length=1)


def class_audit_problems(kb: KnowledgeBase) -> list[str]:
    """Every audited class exists; every member it lists is a catalogue drug of that class;
    nothing it leaves out is held in the class after all."""
    audit = kb.class_audit
    if audit is None:
        return []
    problems: list[str] = []
    sources = {source.id for source in audit.source}
    repeated = Counter(entry.class_id for entry in audit.class_audit)
    problems += [f"{OWNER}: class {c} is audited twice" for c, n in repeated.items() if n > 1]
    for entry in audit.class_audit:
        owner = f"{OWNER}: class_audit {entry.class_id}"
        if entry.class_id not in kb.class_labels:
            problems.append(f"{owner}: unknown drug class {entry.class_id}")
        if entry.source not in sources:
            problems.append(f"{owner}: unknown source {entry.source}")
        problems += _member_problems(owner, entry, kb)
        problems += [
            f"{owner}: {left.name} has unknown reason {left.why}"
            for left in entry.left_out
            if left.why not in audit.reason
        ]
    return problems


def _member_problems(owner: str, entry: ClassAudit, kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    members = set(entry.members)
    for name, count in Counter(entry.members).items():
        if count > 1:
            problems.append(f"{owner}: member {name} is listed twice")
        drug = kb.drugs.get(name)
        if drug is None:
            problems.append(f"{owner}: member {name} is not in drugs.toml")
        elif entry.class_id not in drug.classes:
            problems.append(
                f"{owner}: member {name} is in drugs.toml without class {entry.class_id}"
            )
    annotated = (*entry.unconfirmed, *entry.member_atc, *(i.name for i in entry.outside_source))
    for name in annotated:
        if name not in members:
            problems.append(f"{owner}: {name} is annotated but not listed as a member")
    for left in entry.left_out:
        # a left-out combination product may contain members (magaldrate: two antacids)
        found = kb.names.get(normalize_name(left.name))
        held = (
            found is not None
            and len(found.ingredients) == 1
            and entry.class_id in kb.drugs[found.ingredients[0]].classes
        )
        if held:
            problems.append(
                f"{owner}: {left.name} is left out but drugs.toml holds it in the class"
            )
    return problems
