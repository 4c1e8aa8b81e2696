"""Lab results in from laboratory and patient-record files (FHIR R4, HL7 v2, CSV/TSV).

Qt-free and reportlab-free. ``api.import_files`` reads files into per-file reports (what comes
in, what does not and why); ``merge.merge_into`` joins accepted results to a case once the
clinician has seen them; ``trend`` turns a case's dated results into series and the sheet's
one-line summary. The package imports nothing heavy itself: the FHIR models load only when a
file is read.
"""
