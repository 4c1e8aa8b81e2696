"""Every shared clinical vignette, run through the command line as other tools run it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED
from rlsdesk.cli import main

VIGNETTES = sorted((SHARED / "vignettes").glob("*.json")) if SHARED.is_dir() else []
SEVERITY_RANK = ["info", "minor", "moderate", "major", "contraindicated"]


def _alert_matches(alert: dict[str, Any], wanted: dict[str, Any]) -> bool:
    if "kind" in wanted and alert["kind"] != wanted["kind"]:
        return False
    if not set(wanted.get("agents", [])) <= set(alert["agents"]):
        return False
    if not set(wanted.get("drugs", [])) <= set(alert["drugs"]):
        return False
    minimum = wanted.get("min_severity")
    return minimum is None or SEVERITY_RANK.index(alert["severity"]) >= SEVERITY_RANK.index(minimum)


def check_expectation(expect: dict[str, Any], result: dict[str, Any]) -> None:
    if "decision" in expect:
        found = [d for d in result["decisions"] if d["agent"] == expect["decision"]]
        assert len(found) == 1, f"exactly one decision for {expect['decision']}"
        made = found[0]
        assert made["decision"] in expect["one_of"], made
        if "route" in expect:
            assert made["route"] == expect["route"], made
        if "route_not" in expect:
            assert made["route"] != expect["route_not"], made
    elif "alert" in expect:
        assert any(_alert_matches(a, expect["alert"]) for a in result["alerts"]), expect
    elif "no_alert" in expect:
        assert not any(_alert_matches(a, expect["no_alert"]) for a in result["alerts"]), expect
    elif "test_ordered" in expect:
        assert expect["test_ordered"] in [t["analyte"] for t in result["tests_to_order"]]
    elif "lab_flag" in expect:
        wanted = expect["lab_flag"]
        flags = [lab["flag"] for lab in result["labs"] if lab["analyte"] == wanted["analyte"]]
        assert wanted["flag"] in flags, flags
    elif "egfr" in expect:
        wanted, egfr = expect["egfr"], result["egfr"]
        assert wanted.get("min", float("-inf")) <= egfr["value"] <= wanted.get("max", float("inf"))
        for key in ("source", "stage"):
            if key in wanted:
                assert egfr[key] == wanted[key]
    elif "resolved" in expect:
        wanted = expect["resolved"]
        rows = [m for m in result["medications"] if m["entered"] == wanted["entered"]]
        assert rows, wanted
        assert rows[0]["resolved"] == wanted["to"], rows
    else:
        pytest.fail(f"unknown expectation {expect}")


@pytest.mark.skipif(not VIGNETTES, reason="../shared/vignettes is not present")
@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each vignette's expected outcomes hold for `rlsdesk check CASE.json --json`."""
    vignette = json.loads(path.read_text("utf-8"))
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(vignette["case"]), "utf-8")
    status = main(["check", str(case_file), "--json"])
    out, err = capsys.readouterr()
    input_errors = [e["input_error"] for e in vignette["expect"] if "input_error" in e]
    if input_errors:
        assert status == 2
        for text in input_errors:
            assert text in err
        assert "Traceback" not in err
        return
    assert status == 0, err
    result = json.loads(out)
    for expect in vignette["expect"]:
        check_expectation(expect, result)
