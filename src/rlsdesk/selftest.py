"""``rlsdesk --self-test``: prove an installation works, step by step, without a clinician.

Each step prints ``ok <step> (<ms> ms): <detail>`` or ``FAIL <step> (<ms> ms): <reason>``.
``--self-test-report PATH`` writes the same lines to a file, because a windowed Windows
executable has no console to print to. Exit status: 0 every step passed; 3 the knowledge
base failed its manifest or schema check (as everywhere in rlsdesk); 1 another step failed.

The steps follow what the app does for a clinician: check the per-user data folder (create
it, write, sync and delete a probe, read the audit log), verify and load the knowledge base,
assess a built-in case (checked against expected decisions), write its sheet with the
embedded font, start Qt in a child process (a missing platform library aborts the process
that tries, so the child's failure becomes a FAIL line naming the package to install), open
the main window (offscreen when there is no display), set up a printer and load the
print-support plugin, and render the sheet's first page with QtPdf. Every FAIL line ends
with "What to do: ...". The self-test never writes into the user's settings, drafts or audit
log: the window runs with ``RLSDESK_HOME`` pointed at a temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
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
    """A self-test step found something wrong; the message is the reason shown, ``fix``
    what the person running it should do (the step's general advice when not given)."""

    def __init__(self, reason: str, fix: str | None = None) -> None:
        super().__init__(reason)
        self.fix = fix


# What to do when a step fails, unless the failure itself knows better. Every FAIL line
# ends with one of these: a self-test that clinic IT cannot act on is not much of a test.
ADVICE = {
    "user-data": "set RLSDESK_HOME to a folder this user owns, or make the folder named "
    "above a folder owned by this user (mode 700)",
    "knowledge-base": "reinstall rlsdesk (or restore the knowledge folder named in "
    "RLSDESK_KNOWLEDGE exactly as delivered)",
    "assessment": "reinstall rlsdesk and report this line to the vendor",
    "sheet": "reinstall rlsdesk; if it persists, report this line to the vendor",
    "qt-platform": "install the system libraries the package depends on "
    "(Debian: apt-get install --reinstall rlsdesk pulls them in)",
    "qt": "reinstall rlsdesk; on Linux also check the qt-platform line",
    "main-window": "reinstall rlsdesk and report this line to the vendor",
    "print-plugin": "install the CUPS client library (Debian: apt-get install libcups2)",
    "printer": "check the printing system (CUPS on Linux, the print spooler on Windows)",
    "pdf-render": "reinstall rlsdesk and report this line to the vendor",
}
GENERIC_ADVICE = "reinstall rlsdesk and report this line to the vendor"
QT_PROBE_FLAG = "--self-test-qt-probe"
UPGRADE_PROBE_FLAG = "--self-test-upgrade-probe"
UPGRADE_WAIT_SECONDS = 600
PRELOAD_FLAG = "--self-test-preload"  # with the upgrade probe: load all code first
QT_PROBE_SECONDS = 60
# Libraries the Qt platform plugins load, by the Debian package that provides them: a probe
# that fails naming one of them says which package to install.
LINUX_LIBRARY_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-util.so.1": "libxcb-util1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libcups.so.2": "libcups2",
}


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
                needed = ", ".join(missing)
                raise StepFailed(f"not run, needs {needed}", f"fix {needed} first")
            result, detail = action()
        except Exception as error:  # a self-test reports every failure, whatever it is
            reason = str(error) if isinstance(error, StepFailed) else _describe(error)
            fix = getattr(error, "fix", None) or ADVICE.get(name, GENERIC_ADVICE)
            self.failed.append(name)
            self.emit(f"FAIL {name} ({_ms(start)} ms): {reason}. What to do: {fix}")
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


def _user_data() -> tuple[None, str]:
    """The real per-user folder: create it, write, sync and delete a probe, read the log."""
    from rlsdesk.audit import audit_path
    from rlsdesk.paths import user_data_dir, user_data_problem

    problem = user_data_problem()
    if problem:
        raise StepFailed(problem)
    folder = user_data_dir()
    probe = folder / f".self-test-{os.getpid()}.probe"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, b"rlsdesk self-test probe")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _check(probe.read_bytes() == b"rlsdesk self-test probe", f"{probe} reads back wrong")
    except OSError as error:
        raise StepFailed(f"cannot write in {folder}: {error.strerror or error}") from None
    finally:
        probe.unlink(missing_ok=True)
    log = audit_path()
    if not log.exists():
        return None, f"{folder} writable; no audit log yet (the first sheet creates it)"
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{log.as_uri()}?mode=ro", uri=True)) as db:
            status = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as error:
        raise StepFailed(
            f"the audit log {log} cannot be read ({error})",
            "close other rlsdesk windows and run the self-test again; if it persists, move "
            "the file aside (rlsdesk starts a new log) and keep it for the clinic's records",
        ) from None
    _check(status == ("ok",), f"the audit log {log} is damaged ({status})")
    return None, f"{folder} writable, audit log {log.name} readable"


def _qt_probe_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, QT_PROBE_FLAG]
    return [sys.executable, "-m", "rlsdesk.selftest", QT_PROBE_FLAG]


