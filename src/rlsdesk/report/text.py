"""Turning case and assessment text into Paragraph markup safely.

Everything that came from a case or the knowledge base goes through :func:`escape` before
it meets Paragraph markup: a patient called ``O'Brien <Jr> & Sons`` prints exactly so,
and never as broken or injected markup.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as _escape_xml

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from rlsdesk.domain.case import printable

# A heading starts a new page rather than sit alone at the foot of one.
HEADING_ROOM = 20 * mm


def visible(text: str) -> str:
    """Line breaks and tabs as spaces, other control characters as escapes (``\\x1b``):
    a name can neither break a table row's layout nor hide text on the page."""
    return "".join(
        " " if char in "\t\n\r" else printable(char) if not char.isprintable() else char
        for char in text
    )


def escape(text: str) -> str:
    return _escape_xml(visible(text))


def para(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph of plain text (escaped)."""
    return Paragraph(escape(text), style, bulletText=bullet)


def markup(fragments: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph of markup the report built itself; any data in it is already escaped."""
    return Paragraph(fragments, style, bulletText=bullet)


def heading(text: str, style: ParagraphStyle) -> list[Flowable]:
    return [CondPageBreak(HEADING_ROOM), para(text, style)]


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def coloured(text: str, hex_colour: str, strong: bool = False) -> str:
    inner = bold(text) if strong else escape(text)
    return f'<font color="{hex_colour}">{inner}</font>'


def number(value: float) -> str:
    """38.0 -> '38', 0.62 -> '0.62': as a clinician would write it, up to 6 digits."""
    return f"{value:.6g}"


def readable(identifier: str) -> str:
    """A fallback label for an id with no label supplied: 'vitamin_b12' -> 'Vitamin b12'."""
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
