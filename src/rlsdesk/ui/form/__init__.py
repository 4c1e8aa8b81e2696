"""The case form: one section per part of a case, each a thin view over FormState."""

from rlsdesk.ui.form.case_form import CaseForm

__all__ = ["CaseForm"]
