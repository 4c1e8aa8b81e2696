"""The window on the clinic's screen: sized to the available area, the form without a
horizontal scroll bar at 1366 and 1920 pixels, the preview inside the screen, no text cursor
in a field without the focus."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.ui.geometry import MAXIMISE_BELOW, place_on_screen, should_maximise
from ui_helpers import OFFSCREEN_POPUP_NOTICES, make_window, write_case

pytestmark = OFFSCREEN_POPUP_NOTICES
BUSY_CASE = make_case(
    patient={"name": "Margaret Ellison", "identifier": "MRN-204817", "age_years": 62,
             "sex": "female", "weight_kg": 71},
    presentation={"rls": True, "leg_cramps": True, "irls_score": 24},
    kidney={"egfr": 45, "dialysis": "none"},
    labs=[lab("ferritin", 38, "ng/mL", "2025-10-14"), lab("tsat", 17, "%", "2025-10-14"),
          lab("magnesium", 0.62, "mmol/L", "2025-10-14")],
    conditions=["diabetes", "peripheral_neuropathy"],
    medications=[{"name": "sertraline", "dose": "50 mg daily"}, {"name": "Benadryl"},
                 {"name": "ciprofloxacin", "dose": "500 mg twice daily"},
                 {"name": "levothyroxine", "dose": "75 µg daily"}, {"name": "sertrolane"}],
    supplements=[{"name": "magnesium oxide", "dose": "400 mg at night",
                  "dose_detail": {"amount": 400, "unit": "mg", "basis": "salt",
                                  "frequency": "at_night"}}],
)  # fmt: skip


@pytest.mark.parametrize(
    ("width", "height", "maximise"),
    [
        (1366, 728, True),  # the clinic's screen, taskbar excluded
        (MAXIMISE_BELOW[0] - 1, 1040, True),
        (MAXIMISE_BELOW[0], MAXIMISE_BELOW[1], False),
        (1920, MAXIMISE_BELOW[1] - 1, True),
        (1920, 1040, False),
    ],
)
def test_small_screens_are_filled(width: int, height: int, maximise: bool) -> None:
    """Below the threshold (either side) the window is maximised; at it and above it is not."""
    assert should_maximise(width, height) is maximise


def test_window_opens_on_the_screens_available_area(qtbot: QtBot) -> None:
    """Without a saved geometry a window on a small screen opens maximised, inside the screen."""
    widget = QWidget()
    qtbot.addWidget(widget)
    place_on_screen(widget, None)
    available = widget.screen().availableGeometry()
    assert should_maximise(available.width(), available.height())  # offscreen: 800x600
    assert widget.isMaximized()
    assert widget.width() <= available.width()


@pytest.mark.parametrize("size", [(1366, 728), (1920, 1040)])
def test_form_has_no_horizontal_scroll_bar(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A busy case (every row kind, suggestions shown) fits the form's width at 1366 and 1920."""
    window, _ = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", BUSY_CASE))
    window.resize(*size)
    window.share_width()
    window.live.flush()
    qtbot.wait(20)  # the layouts settle on the event loop
    assert window.form.widget().minimumSizeHint().width() <= window.form.viewport().width()
    assert not window.form.horizontalScrollBar().isVisible()


def test_preview_fits_the_screen(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path) -> None:
    """The sheet preview opens inside the screen's available area, frame included."""
    window, _ = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", BUSY_CASE))
    assert window.sheets.preview() is not None
    preview = window.preview
    assert preview is not None
    available = preview.screen().availableGeometry()
    assert preview.isVisible()
    assert preview.height() <= available.height()
    assert preview.width() <= available.width()
    assert available.contains(preview.geometry().topLeft())


def cursor_drawn(edit: QLineEdit) -> bool:
    """True when a text-coloured vertical line stands just after the text (the text cursor)."""
    image: QImage = edit.grab().toImage()
    margins = edit.textMargins()
    x = (
        edit.contentsRect().left()
        + margins.left()
        + 2
        + edit.fontMetrics().horizontalAdvance(edit.text())
    )
    text = QColor(edit.palette().text().color())
    middle = image.height() // 2
    for dx in range(0, 4):
        dark = [
            QColor(image.pixel(x + dx, y)).lightness() < text.lightness() + 60
            for y in range(middle - 4, middle + 4)
        ]
        if all(dark):
            return True
    return False


def test_no_text_cursor_in_a_field_without_focus(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Only the focused field draws a text cursor; the one the focus left draws none."""
    window, _ = make_window(qtbot, kb)
    with qtbot.waitActive(window):
        window.activateWindow()
    name, identifier = window.form.patient.name, window.form.patient.identifier
    identifier.setFocus()
    identifier.setText("MRN")
    name.setFocus()
    name.setText("Ann")
    name.setCursorPosition(3)
    assert cursor_drawn(name)
    assert not identifier.hasFocus()
    assert not cursor_drawn(identifier)
