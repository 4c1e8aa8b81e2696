"""Type, colour and table styles: restrained, and readable when printed in greyscale.

Colour only ever repeats what a word or symbol already says (severity, flags, decisions),
so a black-and-white copy of the sheet carries the same information.
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

INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#5b6470")
ACCENT = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c5cbd3")
SHADE = colors.HexColor("#eef1f5")
SHADE_LIGHT = colors.HexColor("#f7f8fa")

MARGIN: float = 16 * mm
FOOTER_HEIGHT: float = 12 * mm

# Symbols were checked against DejaVu Sans (tests/test_report_fonts.py): ⛔ is not in it,
# so "contraindicated" uses the heavy cross, which is.
SEVERITY_LABELS = {
    "contraindicated": "✖ CONTRAINDICATED",
    "major": "▲ MAJOR",
    "moderate": "◆ MODERATE",
    "minor": "● MINOR",
    "info": "ℹ INFO",
}
SEVERITY_COLOURS = {
    "contraindicated": colors.HexColor("#9b1c1c"),
    "major": colors.HexColor("#a5400c"),
    "moderate": colors.HexColor("#7a5a00"),
    "minor": colors.HexColor("#2f557f"),
    "info": MUTED,
}
SEVERITY_TINTS = {
    "contraindicated": colors.HexColor("#fbeaea"),
    "major": colors.HexColor("#fcefe6"),
    "moderate": colors.HexColor("#fbf5e3"),
    "minor": colors.HexColor("#ebf1f8"),
    "info": SHADE_LIGHT,
}
DECISION_LABELS = {
    "recommend": "RECOMMEND",
    "consider": "CONSIDER",
    "caution": "CAUTION",
    "avoid": "AVOID",
    "not_indicated": "not indicated",
}
EVIDENCE_LEGEND = (
    "Evidence tags: V verified against the primary source; S secondary source only; "
    "U unverified; editorial: a grading or rule set by the knowledge base authors."
)


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
            fontSize=10.5,
            leading=13,
            textColor=ACCENT,
            spaceBefore=9,
            spaceAfter=3,
        ),
        subheading=_style("subheading", fontName=BOLD, fontSize=8.5, leading=11, spaceBefore=4),
        body=_style("body"),
        small=_style("small", fontSize=7.5, leading=9.5),
        muted=_style("muted", fontSize=7.5, leading=9.5, textColor=MUTED),
        label=_style("label", fontSize=7.5, leading=10, textColor=MUTED),
        bullet=_style("bullet", leftIndent=9, bulletIndent=1, spaceAfter=1.5),
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
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
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
