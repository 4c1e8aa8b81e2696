"""Case files and drafts in the GUI: save, open, unsaved changes, crash recovery."""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import lab, make_case
from rlsdesk.domain.case import load_case_bytes, parse_case
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import user_data_dir
from rlsdesk.session.formstate import FormState, LabRow, from_case, to_raw
from ui_helpers import (
    OFFSCREEN_POPUP_NOTICES,
    ScriptedDialogs,
    add_lab,
    add_medication,
    make_window,
    type_text,
    write_case,
)

FULL_CASE = make_case(
    patient={
        "name": "Jane Example",
        "identifier": "MRN-0001",
        "age_years": 46,
        "sex": "female",
        "weight_kg": 68.5,
    },
    presentation={"rls": True, "leg_cramps": True, "irls_score": 22, "oral_iron_failed": True},
    kidney={"egfr": None, "dialysis": "none"},
    labs=[
        lab("ferritin", 38, "ng/mL", "2026-01-02"),
        lab("tsat", 17, "%"),
        lab("creatinine", 0.8, "mg/dL"),
        lab("magnesium", 0.62, "mmol/L", "2025-12-30"),
    ],
    conditions=["diabetes", "vegan_diet"],
    medications=[{"name": "Zoloft", "dose": "50 mg daily"}, {"name": "levothyroxine"}],
    supplements=[{"name": "magnesium oxide", "dose": "400 mg at night"}],
)

pytestmark = OFFSCREEN_POPUP_NOTICES


