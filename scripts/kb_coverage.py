"""Brief rows against knowledge-base entries: every interaction-table row of sections 3-5 of
the clinical brief is matched by a rule or explained (kb_coverage_explanations.toml).

    python scripts/kb_coverage.py [--brief PATH]
    python scripts/kb_coverage.py --audit
    python scripts/kb_coverage.py --atc "WHO ATC-DDD 2026-04-25.csv"

Prints one line per row; exits 1 when a row is neither matched nor explained, 0 otherwise
(also when the brief is absent: there is nothing to audit). With --audit it prints instead the
class audit (knowledge/class_audit.toml): per drug class, the ATC codes and source checked, the
date, the members checked and every member left out with the reason. With --atc it compares
the audit with an ATC list (CSV with atc_code and atc_name columns, as github.com/fabkury/atcd
publishes the WHO index) and exits 1 when a substance under an audited code is neither a
member's code nor left out: a new class member to decide on.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rlsdesk.knowledge import KnowledgeBase, load_knowledge_base
from rlsdesk.knowledge.names import normalize_name

HERE = Path(__file__).resolve().parent
DEFAULT_BRIEF = HERE.parents[1] / "shared" / "clinical-brief.md"
EXPLANATIONS = HERE / "kb_coverage_explanations.toml"
# The agent each subsection of section 3 is about ("### 3.2 Magnesium").
_SECTION = re.compile(r"^###? (\d+(?:\.\d+)?) (.*)$")
_CELL_MARKUP = re.compile(r"\*\*|\*|\[[VSU/a-z ]+\]")


@dataclass(frozen=True)
class Row:
    section: str
    title: str
    subject: str  # the row's first cell, markup removed


def brief_rows(text: str) -> Iterator[Row]:
    """Rows of the drug/class/condition tables of sections 3, 4.1 and 5 (first table)."""
    section = title = ""
    in_table = False
    for line in text.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section, title = heading.groups()
            in_table = False
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not in_table:
            in_table = bool(re.match(r"(interacting )?(drug|class|condition)", cells[0], re.I))
            continue
        if set(cells[0]) <= {"-", ":", " "} or not _wanted(section):
            continue
        # 4.1 names its examples in the second column ("Representative drugs").
        subject = cells[0] + (f" ({cells[1]})" if section == "4.1" else "")
        yield Row(section, title, _CELL_MARKUP.sub("", subject).strip())


def _wanted(section: str) -> bool:
    return section.startswith("3.") or section in ("4.1", "5")


def _agent_of(title: str, kb: KnowledgeBase) -> str | None:
    """The agent a subsection is about: 'Potassium supplements (KCl, ...)' -> potassium."""
    words = normalize_name(title.split("(")[0]).split()
    for length in range(len(words), 0, -1):
        entry = kb.names.get(" ".join(words[:length]))
        if entry is not None and entry.agent is not None:
            return entry.agent
    return None


def _drugs_named(text: str, kb: KnowledgeBase) -> set[str]:
    words = normalize_name(text).split()
    found: set[str] = set()
    for start in range(len(words)):
        for length in range(kb.longest_name_words, 0, -1):
            phrase = " ".join(words[start : start + length])
            entry = kb.names.get(phrase) or kb.names.get(phrase.removesuffix("s"))
            if entry is not None:
                found |= {d for d in entry.ingredients if kb.drugs[d].agent is None}
                break
    return found


def _classes_named(text: str, kb: KnowledgeBase) -> set[str]:
    words = f" {normalize_name(text)} "
    found = set()
    for class_id in kb.class_labels:
        phrase = class_id.replace("_", " ")
        if f" {phrase} " in words or f" {phrase}s " in words:
            found.add(class_id)
    return found


def matches(row: Row, kb: KnowledgeBase) -> list[str]:
    """Ids of knowledge-base entries that encode the row."""
    drugs, classes = _drugs_named(row.subject, kb), _classes_named(row.subject, kb)
    drug_classes = {c for d in drugs for c in kb.classes_of(d)}

    def covers(names: tuple[str, ...], rule_classes: tuple[str, ...]) -> bool:
        # a class the row names covers its narrower classes (bisphosphonate: oral ones)
        broader = {a for c in rule_classes for a in _with_ancestors(c, kb)}
        return bool(drugs & set(names) or drug_classes & set(rule_classes) or classes & broader)

    if row.section.startswith("3."):
        agent = _agent_of(row.title, kb)
        found = [
            r.id
            for r in kb.interactions
            if agent in r.agents
            and (covers(r.drugs, r.classes) or _pairs(r.agents, agent, row, kb))
        ]
        subject = normalize_name(row.subject)
        found += [
            c.id
            for c in kb.contraindications
            if c.agent == agent
            and any(
                cond.replace("_", " ") in subject
                for cond in (
                    *([c.when.condition] if c.when.condition else []),
                    *c.when.any_condition,
                    *([c.when.finding] if c.when.finding else []),
                )
            )
        ]
        return found
    kind = "aggravates_rls" if row.section == "4.1" else "causes_cramps"
    return [a.id for a in kb.medication_alerts if a.kind == kind and covers(a.drugs, a.classes)]


def _with_ancestors(class_id: str, kb: KnowledgeBase) -> set[str]:
    found, pending = set(), [class_id]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(kb.class_parents.get(current, ()))
    return found


def _pairs(agents: tuple[str, ...], agent: str | None, row: Row, kb: KnowledgeBase) -> bool:
    """A supplement-supplement rule matches a row naming the other supplement."""
    subject = normalize_name(row.subject).split()
    others = [a for a in agents if a != agent]
    return len(agents) == 2 and any(normalize_name(kb.agents[a].label) in subject for a in others)


def explanations(path: Path = EXPLANATIONS) -> dict[tuple[str, str], str]:
    raw = tomllib.loads(path.read_text("utf-8"))
    return {(e["section"], e["row"]): e["explanation"] for e in raw["explained"]}


def report(brief: Path, kb: KnowledgeBase) -> tuple[list[str], int]:
    """The report lines and how many rows are neither matched nor explained."""
    explained = explanations()
    lines: list[str] = []
    missing = 0
    for row in brief_rows(brief.read_text("utf-8")):
        found = matches(row, kb)
        why = next(
            (
                text
                for (sec, start), text in explained.items()
                if sec == row.section and row.subject.startswith(start)
            ),
            None,
        )
        if found:
            status = "matched: " + ", ".join(found)
        elif why:
            status = "explained: " + why
        else:
            status = "UNMATCHED"
            missing += 1
        lines.append(f"{row.section} | {row.subject} | {status}")
    return lines, missing


def audit_lines(kb: KnowledgeBase) -> list[str]:
    """The class audit, one block per class: what was read, when, what is in and what is out."""
    audit = kb.class_audit
    if audit is None:
        return ["no class audit in this knowledge base"]
    sources = {source.id: source.citation for source in audit.source}
    lines = [f"source {key}: {citation}" for key, citation in sources.items()]
    lines.append(f"marketing status: {audit.market_status_basis}")
    kinds = Counter(item.why for entry in audit.class_audit for item in entry.left_out)
    lines.append("left out by reason: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    for entry in audit.class_audit:
        unconfirmed = f", {len(entry.unconfirmed)} unconfirmed" if entry.unconfirmed else ""
        lines.append(
            f"{entry.class_id} | ATC {', '.join(entry.atc)} | {entry.source} | checked "
            f"{entry.checked.isoformat()} | {len(entry.members)} members{unconfirmed} | "
            f"{len(entry.left_out)} left out"
        )
        lines.append(f"  members: {', '.join(entry.members)}")
        if entry.unconfirmed:
            lines.append(f"  marketing unconfirmed: {', '.join(entry.unconfirmed)}")
        lines += [f"  not in ATC: {item.name}: {item.reason}" for item in entry.outside_source]
        lines += [
            f"  left out: {item.name} ({item.atc}): {audit.reason[item.why]}"
            + (f"; {item.detail}" if item.detail else "")
            for item in entry.left_out
        ]
        if entry.note:
            lines.append(f"  note: {entry.note}")
    return lines


def audit_summary(kb: KnowledgeBase) -> str:
    audit = kb.class_audit
    if audit is None:
        return "class audit: none"
    entries = audit.class_audit
    members = sum(len(e.members) for e in entries)
    left_out = sum(len(e.left_out) for e in entries)
    return (
        f"class audit: {len(entries)} classes, {members} members checked, {left_out} left out "
        "(scripts/kb_coverage.py --audit)"
    )


def atc_drift(kb: KnowledgeBase, atc_csv: Path) -> list[str]:
    """Substances of an ATC list under each audited code that the audit does not account for
    (combination codes are skipped: combinations are catalogued by their ingredients)."""
    audit = kb.class_audit
    if audit is None:
        return []
    with atc_csv.open(encoding="utf-8", newline="") as stream:
        substances = {
            row["atc_code"]: row["atc_name"]
            for row in csv.DictReader(stream)
            if len(row["atc_code"]) == 7
        }
    lines: list[str] = []
    for entry in audit.class_audit:
        known = {code for codes in entry.member_atc.values() for code in codes}
        known |= {item.atc for item in entry.left_out}
        lines += [
            f"{entry.class_id} | {code} {name} | not in the audit: decide member or left out"
            for code, name in sorted(substances.items())
            if code.startswith(tuple(entry.atc)) and code not in known and not _is_combination(name)
        ]
    return lines


def _is_combination(atc_name: str) -> bool:
    return "combination" in atc_name or " and " in atc_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brief", type=Path, default=DEFAULT_BRIEF)
    parser.add_argument("--audit", action="store_true", help="print the class audit instead")
    parser.add_argument("--atc", type=Path, help="compare the class audit with an ATC list (CSV)")
    args = parser.parse_args(argv)
    if args.atc:
        if not args.atc.is_file():
            print(f"no ATC list at {args.atc}")
            return 2
        drift = atc_drift(load_knowledge_base(), args.atc)
        print("\n".join(drift) or f"class audit accounts for every substance in {args.atc}")
        return 1 if drift else 0
    if args.audit:
        print("\n".join(audit_lines(load_knowledge_base())))
        return 0
    if not args.brief.is_file():
        print(f"no brief at {args.brief}: nothing to audit")
        return 0
    kb = load_knowledge_base()
    lines, missing = report(args.brief, kb)
    print("\n".join(lines))
    print(f"{len(lines)} rows, {len(lines) - missing} matched or explained, {missing} unmatched")
    print(audit_summary(kb))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
