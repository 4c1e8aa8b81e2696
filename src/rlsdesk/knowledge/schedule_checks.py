"""Cross-references of schedule.toml: every name it uses exists elsewhere in the knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from rlsdesk.knowledge.schema import Severity

if TYPE_CHECKING:
    from rlsdesk.knowledge.loader import KnowledgeBase

OWNER = "schedule.toml"
SEVERITY_RANK: tuple[str, ...] = get_args(Severity)  # most severe first


def schedule_problems(kb: KnowledgeBase) -> list[str]:
    schedule = kb.schedule
    parts = set(schedule.day_part)
    problems: list[str] = []
    if "day" not in parts:
        problems.append(f"{OWNER}: day_part.day (the whole day, for untimed items) is missing")
    for key, frequency in schedule.frequency.items():
        problems += [
            f"{OWNER}: frequency.{key}: unknown day part {p}"
            for p in frequency.parts
            if p not in parts
        ]
    seen: set[str] = set()
    # one level only: an agent taken with another is never itself the one others join
    partners_of_others = {a for t in schedule.timing if t.together_with for a in t.agents}
    for timing in schedule.timing:
        owner = f"{OWNER}: timing {timing.id}"
        if timing.id in seen:
            problems.append(f"{owner}: duplicate id")
        seen.add(timing.id)
        problems += [
            f"{owner}: unknown reference {r}" for r in timing.references if r not in kb.references
        ]
        problems += [f"{owner}: unknown agent {a}" for a in timing.agents if a not in kb.agents]
        problems += [f"{owner}: unknown drug {d}" for d in timing.drugs if d not in kb.drugs]
        problems += [
            f"{owner}: unknown drug class {c}" for c in timing.classes if c not in kb.class_labels
        ]
        if timing.part is not None and timing.part not in parts:
            problems.append(f"{owner}: unknown day part {timing.part}")
        if timing.together_with is not None and timing.together_with not in kb.agents:
            problems.append(f"{owner}: unknown agent {timing.together_with}")
        if timing.together_with in partners_of_others:
            problems.append(f"{owner}: {timing.together_with} is itself taken with another")
    policy = schedule.alert_policy
    for cited in (policy, *policy.grade):
        problems += [
            f"{OWNER}: alert_policy: unknown reference {r}"
            for r in cited.references
            if r not in kb.references
        ]
    if not set(policy.interruptive) <= set(policy.shown):
        problems.append(f"{OWNER}: alert_policy: an interruptive severity must also be shown")
    if list(policy.shown) != list(SEVERITY_RANK[: len(policy.shown)]):
        problems.append(f"{OWNER}: alert_policy.shown must be the most severe grades, in order")
    return problems
