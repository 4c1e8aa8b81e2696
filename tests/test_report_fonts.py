"""The embedded fonts: shipped with their licence, and able to draw every character we print."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from rlsdesk.paths import knowledge_dir, resources_dir
from rlsdesk.report.fonts import BOLD, FONT_FILES, REGULAR, missing_glyphs
from rlsdesk.vocabulary import DECISION, PLAN_ACTION, SEVERITY, TIER

# Characters the report itself writes, beyond the knowledge base texts.
REPORT_CHARACTERS = "·–—…•☐µ≥≤±×→²"


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def test_fonts_ship_with_their_licence() -> None:
    """Each embedded font file is in resources/fonts/, beside the DejaVu licence text."""
    folder = resources_dir() / "fonts"
    for file_name in FONT_FILES.values():
        assert (folder / file_name).stat().st_size > 100_000
    licence = (folder / "LICENSE-DejaVu.txt").read_text("utf-8")
    assert "Bitstream" in licence
    assert "Permission is hereby granted" in licence


@pytest.mark.parametrize("font", [REGULAR, BOLD])
def test_vocabulary_symbols_are_in_the_font(font: str) -> None:
    """Every severity, decision, tier and plan symbol prints as a glyph (⛔ is not in DejaVu)."""
    for looks in (SEVERITY, DECISION, TIER, PLAN_ACTION):
        for look in looks.values():
            assert missing_glyphs(look.label, font) == set(), look.label


@pytest.mark.parametrize("font", [REGULAR, BOLD])
def test_every_knowledge_base_character_is_in_the_font(font: str) -> None:
    """Any text the knowledge base can put on a sheet (µ, ≥, →, ...) has a glyph in the font."""
    text = REPORT_CHARACTERS
    for path in sorted(knowledge_dir().glob("*.toml")):
        text += "".join(strings(tomllib.loads(path.read_text("utf-8"))))
    assert missing_glyphs(text, font) == set()
