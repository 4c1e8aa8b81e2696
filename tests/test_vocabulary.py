"""One display vocabulary: the app's severity icons and stylesheet use the sheet's colours."""

from __future__ import annotations

import re

import pytest

from rlsdesk.paths import resources_dir
from rlsdesk.vocabulary import SEVERITY

# The colours the app used before issue 10 made one vocabulary (#a4262c on screen against
# #9b1c1c on paper for "contraindicated"): none may come back.
RETIRED = ("#a4262c", "#b34a00", "#7f6200", "#2f5f98", "#b08800")


@pytest.mark.parametrize("severity", sorted(SEVERITY))
def test_severity_icon_is_drawn_in_the_vocabulary_colour(severity: str) -> None:
    """Each severity icon's fill is the colour the sheet and the note use for it."""
    svg = (resources_dir() / "icons" / f"severity-{severity}.svg").read_text("utf-8")
    fills = set(re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)) - {"#ffffff"}
    assert fills == {SEVERITY[severity].colour}


def test_no_retired_colour_is_left_in_the_app() -> None:
    """The stylesheet and icons use no colour of the old, screen-only vocabulary."""
    files = [resources_dir() / "style.qss", *(resources_dir() / "icons").glob("*.svg")]
    for path in files:
        text = path.read_text("utf-8").lower()
        assert not [c for c in RETIRED if c in text], path
