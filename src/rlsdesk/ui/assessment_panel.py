"""The live assessment beside the form: alerts, decisions, tests, monitoring.

Each item opens to its basis: the inputs that fired it (as entered and converted) with the
threshold, the rule in plain words, the evidence tag and the references. When the case is
incomplete or invalid the panel lists what to fix and shows no results, never stale ones.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidgetItem, QVBoxLayout, QWidget

from rlsdesk.domain.assessment import Alert, Assessment, Basis, Decision
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.ui.form.fields import restyle
from rlsdesk.ui.live import LiveResult
from rlsdesk.ui.richtree import HTML_ROLE, KEY_ROLE, RichTree
from rlsdesk.ui.vocabulary import (
    ALERT_KINDS,
    DECISION,
    SEVERITY,
    evidence_text,
    reference_texts,
    severity_icon,
)

Parent = QTreeWidgetItem | RichTree


def _e(text: str) -> str:
    return html.escape(text)


def basis_html(basis: Basis) -> str:
    text = f"<b>{_e(basis.input)}</b>: {_e(basis.entered)}"
    if basis.canonical and basis.canonical != basis.entered:
        text += f" (= {_e(basis.canonical)})"
    if basis.threshold:
        text += f" — meets <i>{_e(basis.threshold)}</i>"
    return text


class AssessmentPanel(QWidget):
    problem_activated = Signal(str)  # the form field key of a problem the clinician opened

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__()
        self.setObjectName("assessmentPanel")
        self._kb = kb
        self._references: dict[str, str] = {}  # filled on first use (keeps start-up quick)
        self.title = QLabel("Assessment")
        self.title.setObjectName("panelTitle")
        self.status = QLabel()
        self.status.setObjectName("panelStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Assessment status")
        self.tree = RichTree()
        self.tree.setAccessibleName("Assessment: alerts, decisions, tests and monitoring")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.tree.itemActivated.connect(self._activated)
        self._shown: tuple[object, ...] | None = None

    def _activated(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if isinstance(key, str) and key.startswith("problem:"):
            self.problem_activated.emit(key.removeprefix("problem:"))

    # -- building items -------------------------------------------------------------

    def _item(
        self, parent: Parent, key: str, text: str, rich: str | None = None
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent)
        item.setText(0, text)
        item.setData(0, HTML_ROLE, rich if rich is not None else _e(text))
        item.setData(0, KEY_ROLE, key)
        if len(text) < 300:
            item.setToolTip(0, text)
        return item

    def _section(self, key: str, title: str, count: int | None = None) -> QTreeWidgetItem:
        label = title if count is None else f"{title} ({count})"
        item = self._item(self.tree, key, label, f"<b>{_e(label)}</b>")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _details(
        self,
        parent: QTreeWidgetItem,
        rule: str | None,
        basis: list[Basis],
        evidence: str | None,
        references: list[str],
    ) -> None:
        key = parent.data(0, KEY_ROLE)
        if rule:
            self._item(parent, f"{key}/rule", f"Rule: {rule}", f"<b>Rule</b>: {_e(rule)}")
        for n, item in enumerate(basis):
            rich = basis_html(item)
            self._item(parent, f"{key}/basis{n}", f"Basis: {item.input}", f"Basis: {rich}")
        text = evidence_text(evidence)
        self._item(parent, f"{key}/evidence", f"Evidence: {text}", f"<b>Evidence</b>: {_e(text)}")
        if not references:
            return
        ids = ", ".join(references)
        group = self._item(
            parent, f"{key}/refs", f"References: {ids}", f"<b>References</b>: {_e(ids)}"
        )
        if not self._references:
            self._references = reference_texts(self._kb)
        for ref in references:
            citation = self._references.get(ref, "not in the bibliography")
            self._item(
                group, f"{key}/ref/{ref}", f"{ref}: {citation}", f"<b>{_e(ref)}</b> {_e(citation)}"
            )

    def _alert(self, parent: QTreeWidgetItem, alert: Alert) -> None:
        look = SEVERITY[alert.severity]
        kind = ALERT_KINDS.get(alert.kind, alert.kind)
        text = f"{look.word} — {kind}: {alert.message}"
        rich = (
            f"<b style='color:{look.colour}'>{look.word}</b> "
            f"<span style='color:#56606e'>· {_e(kind)} —</span> {_e(alert.message)}"
        )
        item = self._item(parent, f"alert:{alert.code}", text, rich)
        item.setIcon(0, severity_icon(alert.severity))
        self._item(
            item,
            f"alert:{alert.code}/do",
            f"What to do: {alert.management}",
            f"<b>What to do</b>: {_e(alert.management)}",
        )
        self._details(item, None, alert.basis, alert.evidence, alert.references)

    def _decision(self, parent: QTreeWidgetItem, decision: Decision) -> None:
        look = DECISION[decision.decision]
        label = (
            self._kb.agents[decision.agent].label
            if decision.agent in self._kb.agents
            else decision.agent
        )
        route = (
            f" · {decision.route.upper() if decision.route == 'iv' else decision.route}"
            if decision.route
            else ""
        )
        taking = " · already taking" if decision.taking else ""
        text = f"{label}: {look.word}{route}{taking}"
        rich = (
            f"<b>{_e(label)}</b> &nbsp;<b style='color:{look.colour}'>{look.symbol} {look.word}</b>"
            f"{_e(route)}<span style='color:#56606e'>{_e(taking)}</span>"
        )
        key = f"decision:{decision.agent}"
        item = self._item(parent, key, text, rich)
        if decision.dose:
            self._item(
                item, f"{key}/dose", f"Dose: {decision.dose}", f"<b>Dose</b>: {_e(decision.dose)}"
            )
        for n, timing in enumerate(decision.timing):
            self._item(
                item, f"{key}/timing{n}", f"Timing: {timing}", f"<b>Timing</b>: {_e(timing)}"
            )
        self._item(
            item,
            f"{key}/why",
            f"Why: {decision.rationale}",
            f"<b>Why</b>: {_e(decision.rationale)}",
        )
        self._details(item, decision.rule, decision.basis, decision.evidence, decision.references)

    # -- showing a result -----------------------------------------------------------

    def show_result(self, result: LiveResult, describe: Callable[[str], str]) -> None:
        assessment = result.assessment
        if assessment is None:
            signature: tuple[object, ...] = ("invalid", tuple(sorted(result.problems.items())))
        else:
            signature = (
                assessment.alerts,
                assessment.decisions,
                assessment.tests_to_order,
                assessment.monitoring,
                assessment.red_flags,
            )
        if signature == self._shown:
            return
        self._shown = signature
        expanded, current = self.tree.remember()
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        if assessment is None:
            self._show_problems(result, describe)
        else:
            self._show_assessment(assessment)
        self.tree.restore(expanded, current)
        self.tree.setUpdatesEnabled(True)

    def _set_status(self, state: str, text: str) -> None:
        self.status.setText(text)
        if self.status.property("state") != state:
            self.status.setProperty("state", state)
            restyle(self.status)

    def _show_problems(self, result: LiveResult, describe: Callable[[str], str]) -> None:
        if result.pristine:
            self._set_status(
                "new",
                "New case. Enter the patient's age and sex to begin; the assessment "
                "appears here and updates as you type.",
            )
            return
        count = sum(len(m) for m in result.problems.values())
        self._set_status(
            "invalid",
            f"⚠ Case incomplete or invalid — {count} field{'s' if count != 1 else ''} to fix. "
            "No results are shown until the case is valid.",
        )
        section = self._section("problems", "To fix", count)
        for key, messages in result.problems.items():
            for message in messages:
                where = describe(key)
                self._item(
                    section,
                    f"problem:{key}",
                    f"{where}: {message}",
                    f"<b>{_e(where)}</b>: {_e(message)}",
                )
        section.setExpanded(True)

    def _show_assessment(self, assessment: Assessment) -> None:
        count = len(assessment.alerts)
        counts = {s: sum(a.severity == s for a in assessment.alerts) for s in SEVERITY}
        summary = ", ".join(f"{n} {SEVERITY[s].word.lower()}" for s, n in counts.items() if n)
        self._set_status(
            "valid",
            f"Up to date · {count} alert{'s' if count != 1 else ''}"
            + (f" ({summary})" if summary else "")
            + f" · knowledge base {assessment.knowledge_base.version}",
        )
        alerts = self._section("alerts", "Alerts", len(assessment.alerts))
        for alert in assessment.alerts:
            self._alert(alerts, alert)
        if not assessment.alerts:
            self._item(alerts, "alerts/none", "No alerts")
        decisions = self._section("decisions", "Decisions")
        idle = [d for d in assessment.decisions if d.decision == "not_indicated"]
        for decision in assessment.decisions:
            if decision.decision != "not_indicated":
                self._decision(decisions, decision)
        if idle:
            names = ", ".join(
                self._kb.agents[d.agent].label for d in idle if d.agent in self._kb.agents
            )
            group = self._item(
                decisions,
                "decisions/idle",
                f"Not indicated ({len(idle)}): {names}",
                f"<span style='color:#56606e'>Not indicated ({len(idle)}): {_e(names)}</span>",
            )
            for decision in idle:
                self._decision(group, decision)
        tests = self._section("tests", "Tests to order", len(assessment.tests_to_order))
        for test in assessment.tests_to_order:
            label = test.label or test.analyte
            item = self._item(
                tests,
                f"test:{test.analyte}",
                f"{label}: {test.reason}",
                f"<b>{_e(label)}</b>: {_e(test.reason)}",
            )
            self._details(item, None, [], None, test.references)
        for key, title, texts in (
            ("monitoring", "Monitoring", assessment.monitoring),
            ("red_flags", "Red flags", assessment.red_flags),
        ):
            section = self._section(key, title, len(texts))
            for n, text in enumerate(texts):
                self._item(section, f"{key}/{n}", text)
        for section in self.tree.top_items():
            section.setExpanded(True)

    def expand_first(self) -> None:
        """Open the first alert and the first decision to show their basis."""
        for number, section in enumerate(self.tree.top_items()[:2]):
            first = section.child(0)
            if first is not None:
                first.setExpanded(True)
                if number == 0:
                    self.tree.setCurrentItem(first)

    def item_texts(self) -> list[str]:
        """Every item's plain text, depth first (what a screen reader reads; used by tests)."""
        return [item.text(0) for item in self.tree.walk()]
