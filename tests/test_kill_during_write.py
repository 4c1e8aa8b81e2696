"""No data lost when rlsdesk is killed mid-write (SIGKILL, many times, at random moments).

A "zygote" process imports rlsdesk once, then forks a writer per round that rewrites the
file in a loop; the test SIGKILLs the writer after a random delay and inspects what is left:
the file is always one of the complete versions, an audit database always passes
``PRAGMA integrity_check`` with no committed row lost, the next write works, and at most one
temporary file (``.RANDOM.tmp``, 0600, never read by rlsdesk) is left per kill.

RLSDESK_KILLS sets the number of kills per writer (default 40; the release check uses more).
This module is also the zygote: ``python test_kill_during_write.py zygote KIND TARGET``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

KILLS = int(os.environ.get("RLSDESK_KILLS", "40"))
MAX_DELAY = 0.12  # seconds; several writes of each kind fit in it
BIG = 3_000_000  # bytes per version of the plain file: the write takes long enough to be hit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX"),
]


# --- the writer side (runs in the zygote's forked children) ---------------------------------


def _versions() -> tuple[bytes, bytes]:
    """Two large, valid, different JSON documents."""
    return tuple(  # type: ignore[return-value]
        json.dumps({"version": tag, "rows": [f"{tag}{n:07d}" for n in range(BIG // 12)]}).encode()
        for tag in "AB"
    )


def _settings_versions() -> tuple[Any, Any]:
    from rlsdesk.settings import Settings

    return (
        Settings(clinic_name="A" * 200, clinic_address="A" * 500, clinician="Dr A" * 50),
        Settings(clinic_name="B" * 7, clinician="Dr B", unit_system="si", page_size="letter"),
    )


def _sample_assessment() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import lab, make_case
    from rlsdesk.domain.case import parse_case
    from rlsdesk.domain.engine import assess
    from rlsdesk.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    case = make_case(presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])
    return assess(parse_case(case, kb), kb)


def _writer(kind: str, target: Path) -> Callable[[int], None]:
    if kind == "atomic":
        from rlsdesk.fileio import write_atomic

        versions = _versions()
        return lambda i: write_atomic(target, versions[i % 2])
    if kind == "settings":
        from rlsdesk.settings import save_settings

        choices = _settings_versions()
        return lambda i: save_settings(choices[i % 2], target)
    if kind == "audit":
        from rlsdesk.audit import Acknowledgement, record_sheet

        assessment = _sample_assessment()
        acks = [Acknowledgement("IRON-OVERLOAD", "reviewed with haematology")]

        def write(i: int) -> None:
            sheet = f"%PDF sheet {i}".encode() * 1000
            if record_sheet(assessment, sheet, "print", f"Dr {i}", acks, path=target):
                os._exit(3)  # a warning here means the log was judged damaged: fail the test

        return write
    if kind == "sheet":
        return _sheet_writer(target)
    raise ValueError(kind)


def _sheet_writer(folder: Path) -> Callable[[int], None]:
    """`rlsdesk sheet` as the command runs it, with a fast stand-in for the PDF layout."""
    import argparse

    import rlsdesk.report.command as command
    from rlsdesk.cli import read_case
    from rlsdesk.knowledge import load_knowledge_base

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import lab, make_case

    os.environ["RLSDESK_HOME"] = str(folder / "home")
    kb = load_knowledge_base()
    case = folder / "case.json"
    case.write_text(json.dumps(make_case(labs=[lab("ferritin", 38, "ng/mL")])), "utf-8")
    counter = iter(range(10**9))
    monkeypatched = lambda *_args: b"%PDF-1.4 " + str(next(counter)).encode() * 40_000  # noqa: E731
    command.build_sheet = monkeypatched  # type: ignore[assignment]
    quiet = open(os.devnull, "w")  # noqa: SIM115 - the zygote's stdout is the protocol

    def write(i: int) -> None:
        args = argparse.Namespace(
            case=str(case), output=str(folder / f"sheet-{i}.pdf"), page_size=None,
            handout=False, clinic=None, clinic_address=None, clinician=f"Dr {i}",
            reproducible=True, summary_only=False, acknowledge=[],
        )  # fmt: skip
        with contextlib.redirect_stdout(quiet):
            command.run_sheet(args, kb, read_case)

    return write


def zygote(kind: str, target: Path) -> None:
    """Prepare the writer once, then per 'go SEED' line fork a writer and report its end."""
    write = _writer(kind, target)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[0] == "quit":
            return
        seed = int(words[1])
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                number = seed
                while True:
                    write(number)
                    number += 1
            except BaseException as error:
                print(f"writer failed: {error!r}", file=sys.stderr, flush=True)
            finally:
                os._exit(code)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(status, flush=True)


# --- the test side -------------------------------------------------------------------------


class Zygote:
    def __init__(self, kind: str, target: Path, log: IO[bytes]) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, __file__, "zygote", kind, str(target)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
        assert self._line() == "ready", self._stderr()

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _stderr(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def kill_after(self, delay: float, seed: int) -> None:
        """Start a writer, SIGKILL it after ``delay`` seconds; fail if it ended any other way."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"go {seed}\n")
        self.process.stdin.flush()
        pid = int(self._line())
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        status = int(self._line())
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert killed, f"writer ended by itself (status {status}): {self._stderr()}"

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


