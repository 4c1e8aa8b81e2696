"""The audit log: every printed or exported sheet, in SQLite in the user data folder.

Recording never blocks printing: a failure is reported back as a warning string. A
corrupt database is detected (``PRAGMA integrity_check``), set aside, and a new one started.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rlsdesk.domain.assessment import Assessment
from rlsdesk.fileio import write_text_atomic
from rlsdesk.paths import user_data_dir

AUDIT_FILE = "audit.sqlite3"
COLUMNS = (
    "recorded_at",
    "action",
    "clinician",
    "case_sha256",
    "knowledge_base_version",
    "knowledge_base_sha256",
    "sheet_sha256",
    "acknowledgements",
)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sheet_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    {", ".join(f"{column} TEXT NOT NULL" for column in COLUMNS)}
)
"""


@dataclass(frozen=True)
class Acknowledgement:
    alert_code: str
    reason: str


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
    connection.execute(_SCHEMA)
    return connection, warning


def record_sheet(
    assessment: Assessment,
    sheet: bytes,
    action: str,
    clinician: str,
    acknowledgements: Sequence[Acknowledgement] = (),
    path: Path | None = None,
) -> str | None:
    """Record one printed or exported sheet. Returns a warning to show, or None.

    Never raises: the clinician's printout matters more than the log entry.
    """
    row = (
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        action,
        clinician,
        _sha256(assessment.case.to_json().encode("utf-8")),
        assessment.knowledge_base.version,
        assessment.knowledge_base.sha256,
        _sha256(sheet),
        json.dumps([{"alert": a.alert_code, "reason": a.reason} for a in acknowledgements]),
    )
    try:
        connection, warning = _open(path or audit_path())
        with connection:
            placeholders = ", ".join("?" for _ in COLUMNS)
            connection.execute(
                f"INSERT INTO sheet_log ({', '.join(COLUMNS)}) VALUES ({placeholders})", row
            )
        connection.close()
        return warning
    except (OSError, sqlite3.Error) as error:
        return f"The sheet was not recorded in the audit log ({error.__class__.__name__})."


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
    rows, warning = read_log()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    if args.csv == "-":
        sys.stdout.write(to_csv(rows))
    elif args.csv:
        write_text_atomic(Path(args.csv), to_csv(rows))
        print(f"{len(rows)} entries written to {args.csv}")
    else:
        for row in rows:
            acknowledged = len(json.loads(row["acknowledgements"]))
            print(
                f"{row['recorded_at']}  {row['action']:<7} {row['clinician'] or '-':<20} "
                f"case {row['case_sha256'][:12]}  sheet {row['sheet_sha256'][:12]}  "
                f"kb {row['knowledge_base_version']}  acknowledged {acknowledged}"
            )
        if not rows:
            print("no sheets recorded yet")
    return 0
