"""Fill a sheet's citation, label and advice texts from a loaded knowledge base.

The CLI and the GUI both call :func:`with_knowledge_base`, so a printed sheet reads the same
whichever front end produced it.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

from rlsdesk.labimport.trend import trends
from rlsdesk.report.options import SheetOptions

if TYPE_CHECKING:
    from rlsdesk.knowledge import KnowledgeBase


def with_knowledge_base(options: SheetOptions, kb: KnowledgeBase) -> SheetOptions:
    return dataclasses.replace(
        options,
        references={ref_id: ref.full_citation() for ref_id, ref in kb.references.items()},
        agent_labels={agent_id: agent.label for agent_id, agent in kb.agents.items()},
        analyte_labels={key: analyte.label for key, analyte in kb.analytes.items()},
        patient_advice={agent_id: agent.patient_advice for agent_id, agent in kb.agents.items()},
        trends_of=functools.partial(trends, kb=kb),
    )
