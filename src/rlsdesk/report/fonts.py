"""The embedded TrueType fonts (DejaVu Sans, licence in resources/fonts/).

Base-14 fonts are never used for text: they have no µ, ≥ or → in most viewers' encodings
and are not embedded, so a sheet could print differently on another machine.
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from rlsdesk.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@functools.cache
def register_fonts() -> None:
    """Register the fonts with reportlab once per process: parsing them is the slow part."""
    folder = resources_dir() / "fonts"
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
    # <b> in Paragraph markup looks up the bold face through the family mapping.
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


def missing_glyphs(text: str, font_name: str = REGULAR) -> set[str]:
    """Characters of ``text`` the font cannot draw (they would print as empty boxes)."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    available = font.face.charToGlyph
    return {char for char in text if char.isprintable() and ord(char) not in available}
