"""Whether a result read from a file comes in: only when its test, value, unit, date and status
are all beyond doubt. Everything else is listed with the reason, never guessed at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath

from rlsdesk.domain.case import LabEntry, LabSource
from rlsdesk.domain.units import UnitError, resolve_unit, to_canonical
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schema import Analyte, EgfrImport
from rlsdesk.labimport.delimited import ANALYTE_SYSTEM
from rlsdesk.labimport.model import (
    ACCEPTED_STATUSES,
    Imported,
    ImportedEgfr,
    NotImported,
    RawResult,
    SkipKind,
)


class Judge:
    """Judges results against one knowledge base (its LOINC index is built once)."""

    def __init__(self, kb: KnowledgeBase, today: dt.date | None = None) -> None:
        self.kb = kb
        self.today = today or dt.date.today()
        self.by_loinc = {
            code: analyte_id
            for analyte_id, analyte in kb.analytes.items()
            for code in (*analyte.loinc_codes, *((analyte.loinc,) if analyte.loinc else ()))
        }

    def judge(self, raw: RawResult) -> Imported | ImportedEgfr | NotImported:
        def refuse(kind: SkipKind, reason: str) -> NotImported:
            return NotImported(raw.file, raw.where, kind, reason, raw.code, raw.value_text)

        named = f"{raw.code} ({raw.display})" if raw.display else f"{raw.code}"
        egfr = self.kb.egfr_import
        if egfr is not None and raw.loinc in egfr.loinc_codes:
            return self._egfr(raw, egfr, refuse)
        if raw.system == ANALYTE_SYSTEM:
            analyte_id = raw.code or ""
            if analyte_id not in self.kb.analytes:
                return refuse("local_code", f"{analyte_id!r} is not an analyte id")
        elif raw.loinc is not None:
            found = self.by_loinc.get(raw.loinc)
            if found is None:
                return refuse("unused", f"LOINC {named} is not a test rlsdesk uses")
            analyte_id = found
        else:
            system = f", {raw.system}" if raw.system else ""
            return refuse("local_code", f"local code {named}{system} has no LOINC code")
        analyte = self.kb.analytes[analyte_id]
        label = analyte.label.lower()
        if raw.status not in ACCEPTED_STATUSES:
            status = raw.status or "not given"
            return refuse("status", f"{label}: result status {status}, not final")
        if raw.value is None:
            if raw.comparator is not None:
                return refuse("comparator", f"{label} {raw.value_text!r} is a bound, not a value")
            shown = raw.value_text or "no value"
            return refuse("text_value", f"{label} {shown!r} is not a number")
        unit, unit_problem = self._unit(analyte, analyte_id, raw)
        if unit is None:
            return refuse("unit", f"{label}: {unit_problem}")
        implausible = self._implausible(analyte, analyte_id, raw.value, unit)
        if implausible:
            return refuse("implausible", f"{label}: {implausible}")
        undated = self._undated(raw, label)
        if undated is not None:
            return refuse("date", undated)
        assert raw.date is not None
        entry = LabEntry.model_validate(  # the case format takes dates as YYYY-MM-DD text
            {
                "analyte": analyte_id,
                "value": raw.value,
                "unit": unit,
                "date": raw.date.isoformat(),
                "source": self._source(raw),
            }
        )
        return Imported(entry, raw.where)

    def _undated(self, raw: RawResult, label: str) -> str | None:
        if raw.date is None:
            return f"{label}: {raw.date_problem or 'no date'}"
        if raw.date > self.today:
            return f"{label}: the date {raw.date} is in the future"
        return None

    def _egfr(
        self, raw: RawResult, egfr: EgfrImport, refuse: Callable[[SkipKind, str], NotImported]
    ) -> ImportedEgfr | NotImported:
        if raw.status not in ACCEPTED_STATUSES:
            return refuse("status", f"eGFR: result status {raw.status or 'not given'}, not final")
        if raw.value is None:
            if raw.comparator is not None:
                return refuse("comparator", f"eGFR {raw.value_text!r} is a bound, not a value")
            return refuse("text_value", f"eGFR {raw.value_text or 'no value'!r} is not a number")
        spellings = {_squeeze(key): unit for key, unit in egfr.ucum.items()}
        spellings[_squeeze(egfr.unit)] = egfr.unit
        # as for analytes, a UCUM code is exact; only without one is the unit text read
        unit = egfr.ucum.get(raw.ucum) if raw.ucum else spellings.get(_squeeze(raw.unit_text or ""))
        if unit is None:
            shown = raw.ucum or raw.unit_text or "no unit"
            return refuse("unit", f"eGFR: unit {shown!r} is not {egfr.unit}")
        low, high = egfr.plausible.low or 0.0, egfr.plausible.high or 0.0
        if not low <= raw.value <= high:
            return refuse(
                "implausible", f"eGFR: {raw.value:g} is not a possible value ({low:g}–{high:g})"
            )
        undated = self._undated(raw, "eGFR")
        if undated is not None:
            return refuse("date", undated)
        assert raw.date is not None
        return ImportedEgfr(raw.value, raw.date, self._source(raw), raw.where)

    @staticmethod
    def _source(raw: RawResult) -> LabSource:
        return LabSource(
            file=PurePath(raw.file).name[:200],
            system=raw.system[:200] if raw.system else None,
            code=raw.code[:200] if raw.code else None,
            value=raw.value_text[:200],
            unit=raw.unit_text[:200] if raw.unit_text else None,
        )

    @staticmethod
    def _unit(analyte: Analyte, analyte_id: str, raw: RawResult) -> tuple[str | None, str]:
        """The knowledge base's unit for the file's unit: through the UCUM code when the file
        gives one (UCUM is exact), else through the unit as written."""
        listed = ", ".join(analyte.units)
        if raw.ucum:
            unit = analyte.ucum.get(raw.ucum)
            if unit is None:
                return None, f"UCUM unit {raw.ucum!r} is not a unit of this test ({listed})"
            return unit, ""
        if not raw.unit_text:
            return None, "no unit given"
        try:
            return resolve_unit(analyte, analyte_id, raw.unit_text), ""
        except UnitError:
            return None, f"unit {raw.unit_text!r} is not a unit of this test ({listed})"

    @staticmethod
    def _implausible(analyte: Analyte, analyte_id: str, value: float, unit: str) -> str | None:
        plausible = analyte.plausible
        canonical = to_canonical(analyte, analyte_id, value, unit)
        low = to_canonical(analyte, analyte_id, plausible.low or 0.0, plausible.unit)
        high = to_canonical(analyte, analyte_id, plausible.high or 0.0, plausible.unit)
        if value < 0 or not low <= canonical <= high:
            return (
                f"{value:g} {unit} is not a possible value "
                f"(accepted {plausible.low:g}–{plausible.high:g} {plausible.unit})"
            )
        return None


def _squeeze(unit: str) -> str:
    # "mL/min/1.73 m2" and "ml/min/1.73m2" are one spelling; ² is written 2 by most labs.
    return unit.replace(" ", "").replace("²", "2").casefold()
