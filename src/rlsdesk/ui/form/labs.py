"""Laboratory results as a grid: analyte, value, unit (only the analyte's units), date.

Beside each row: the reference range and the low/normal/high flag, both read from the
domain's result for that row (never computed here).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from rlsdesk.domain.case import LabSource
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import FormState, LabRow
from rlsdesk.ui.form.fields import combo, combo_value, line_edit, restyle, set_combo_value
from rlsdesk.ui.form.rows import Row, RowSection

WIDTHS = {"analyte": 170, "value": 66, "unit": 82, "date": 94, "range": 124, "flag": 60}
FLAG_TEXT = {"low": "▼ Low", "high": "▲ High", "normal": "Normal"}


class LabRowWidget(Row):
    def __init__(self, kb: KnowledgeBase, unit_system: str) -> None:
        super().__init__("Result")
        self._kb = kb
        self._unit_system = unit_system
        choices = [("— analyte —", "")] + [(a.label, key) for key, a in kb.analytes.items()]
        self.analyte = combo("analyte", choices)
        self.value = line_edit("value", "value")
        self.unit = QComboBox()
        self.date = line_edit("date", "YYYY-MM-DD")
        self.date.setToolTip("Date of the result (the newest result of an analyte counts)")
        self.range = QLabel()
        self.range.setObjectName("referenceRange")
        self.flag = QLabel()
        self.flag.setObjectName("labFlag")
        for name, widget in (
            ("analyte", self.analyte),
            ("value", self.value),
            ("unit", self.unit),
            ("date", self.date),
            ("range", self.range),
            ("flag", self.flag),
        ):
            widget.setFixedWidth(WIDTHS[name])
            self.line.addWidget(widget)
        self.line.addStretch(1)
        self.line.addWidget(self.remove)
        self.analyte.currentIndexChanged.connect(self._analyte_changed)
        self.source = ""  # an imported result's provenance (JSON); dropped once edited by hand
        for signal in (
            self.analyte.activated,
            self.unit.activated,
            self.value.textEdited,
            self.date.textEdited,
        ):
            signal.connect(self._typed)
            signal.connect(self.edited)

    def inputs(self) -> dict[str, QWidget]:
        return {"analyte": self.analyte, "value": self.value, "unit": self.unit, "date": self.date}

    def set_number(self, number: int) -> None:
        super().set_number(number)
        self.range.setAccessibleName(f"Result {number} reference range")
        self.flag.setAccessibleName(f"Result {number} flag")

    def _analyte_changed(self) -> None:
        self.set_units(combo_value(self.analyte), None)

    def set_units(self, analyte_id: str, unit: str | None) -> None:
        """Offer only the analyte's units; default to the preferred system's unit."""
        analyte = self._kb.analytes.get(analyte_id)
        self.unit.clear()
        if analyte is None:
            if unit:
                set_combo_value(self.unit, unit)
            return
        for symbol in analyte.units:
            self.unit.addItem(symbol, symbol)
        if unit is None:
            unit = analyte.si_unit if self._unit_system == "si" else analyte.canonical_unit
        if unit:
            set_combo_value(self.unit, unit)

    def read(self) -> LabRow:
        return LabRow(
            combo_value(self.analyte),
            self.value.text(),
            combo_value(self.unit),
            self.date.text(),
            self.source,
        )

    def write(self, row: LabRow) -> None:
        set_combo_value(self.analyte, row.analyte)
        self.set_units(row.analyte, row.unit)
        self.value.setText(row.value)
        self.date.setText(row.date)
        self._show_source(row.source)

    def _typed(self) -> None:
        self._show_source("")

    def _show_source(self, source: str) -> None:
        self.source = source
        self.value.setToolTip(source_text(source))

    def show_result(self, flag: str | None, reference_range: str | None) -> None:
        self.range.setText(reference_range or "")
        self.range.setToolTip(f"Reference range: {reference_range}" if reference_range else "")
        self.flag.setText(FLAG_TEXT.get(flag or "", ""))
        if self.flag.property("flag") != (flag or ""):
            self.flag.setProperty("flag", flag or "")
            restyle(self.flag)


class LabsSection(RowSection):
    prefix = "labs"
    add_text = "Add lab &result"

    def __init__(self, kb: KnowledgeBase, unit_system: str = "conventional") -> None:
        header = [
            ("Analyte", WIDTHS["analyte"]),
            ("Value", WIDTHS["value"]),
            ("Unit", WIDTHS["unit"]),
            ("Date", WIDTHS["date"]),
            ("Reference", WIDTHS["range"]),
            ("Flag", WIDTHS["flag"]),
        ]
        self._kb = kb
        self.unit_system = unit_system
        super().__init__("Laboratory results", header)
        self.add_button.setToolTip("Add a laboratory result (Alt+R)")

    def make_row(self) -> Row:
        return LabRowWidget(self._kb, self.unit_system)

    def lab_rows(self) -> list[LabRowWidget]:
        return [row for row in self.rows if isinstance(row, LabRowWidget)]

    def add_analyte(self, analyte_id: str) -> LabRowWidget:
        row = self.add_row()
        assert isinstance(row, LabRowWidget)
        set_combo_value(row.analyte, analyte_id)
        row.value.setFocus()
        self.changed.emit()
        return row

    def read(self, state: FormState) -> None:
        state.labs = [row.read() for row in self.lab_rows()]

    def write(self, state: FormState) -> None:
        self.set_row_count(len(state.labs))
        for row, data in zip(self.lab_rows(), state.labs, strict=True):
            row.write(data)

    def show_live(self, result: LiveResult) -> None:
        for index, row in enumerate(self.lab_rows()):
            lab = result.lab_results.get(index)
            if lab is None:
                row.show_result(None, None)
            else:
                row.show_result(lab.flag, lab.reference_range)


def source_text(source: str) -> str:
    """'Imported from lab.json (http://loinc.org 2276-4, as written: 38 ng/mL)', or ''."""
    if not source:
        return ""
    try:
        found = LabSource.model_validate_json(source)
    except ValueError:
        return ""
    code = f"{found.system or ''} {found.code or ''}".strip()
    written = f"{found.value} {found.unit or ''}".strip()
    return f"Imported from {found.file} ({code}, as written: {written})"
