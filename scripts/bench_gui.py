"""Benchmark the desktop app: cold start, keystroke to updated assessment, peak memory.

    .venv/bin/python scripts/bench_gui.py [--runs 7] [--keys 60] [--check]

Cold start: wall time from launching a fresh Python process to its first shown window, for
rlsdesk (with a realistic case loaded and assessed) and for a bare PySide6 window, in
alternating separate subprocesses; medians and their ratio (budget 1.5x).
Keystroke: one key typed into a lab value (changing the iron decision) until the form and
the assessment panel have been updated, and until the window has repainted (budget 50 ms).
Memory: peak resident set size (resource.getrusage maxrss) of the rlsdesk process.
Headless (offscreen) when there is no display. ``--check`` exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_BUDGET_RATIO = 1.5
KEYSTROKE_BUDGET_MS = 50.0

CASE = {
    "format": "rlsdesk-case/1",
    "patient": {"name": "Bench Patient", "identifier": "B-1", "age_years": 62, "sex": "female",
                "weight_kg": 71},
    "presentation": {"rls": True, "leg_cramps": False, "irls_score": 24},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": 45, "dialysis": "none"},
    "labs": [
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2025-10-14"},
        {"analyte": "tsat", "value": 17, "unit": "%", "date": "2025-10-14"},
        {"analyte": "magnesium", "value": 0.62, "unit": "mmol/L", "date": "2025-10-14"},
    ],
    "conditions": [],
    "medications": [{"name": "sertraline"}, {"name": "Benadryl"}, {"name": "ciprofloxacin"},
                    {"name": "levothyroxine"}],
    "supplements": [{"name": "magnesium oxide", "dose": "400 mg at night"}],
}  # fmt: skip

# Each child creates its QApplication, shows its window, and reports from the event loop's
# first turn (the window is shown by then), then quits.
BARE_CHILD = """
import resource, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget(); window.resize(1280, 780); window.show()
def done():
    print("shown", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""
RLSDESK_CHILD = """
import resource, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def ready():
    for window in app.topLevelWidgets():
        live = getattr(window, "live", None)
        if window.isVisible() and live is not None and live.result and live.result.valid:
            print("ready", rss(), flush=True)
            for other in app.topLevelWidgets():
                other.close()
            app.quit()
            return
    QTimer.singleShot(2, ready)
QTimer.singleShot(0, lambda: print("shown", rss(), flush=True))
QTimer.singleShot(0, ready)
from rlsdesk.app import main
sys.exit(main([sys.argv[1]]))
"""


def _environment(home: Path) -> dict[str, str]:
    env = {**os.environ, "RLSDESK_HOME": str(home)}
    if not (sys.platform.startswith(("win", "darwin")) or env.get("DISPLAY")
            or env.get("WAYLAND_DISPLAY")):  # fmt: skip
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _start(code: str, args: list[str], env: dict[str, str]) -> tuple[list[float], int]:
    """Seconds from launching the process to each line it prints, and its maxrss (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    stamps: list[float] = []
    maxrss = 0
    for line in process.stdout:
        stamps.append(time.perf_counter() - started)
        maxrss = max(maxrss, int(line.split()[1]))
    process.wait(timeout=60)
    if not stamps:
        raise RuntimeError(f"child did not show a window (exit {process.returncode})")
    return stamps, maxrss


def cold_start(runs: int, case: Path, env: dict[str, str]) -> dict[str, float]:
    _start(BARE_CHILD, [], env)  # warm the disk cache for both: we compare, not measure I/O
    _start(RLSDESK_CHILD, [str(case)], env)
    bare: list[float] = []
    shown: list[float] = []
    ready: list[float] = []
    rss: list[int] = []
    for _ in range(runs):
        bare.append(_start(BARE_CHILD, [], env)[0][0])
        stamps, maxrss = _start(RLSDESK_CHILD, [str(case)], env)
        if len(stamps) < 2:
            raise RuntimeError("rlsdesk never showed the assessed case")
        shown.append(stamps[0])
        ready.append(stamps[1])
        rss.append(maxrss)
    median_bare = statistics.median(bare)
    return {
        "bare_median_ms": median_bare * 1000,
        "rlsdesk_shown_median_ms": statistics.median(shown) * 1000,
        "ratio": statistics.median(shown) / median_bare,
        "rlsdesk_ready_median_ms": statistics.median(ready) * 1000,
        "ready_ratio": statistics.median(ready) / median_bare,
        "rlsdesk_child_maxrss_mib": max(rss) / 1024,
    }


def keystrokes(count: int, case: Path) -> dict[str, float]:
    """Type into the ferritin value in-process and time each update of form and panel."""
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from rlsdesk.knowledge import load_knowledge_base
    from rlsdesk.settings import Settings
    from rlsdesk.ui.main_window import MainWindow
    from rlsdesk.ui.recent import RecentFiles
    from rlsdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    kb = load_knowledge_base()
    recent = RecentFiles(QSettings(str(case.parent / "ui.ini"), QSettings.Format.IniFormat))
    window = MainWindow(kb, Settings(), recent)
    window.open_path(case)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    field = window.form.labs.lab_rows()[0].value
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_End)
    updated: list[float] = []
    painted: list[float] = []
    compute: list[float] = []
    loop = QEventLoop()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    stamp: list[float] = []
    window.live.updated.connect(lambda _result: (stamp.append(time.perf_counter()), loop.quit()))
    for n in range(count):
        stamp.clear()
        started = time.perf_counter()
        if n % 2 == 0:
            QTest.keyClick(field, Qt.Key.Key_0)  # 38 -> 380: iron is no longer indicated
        else:
            QTest.keyClick(field, Qt.Key.Key_Backspace)  # back to 38
        timeout.start(2000)
        loop.exec()
        timeout.stop()
        if not stamp:
            raise RuntimeError("no assessment update arrived")
        updated.append((stamp[0] - started) * 1000)
        app.processEvents()  # the pending paints of what changed, as the event loop does
        painted.append((time.perf_counter() - started) * 1000)
        compute.append(window.live.last_duration_ms)
    window.hide()
    return {
        "update_median_ms": statistics.median(updated),
        "update_p95_ms": sorted(updated)[int(len(updated) * 0.95) - 1],
        "painted_median_ms": statistics.median(painted),
        "painted_p95_ms": sorted(painted)[int(len(painted) * 0.95) - 1],
        "evaluate_and_show_median_ms": statistics.median(compute),
        "debounce_ms": float(window.live._timer.interval()),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold starts of each kind")
    parser.add_argument("--keys", type=int, default=60, help="keystrokes to time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rlsdesk-bench-") as scratch:
        home = Path(scratch)
        case = home / "bench-case.json"
        case.write_text(json.dumps(CASE), "utf-8")
        env = _environment(home)
        os.environ.update(
            {k: v for k, v in env.items() if k in ("RLSDESK_HOME", "QT_QPA_PLATFORM")}
        )
        start = cold_start(args.runs, case, env)
        keys = keystrokes(args.keys, case)
    figures = {**start, **keys}
    passed = (
        start["ratio"] <= START_BUDGET_RATIO and keys["painted_median_ms"] <= KEYSTROKE_BUDGET_MS
    )
    if args.json:
        print(json.dumps({**figures, "within_budget": passed}, indent=2))
    else:
        print(f"cold start (median of {args.runs}, separate processes):")
        print(f"  bare PySide6 window shown       {start['bare_median_ms']:7.0f} ms")
        print(
            f"  rlsdesk first window shown      {start['rlsdesk_shown_median_ms']:7.0f} ms   "
            f"ratio {start['ratio']:.2f}x (budget {START_BUDGET_RATIO}x)"
        )
        print(
            f"  rlsdesk case loaded and assessed{start['rlsdesk_ready_median_ms']:7.0f} ms   "
            f"ratio {start['ready_ratio']:.2f}x"
        )
        print(f"keystroke to updated assessment (median of {args.keys}):")
        print(
            f"  form + panel updated  {keys['update_median_ms']:7.1f} ms   "
            f"(p95 {keys['update_p95_ms']:.1f}; includes the {keys['debounce_ms']:.0f} ms debounce)"
        )
        print(
            f"  window repainted      {keys['painted_median_ms']:7.1f} ms   "
            f"(p95 {keys['painted_p95_ms']:.1f}; budget {KEYSTROKE_BUDGET_MS:.0f} ms)"
        )
        print(f"  evaluate + show only  {keys['evaluate_and_show_median_ms']:7.1f} ms")
        print("peak memory (maxrss):")
        print(f"  rlsdesk at first window {start['rlsdesk_child_maxrss_mib']:5.0f} MiB")
        print(f"  after the keystroke run {keys['peak_rss_mib']:5.0f} MiB")
        print("within budget" if passed else "OVER BUDGET")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
