"""``rlsdesk --self-test``: prove an installation works, step by step, without a clinician.

Each step prints ``ok <step> (<ms> ms): <detail>`` or ``FAIL <step> (<ms> ms): <reason>``.
``--self-test-report PATH`` writes the same lines to a file, because a windowed Windows
executable has no console to print to. Exit status: 0 every step passed; 3 the knowledge
base failed its manifest or schema check (as everywhere in rlsdesk); 1 another step failed.

The steps follow what the app does for a clinician: verify and load the knowledge base,
assess a built-in case (checked against expected decisions), write its sheet with the
embedded font, open the main window (offscreen when there is no display), set up a
printer and load the print-support plugin, and render the sheet's first page with QtPdf.
The self-test never writes into the user's settings, drafts or audit log: the window runs
with ``RLSDESK_HOME`` pointed at a temporary folder.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from rlsdesk import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from rlsdesk.domain.assessment import Assessment
    from rlsdesk.knowledge import KnowledgeBase

# 3 as in the rest of rlsdesk: the knowledge base is damaged, changed or invalid.
EXIT_OK, EXIT_FAILED, EXIT_KNOWLEDGE = 0, 1, 3

# A realistic visit: RLS with low-normal ferritin and low TSAT, low magnesium (SI units),
# creatinine for a computed eGFR, a brand-name antidepressant and levothyroxine.
BUILTIN_CASE: dict[str, Any] = {
    "format": "rlsdesk-case/1",
    "patient": {
        "name": "Self-test Patient",
        "identifier": "SELFTEST-1",
        "age_years": 46,
        "sex": "female",
        "weight_kg": 68,
    },
    "presentation": {"rls": True, "leg_cramps": True, "irls_score": 22},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": None, "dialysis": "none"},
    "labs": [
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-11-02"},
        {"analyte": "tsat", "value": 17, "unit": "%"},
        {"analyte": "magnesium", "value": 0.62, "unit": "mmol/L"},
        {"analyte": "creatinine", "value": 0.8, "unit": "mg/dL"},
    ],
    "conditions": [],
    "medications": [{"name": "Zoloft", "dose": "50 mg daily"}, {"name": "levothyroxine"}],
    "supplements": [],
}
# What any correct knowledge base and engine must conclude for BUILTIN_CASE.
EXPECTED_DECISIONS = {"iron": ("recommend", "oral"), "magnesium": ("recommend", "oral")}
EXPECTED_ALERTS = (("aggravates_rls", "sertraline"), ("interaction", "levothyroxine"))
EMBEDDED_FONT = b"DejaVuSans"
REQUIRED_IMAGE_FORMATS = frozenset({"png", "svg", "jpeg"})


class StepFailed(Exception):
    """A self-test step found something wrong; the message is the reason shown."""


@dataclass
class SelfTest:
    """Runs steps in order, recording one line per step; later steps may need earlier ones."""

    sinks: list[TextIO]  # the console (if any) and the report file (if asked for)
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    done: dict[str, object] = field(default_factory=dict)

    def emit(self, line: str) -> None:
        """Write the line at once, so a crash in a later step still leaves a report."""
        self.lines.append(line)
        for sink in self.sinks:
            sink.write(line + "\n")
            sink.flush()

    def step(self, name: str, action: Callable[[], tuple[object, str]], *needs: str) -> None:
        start = time.perf_counter()
        missing = [need for need in needs if need not in self.done]
        try:
            if missing:
                raise StepFailed(f"not run, needs {', '.join(missing)}")
            result, detail = action()
        except Exception as error:  # a self-test reports every failure, whatever it is
            reason = str(error) if isinstance(error, StepFailed) else _describe(error)
            self.failed.append(name)
            self.emit(f"FAIL {name} ({_ms(start)} ms): {reason}")
            return
        self.done[name] = result
        self.emit(f"ok {name} ({_ms(start)} ms): {detail}")

    def get(self, name: str) -> Any:
        return self.done[name]


def _ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def _describe(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}".replace("\n", " / ")


def _check(condition: bool, reason: str) -> None:
    if not condition:
        raise StepFailed(reason)


# --- the steps -------------------------------------------------------------------------


def _knowledge_base() -> tuple[KnowledgeBase, str]:
    from rlsdesk.knowledge import KnowledgeBaseIntegrityError, load_knowledge_base

    try:
        kb = load_knowledge_base()
    except KnowledgeBaseIntegrityError as error:
        raise StepFailed(f"manifest check failed: {'; '.join(error.problems)}") from None
    counts = ", ".join(f"{count} {name}" for name, count in kb.counts.items() if count)
    return kb, f"version {kb.version}, sha256 {kb.sha256[:16]}..., {kb.folder} ({counts})"


def _assessment(kb: KnowledgeBase) -> tuple[Assessment, str]:
    from rlsdesk.domain.case import parse_case
    from rlsdesk.domain.engine import assess

    assessment = assess(parse_case(BUILTIN_CASE, kb), kb)
    decisions = {d.agent: d for d in assessment.decisions}
    for agent, (wanted, route) in EXPECTED_DECISIONS.items():
        made = decisions.get(agent)
        _check(made is not None, f"no decision for {agent}")
        assert made is not None
        _check(
            (made.decision, made.route) == (wanted, route),
            f"{agent}: expected {wanted} ({route}), got {made.decision} ({made.route})",
        )
    for kind, drug in EXPECTED_ALERTS:
        _check(
            any(a.kind == kind and drug in a.drugs for a in assessment.alerts),
            f"expected a {kind} alert naming {drug}",
        )
    _check(assessment.egfr.source == "ckd_epi_2021", "eGFR was not computed from creatinine")
    summary = ", ".join(f"{agent} {decisions[agent].decision}" for agent in EXPECTED_DECISIONS)
    return assessment, f"{summary}, {len(assessment.alerts)} alerts, eGFR {assessment.egfr.value}"


def _sheet(kb: KnowledgeBase, assessment: Assessment) -> tuple[bytes, str]:
    from rlsdesk.report import SheetOptions, build_sheet
    from rlsdesk.report.knowledge_texts import with_knowledge_base

    options = with_knowledge_base(SheetOptions(reproducible=True, handout=True), kb)
    pdf = build_sheet(assessment, options)
    _check(pdf.startswith(b"%PDF-"), "the sheet is not a PDF")
    _check(EMBEDDED_FONT in pdf, f"the font {EMBEDDED_FONT.decode()} is not in the PDF")
    _check(b"/FontFile2" in pdf, "no embedded TrueType font program (/FontFile2) in the PDF")
    return pdf, f"{len(pdf) // 1024} KiB, {EMBEDDED_FONT.decode()} embedded"


def _application() -> tuple[QApplication, str]:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo, qVersion
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["rlsdesk", "--self-test"])
    assert isinstance(app, QApplication)
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = sorted(REQUIRED_IMAGE_FORMATS - formats)
    _check(not missing, f"image format plugins missing: {', '.join(missing)}")
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    return app, (
        f"Qt {qVersion()}, PySide6 {pyside_version}, platform {app.platformName()}, "
        f"images {'/'.join(sorted(REQUIRED_IMAGE_FORMATS))}, plugins {plugins}"
    )


class _NoDialogs:
    """Stands in for the window's dialogs: a self-test must never wait on a modal question."""

    def __getattr__(self, name: str) -> Callable[..., object]:
        def refuse(*_args: object, **_kwargs: object) -> object:
            raise StepFailed(f"the window asked a question ({name}) during the self-test")

        return refuse


