"""The audit log: every printed or exported sheet, in SQLite in the user data folder.

Recording never blocks printing: a failure is reported back as a warning string. A
corrupt database is detected (``PRAGMA integrity_check``), set aside, and a new one started.

An exported sheet is never on disk without its row: ``audited_write`` commits the row as
``pending`` (with the sheet's hash, known before the file exists) and the output path in a
separate table, writes the file, then marks the row ``complete`` and forgets the path. A
process killed in between leaves a pending row; the next opening of the log reconciles it
(``complete`` when the file with that hash is there, ``not written`` when it is not). The
path is kept only while the write runs: it may hold the patient's name.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rlsdesk.domain.assessment import Assessment
from rlsdesk.fileio import check_output_path, read_regular_file, write_atomic, write_text_atomic
from rlsdesk.paths import user_data_dir

AUDIT_FILE = "audit.sqlite3"
MAX_SHEET_BYTES = 200_000_000  # a sheet file larger than this is not one rlsdesk wrote
COLUMNS = (
    "recorded_at",
    "action",
    "clinician",
    "case_sha256",
    "knowledge_base_version",
    "knowledge_base_sha256",
    "sheet_sha256",
    "acknowledgements",
    "status",
)
PENDING, COMPLETE, NOT_WRITTEN = "pending", "complete", "not written"
_FIRST_COLUMNS = COLUMNS[:-1]  # the columns of the first version of the log
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sheet_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    {", ".join(f"{column} TEXT NOT NULL" for column in _FIRST_COLUMNS)},
    status TEXT NOT NULL DEFAULT '{COMPLETE}'
);
CREATE TABLE IF NOT EXISTS pending_write (
    log_id INTEGER PRIMARY KEY REFERENCES sheet_log(id),
    path TEXT NOT NULL,
    pid INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Acknowledgement:
    alert_code: str
    reason: str
    # False: an interruptive alert the sheet printed as NOT ACKNOWLEDGED (`rlsdesk sheet`
    # without --acknowledge CODE); the log records it so, with "acknowledged": false.
    acknowledged: bool = True

    def as_record(self) -> dict[str, str | bool]:
        record: dict[str, str | bool] = {"alert": self.alert_code, "reason": self.reason}
        if not self.acknowledged:
            record["acknowledged"] = False
        return record


def audit_path() -> Path:
    return user_data_dir() / AUDIT_FILE


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unused_aside_name(path: Path) -> Path:
    """A name for a damaged log that never overwrites an earlier damaged one (evidence)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.stem}.corrupt-{stamp}-{counter}{path.suffix}")
    return candidate


