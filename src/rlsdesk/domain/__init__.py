"""The clinical core: case and assessment models, units, eGFR and the rule engine.

Imports neither Qt nor reportlab (enforced by import-linter), so it runs anywhere.
"""