def test_save_then_open_gives_the_same_case(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A case opened, saved under a new name and reopened is the same case, owner-only on disk."""
    source = write_case(tmp_path / "source.json", FULL_CASE)
    target = tmp_path / "saved"
    window, _dialogs = make_window(qtbot, kb, ScriptedDialogs(save_paths=[target]))
    assert window.controller.open_case(source)
    type_text(qtbot, window.form.patient.weight, "69")
    assert window.controller.dirty
    assert window.isWindowModified()
    assert window.controller.save_as()
    saved = tmp_path / "saved.json"
    assert not window.controller.dirty
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    expected = copy.deepcopy(FULL_CASE)
    expected["patient"]["weight_kg"] = 69
    assert load_case_bytes(saved.read_bytes(), kb) == parse_case(expected, kb)
    window.controller.new_case()
    assert window.controller.open_case(saved)
    assert window.controller.current_case() == parse_case(expected, kb)
    assert window.recent.paths()[0] == saved.resolve()


def test_opening_a_broken_file_shows_each_problem_and_keeps_the_open_case(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """An invalid file lists every problem, one per line, and the case on screen stays."""
    good = write_case(tmp_path / "good.json", FULL_CASE)
    bad_case = make_case(patient={"age_years": 200}, labs=[lab("magnesium", 1, "mg")])
    bad = write_case(tmp_path / "bad.json", bad_case)
    window, dialogs = make_window(qtbot, kb)
    window.controller.open_case(good)
    before = window.form.state()
    assert not window.controller.open_case(bad)
    title, lines = dialogs.problems[-1]
    assert "bad.json" in title
    assert any(line.startswith("patient.age_years:") for line in lines)
    assert window.form.state() == before
    assert window.controller.path == good
    (tmp_path / "junk.json").write_bytes(b"{not json")
    assert not window.controller.open_case(tmp_path / "junk.json")
    assert "not valid JSON" in dialogs.problems[-1][1][0]


def test_unsaved_changes_prompt_before_discarding(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """New with unsaved edits asks first; Cancel keeps the edits, Discard clears them."""
    window, dialogs = make_window(qtbot, kb, ScriptedDialogs(discard=["cancel", "discard"]))
    type_text(qtbot, window.form.patient.name, "Someone")
    assert not window.controller.new_case()
    assert window.form.patient.name.text() == "Someone"
    assert window.controller.new_case()
    assert window.form.patient.name.text() == ""
    assert dialogs.asked == ["discard: starting a new case"] * 2


def test_invalid_form_is_not_saved_and_says_why(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Save refuses an incomplete case, names the fields, and keeps what was typed."""
    window, dialogs = make_window(qtbot, kb)
    type_text(qtbot, window.form.patient.age, "forty")
    assert not window.controller.save()
    assert any("patient.age_years" in line for line in dialogs.problems[-1][1])
    assert window.form.patient.age.text() == "forty"


def _draft_files() -> list[Path]:
    return sorted((user_data_dir() / "drafts").glob("session-*.json"))


def test_draft_keeps_invalid_typing_and_is_offered_back(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """An autosaved draft holds exactly what was typed (even invalid) and returns after a crash."""
    window, _ = make_window(qtbot, kb)
    type_text(qtbot, window.form.patient.name, "Ann Draft")
    type_text(qtbot, window.form.patient.age, "4o")
    row = add_lab(qtbot, window, "Ferritin", "3 8")
    type_text(qtbot, row.date, "2026-13-01")
    add_medication(qtbot, window, "Mag-Tab SR", supplement=True)
    window.controller.autosave()
    typed = window.form.state()
    assert typed.labs == [LabRow("ferritin", "3 8", "ng/mL", "2026-13-01")]
    (draft,) = _draft_files()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    # A session that died leaves its draft without a live lock: copy it under a dead name.
    shutil.copy(draft, draft.with_name("session-999999-1.json"))
    second, dialogs = make_window(qtbot, kb, ScriptedDialogs(accept_draft=True))
    assert second.controller.restore_drafts()
    assert second.form.state() == typed
    assert second.controller.dirty
    assert any(a.startswith("draft: A draft for Ann Draft") for a in dialogs.asked)
    assert not draft.with_name("session-999999-1.json").exists()


@pytest.mark.slow
def test_killed_session_draft_is_offered_back_with_every_field(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A real rlsdesk process killed by SIGKILL leaves a draft a new session restores whole."""
    case_file = write_case(tmp_path / "case.json", FULL_CASE)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rlsdesk.cli", str(case_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _draft_files():
            time.sleep(0.05)
        assert _draft_files(), "the running app wrote no draft"
        record = json.loads(_draft_files()[0].read_text("utf-8"))
        assert record["form"]["name"] == "Jane Example"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    window, _dialogs = make_window(qtbot, kb, ScriptedDialogs(accept_draft=True))
    assert window.controller.restore_drafts()
    assert window.form.state() == from_case(load_case_bytes(case_file.read_bytes(), kb), kb)
    assert window.controller.path == case_file
    assert not window.controller.dirty  # the draft matches the file it came from
    assert window.live.flush().valid


def test_clean_exit_leaves_no_draft(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Closing the window normally removes the session's draft, so nothing is offered next time."""
    window, _ = make_window(qtbot, kb)
    type_text(qtbot, window.form.patient.name, "Short visit")
    window.controller.autosave()
    assert _draft_files()
    window.close()
    assert not _draft_files()


def test_form_state_round_trips_a_case_and_a_draft(kb: KnowledgeBase) -> None:
    """A case shown in the form gives back the same case, and a draft's JSON the same form."""
    case = parse_case(FULL_CASE, kb)
    state = from_case(case, kb)
    assert parse_case(to_raw(state).data, kb) == case
    assert FormState.from_json_dict(json.loads(json.dumps(state.to_json_dict()))) == state
    damaged = FormState.from_json_dict({"age": 5, "labs": ["x", {"value": "1"}]})
    assert damaged.age == ""
    assert damaged.labs == [LabRow(), LabRow(value="1")]


def test_recent_files_are_listed_and_kept_owner_only(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Opened cases appear newest first in Open recent; the list's file is owner-only."""
    first = write_case(tmp_path / "first.json", FULL_CASE)
    second = write_case(tmp_path / "second.json", FULL_CASE)
    window, _ = make_window(qtbot, kb)
    window.controller.open_case(first)
    window.controller.open_case(second)
    assert window.recent.paths()[:2] == [second.resolve(), first.resolve()]
    window._fill_recent()
    titles = [action.text() for action in window.recent_menu.actions()]
    assert titles[:2] == ["&1 second.json", "&2 first.json"]
    ini = user_data_dir() / "ui.ini"
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600
