"""The live assessment beside the form, in the order a clinician acts on it.

Alerts that must be acknowledged first and prominent (with a banner above the tree); the
other alerts; the decisions, each avoid decision holding the background alerts that explain
it; the daily schedule (a timeline, and each time with the timing rules behind it on
demand); tests, monitoring, red flags. Each item opens to its basis: the inputs that fired
it (as entered and converted) with the threshold, the rule in plain words, the evidence tag
and the references. While a field is invalid the last valid assessment stays, faded, under
a banner "Out of date: fix <field>" and the list of what to fix.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QLabel,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.decision_reasons import REASON_SHOWN, reason_alerts
from rlsdesk.domain.assessment import Alert, Assessment, Basis, Decision
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.schedule_view import ScheduleView, schedule_view
from rlsdesk.ui.form.fields import restyle
from rlsdesk.ui.richtree import HTML_ROLE, KEY_ROLE, STALE_OPACITY, STALE_ROLE, RichTree
from rlsdesk.ui.schedule_timeline import ScheduleTimeline
from rlsdesk.ui.vocabulary import (
    ALERT_KINDS,
    DECISION,
    PLAN_ACTION,
    SEVERITY,
    TIER,
    Look,
    evidence_text,
    reference_texts,
    severity_icon,
)

Parent = QTreeWidgetItem | RichTree
SHOWN_INDICATOR = QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator  # children built lazily


def _e(text: str) -> str:
    return html.escape(text)


def fade(widget: QWidget, faded: bool) -> None:
    """Draw ``widget`` faded (part of an out-of-date assessment) or as it is."""
    if faded:
        effect = QGraphicsOpacityEffect(widget)
        effect.setOpacity(STALE_OPACITY)
        widget.setGraphicsEffect(effect)
    elif widget.graphicsEffect() is not None:
        widget.setGraphicsEffect(None)  # type: ignore[arg-type]  # None removes the effect


def basis_html(basis: Basis) -> str:
    text = f"<b>{_e(basis.input)}</b>: {_e(basis.entered)}"
    if basis.canonical and basis.canonical != basis.entered:
        text += f" (= {_e(basis.canonical)})"
    if basis.comparison_words:
        text += f" — <i>{_e(basis.comparison_words)}</i>"
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
        self.interruptive = QLabel()  # the alerts that block printing, above everything
        self.interruptive.setObjectName("interruptiveBanner")
        self.interruptive.setWordWrap(True)
        self.interruptive.setAccessibleName("Alerts to acknowledge before printing")
        self.interruptive.setVisible(False)
        look = TIER["interruptive"]  # the same red on screen, on paper and in the note
        self.interruptive.setStyleSheet(
            f"QLabel {{ background: {look.tint}; color: {look.colour}; border: 2px solid "
            f"{look.colour}; border-radius: 4px; }}"
        )
        self.interruptive.setMargin(6)  # in the label's height for its width, unlike padding
        self.timeline = ScheduleTimeline()
        self.timeline.setVisible(False)
        self.tree = RichTree()
        self.tree.setAccessibleName("Assessment: alerts, decisions, tests and monitoring")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.interruptive)
        layout.addWidget(self.timeline)
        layout.addWidget(self.tree, 1)
        self.tree.itemActivated.connect(self._activated)
        self._shown: tuple[object, ...] | None = None
        self._stale = False  # items built now belong to an out-of-date assessment
        self._pending: dict[str, Callable[[], None]] = {}  # children built on first opening
        self.tree.itemExpanded.connect(self._populate)
        self.out_of_date = False

    def _lazy(self, item: QTreeWidgetItem, build: Callable[[], None]) -> None:
        """Build ``item``'s children when it is first opened. Most items stay closed, so a
        rebuild on every keystroke lays out a few dozen rows instead of several hundred."""
        stale = self._stale

        def run() -> None:
            previous, self._stale = self._stale, stale
            try:
                build()
            finally:
                self._stale = previous

        self._pending[str(item.data(0, KEY_ROLE))] = run
        item.setChildIndicatorPolicy(SHOWN_INDICATOR)

    def _populate(self, item: QTreeWidgetItem) -> None:
        build = self._pending.pop(str(item.data(0, KEY_ROLE)), None)
        if build is not None:
            build()
            policy = QTreeWidgetItem.ChildIndicatorPolicy.DontShowIndicatorWhenChildless
            item.setChildIndicatorPolicy(policy)

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
        if self._stale:
            item.setData(0, STALE_ROLE, True)
        if len(text) < 300:
            item.setToolTip(0, text)
        return item

    def _section(
        self, key: str, title: str, count: int | None = None, look: Look | None = None
    ) -> QTreeWidgetItem:
        label = title if count is None else f"{title} ({count})"
        rich = f"<b>{_e(label)}</b>"
        if look is not None:
            label = f"{look.symbol} {label}"
            rich = f"<b style='color:{look.colour}'>{_e(label)}</b>"
        item = self._item(self.tree, key, label, rich)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if look is not None and not self._stale:
            item.setBackground(0, QBrush(QColor(look.tint)))
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
        self._lazy(item, lambda: self._management(item, alert))

    def _management(self, item: QTreeWidgetItem, alert: Alert) -> None:
        """What to do about an alert, then its basis, evidence and references."""
        self._item(
            item,
            f"{item.data(0, KEY_ROLE)}/do",
            f"What to do: {alert.management}",
            f"<b>What to do</b>: {_e(alert.management)}",
        )
        self._details(item, None, alert.basis, alert.evidence, alert.references)

    def _reason(self, parent: QTreeWidgetItem, alert: Alert) -> None:
        """A background (info-tier) alert shown as the reason of the avoid decision."""
        key = f"{parent.data(0, KEY_ROLE)}/reason:{alert.code}"
        item = self._item(
            parent, key, f"Reason: {alert.message}", f"<b>Reason</b>: {_e(alert.message)}"
        )
        self._lazy(item, lambda: self._management(item, alert))

    def _decision(
        self, parent: QTreeWidgetItem, decision: Decision, reasons: list[Alert] | None = None
    ) -> None:
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
        # The plan's action first (start, continue, stop, defer, avoid), as on the sheet.
        action = PLAN_ACTION[decision.action] if decision.action else None
        shown = look if action is None else action
        word = (
            look.word
            if action is None or action.word == look.word
            else (f"{action.word} ({look.word})")
        )
        if action is not None and decision.decision == "avoid":
            word = action.word
        text = f"{label}: {word}{route}{taking}"
        rich = (
            f"<b>{_e(label)}</b> &nbsp;<b style='color:{shown.colour}'>{shown.symbol} "
            f"{_e(word)}</b>{_e(route)}<span style='color:#56606e'>{_e(taking)}</span>"
        )
        item = self._item(parent, f"decision:{decision.agent}", text, rich)
        self._lazy(item, lambda: self._decision_details(item, decision, reasons or []))

    def _decision_details(
        self, item: QTreeWidgetItem, decision: Decision, reasons: list[Alert]
    ) -> None:
        key = f"decision:{decision.agent}"
        for alert in reasons:
            self._reason(item, alert)
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
        shown = assessment or result.out_of_date
        signature: tuple[object, ...] = (
            assessment is None,
            tuple(sorted(result.problems.items())) if assessment is None else (),
            None if shown is None else (shown.alerts, shown.decisions, shown.schedule),
            None if shown is None else (shown.tests_to_order, shown.monitoring, shown.red_flags),
            None if shown is None else shown.schedule_conflicts,
        )
        if signature == self._shown:
            return
        self._shown = signature
        expanded, current = self.tree.remember()
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        self._pending.clear()
        self.out_of_date = assessment is None and shown is not None and not result.pristine
        if assessment is not None:
            self._show_assessment(assessment)
        else:
            self._show_problems(result, describe)
            if self.out_of_date and shown is not None:
                self._stale = True
                try:
                    self._show_assessment(shown, status=False)
                finally:
                    self._stale = False
            else:
                self._show_interruptive([])
                self.timeline.show_view(None)
        for widget in (self.interruptive, self.timeline):
            fade(widget, self.out_of_date)
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
        fields = list(dict.fromkeys(describe(key) for key in result.problems))
        named = ", ".join(fields[:3]) + (f" and {len(fields) - 3} more" if len(fields) > 3 else "")
        if result.out_of_date is not None:
            self._set_status(
                "stale",
                f"⚠ Out of date: fix {named}. The faded assessment below is the last valid "
                "one; it updates when the case is valid again.",
            )
        else:
            self._set_status(
                "invalid",
                f"⚠ Case incomplete or invalid: fix {named}. "
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

    def _show_interruptive(self, alerts: list[Alert]) -> None:
        look = TIER["interruptive"]
        lines = [f"{look.symbol} {SEVERITY[a.severity].word}: {_e(a.message)}" for a in alerts]
        count = len(alerts)
        self.interruptive.setText(
            f"<b>{count} alert{'s' if count != 1 else ''} to acknowledge before printing</b>"
            "<br>" + "<br>".join(lines)
            if alerts
            else ""
        )
        self.interruptive.setVisible(bool(alerts))

    def _status_summary(self, assessment: Assessment) -> str:
        tiers = {t: sum(a.tier == t for a in assessment.alerts) for t in TIER}
        parts = [f"{tiers['interruptive']} to acknowledge"] if tiers["interruptive"] else []
        parts.append(f"{tiers['alert']} alert{'s' if tiers['alert'] != 1 else ''}")
        if tiers["schedule"]:
            rules = "timing rule" if tiers["schedule"] == 1 else "timing rules"
            parts.append(f"{tiers['schedule']} {rules} in the schedule")
        return (
            "Up to date · "
            + " · ".join(parts)
            + f" · knowledge base {assessment.knowledge_base.version}"
        )

    def _show_assessment(self, assessment: Assessment, status: bool = True) -> None:
        if status:
            self._set_status("valid", self._status_summary(assessment))
        interruptive = [a for a in assessment.alerts if a.tier == "interruptive"]
        self._show_interruptive(interruptive)
        if interruptive:
            section = self._section(
                "interruptive",
                "Must be acknowledged before printing",
                len(interruptive),
                TIER["interruptive"],
            )
            for alert in interruptive:
                self._alert(section, alert)
        shown = [a for a in assessment.alerts if a.tier == "alert"]
        alerts = self._section("alerts", "Alerts", len(shown))
        for alert in shown:
            self._alert(alerts, alert)
        if not shown:
            self._item(alerts, "alerts/none", "No other alerts" if interruptive else "No alerts")
        background = self._show_decisions(assessment)
        view = schedule_view(assessment)
        self.timeline.show_view(view)
        if not view.empty:
            self._show_schedule(view)
        if background:
            section = self._section("background", "Background", len(background))
            for alert in background:
                self._alert(section, alert)
        self._show_lists(assessment)
        for section in self.tree.top_items():
            section.setExpanded(True)

    def _show_decisions(self, assessment: Assessment) -> list[Alert]:
        """The decisions; returns the background alerts that explain no avoid decision."""
        info = [a for a in assessment.alerts if a.tier == "info"]
        decisions = self._section("decisions", "Decisions")
        idle = [d for d in assessment.decisions if d.decision == "not_indicated"]
        explained: set[str] = set()
        for decision in assessment.decisions:
            if decision.decision != "not_indicated":
                # The same reasons as the sheet and the note (rlsdesk.decision_reasons).
                reasons = (
                    reason_alerts(assessment, decision) if decision.decision in REASON_SHOWN else []
                )
                explained |= {a.code for a in reasons}
                self._decision(decisions, decision, reasons)
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
            self._lazy(group, lambda: self._decisions(group, idle))
        return [a for a in info if a.code not in explained]

    def _decisions(self, parent: QTreeWidgetItem, decisions: list[Decision]) -> None:
        for decision in decisions:
            self._decision(parent, decision)

    def _references_of(self, item: QTreeWidgetItem, references: list[str]) -> None:
        self._details(item, None, [], None, references)

    def _show_schedule(self, view: ScheduleView) -> None:
        look = TIER["schedule"]
        section = self._section("schedule", "Daily schedule", len(view.slots))
        for n, conflict in enumerate(view.conflicts):
            text = f"⚠ Could not be placed: {conflict}"
            self._item(section, f"schedule/conflict{n}", text, f"<b>{_e(text)}</b>")
        for slot in view.slots:
            key = f"schedule:{slot.time}"
            item = self._item(
                section,
                key,
                f"{slot.time} {slot.text}",
                f"<b style='color:{look.colour}'>{_e(slot.time)}</b> &nbsp;{_e(slot.text)}",
            )
            for alert in slot.reasons:
                self._timing(item, f"{key}/why:{alert.code}", alert)
        for alert in view.unplaced_reasons:
            self._timing(section, f"schedule/why:{alert.code}", alert)

    def _timing(self, parent: QTreeWidgetItem, key: str, alert: Alert) -> None:
        """A timing rule, opened on demand: why these two are kept apart, and its basis."""
        item = self._item(parent, key, f"Why: {alert.message}", f"<b>Why</b>: {_e(alert.message)}")
        self._lazy(item, lambda: self._management(item, alert))

    def _show_lists(self, assessment: Assessment) -> None:
        tests = self._section("tests", "Tests to order", len(assessment.tests_to_order))
        for test in assessment.tests_to_order:
            label = test.label or test.analyte
            item = self._item(
                tests,
                f"test:{test.analyte}",
                f"{label}: {test.reason}",
                f"<b>{_e(label)}</b>: {_e(test.reason)}",
            )
            self._lazy(item, functools.partial(self._references_of, item, test.references))
        for key, title, texts in (
            ("monitoring", "Monitoring", assessment.monitoring),
            ("red_flags", "Red flags", assessment.red_flags),
        ):
            section = self._section(key, title, len(texts))
            for n, text in enumerate(texts):
                self._item(section, f"{key}/{n}", text)

    def item(self, key: str) -> QTreeWidgetItem | None:
        """The item with this key (``alert:CODE``, ``decision:AGENT``, ``schedule:HH:MM``)."""
        return next((i for i in self.tree.walk() if i.data(0, KEY_ROLE) == key), None)

    def section_keys(self) -> list[str]:
        """The top-level sections in display order (used by tests)."""
        return [str(item.data(0, KEY_ROLE)) for item in self.tree.top_items()]

    def expand_first(self) -> None:
        """Open the most pressing item (the first alert to acknowledge, else the first alert,
        else the first decision) to show its basis; the rest stay closed and in view."""
        for key in ("interruptive", "alerts", "decisions"):
            section = self.item(key)
            first = section.child(0) if section is not None else None
            if first is not None and first.childIndicatorPolicy() == SHOWN_INDICATOR:
                first.setExpanded(True)  # builds its children now
                self.tree.setCurrentItem(first)
                return

    def item_texts(self) -> list[str]:
        """Every item's plain text, depth first (what a screen reader reads; used by tests)."""
        return [item.text(0) for item in self.tree.walk()]
