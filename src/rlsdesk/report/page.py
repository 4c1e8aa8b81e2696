"""Page furniture: the document template and a footer on every page saying 'page X of Y'."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from rlsdesk import __version__
from rlsdesk.report.fonts import BOLD, REGULAR
from rlsdesk.report.styles import FOOTER_HEIGHT, MARGIN, MUTED, RULE

PAGE_SIZES = {"a4": A4, "letter": LETTER}
FOOTER_SIZE = 7.0


@dataclass(frozen=True)
class Footer:
    patient: str  # name and identifier
    provenance: str  # knowledge base version and hash, rlsdesk version, time generated

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        width, _ = canvas._pagesize
        left, right = MARGIN, width - MARGIN
        top = MARGIN + FOOTER_HEIGHT - 4
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, top, right, top)
        canvas.setFillColor(MUTED)
        page_text = f"Page {page} of {pages}"
        canvas.setFont(BOLD, FOOTER_SIZE)
        canvas.drawRightString(right, top - 10, page_text)
        room = right - left - stringWidth(page_text, BOLD, FOOTER_SIZE) - 12
        canvas.drawString(left, top - 10, _fit(self.patient, BOLD, room))
        canvas.setFont(REGULAR, FOOTER_SIZE)
        canvas.drawString(left, top - 19, _fit(self.provenance, REGULAR, right - left))
        canvas.restoreState()


def _fit(text: str, font: str, room: float) -> str:
    """The text, shortened with an ellipsis if it would run past ``room`` points."""
    if stringWidth(text, font, FOOTER_SIZE) <= room:
        return text
    while text and stringWidth(text + "…", font, FOOTER_SIZE) > room:
        text = text[:-1]
    return text + "…"


class FooterCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Holds every page back until the last one, so each footer can print the page total."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._footer.draw(self, number, total)
            super().showPage()
        super().save()


def render(story: list[Any], page_size: str, footer: Footer, reproducible: bool) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZES[page_size],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title="Supplement recommendation sheet",
        creator=f"rlsdesk {__version__}",
        # The canvas starts in this font; reportlab's default would add base-14 Helvetica.
        initialFontName=REGULAR,
        # invariant: no creation date or random document id, so the bytes repeat exactly.
        invariant=1 if reproducible else 0,
    )
    document.build(story, canvasmaker=functools.partial(FooterCanvas, footer=footer))
    return buffer.getvalue()


# SimpleDocTemplate's frame keeps 6 points of padding on each side inside the margins.
FRAME_PADDING = 6.0


def frame_width(page_size: str) -> float:
    """The width text and tables may use: a table this wide never runs past the frame."""
    return float(PAGE_SIZES[page_size][0]) - 2 * MARGIN - 2 * FRAME_PADDING
