"""The plain-text note "Copy summary" puts on the clipboard for the patient record: area
F's ``rlsdesk.note.render_note`` (the same text as ``rlsdesk check --format note``), with
the knowledge base's agent labels."""

from __future__ import annotations

from rlsdesk.domain.assessment import Assessment
from rlsdesk.knowledge import KnowledgeBase


def note_text(assessment: Assessment, kb: KnowledgeBase) -> str:
    from rlsdesk.note import render_note  # on first copy: start-up does not pay for it

    labels = {key: agent.label for key, agent in kb.agents.items()}
    return render_note(assessment, labels)
