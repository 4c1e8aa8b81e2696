"""A tree whose items show wrapped rich text, so long alerts are read in full, not elided."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

HTML_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
STALE_ROLE = Qt.ItemDataRole.UserRole + 3  # part of an out-of-date assessment: drawn faded
STALE_OPACITY = 0.45
AnyIndex = QModelIndex | QPersistentModelIndex
CACHE_LIMIT = 2000


class RichDelegate(QStyledItemDelegate):
    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view
        # The panel is rebuilt on every edit with mostly the same texts: laid-out documents
        # are reused by text, width and font, which keeps a rebuild to a few milliseconds.
        self._cache: dict[tuple[str | None, int, str], QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex, width: int) -> QTextDocument:
        html = index.data(HTML_ROLE)
        key = (html if isinstance(html, str) else None, width, option.font.key())
        cached = self._cache.get(key)
        if cached is not None and key[0] is not None:
            return cached
        document = self._layout(option, index, width)
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = document
        return document

    def _layout(self, option: QStyleOptionViewItem, index: AnyIndex, width: int) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(2)
        document.setDefaultFont(option.font)
        html = index.data(HTML_ROLE)
        if isinstance(html, str):
            document.setHtml(html)
        else:
            document.setPlainText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        document.setTextWidth(max(width, 80))
        return document

    def _row_width(self, index: AnyIndex) -> int:
        depth = 1 if self._view.rootIsDecorated() else 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        return self._view.viewport().width() - self._view.indentation() * depth

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self._row_width(index)
        opt.rect = QRect(0, 0, width, 1000)
        style = self._view.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, self._view)
        document = self._document(opt, index, text.width())
        height = int(document.size().height()) + 4
        if not opt.icon.isNull():
            height = max(height, self._view.iconSize().height() + 6)
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        document = self._document(opt, index, rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        if index.data(STALE_ROLE):
            painter.setOpacity(STALE_OPACITY)
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()


class RichTree(QTreeWidget):
    """One column, no header; items relayout when the width changes."""

    def __init__(self) -> None:
        super().__init__()
        self.setColumnCount(1)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(RichDelegate(self))
        self.setAnimated(False)
        self.setIndentation(16)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()

    def top_items(self) -> list[QTreeWidgetItem]:
        items = (self.topLevelItem(n) for n in range(self.topLevelItemCount()))
        return [item for item in items if item is not None]

    def walk(self) -> Iterator[QTreeWidgetItem]:
        """Every item, depth first, in display order."""
        stack = list(reversed(self.top_items()))
        while stack:
            item = stack.pop()
            yield item
            children = (item.child(n) for n in reversed(range(item.childCount())))
            stack += [child for child in children if child is not None]

    def remember(self) -> tuple[set[str], str | None]:
        """The keys of the open items and of the current one, to keep them over a rebuild."""
        expanded = {
            str(item.data(0, KEY_ROLE))
            for item in self.walk()
            if item.isExpanded() and item.parent() is not None
        }
        current = self.currentItem()
        return expanded, str(current.data(0, KEY_ROLE)) if current is not None else None

    def restore(self, expanded: set[str], current: str | None) -> None:
        for item in self.walk():
            key = str(item.data(0, KEY_ROLE))
            if key in expanded:
                item.setExpanded(True)
            if key == current:
                self.setCurrentItem(item)
