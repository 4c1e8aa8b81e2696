"""The PySide6 desktop app: thin widgets over the domain (see docs/decisions/0003-gui.md).

Nothing outside ``rlsdesk.app`` imports this package. Importing it first guards against
the PySide6 6.12.0 / Python 3.11 reference-count bug (see ``rlsdesk.ui.compat``), so every
user of these widgets (the app, the tests, the self-test, the benchmark) is protected.
"""

from rlsdesk.ui.compat import guard_refcounts

guard_refcounts()