def _open(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open the log, setting aside a corrupt one; returns the connection and any warning."""
    warning = None
    if path.exists():
        try:
            # closing(): a sqlite connection's own `with` commits but stays open, and Windows
            # cannot rename an open file.
            with contextlib.closing(sqlite3.connect(path)) as probe:
                status = probe.execute("PRAGMA integrity_check").fetchone()
            damaged = status is None or status[0] != "ok"
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise  # another process holds it: intact, just busy (not set aside)
            damaged = True
        except sqlite3.DatabaseError:
            damaged = True
        if damaged:
            aside = _unused_aside_name(path)
            path.replace(aside)
            warning = f"The audit log was damaged; it was set aside as {aside.name}."
    existed = path.exists()
    connection = sqlite3.connect(path)
    if not existed and os.name == "posix":
        os.chmod(path, 0o600)
    with connection:
        connection.executescript(_SCHEMA)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(sheet_log)")}
        if "status" not in columns:  # a log written before rows had a status
            connection.execute(
                f"ALTER TABLE sheet_log ADD COLUMN status TEXT NOT NULL DEFAULT '{COMPLETE}'"
            )
    _reconcile(connection)
    return connection, warning


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # Windows' os.kill would end the process: treat the write as finished
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _file_sha256(path: Path) -> str | None:
    try:
        return _sha256(read_regular_file(path, MAX_SHEET_BYTES))
    except OSError:
        return None


def _reconcile(connection: sqlite3.Connection) -> None:
    """Settle the rows of writes that were interrupted (their process is gone)."""
    pending = connection.execute(
        "SELECT p.log_id, p.path, p.pid, s.sheet_sha256 FROM pending_write p "
        "JOIN sheet_log s ON s.id = p.log_id"
    ).fetchall()
    for log_id, path, pid, sheet_sha256 in pending:
        if _process_alive(pid):
            continue
        status = COMPLETE if _file_sha256(Path(path)) == sheet_sha256 else NOT_WRITTEN
        _settle(connection, log_id, status)


def _settle(connection: sqlite3.Connection, log_id: int, status: str) -> None:
    with connection:
        connection.execute("UPDATE sheet_log SET status = ? WHERE id = ?", (status, log_id))
        connection.execute("DELETE FROM pending_write WHERE log_id = ?", (log_id,))


def _row(
    assessment: Assessment,
    sheet: bytes,
    action: str,
    clinician: str,
    acknowledgements: Sequence[Acknowledgement],
    status: str,
) -> tuple[str, ...]:
    return (
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        action,
        clinician,
        _sha256(assessment.case.to_json().encode("utf-8")),
        assessment.knowledge_base.version,
        assessment.knowledge_base.sha256,
        _sha256(sheet),
        json.dumps([a.as_record() for a in acknowledgements]),
        status,
    )


def _insert(connection: sqlite3.Connection, row: tuple[str, ...]) -> int:
    placeholders = ", ".join("?" for _ in COLUMNS)
    cursor = connection.execute(
        f"INSERT INTO sheet_log ({', '.join(COLUMNS)}) VALUES ({placeholders})", row
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _not_recorded(error: BaseException) -> str:
    return f"The sheet was not recorded in the audit log ({error.__class__.__name__})."


def record_sheet(
    assessment: Assessment,
    sheet: bytes,
    action: str,
    clinician: str,
    acknowledgements: Sequence[Acknowledgement] = (),
    path: Path | None = None,
) -> str | None:
    """Record one printed sheet (no file is written). Returns a warning to show, or None.

    Never raises: the clinician's printout matters more than the log entry.
    """
    row = _row(assessment, sheet, action, clinician, acknowledgements, COMPLETE)
    try:
        connection, warning = _open(path or audit_path())
        with connection:
            _insert(connection, row)
        connection.close()
        return warning
    except (OSError, sqlite3.Error) as error:
        return _not_recorded(error)


def audited_write(
    output: Path,
    sheet: bytes,
    assessment: Assessment,
    action: str,
    clinician: str,
    acknowledgements: Sequence[Acknowledgement] = (),
    path: Path | None = None,
    write: Callable[[Path, bytes], None] = write_atomic,
) -> str | None:
    """Write an exported sheet to ``output`` so that it is never on disk without its row.

    Returns a warning to show, or None. An OSError from the write itself is raised (after
    the row is marked ``not written``); a failure of the log never stops the write.
    """
    row = _row(assessment, sheet, action, clinician, acknowledgements, PENDING)
    connection: sqlite3.Connection | None = None
    warning: str | None = None
    log_id = 0
    try:
        connection, warning = _open(path or audit_path())
        with connection:
            log_id = _insert(connection, row)
            connection.execute(
                "INSERT INTO pending_write (log_id, path, pid) VALUES (?, ?, ?)",
                (log_id, str(Path(output).absolute()), os.getpid()),
            )
    except (OSError, sqlite3.Error) as error:
        if connection is not None:
            connection.close()
        warning, connection = _not_recorded(error), None
    try:
        write(output, sheet)
    except BaseException:
        _finish(connection, log_id, NOT_WRITTEN)
        raise
    return _finish(connection, log_id, COMPLETE) or warning


def _finish(connection: sqlite3.Connection | None, log_id: int, status: str) -> str | None:
    """Settle this process's pending row; a failure is a warning (the next start settles it)."""
    if connection is None:
        return None
    try:
        _settle(connection, log_id, status)
    except sqlite3.Error as error:
        return _not_recorded(error)
    finally:
        connection.close()
    return None


def read_log(path: Path | None = None) -> tuple[list[dict[str, str]], str | None]:
    connection, warning = _open(path or audit_path())
    with connection:
        cursor = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM sheet_log ORDER BY id")
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor]
    connection.close()
    return rows, warning


def _spreadsheet_safe(value: str) -> str:
    # A clinician name or reason starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: _spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def run_audit_command(args: argparse.Namespace) -> int:
    if args.csv and args.csv != "-":
        check_output_path(Path(args.csv))  # before reading: a bad path is the user's to fix
    try:
        rows, warning = read_log()
    except (OSError, sqlite3.Error) as error:
        print(f"rlsdesk: cannot open the audit log: {error}", file=sys.stderr)
        return 1
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    if args.csv == "-":
        sys.stdout.write(to_csv(rows))
    elif args.csv:
        write_text_atomic(Path(args.csv), to_csv(rows))
        print(f"{len(rows)} entries written to {args.csv}")
    else:
        for row in rows:
            records = json.loads(row["acknowledgements"])
            acknowledged = sum(1 for r in records if r.get("acknowledged", True))
            missing = len(records) - acknowledged
            print(
                f"{row['recorded_at']}  {row['action']:<7} {row['clinician'] or '-':<20} "
                f"case {row['case_sha256'][:12]}  sheet {row['sheet_sha256'][:12]}  "
                f"kb {row['knowledge_base_version']}  acknowledged {acknowledged}"
                + (f", NOT acknowledged {missing}" if missing else "")
                + ("" if row["status"] == COMPLETE else f"  [{row['status']}]")
            )
        if not rows:
            print("no sheets recorded yet")
    return 0
