"""Shared fixtures: the shipped knowledge base, and cases built from small overrides."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Qt must never need a display in tests, and no test may touch the real user profile.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rlsdesk.domain.assessment import Alert, Assessment, Decision
from rlsdesk.domain.case import parse_case
from rlsdesk.domain.engine import assess
from rlsdesk.knowledge import KnowledgeBase, load_knowledge_base

# Hypothesis: the everyday suite stays fast; CI (CI=true) explores ten times more cases.
# A test's own @settings(max_examples=...) still wins; HYPOTHESIS_PROFILE picks one by hand.
hypothesis_settings.register_profile("dev", max_examples=50, deadline=None)
hypothesis_settings.register_profile(
    "ci", max_examples=500, deadline=None, print_blob=True, derandomize=True
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

BASE_CASE: dict[str, Any] = {
    "format": "rlsdesk-case/1",
    "patient": {"name": "Test Patient", "identifier": "T-1", "age_years": 45, "sex": "female"},
    "presentation": {"rls": False, "leg_cramps": False},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": None, "dialysis": "none"},
    "labs": [],
    "conditions": [],
    "medications": [],
    "supplements": [],
}


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("rlsdesk-home")
    previous = os.environ.get("RLSDESK_HOME")
    os.environ["RLSDESK_HOME"] = str(home)
    yield
    if previous is None:
        os.environ.pop("RLSDESK_HOME", None)
    else:
        os.environ["RLSDESK_HOME"] = previous


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def make_case(**overrides: Any) -> dict[str, Any]:
    """A valid case dict; keyword groups (patient=..., kidney=...) merge into the base."""
    case = copy.deepcopy(BASE_CASE)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(case.get(key), dict):
            case[key].update(value)
        else:
            case[key] = value
    return case


def lab(analyte: str, value: float, unit: str, date: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"analyte": analyte, "value": value, "unit": unit}
    if date:
        entry["date"] = date
    return entry


def run(kb: KnowledgeBase, **overrides: Any) -> Assessment:
    return assess(parse_case(make_case(**overrides), kb), kb)


def decision(assessment: Assessment, agent: str) -> Decision:
    return next(d for d in assessment.decisions if d.agent == agent)


def alerts(assessment: Assessment, kind: str | None = None, code: str = "") -> list[Alert]:
    return [
        a for a in assessment.alerts if (kind is None or a.kind == kind) and a.code.startswith(code)
    ]
