"""What a sheet needs besides the assessment: clinic details, page, time, and citation texts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rlsdesk.audit import Acknowledgement

if TYPE_CHECKING:
    from rlsdesk.domain.case import LabEntry
    from rlsdesk.labimport.trend import Trend

# Reproducible sheets must not carry the build time, or two builds of one case would differ.
REPRODUCIBLE_TIME = dt.datetime(2000, 1, 1, 0, 0)


@dataclass(frozen=True)
class SheetOptions:
    """Everything that changes the printed sheet except the assessment itself.

    The assessment carries reference ids, agent ids and analyte ids only; the texts for them
    live in the knowledge base, which the report layer does not read. The caller passes them
    in (``rlsdesk.report.knowledge_texts.with_knowledge_base`` fills all four from a loaded
    knowledge base). Left empty, the sheet prints the ids and readable forms of them.
    """

    page_size: Literal["a4", "letter"] = "a4"
    handout: bool = False
    summary_only: bool = False  # page 1 (the signed summary) without the appendix
    clinic_name: str = ""
    clinic_address: str = ""
    clinician: str = ""
    generated_at: dt.datetime | None = None  # None: now (local time), or fixed when reproducible
    reproducible: bool = False  # invariant PDF + fixed timestamp: same case, same bytes
    acknowledgements: tuple[Acknowledgement, ...] = ()  # printed beside the alert they answer
    # Texts from the knowledge base (hash=False keeps the options hashable):
    # reference id -> full citation (authors, title, journal, year, DOI, URL);
    # agent id -> label ("vitamin_b6" -> "Vitamin B6 (pyridoxine)"); analyte id -> label;
    # agent id -> the plain-language advice the handout prints.
    references: Mapping[str, str] = field(default_factory=dict, hash=False)
    agent_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    analyte_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    patient_advice: Mapping[str, str] = field(default_factory=dict, hash=False)
    # labs -> their trends (analyte id -> Trend), bound to the knowledge base's thresholds
    trends_of: Callable[[Iterable[LabEntry]], Mapping[str, Trend]] | None = field(
        default=None, hash=False, compare=False
    )

    def timestamp(self) -> dt.datetime:
        if self.generated_at is not None:
            return self.generated_at
        if self.reproducible:
            return REPRODUCIBLE_TIME
        return dt.datetime.now().astimezone()
