"""The audit log: every printed or exported sheet is traceable; the log never blocks printing."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib.util
import io
import json
import os
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import lab, run
from rlsdesk import audit
from rlsdesk.audit import COLUMNS, Acknowledgement, read_log, record_sheet
from rlsdesk.cli import main
from rlsdesk.domain.assessment import Assessment
from rlsdesk.knowledge import KnowledgeBase

SHEET = b"%PDF-1.4 a sheet for the audit test"
ACKS = (Acknowledgement("IRON-OVERLOAD", 'checked with Dr "B", ferritin trend down'),)
HAS_SHEET = importlib.util.find_spec("rlsdesk.report.command") is not None


@pytest.fixture
def assessment(kb: KnowledgeBase) -> Assessment:
    return run(kb, patient={"name": "Ottilie Quarrington", "identifier": "MRN-5517"},
               presentation={"rls": True}, labs=[lab("ferritin", 38, "ng/mL")])  # fmt: skip


def _rows(path: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    with connection:
        rows = connection.execute("SELECT * FROM sheet_log ORDER BY id").fetchall()
    connection.close()
    return rows


def _fill(path: Path, assessment: Assessment, count: int) -> None:
    for number in range(count):
        assert record_sheet(assessment, SHEET + bytes([number % 256]), "print", f"Dr {number}",
                            ACKS * 20, path=path) is None  # fmt: skip


def test_record_sheet_writes_one_traceable_row(
    tmp_path: Path, assessment: Assessment, kb: KnowledgeBase
) -> None:
    """One row: when (UTC), action, clinician, case and sheet sha256, KB version and hash, acks."""
    path = tmp_path / "audit.sqlite3"
    before = dt.datetime.now(dt.UTC)
    assert record_sheet(assessment, SHEET, "print", "Dr Ada Lovel", ACKS, path=path) is None
    (row,) = _rows(path)
    when = dt.datetime.fromisoformat(row["recorded_at"])
    assert when.utcoffset() == dt.timedelta(0)
    assert before - dt.timedelta(seconds=2) <= when <= dt.datetime.now(dt.UTC)
    assert row["action"] == "print"
    assert row["clinician"] == "Dr Ada Lovel"
    # The case hash is of the case as rlsdesk saves it, so a saved case file can be matched.
    assert row["case_sha256"] == hashlib.sha256(assessment.case.to_json().encode()).hexdigest()
    assert row["knowledge_base_version"] == kb.version
    assert row["knowledge_base_sha256"] == kb.sha256
    assert row["sheet_sha256"] == hashlib.sha256(SHEET).hexdigest()
    assert json.loads(row["acknowledgements"]) == [
        {"alert": "IRON-OVERLOAD", "reason": 'checked with Dr "B", ferritin trend down'}
    ]
    assert read_log(path) == ([{column: row[column] for column in COLUMNS}], None)


def test_each_sheet_adds_one_row_in_order(tmp_path: Path, assessment: Assessment) -> None:
    """Every print or export is one more row, kept in the order they happened."""
    path = tmp_path / "audit.sqlite3"
    for action in ("print", "export", "print"):
        assert record_sheet(assessment, SHEET, action, "Dr A", path=path) is None
    assert [row["action"] for row in _rows(path)] == ["print", "export", "print"]
    assert json.loads(_rows(path)[0]["acknowledgements"]) == []


def test_audit_log_holds_no_patient_identity(tmp_path: Path, assessment: Assessment) -> None:
    """The log stores hashes, never the patient's name or identifier (not even in the file)."""
    path = tmp_path / "audit.sqlite3"
    record_sheet(assessment, SHEET, "print", "Dr A", ACKS, path=path)
    data = path.read_bytes()
    for secret in ("Ottilie", "Quarrington", "MRN-5517"):
        assert secret.encode() not in data


