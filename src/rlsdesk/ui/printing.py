"""Printing the sheet's own PDF pages: each page rendered at the printer's resolution.

The printer gets exactly the pages the preview shows and the export writes, because all
three start from the same ``build_sheet`` bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from rlsdesk.fileio import write_atomic

# Rendering above this adds nothing visible and costs memory (A4 at 1200 dpi is ~550 MB).
MAX_RENDER_DPI = 300


class PrintError(Exception):
    """The PDF could not be loaded or the printer could not be started."""


def load_pdf(data: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over ``data``; keep the buffer alive as long as the document."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError(f"the sheet could not be read back ({document.error().name})")
    return document, buffer


def page_range(printer: QPrinter, count: int) -> range:
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or last <= 0:
        return range(count)
    return range(max(first, 1) - 1, min(last, count))


def print_pdf(data: bytes, printer: QPrinter) -> int:
    """Paint every page of ``data`` onto ``printer``; returns the number of pages printed.

    Printing to a PDF file ("Print to file") goes to a private temporary folder first and is
    then written like every other file rlsdesk writes: atomically and owner-only, because
    QPrinter would write it in place with the default permissions.
    """
    target = printer.outputFileName()
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not target:
        return _paint(data, printer)
    with tempfile.TemporaryDirectory(prefix="rlsdesk-print-") as scratch:
        printer.setOutputFileName(str(Path(scratch) / "sheet.pdf"))
        try:
            pages = _paint(data, printer)
            write_atomic(Path(target), (Path(scratch) / "sheet.pdf").read_bytes())
        except OSError as error:
            raise PrintError(f"{Path(target).name}: {error.strerror or error}") from None
        finally:
            printer.setOutputFileName(target)
    return pages


def _paint(data: bytes, printer: QPrinter) -> int:
    document, _buffer = load_pdf(data)
    pages = page_range(printer, document.pageCount())
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("the printer could not be started")
    try:
        dpi = min(printer.resolution(), MAX_RENDER_DPI)
        target = painter.window()  # the whole page when printer.fullPage() is set
        for count, page in enumerate(pages):
            if count:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image: QImage = document.render(page, size)
            scale = min(target.width() / size.width(), target.height() / size.height())
            drawn = QRectF(0, 0, size.width() * scale, size.height() * scale)
            painter.drawImage(drawn, image)
    finally:
        painter.end()
    return len(pages)