def missing_library_advice(output: str) -> str | None:
    """What to install, from the output of a Qt start that failed (None: nothing named)."""
    named = set(re.findall(r"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object", output))
    named |= {f"{hint}.so.0" for hint in re.findall(r"(libxcb-cursor)0? is needed", output)}
    if not named:
        return None
    packages = sorted({LINUX_LIBRARY_PACKAGES.get(library, "") for library in named} - {""})
    unknown = sorted(library for library in named if library not in LINUX_LIBRARY_PACKAGES)
    parts = [f"apt-get install {' '.join(packages)}"] if packages else []
    parts += [f"install the package that provides {library}" for library in unknown]
    return "; ".join(parts)


def _qt_platform() -> tuple[None, str]:
    """Start Qt in a child process first: a missing platform library aborts the process
    that tries it, which must not be the self-test itself."""
    import subprocess

    environment = dict(os.environ)
    if sys.platform.startswith("linux") and not (
        environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY")
    ):
        environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["QT_DEBUG_PLUGINS"] = "1"  # the loader names the library it could not open
    try:
        child = subprocess.run(
            _qt_probe_command(), capture_output=True, text=True, errors="replace",
            env=environment, timeout=QT_PROBE_SECONDS, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise StepFailed(f"Qt did not start within {QT_PROBE_SECONDS} s") from None
    if child.returncode == 0 and child.stdout.startswith("platform "):
        return None, child.stdout.strip()
    output = child.stdout + child.stderr
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "no output")
    raise StepFailed(
        f"Qt could not start (exit status {child.returncode}): {last.strip()}",
        missing_library_advice(output),
    )


def build_builtin_sheet() -> bytes:
    """The built-in case's sheet, checked as the sheet step checks it."""
    kb, _ = _knowledge_base()
    assessment, _ = _assessment(kb)
    pdf, _ = _sheet(kb, assessment)
    return pdf


def upgrade_probe(
    folder: Path, wait_seconds: float = UPGRADE_WAIT_SECONDS, preload: bool = False
) -> int:
    """A session that outlives an upgrade (installer/linux/test_in_chroot.sh): start like the
    app (sheet code not yet imported), record the installation, write ``ready``, wait for
    ``go`` (the package is upgraded meanwhile), then say whether the upgrade was detected
    and export a sheet. 0 when the export worked or the upgrade was detected (the app then
    asks for a restart); 1 when the export failed unannounced: the silent failure."""
    from rlsdesk.installation import installation_changed, preload_code, record_installation

    record_installation()
    if preload:
        print(f"preloaded: {len(preload_code())} modules and the sheet code", flush=True)
    (folder / "ready").write_text(str(os.getpid()), "utf-8")
    deadline = time.monotonic() + wait_seconds
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            print(f"upgrade probe: no {folder / 'go'} within {wait_seconds:.0f} s", flush=True)
            return EXIT_FAILED
        time.sleep(0.2)
    message = installation_changed()
    print(f"detected: {'yes' if message else 'no'}", flush=True)
    if message:
        print(f"message: {message}", flush=True)
    try:
        kb, _ = _knowledge_base()
        assessment, _ = _assessment(kb)
        pdf, detail = _sheet(kb, assessment)
        (folder / "after-upgrade.pdf").write_bytes(pdf)
    except Exception as error:  # the failure is the finding: report it, whatever it is
        print(f"export: FAILED {_describe(error)}", flush=True)
        return EXIT_OK if message else EXIT_FAILED
    print(f"export: ok ({detail})", flush=True)
    return EXIT_OK


def _qt_probe() -> int:
    """The child side of the qt-platform step: start Qt, name the platform, exit."""
    from PySide6.QtWidgets import QApplication

    app = QApplication(["rlsdesk", QT_PROBE_FLAG])
    print(f"platform {app.platformName()}", flush=True)
    return EXIT_OK


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
            sink.write(
                f"FAIL report: cannot write {report_path}: {error.strerror or error}. "
                "What to do: name a file in a folder that exists and this user can write\n"
            )
        return EXIT_FAILED
    with report:
        return _run(SelfTest([*sinks, report]))


def _run(test: SelfTest) -> int:
    started = time.perf_counter()
    for line in _header():
        test.emit(line)
    test.step("user-data", _user_data)
    test.step("knowledge-base", _knowledge_base)
    test.step("assessment", lambda: _assessment(test.get("knowledge-base")), "knowledge-base")
    test.step(
        "sheet",
        lambda: _sheet(test.get("knowledge-base"), test.get("assessment")),
        "assessment",
    )
    test.step("qt-platform", _qt_platform)
    test.step("qt", _application, "qt-platform")
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
    return any(
        a in ("--self-test", QT_PROBE_FLAG, UPGRADE_PROBE_FLAG)
        or a.startswith("--self-test-report")
        for a in arguments
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``--self-test [--self-test-report PATH]`` (the report option alone also runs it)."""
    import argparse

    parser = argparse.ArgumentParser(prog="rlsdesk --self-test")
    parser.add_argument("--self-test", action="store_true", help="check this installation")
    parser.add_argument("--self-test-report", metavar="PATH", type=Path, default=None)
    parser.add_argument(QT_PROBE_FLAG, action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(UPGRADE_PROBE_FLAG, type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument(PRELOAD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.self_test_qt_probe:
        return _qt_probe()
    if args.self_test_upgrade_probe is not None:
        return upgrade_probe(args.self_test_upgrade_probe, preload=args.self_test_preload)
    return run_self_test(args.self_test_report)


if __name__ == "__main__":
    sys.exit(main())