def _main_window(app: QApplication, kb: KnowledgeBase) -> tuple[None, str]:
    """The real main window, themed, with the built-in case opened and assessed live."""
    import json

    from PySide6.QtCore import QSettings

    from rlsdesk.settings import load_settings
    from rlsdesk.ui.icons import app_icon
    from rlsdesk.ui.main_window import MainWindow
    from rlsdesk.ui.recent import RecentFiles
    from rlsdesk.ui.theme import apply_theme

    if TYPE_CHECKING:
        from rlsdesk.ui.dialogs import Dialogs

    with _scratch_user_data() as home:
        apply_theme(app)
        icon = app_icon()
        _check(not icon.pixmap(64, 64).isNull(), "the app icon does not render (SVG support?)")
        app.setWindowIcon(icon)
        case_path = home / "self-test-case.json"
        case_path.write_text(json.dumps(BUILTIN_CASE), "utf-8")
        recent = RecentFiles(QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat))
        dialogs = cast("Dialogs", _NoDialogs())
        window = MainWindow(kb, load_settings(), recent, dialogs=dialogs)
        try:
            _check(window.open_path(case_path), "the window did not open the built-in case")
            window.show()
            result = window.live.flush()
            app.processEvents()
            _check(window.isVisible(), "the main window did not become visible")
            _check(
                result.assessment is not None,
                f"the window's live assessment failed: {result.problems}",
            )
            assert result.assessment is not None
            iron = next(d for d in result.assessment.decisions if d.agent == "iron")
            _check(iron.decision == "recommend", f"the window shows iron {iron.decision}")
            size, title = window.size(), window.windowTitle()
        finally:
            window.hide()
            window.deleteLater()
            app.processEvents()
    return None, f"{title!r} at {size.width()}x{size.height()}, built-in case assessed live"


