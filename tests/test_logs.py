"""The diagnostic log: where it lives, who can read it, and that it never holds a patient's name."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from rlsdesk import logs
from rlsdesk.logs import (
    REDACTED,
    clear_patient_context,
    configure_logging,
    set_patient_context,
    stop_logging,
)
from rlsdesk.paths import user_data_dir

NAME, IDENTIFIER = "Wilhelmina Zarathustra-Okonkwo", "MRN-99731-Q"
SECRETS = ("Wilhelmina", "Zarathustra", "Okonkwo", IDENTIFIER)
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
log = logging.getLogger("rlsdesk.test")


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    stop_logging()
    clear_patient_context()
    logging.getLogger().setLevel(level)


def _text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} in the log"


def test_log_lives_in_the_user_data_folder() -> None:
    """The log is user_data_dir()/logs/rlsdesk.log and receives records at the chosen level."""
    path = configure_logging(logging.INFO)
    assert path == user_data_dir() / "logs" / "rlsdesk.log"
    log.info("started %s", "ok")
    log.debug("not at INFO")
    text = _text(path)
    assert "INFO rlsdesk.test: started ok" in text
    assert "not at INFO" not in text


@POSIX
def test_log_folder_and_files_are_owner_only() -> None:
    """The logs folder is 0700 and the log file 0600, whatever the umask."""
    old = os.umask(0)
    try:
        path = configure_logging()
        log.warning("something")
    finally:
        os.umask(old)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


@POSIX
def test_rotated_logs_are_owner_only_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rotation keeps a bounded number of files, every one of them 0600."""
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    old = os.umask(0)
    try:
        path = configure_logging()
        for number in range(200):
            log.warning("line %d %s", number, "x" * 100)
    finally:
        os.umask(old)
    files = sorted(path.parent.iterdir())
    assert len(files) == logs.BACKUP_COUNT + 1
    assert all(file.stat().st_mode & 0o777 == 0o600 for file in files)


def test_configuring_twice_does_not_double_records() -> None:
    """Configuring again (a second window, a test) replaces the handler: each record once."""
    configure_logging()
    path = configure_logging()
    log.warning("only once")
    assert _text(path).count("only once") == 1


def test_name_and_identifier_are_redacted_from_messages() -> None:
    """With a patient open, the name, its parts and the identifier become [redacted]."""
    path = configure_logging()
    set_patient_context(NAME, IDENTIFIER)
    log.warning("opened case for %s (%s)", NAME, IDENTIFIER)
    log.warning("surname only: %s; upper case: %s", "Okonkwo", NAME.upper())
    log.warning("as data: %r", {"patient": {"name": NAME, "identifier": IDENTIFIER}})
    text = _text(path)
    _assert_no_secret(text)
    assert text.count(REDACTED) >= 6
    assert "opened case for [redacted] ([redacted])" in text


def test_exception_text_with_the_name_is_redacted() -> None:
    """An exception whose message (or cause) includes the name is logged redacted."""
    path = configure_logging()
    set_patient_context(NAME, IDENTIFIER)
    try:
        try:
            raise KeyError(f"no draft for {IDENTIFIER}")
        except KeyError as cause:
            raise ValueError(f"cannot save case of {NAME}") from cause
    except ValueError:
        log.exception("save failed for %s", NAME)
    log.warning("where it happened", stack_info=True, extra={"patient": NAME})
    text = _text(path)
    _assert_no_secret(text)
    assert "ValueError: cannot save case of [redacted]" in text
    assert "KeyError: 'no draft for [redacted]'" in text


def test_redaction_covers_every_logger() -> None:
    """Records from any library, not only rlsdesk's own loggers, are redacted."""
    path = configure_logging()
    set_patient_context(NAME, None)
    logging.getLogger("some.library").error("rendering %s", NAME)
    _assert_no_secret(_text(path))


def test_clearing_the_context_stops_redaction_but_not_for_past_records() -> None:
    """After the case is closed a new name is logged as is; what was redacted stays redacted."""
    path = configure_logging()
    set_patient_context(NAME, IDENTIFIER)
    log.warning("first %s", NAME)
    clear_patient_context()
    log.warning("later %s", "Plainname")
    text = _text(path)
    assert "first [redacted]" in text
    assert "later Plainname" in text
    _assert_no_secret(text)


