#!/usr/bin/env python3
"""Save a screenshot of the X display in $DISPLAY; with a BEFORE image, fail unless at least
2% of the screen changed (that is, a window appeared). Used by test_in_chroot.sh."""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication, QImage


def changed_share(before: QImage, after: QImage, step: int = 8) -> float:
    if before.size() != after.size():
        return 1.0
    points = [(x, y) for y in range(0, after.height(), step) for x in range(0, after.width(), step)]
    changed = sum(1 for x, y in points if before.pixel(x, y) != after.pixel(x, y))
    return changed / len(points)


def main(argv: list[str]) -> int:
    app = QGuiApplication(["screenshot"])
    screen = app.primaryScreen()
    image = screen.grabWindow(0).toImage()
    image.save(argv[0])
    if len(argv) < 2:
        return 0
    share = changed_share(QImage(argv[1]), image)
    print(f"{share:.0%} of the screen changed")
    return 0 if share >= 0.02 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