def test_audit_command_lists_the_log(
    assessment: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit` prints one line per sheet: time, action, clinician, hashes, KB, acks."""
    assert main(["audit"]) == 0
    assert "no sheets recorded yet" in capsys.readouterr().out
    record_sheet(assessment, SHEET, "print", "Dr Ada", ACKS)
    record_sheet(assessment, SHEET, "export", "")
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    sheet_hash = hashlib.sha256(SHEET).hexdigest()[:12]
    assert "print" in lines[0]
    assert "Dr Ada" in lines[0]
    assert "acknowledged 1" in lines[0]
    assert f"sheet {sheet_hash}" in lines[0]
    assert f"kb {assessment.knowledge_base.version}" in lines[0]
    assert "export" in lines[1]
    assert "acknowledged 0" in lines[1]


def test_audit_csv_export_to_file(
    tmp_path: Path, assessment: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit --csv FILE` writes every row and column as CSV, owner-readable only."""
    tricky = 'Dr O\'Brien, "Bea"\nsecond line'
    record_sheet(assessment, SHEET, "print", tricky, ACKS)
    record_sheet(assessment, SHEET, "export", "Dr B")
    target = tmp_path / "audit.csv"
    assert main(["audit", "--csv", str(target)]) == 0
    assert "2 entries written" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert rows == read_log()[0]
    assert rows[0]["clinician"] == tricky
    with target.open(encoding="utf-8") as stream:
        assert next(csv.reader(stream)) == list(COLUMNS)
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


def test_audit_csv_export_to_stdout(
    assessment: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit --csv -` prints the same CSV on standard output and nothing else."""
    record_sheet(assessment, SHEET, "print", "Dr A", ACKS)
    assert main(["audit", "--csv", "-"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert rows == read_log()[0]
    assert len(rows) == 1
    assert captured.err == ""


def _corrupt_whole(path: Path) -> bytes:
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    return garbage


def test_garbage_log_is_set_aside_and_a_new_one_started(
    tmp_path: Path, assessment: Assessment
) -> None:
    """A log overwritten with garbage is kept aside untouched, a new log gets the row, a warning."""
    path = tmp_path / "audit.sqlite3"
    _fill(path, assessment, 3)
    garbage = _corrupt_whole(path)
    warning = record_sheet(assessment, SHEET, "print", "Dr A", path=path)
    assert warning is not None
    assert "damaged" in warning
    assert "set aside" in warning
    (aside,) = tmp_path.glob("audit.corrupt-*.sqlite3")
    assert aside.name in warning
    assert aside.read_bytes() == garbage  # kept for support, not repaired or deleted
    assert [row["clinician"] for row in _rows(path)] == ["Dr A"]
    assert record_sheet(assessment, SHEET, "print", "Dr B", path=path) is None


def test_partly_damaged_log_is_detected(tmp_path: Path, assessment: Assessment) -> None:
    """Damage inside the file (one page overwritten) is caught by the integrity check."""
    path = tmp_path / "audit.sqlite3"
    _fill(path, assessment, 60)
    with sqlite3.connect(path) as connection:
        page_size, pages = (connection.execute(f"PRAGMA {name}").fetchone()[0]
                            for name in ("page_size", "page_count"))  # fmt: skip
    connection.close()
    assert pages > 4
    with path.open("r+b") as stream:
        stream.seek(page_size * 2)  # the third page: table content, not the header
        stream.write(bytes([0xA5]) * page_size)
    warning = record_sheet(assessment, SHEET, "print", "Dr A", path=path)
    assert warning is not None
    assert "damaged" in warning
    assert len(list(tmp_path.glob("audit.corrupt-*"))) == 1
    assert len(_rows(path)) == 1


def test_audit_command_shows_the_damage_warning(
    assessment: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit` on a damaged log prints a visible warning and still lists (a new log)."""
    record_sheet(assessment, SHEET, "print", "Dr A")
    _corrupt_whole(audit.audit_path())
    assert main(["audit"]) == 0
    captured = capsys.readouterr()
    assert "warning: The audit log was damaged" in captured.err
    assert "no sheets recorded yet" in captured.out


class _FrozenClock(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _FrozenClock:
        return cls(2026, 11, 21, 9, 30, 0, tzinfo=tz)


def test_two_damaged_logs_are_both_kept(
    tmp_path: Path, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second damaged log set aside at the same clock reading does not overwrite the first."""
    # Clocks are coarse (about 16 ms on Windows): names from the time alone can collide.
    monkeypatch.setattr(audit, "dt", SimpleNamespace(datetime=_FrozenClock, UTC=dt.UTC))
    path = tmp_path / "audit.sqlite3"
    first = _corrupt_whole(path)
    assert record_sheet(assessment, SHEET, "print", "Dr A", path=path) is not None
    second = _corrupt_whole(path)
    assert record_sheet(assessment, SHEET, "print", "Dr A", path=path) is not None
    kept = {aside.read_bytes() for aside in tmp_path.glob("audit.corrupt-*")}
    assert kept == {first, second}


def test_busy_log_is_not_mistaken_for_a_damaged_one(
    tmp_path: Path, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the log locked, the sheet is not recorded (with a warning),
    and the intact log is not set aside as damaged."""
    path = tmp_path / "audit.sqlite3"
    _fill(path, assessment, 2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    # Wait 0.2 s for the lock instead of SQLite's default 5 s: the outcome is the same.
    monkeypatch.setattr(sqlite3, "connect", functools.partial(sqlite3.connect, timeout=0.2))
    try:
        warning = record_sheet(assessment, SHEET, "print", "Dr A", path=path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        monkeypatch.undo()
    assert warning is not None
    assert "not recorded" in warning
    assert not list(tmp_path.glob("audit.corrupt-*")), "an intact, busy log was set aside"
    assert len(_rows(path)) == 2


def test_unwritable_log_never_blocks_printing(tmp_path: Path, assessment: Assessment) -> None:
    """When the log cannot be opened at all, record_sheet returns a warning and never raises."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be", "utf-8")
    warning = record_sheet(assessment, SHEET, "print", "Dr A", path=blocker / "audit.sqlite3")
    assert warning is not None
    assert "not recorded" in warning
    folder_path = tmp_path / "audit.sqlite3"
    (folder_path / "inside").mkdir(parents=True)
    assert isinstance(record_sheet(assessment, SHEET, "print", "Dr A", path=folder_path), str)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply (root ignores them)")  # fmt: skip
def test_read_only_folder_never_blocks_printing(tmp_path: Path, assessment: Assessment) -> None:
    """In a read-only folder record_sheet returns a warning and never raises."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        warning = record_sheet(assessment, SHEET, "print", "Dr A", path=folder / "audit.sqlite3")
    finally:
        folder.chmod(0o700)
    assert warning is not None
    assert "not recorded" in warning


@pytest.mark.skipif(not HAS_SHEET, reason="rlsdesk sheet is not built yet (report/command.py)")
def test_sheet_is_written_when_the_log_is_unavailable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk sheet` writes the PDF and exits 0 with a warning when the log cannot be written."""
    log = audit.audit_path()
    log.symlink_to(tmp_path / "missing-folder" / "audit.sqlite3")  # cannot be opened or created
    case = tmp_path / "case.json"
    case.write_text((Path(__file__).parent / "corpus" / "valid.json").read_text("utf-8"), "utf-8")
    output = tmp_path / "sheet.pdf"
    assert main(["sheet", str(case), "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF")
    assert "warning: The sheet was not recorded in the audit log" in capsys.readouterr().err


def _open_descriptors_on(path: Path) -> list[str]:
    folder = Path("/proc/self/fd")
    found = []
    for descriptor in folder.iterdir():
        try:
            if os.readlink(descriptor) == str(path):
                found.append(descriptor.name)
        except OSError:
            continue
    return found


@pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to see open files"
)
def test_damaged_log_is_closed_before_it_is_set_aside(
    tmp_path: Path, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The damaged log is closed before it is renamed: Windows cannot rename an open file, so
    an open handle would leave every later sheet unrecorded there."""
    path = (tmp_path / "audit.sqlite3").resolve()
    _fill(path, assessment, 2)
    _corrupt_whole(path)
    open_at_rename: list[str] = []
    original = Path.replace

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        if self.resolve() == path:
            open_at_rename.extend(_open_descriptors_on(path))
        return original(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    warning = record_sheet(assessment, SHEET, "print", "Dr A", path=path)
    assert warning is not None
    assert "set aside" in warning
    assert open_at_rename == [], "the damaged log was still open when it was set aside"


def test_csv_export_neutralises_spreadsheet_formulas() -> None:
    """A value starting with = + - or @ is exported as text, never as a formula."""
    from rlsdesk.audit import COLUMNS, to_csv

    row = dict.fromkeys(COLUMNS, "x")
    row["clinician"] = '=HYPERLINK("http://evil")'
    exported = to_csv([row])
    assert "'=HYPERLINK" in exported


def test_audited_write_records_the_row_before_the_file_appears(
    tmp_path: Path, assessment: Assessment
) -> None:
    """While the sheet is written its row is already committed as pending with its hash."""
    log, output = tmp_path / "audit.sqlite3", tmp_path / "sheet.pdf"
    seen: list[tuple[str, int]] = []

    def write(path: Path, data: bytes) -> None:
        (row,) = _rows(log)
        seen.append((row["status"], len(list(tmp_path.glob("sheet.pdf")))))
        assert row["sheet_sha256"] == hashlib.sha256(data).hexdigest()
        path.write_bytes(data)

    assert audit.audited_write(output, SHEET, assessment, "export", "Dr A", path=log,
                               write=write) is None  # fmt: skip
    assert seen == [("pending", 0)]
    (row,) = _rows(log)
    assert row["status"] == "complete"
    with sqlite3.connect(log) as connection:
        assert connection.execute("SELECT count(*) FROM pending_write").fetchone() == (0,)
    connection.close()


def test_a_failed_write_is_recorded_as_not_written(tmp_path: Path, assessment: Assessment) -> None:
    """The write's OSError reaches the caller and the row says 'not written'."""
    log = tmp_path / "audit.sqlite3"
    with pytest.raises(IsADirectoryError):
        audit.audited_write(tmp_path, SHEET, assessment, "export", "Dr A", path=log)
    (row,) = _rows(log)
    assert row["status"] == "not written"


def _interrupted(log: Path, assessment: Assessment, output: Path) -> None:
    """Leave a pending row as a killed process would (a pid that no longer exists)."""

    def killed(path: Path, data: bytes) -> None:
        path.write_bytes(data)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        audit.audited_write(output, SHEET, assessment, "export", "Dr A", path=log, write=killed)
    with sqlite3.connect(log) as connection:
        connection.execute("UPDATE sheet_log SET status = 'pending'")
        connection.execute("INSERT OR REPLACE INTO pending_write SELECT id, ?, ? FROM sheet_log",
                           (str(output), 2**22 + 12345))  # fmt: skip
    connection.close()


@pytest.mark.parametrize(("file_left", "status"), [(True, "complete"), (False, "not written")])
def test_the_next_start_reconciles_an_interrupted_write(
    tmp_path: Path, assessment: Assessment, file_left: bool, status: str
) -> None:
    """A pending row of a dead process becomes complete if its sheet is there, else not written."""
    log, output = tmp_path / "audit.sqlite3", tmp_path / "sheet.pdf"
    _interrupted(log, assessment, output)
    if not file_left:
        output.unlink()
    rows, warning = read_log(log)
    assert warning is None
    assert [row["status"] for row in rows] == [status]
    with sqlite3.connect(log) as connection:
        assert connection.execute("SELECT count(*) FROM pending_write").fetchone() == (0,)
    connection.close()


def test_a_log_from_before_statuses_gains_the_column(
    tmp_path: Path, assessment: Assessment
) -> None:
    """A log written by the first version opens, its rows read as complete, new rows append."""
    log = tmp_path / "audit.sqlite3"
    old_columns = ", ".join(f"{column} TEXT NOT NULL" for column in COLUMNS[:-1])
    with sqlite3.connect(log) as connection:
        connection.execute(f"CREATE TABLE sheet_log (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                           f"{old_columns})")  # fmt: skip
        connection.execute(f"INSERT INTO sheet_log ({', '.join(COLUMNS[:-1])}) VALUES "
                           f"({', '.join('?' for _ in COLUMNS[:-1])})", ["x"] * 8)  # fmt: skip
    connection.close()
    assert record_sheet(assessment, SHEET, "print", "Dr A", path=log) is None
    rows, _warning = read_log(log)
    assert [row["status"] for row in rows] == ["complete", "complete"]


def test_the_listing_marks_a_sheet_that_was_not_written(
    tmp_path: Path, assessment: Assessment, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rlsdesk audit` shows '[not written]' for an interrupted export whose file is gone."""
    log, output = audit.audit_path(), tmp_path / "sheet.pdf"
    _interrupted(log, assessment, output)
    output.unlink()
    assert main(["audit"]) == 0
    assert "[not written]" in capsys.readouterr().out