@contextmanager
def _scratch_user_data() -> Iterator[Path]:
    """Point RLSDESK_HOME at a temporary folder, so no real settings or drafts are touched."""
    from rlsdesk.paths import HOME_ENV

    previous = os.environ.get(HOME_ENV)
    with tempfile.TemporaryDirectory(
        prefix="rlsdesk-selftest-", ignore_cleanup_errors=True
    ) as scratch:
        os.environ[HOME_ENV] = scratch
        try:
            yield Path(scratch)
        finally:
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous


def _print_plugin() -> tuple[None, str]:
    """Load the print-support plugin itself: a missing libcups otherwise just means 0 printers."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "printsupport"
    if sys.platform == "win32":  # Qt 6 on Windows: print support is built into QtPrintSupport
        return None, "built into QtPrintSupport"
    plugins = sorted(p for p in folder.glob("*") if p.suffix in (".so", ".dylib", ".dll"))
    _check(bool(plugins), f"no print-support plugin in {folder}")
    loaded = []
    for plugin in plugins:
        loader = QPluginLoader(str(plugin))
        _check(loader.load(), f"{plugin.name} does not load: {loader.errorString()}")
        loaded.append(plugin.name)
    return None, f"loaded {', '.join(loaded)}"


def _printer() -> tuple[None, str]:
    """A printer object and the print path to a PDF file (no paper is used)."""
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    printers = QPrinterInfo.availablePrinters()
    default = QPrinterInfo.defaultPrinter()
    with tempfile.TemporaryDirectory(prefix="rlsdesk-selftest-") as scratch:
        target = Path(scratch) / "printer-test.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        painter = QPainter()
        _check(painter.begin(printer), "QPainter could not start on a QPrinter")
        painter.drawText(100, 100, "rlsdesk self-test")
        _check(painter.end(), "QPainter could not finish the printed page")
        _check(target.is_file() and target.stat().st_size > 0, "QPrinter wrote no output")
    name = default.printerName() if not default.isNull() else "none"
    return None, f"{len(printers)} printers, default {name}"


def _pdf_render(app: QApplication, pdf: bytes) -> tuple[None, str]:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QColor
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    _check(buffer.open(QIODevice.OpenModeFlag.ReadOnly), "could not open the PDF buffer")
    document = QPdfDocument()
    document.load(buffer)
    deadline = time.monotonic() + 10
    while document.status() == QPdfDocument.Status.Loading and time.monotonic() < deadline:
        app.processEvents()
    _check(
        document.status() == QPdfDocument.Status.Ready,
        f"QPdfDocument status {document.status().name}, error {document.error().name}",
    )
    _check(document.pageCount() >= 1, "the PDF has no pages")
    points = document.pagePointSize(0)
    size = QSize(round(points.width() * 1.5), round(points.height() * 1.5))
    image = document.render(0, size)
    _check(not image.isNull(), "rendering page 1 produced no image")
    white = QColor("white").rgb()
    step = 4
    inked = sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if image.pixel(x, y) != white
    )
    sampled = (image.height() // step + 1) * (image.width() // step + 1)
    _check(inked > sampled // 200, f"page 1 rendered blank ({inked} of {sampled} samples inked)")
    pages = document.pageCount()
    document.close()
    return None, f"{pages} pages, page 1 at {size.width()}x{size.height()} px, {inked} inked"


# --- running ---------------------------------------------------------------------------


def _header() -> list[str]:
    frozen = getattr(sys, "frozen", False)
    where = Path(sys.executable).parent if frozen else Path(__file__).resolve().parent
    return [
        f"rlsdesk {__version__} self-test",
        f"python {platform.python_version()} on {platform.platform()}",
        f"{'frozen build' if frozen else 'running from source'} in {where}",
    ]


def run_self_test(report_path: Path | None = None, out: TextIO | None = None) -> int:
    """Run every step, print (and optionally write) the results; 0 when all passed.

    ``out`` defaults to standard output, which a windowed Windows executable lacks.
    """
    console = out if out is not None else sys.stdout
    sinks = [console] if console is not None else []
    if report_path is None:
        return _run(SelfTest(sinks))
    try:
        report = report_path.open("w", encoding="utf-8")
    except OSError as error:
        for sink in sinks:
            sink.write(f"FAIL report: cannot write {report_path}: {error.strerror or error}\n")
        return EXIT_FAILED
    with report:
        return _run(SelfTest([*sinks, report]))


def _run(test: SelfTest) -> int:
    started = time.perf_counter()
    for line in _header():
        test.emit(line)
    test.step("knowledge-base", _knowledge_base)
    test.step("assessment", lambda: _assessment(test.get("knowledge-base")), "knowledge-base")
    test.step(
        "sheet",
        lambda: _sheet(test.get("knowledge-base"), test.get("assessment")),
        "assessment",
    )
    test.step("qt", _application)
    test.step(
        "main-window",
        lambda: _main_window(test.get("qt"), test.get("knowledge-base")),
        "qt",
        "knowledge-base",
    )
    test.step("print-plugin", _print_plugin, "qt")
    test.step("printer", _printer, "qt")
    test.step("pdf-render", lambda: _pdf_render(test.get("qt"), test.get("sheet")), "qt", "sheet")
    total = len(test.done) + len(test.failed)
    seconds = time.perf_counter() - started
    if test.failed:
        test.emit(f"self-test FAILED: {len(test.failed)} of {total} steps failed ({seconds:.2f} s)")
    else:
        test.emit(f"self-test passed: {total} of {total} steps ok ({seconds:.2f} s)")
    if "knowledge-base" in test.failed:
        return EXIT_KNOWLEDGE
    return EXIT_FAILED if test.failed else EXIT_OK


def wants_self_test(arguments: Sequence[str]) -> bool:
    """True when the command line asks for the self-test (checked before the GUI starts)."""
    return any(a == "--self-test" or a.startswith("--self-test-report") for a in arguments)


def main(argv: Sequence[str] | None = None) -> int:
    """``--self-test [--self-test-report PATH]`` (the report option alone also runs it)."""
    import argparse

    parser = argparse.ArgumentParser(prog="rlsdesk --self-test")
    parser.add_argument("--self-test", action="store_true", help="check this installation")
    parser.add_argument("--self-test-report", metavar="PATH", type=Path, default=None)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    return run_self_test(args.self_test_report)


if __name__ == "__main__":
    sys.exit(main())
