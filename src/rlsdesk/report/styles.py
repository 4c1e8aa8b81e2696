"""Type, colour and table styles: restrained, and readable when printed in greyscale.

Colour only ever repeats what a word or symbol already says (severity, flags, decisions),
so a black-and-white copy of the sheet carries the same information. The words, symbols
and colours themselves are rlsdesk.vocabulary's, shared with the app and the text note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from rlsdesk.report.fonts import BOLD, REGULAR
from rlsdesk.report.text import escape
from rlsdesk.vocabulary import Look

INK = colors.HexColor("#1b1f24")
MUTED_HEX = "#5b6470"
MUTED = colors.HexColor(MUTED_HEX)
ACCENT = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c5cbd3")
SHADE = colors.HexColor("#eef1f5")
SHADE_LIGHT = colors.HexColor("#f7f8fa")

MARGIN: float = 12 * mm
FOOTER_HEIGHT: float = 10 * mm


def tint(look: Look) -> colors.Color:
    """The light background of a row of this kind (rlsdesk.vocabulary)."""
    return colors.HexColor(look.tint)


def looked(look: Look, strong: bool = True) -> str:
    """'✖ CONTRAINDICATED' as markup in its colour: the word and symbol carry the meaning."""
    text = escape(look.label)
    inner = f"<b>{text}</b>" if strong else text
    return f'<font color="{look.colour}">{inner}</font>'


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": REGULAR,
        "bulletFontName": REGULAR,  # reportlab's default bullet font is base-14 Helvetica
        "fontSize": 8.5,
        "leading": 11,
        "textColor": INK,
    }
    base.update(overrides)
    return ParagraphStyle(name, **base)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    clinic: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    label: ParagraphStyle
    bullet: ParagraphStyle
    small_bullet: ParagraphStyle
    right: ParagraphStyle
    handout_title: ParagraphStyle
    handout_heading: ParagraphStyle
    handout_body: ParagraphStyle
    handout_bullet: ParagraphStyle
    handout_sub_bullet: ParagraphStyle


def make_styles() -> Styles:
    return Styles(
        title=_style("title", fontName=BOLD, fontSize=14, leading=17, textColor=ACCENT),
        clinic=_style("clinic", fontName=BOLD, fontSize=11, leading=14),
        heading=_style(
            "heading",
            fontName=BOLD,
            fontSize=10,
            leading=12,
            textColor=ACCENT,
            spaceBefore=6,
            spaceAfter=2,
        ),
        subheading=_style("subheading", fontName=BOLD, fontSize=8.5, leading=11, spaceBefore=4),
        body=_style("body"),
        small=_style("small", fontSize=7.5, leading=9),
        muted=_style("muted", fontSize=7.5, leading=9.5, textColor=MUTED),
        label=_style("label", fontSize=7.5, leading=10, textColor=MUTED),
        bullet=_style("bullet", leftIndent=9, bulletIndent=1, spaceAfter=1.5),
        small_bullet=_style(
            "small_bullet", fontSize=7.5, leading=9.5, leftIndent=8, bulletIndent=0, spaceAfter=1.5
        ),
        right=_style("right", fontSize=8, leading=10.5, alignment=TA_RIGHT),
        handout_title=_style(
            "handout_title", fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT
        ),
        handout_heading=_style(
            "handout_heading",
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        ),
        handout_body=_style("handout_body", fontSize=11, leading=15),
        handout_bullet=_style(
            "handout_bullet", fontSize=11, leading=15, leftIndent=13, bulletIndent=2, spaceAfter=3
        ),
        handout_sub_bullet=_style(
            "handout_sub_bullet",
            fontSize=11,
            leading=15,
            leftIndent=27,
            bulletIndent=15,
            spaceAfter=3,
        ),
    )


def grid_style(
    extra: Sequence[tuple[Any, ...]] = (), header: bool = True, rules: bool = True
) -> TableStyle:
    """Light horizontal rules between rows (unless ``rules`` is false); a shaded header row."""
    commands: list[tuple[Any, ...]] = [
        # Plain-string cells (spans, blanks) would otherwise be set in base-14 Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if rules:
        commands.append(("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE))
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.7, MUTED),
        ]
    commands += extra
    return TableStyle(commands)
