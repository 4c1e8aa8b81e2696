"""`rlsdesk import`: writing a case, merging into one by the repeated-results rules, exit codes,
and the trend helpers built on the merged case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import make_case
from labimport_helpers import bundle, observation, patient, write_json
from rlsdesk.cli import run
from rlsdesk.domain.case import parse_case
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.trend import trend_for, trend_sentence, trends


def _case_file(folder: Path, labs: list[dict[str, object]]) -> Path:
    path = folder / "case.json"
    path.write_text(json.dumps(make_case(labs=labs)), encoding="utf-8")
    return path


def test_new_case_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file with a Patient gives a new case with the patient's age, sex and the results."""
    lab = write_json(tmp_path, "lab.json", bundle(patient(), observation()))
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["patient"]["sex"] == "female"
    assert written["labs"][0]["source"]["code"] == "2276-4"
    assert "1 results" in capsys.readouterr().out


def test_into_existing_case_merges_repeats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same analyte, date and value is one entry; a new date is added beside it."""
    case = _case_file(
        tmp_path, [{"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-08-01"}]
    )
    document = bundle(observation(), observation(value=62, date="2026-10-01"))
    lab = write_json(tmp_path, "lab.json", document)
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out), "--into", str(case)]) == 0
    labs = json.loads(out.read_text(encoding="utf-8"))["labs"]
    assert [(entry["value"], entry["date"]) for entry in labs] == [
        (38, "2026-08-01"),
        (62, "2026-10-01"),
    ]
    assert "already in the case" in capsys.readouterr().out


def test_same_day_other_value_is_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same analyte and date with another value: exit 2 naming both, nothing written."""
    case = _case_file(
        tmp_path, [{"analyte": "ferritin", "value": 380, "unit": "ng/mL", "date": "2026-08-01"}]
    )
    lab = write_json(tmp_path, "lab.json", observation())
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out), "--into", str(case)]) == 2
    err = capsys.readouterr().err
    assert "380 ng/mL" in err
    assert "38 ng/mL" in err
    assert not out.exists()


def test_same_value_in_another_unit_is_one_entry(tmp_path: Path) -> None:
    """Albumin 42 g/L and 4.2 g/dL on one day are the same result."""
    case = _case_file(
        tmp_path, [{"analyte": "albumin", "value": 4.2, "unit": "g/dL", "date": "2026-08-01"}]
    )
    lab = write_json(
        tmp_path, "lab.json", observation(code="1751-7", value=42, unit="g/L", ucum="g/L")
    )
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out), "--into", str(case)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["labs"]) == 1


def test_nothing_imported_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run whose results are all refused writes the case unchanged and says nothing came in."""
    case = _case_file(tmp_path, [])
    lab = write_json(tmp_path, "lab.json", observation(status="preliminary"))
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out), "--into", str(case)]) == 0
    assert "nothing was imported" in capsys.readouterr().out


def test_malformed_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Broken JSON: exit 2 naming the file and the place, and no case written."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": ', encoding="utf-8")
    out = tmp_path / "out.json"
    assert run(["import", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err
    assert "line 1" in err
    assert not out.exists()


def test_several_patients_exit_2_listing_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --patient a two-patient file is exit 2, listing both patients."""
    other = observation()
    other["subject"] = {"reference": "Patient/p2"}
    lab = write_json(
        tmp_path, "lab.json", bundle(patient(), patient("p2", "MRN-2"), observation(), other)
    )
    assert run(["import", str(lab), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "MRN-1" in err
    assert "MRN-2" in err
    assert "--patient" in err


def test_trend_sentence_and_thresholds(kb: KnowledgeBase) -> None:
    """Two dated ferritins give the page-1 line and the KB's ferritin decision thresholds."""
    labs = [
        {"analyte": "ferritin", "value": 62, "unit": "µg/L", "date": "2026-10-01"},
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-08-01"},
        {"analyte": "tsat", "value": 17, "unit": "%", "date": "2026-08-01"},
    ]
    case = parse_case(make_case(labs=labs), kb)
    assert trend_sentence(case.labs, kb, "ferritin") == "ferritin 38 -> 62 ng/mL since 2026-08-01"
    assert trend_sentence(case.labs, kb, "tsat") is None
    trend = trend_for(case.labs, kb, "ferritin")
    assert trend is not None
    assert [t.value for t in trend.thresholds] == [75, 100, 300]
    assert trend.points[0] == (dt.date(2026, 8, 1), 38)
    assert list(trends(case.labs, kb)) == ["ferritin"]


def test_egfr_into_case_and_conflict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An imported eGFR fills an empty kidney.egfr; a different entered eGFR is a conflict."""
    egfr = observation(code="98979-8", value=52, unit="mL/min/1.73m2", ucum="mL/min/{1.73_m2}")
    lab = write_json(tmp_path, "egfr.json", egfr)
    case = _case_file(tmp_path, [])
    out = tmp_path / "out.json"
    assert run(["import", str(lab), "-o", str(out), "--into", str(case)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["kidney"]["egfr"] == 52
    entered = tmp_path / "entered.json"
    entered.write_text(json.dumps(make_case(kidney={"egfr": 40})), encoding="utf-8")
    other = tmp_path / "other.json"
    assert run(["import", str(lab), "-o", str(other), "--into", str(entered)]) == 2
    assert "kidney.egfr" in capsys.readouterr().err
    assert not other.exists()