def test_short_name_parts_do_not_hide_words() -> None:
    """A two-letter name part is not redacted inside other words (the full name still is)."""
    path = configure_logging()
    set_patient_context("Li Na", "X1")
    log.warning("Lithium for Li Na, id X1, X10 stays")
    assert "Lithium for [redacted], id [redacted], X10 stays" in _text(path)


def test_name_and_identifier_inside_joined_tokens_are_redacted() -> None:
    """Jane_Doe_MRN1.json: parts joined by underscores, dots or hyphens are still found."""
    path = configure_logging()
    set_patient_context("Jane Doe", "MRN1")
    log.warning("opened /cases/Jane_Doe_MRN1.json and doe-jane.MRN1.pdf")
    text = _text(path)
    assert "Jane" not in text
    assert "Doe" not in text.replace("[redacted]", "")
    assert "MRN1" not in text
    assert "/cases/[redacted]_[redacted]_[redacted].json" in text


def test_url_encoded_name_is_redacted() -> None:
    """A URL-encoded name (file:///...%20..., José as Jos%C3%A9, quote_plus) is redacted."""
    path = configure_logging()
    set_patient_context("José Ñúñez", "ID 7/9")
    log.warning("file:///home/u/Jos%C3%A9%20%C3%91%C3%BA%C3%B1ez.json")
    log.warning("query name=Jos%c3%a9+%C3%91%C3%BA%C3%B1ez&id=ID%207%2F9")
    text = _text(path)
    for leaked in ("Jos%C3%A9", "Jos%c3%a9", "%C3%91%C3%BA%C3%B1ez", "ID%207%2F9"):
        assert leaked.lower() not in text.lower(), leaked
    assert text.count(REDACTED) == 3


def test_name_in_another_unicode_normal_form_is_redacted() -> None:
    """NFD (a macOS file name) and full-width spellings of an NFC name are redacted."""
    import unicodedata

    path = configure_logging()
    set_patient_context("Zoë Ångström", None)  # as typed: NFC
    decomposed = unicodedata.normalize("NFD", "Zoë Ångström")
    full_width = "Ｚｏë Åｎｇｓｔｒöｍ"
    log.warning("from a macOS file name: %s", decomposed)
    log.warning("full width: %s", full_width)
    text = _text(path)
    for leaked in (decomposed, "Zo", "ngstr", "Ｚｏ", "ｎｇｓｔｒ"):
        assert leaked not in text, leaked
    assert text.count(REDACTED) == 2


@pytest.mark.slow
def test_cli_run_leaves_no_patient_name_in_user_data(tmp_path: Path) -> None:
    """After `check`, a refused case and `sheet` at DEBUG level, no file in the user data
    folder (log, audit log, settings) contains the patient's name or identifier."""
    home = tmp_path / "home"
    case_file = tmp_path / "case.json"
    case = json.loads((Path(__file__).parent / "corpus" / "valid.json").read_text("utf-8"))
    case["patient"].update(name=NAME, identifier=IDENTIFIER)
    case_file.write_text(json.dumps(case), "utf-8")
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(dict(case, kidney={"dialysis": NAME})), "utf-8")
    # Everything at DEBUG, from every library, even where the CLI configures the log itself.
    script = textwrap.dedent(f"""
        import importlib.util, logging
        from rlsdesk import cli, logs
        from rlsdesk.cli import main
        configure = logs.configure_logging
        logs.configure_logging = cli.configure_logging = lambda level=0: configure(logging.DEBUG)
        logs.configure_logging()
        logging.getLogger("rlsdesk").info("session start")
        assert main(["check", {str(case_file)!r}]) == 0
        assert main(["check", {str(bad_file)!r}]) == 2
        if importlib.util.find_spec("rlsdesk.report.command"):
            assert main(["sheet", {str(case_file)!r}, "-o", {str(tmp_path / "s.pdf")!r}]) == 0
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, RLSDESK_HOME=str(home)), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "session start" in (home / "logs" / "rlsdesk.log").read_text("utf-8")
    for file in home.rglob("*"):
        if file.is_file():
            data = file.read_bytes().lower()
            for secret in SECRETS:
                assert secret.lower().encode() not in data, f"{secret!r} in {file.name}"
