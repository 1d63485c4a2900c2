"""The summary-claims evaluation (`python eval/summary_claims.py`) on a few notes: it runs,
meets its targets, and its fault injection does what it says, so it cannot rot."""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from conftest import REPO

EVAL = REPO / "eval"


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(EVAL))
        import summary_claims
    return summary_claims


@pytest.fixture(scope="module")
def report(evaluation) -> dict:
    return evaluation.evaluate(limit=6, per_kind=2, seed=3)


def test_the_clean_notes_are_enough_and_in_the_vault_format(evaluation):
    notes = sorted(evaluation.NOTES.glob("*.md"))
    assert 20 <= len(notes) <= 40
    for path in notes:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: ")
        for heading in ("## 摘要", "## 正文", "## 关联主题"):
            assert f"\n{heading}\n" in text, (path.name, heading)


def test_the_evaluation_meets_its_targets_on_a_few_notes(evaluation, report):
    assert report["notes"] == 6
    assert report["internal_errors"] == []
    assert report["clean_findings"] == []
    for kind in ("number-change", "digit-swap", "term-alter"):
        result = report["kinds"][kind]
        assert result["rules"], f"{kind}: no registered rule"
        assert result["injected"] >= 10, kind
        assert result["recall"] >= 0.95, (kind, result["missed"])
    assert evaluation.targets_met(report)
    assert "targets met" in evaluation.render(report)


def test_template_faults_are_counted_when_their_rules_are_registered(report):
    for kind in ("drop-part", "rename-label"):
        result = report["kinds"][kind]
        assert result["injected"] > 0
        if result["rules"]:
            assert result["recall"] == 1.0, (kind, result["missed"])
        else:
            assert result["recall"] is None


def test_faults_change_what_they_say(evaluation):
    rng = random.Random(0)
    for _ in range(50):
        swapped = evaluation.swap_digits("2,727.5", rng)
        assert swapped is None or (sorted(swapped) == sorted("2,727.5") and swapped != "2,727.5")
        changed = evaluation.change_number("71.7", rng)
        assert changed != "71.7" and len(changed.split(".")[1]) == 1
        altered = evaluation.alter_name("o3-mini", rng)
        assert altered != "o3-mini"
    assert evaluation.swap_digits("1,000", random.Random(0)) is None  # `0,100` is no number
    assert evaluation.change_number("2024", random.Random(0)) != "2024"


def test_a_missed_fault_fails_the_targets(evaluation, report):
    broken = {**report, "kinds": {k: dict(v) for k, v in report["kinds"].items()}}
    broken["kinds"]["term-alter"]["recall"] = 0.5
    assert not evaluation.targets_met(broken)
    assert not evaluation.targets_met({**report, "clean_findings": ["x.md:1:1: SM101 …"]})