@pytest.fixture
def zygote_for(tmp_path: Path) -> Iterator[Callable[[str, Path], Zygote]]:
    started: list[Zygote] = []
    log = tempfile.TemporaryFile()  # noqa: SIM115 - shared by the zygotes, closed below

    def start(kind: str, target: Path) -> Zygote:
        started.append(Zygote(kind, target, log))
        return started[-1]

    yield start
    for one in started:
        one.close()
    log.close()


def temp_files(target: Path) -> set[Path]:
    return set(target.parent.glob(".*.tmp"))  # random names: they never reveal the file's


def _kill_many(zygote: Zygote, after_each: Callable[[int], None]) -> None:
    chance = random.Random(20261121)
    for round_number in range(KILLS):
        zygote.kill_after(chance.uniform(0.0, MAX_DELAY), seed=round_number)
        after_each(round_number)


def test_killed_atomic_write_leaves_a_complete_file(
    tmp_path: Path, zygote_for: Callable[[str, Path], Zygote]
) -> None:
    """After every SIGKILL the file is one complete version, and the next write works."""
    from rlsdesk.fileio import write_atomic

    target = tmp_path / "case.json"
    versions = _versions()
    write_atomic(target, versions[0])
    zygote = zygote_for("atomic", target)
    left: set[Path] = set()
    hit_mid_write = 0

    def after_each(round_number: int) -> None:
        nonlocal left, hit_mid_write
        assert target.read_bytes() in versions, f"kill {round_number}: torn file"
        json.loads(target.read_bytes())
        now = temp_files(target)
        assert left <= now, f"kill {round_number}: a leftover temporary file vanished"
        assert len(now - left) <= 1, f"kill {round_number}: {now - left}"
        for stray in now - left:
            hit_mid_write += 1
            assert stray.stat().st_mode & 0o777 == 0o600  # holds patient data: owner only
        left = now
        assert set(tmp_path.iterdir()) == {target} | left
        # A leftover is never taken for the file, and the next write simply works.
        write_atomic(target, versions[round_number % 2])
        assert target.read_bytes() == versions[round_number % 2]
        assert temp_files(target) == left

    _kill_many(zygote, after_each)
    print(f"\natomic: {KILLS} kills survived, {hit_mid_write} between temp file and rename")
    assert hit_mid_write >= 1, "no kill landed inside a write: the test did not test anything"


def test_killed_settings_save_keeps_the_settings(
    tmp_path: Path, zygote_for: Callable[[str, Path], Zygote]
) -> None:
    """After every SIGKILL during save_settings the saved settings load whole, never damaged."""
    from rlsdesk.settings import load_settings, save_settings

    target = tmp_path / "settings.json"
    versions = _settings_versions()
    save_settings(versions[0], target)
    texts = {version.model_dump_json(indent=2) + "\n" for version in versions}
    zygote = zygote_for("settings", target)
    left: set[Path] = set()
    hit_mid_write = 0

    def after_each(round_number: int) -> None:
        nonlocal left, hit_mid_write
        assert target.read_text("utf-8") in texts, f"kill {round_number}: torn settings"
        assert load_settings(target) in versions
        assert not target.with_suffix(".damaged.json").exists()
        now = temp_files(target)
        assert left <= now
        assert len(now - left) <= 1
        hit_mid_write += len(now - left)
        left = now
        save_settings(versions[round_number % 2], target)
        assert load_settings(target) == versions[round_number % 2]

    _kill_many(zygote, after_each)
    print(f"\nsettings: {KILLS} kills survived, {hit_mid_write} between temp file and rename")


