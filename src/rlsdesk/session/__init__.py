"""The desktop form's state and its live evaluation, without Qt.

``formstate`` holds what the clinician typed and turns it into a case; ``evaluation`` runs
the domain on it and says what the form and the assessment panel show. The import-linter
contract in pyproject.toml keeps PySide6 out, so all of it is tested without a display.
"""
