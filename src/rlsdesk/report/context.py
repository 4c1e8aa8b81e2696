"""What every section of a sheet reads: the assessment, the options, styles and citations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rlsdesk.audit import Acknowledgement
from rlsdesk.decision_reasons import reason_alerts, shown_alerts
from rlsdesk.domain.assessment import Alert, Assessment, Decision
from rlsdesk.report.citations import ReferenceNumbers
from rlsdesk.report.options import SheetOptions
from rlsdesk.report.styles import Styles
from rlsdesk.report.text import readable


@dataclass
class SheetContext:
    assessment: Assessment
    options: SheetOptions
    styles: Styles
    generated_at: dt.datetime
    width: float  # of the text frame, in points
    citations: ReferenceNumbers = field(default_factory=ReferenceNumbers)

    @property
    def generated_text(self) -> str:
        return self.generated_at.strftime("%Y-%m-%d %H:%M")

    def agent_label(self, agent_id: str) -> str:
        return self.options.agent_labels.get(agent_id) or readable(agent_id)

    def analyte_label(self, analyte_id: str) -> str:
        return self.options.analyte_labels.get(analyte_id) or readable(analyte_id)

    def acknowledgements_for(self, alert_code: str) -> list[Acknowledgement]:
        return [a for a in self.options.acknowledgements if a.alert_code == alert_code]

    def shown_alerts(self) -> list[Alert]:
        """The alerts page 1 shows: interruptive first, then the alert tier, each by severity."""
        return shown_alerts(self.assessment)

    def reasons_for(self, decision: Decision) -> list[Alert]:
        return reason_alerts(self.assessment, decision)

    def patient_line(self) -> str:
        """'Jane Example · MRN-0001', for the footer and the handout."""
        patient = self.assessment.case.patient
        parts = [patient.name or "Unnamed patient"]
        if patient.identifier:
            parts.append(patient.identifier)
        return " · ".join(parts)