def _audit_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = connection.execute("SELECT * FROM sheet_log ORDER BY id").fetchall()
    connection.close()
    return rows


def test_killed_audit_write_keeps_the_log_intact(
    tmp_path: Path, zygote_for: Callable[[str, Path], Zygote]
) -> None:
    """After every SIGKILL during record_sheet the log passes integrity_check, no row is lost."""
    from rlsdesk.audit import record_sheet

    target = tmp_path / "audit.sqlite3"
    assessment = _sample_assessment()
    assert record_sheet(assessment, b"first", "print", "Dr 0", path=target) is None
    zygote = zygote_for("audit", target)
    known: list[tuple[Any, ...]] = _audit_rows(target)
    hot_journals = 0

    def after_each(round_number: int) -> None:
        nonlocal known, hot_journals
        hot_journals += Path(f"{target}-journal").exists()
        rows = _audit_rows(target)  # rolls back a hot journal, then checks
        assert rows[: len(known)] == known, f"kill {round_number}: a committed row changed"
        for row in rows:
            assert all(value not in (None, "") for value in row), row
            assert len(row[4]) == 64
            assert len(row[7]) == 64
            json.loads(row[8])
        assert not list(tmp_path.glob("audit.corrupt-*")), "an intact log was set aside"
        assert record_sheet(assessment, b"after", "print", "Dr X", path=target) is None
        known = _audit_rows(target)
        assert len(known) == len(rows) + 1

    _kill_many(zygote, after_each)
    print(f"\naudit: {KILLS} kills survived, {hot_journals} left a hot journal, "
          f"{len(known)} rows intact")  # fmt: skip
    assert target.stat().st_mode & 0o777 == 0o600


SHEET_KILLS = int(os.environ.get("RLSDESK_SHEET_KILLS", "200"))


def test_no_sheet_is_left_without_its_audit_row(
    tmp_path: Path, zygote_for: Callable[[str, Path], Zygote]
) -> None:
    """200 SIGKILLs during `rlsdesk sheet`: after the next start reconciles the log, every
    sheet on disk has a complete audit row with its hash, and no row stays pending."""
    from rlsdesk.audit import COMPLETE, PENDING, read_log

    zygote = zygote_for("sheet", tmp_path)
    log = tmp_path / "home" / "audit.sqlite3"
    chance = random.Random(20261130)
    reconciled = 0
    for round_number in range(SHEET_KILLS):
        zygote.kill_after(chance.uniform(0.0, MAX_DELAY), seed=round_number * 1000)
        with sqlite3.connect(log) as connection:
            reconciled += connection.execute("SELECT count(*) FROM pending_write").fetchone()[0]
        connection.close()
        rows, warning = read_log(log)  # the next start: reconciles interrupted writes
        assert warning is None
        assert not [row for row in rows if row["status"] == PENDING]
        audited = {row["sheet_sha256"] for row in rows if row["status"] == COMPLETE}
        unaudited = [
            sheet.name
            for sheet in tmp_path.glob("sheet-*.pdf")
            if hashlib.sha256(sheet.read_bytes()).hexdigest() not in audited
        ]
        assert not unaudited, f"kill {round_number}: sheets without an audit row: {unaudited}"
    sheets = len(list(tmp_path.glob("sheet-*.pdf")))
    print(f"\nsheet: {SHEET_KILLS} kills, {sheets} sheets all audited, {reconciled} reconciled")
    assert reconciled >= 1, "no kill landed between the pending row and its completion"


if __name__ == "__main__" and sys.argv[1:2] == ["zygote"]:
    zygote(sys.argv[2], Path(sys.argv[3]))
