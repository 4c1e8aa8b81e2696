"""The recommendation sheet: assessment -> reportlab story -> PDF bytes or file.

Public API (the CLI and the GUI use exactly this)::

    options = with_knowledge_base(SheetOptions(page_size="a4", clinician="..."), kb)
    pdf = build_sheet(assessment, options)          # bytes
    pdf = write_sheet(path, assessment, options)    # atomic write, returns the bytes

Page 1 is the summary the clinician signs; the appendix (the basis of every item) follows
on a new page unless ``SheetOptions.summary_only``. Interruptive alerts not named in
``SheetOptions.acknowledgements`` print as NOT ACKNOWLEDGED.

``SheetOptions.references`` maps reference ids to full citations; the assessment carries
ids only, and this package never reads the knowledge base itself, so the caller passes the
texts in (``with_knowledge_base`` fills them, with agent and analyte labels and the
patient-facing advice for the handout).
"""

from rlsdesk.report.knowledge_texts import with_knowledge_base
from rlsdesk.report.sheet import SheetOptions, build_sheet, write_sheet

__all__ = ["SheetOptions", "build_sheet", "with_knowledge_base", "write_sheet"]
