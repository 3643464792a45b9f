"""Self-checks of the behaviour harness.

* Without venvs (always run): the runner reports records, warnings and failures correctly, and
  ``record_differences`` compares the way the README says.
* With the v1 venv: every stored recording is what its fixture does now (recordings are current
  and deterministic) and no fixture warns under v1.
* With the v2 venv: the hand-migrated modules in ``hand_migrated/`` reproduce the v1 recordings
  with no deprecation warning, while the unmigrated v1 modules fail or differ, and a plausible but
  wrong migration (``hand_migrated/wrong/``) is told apart. This proves the harness can judge a fix.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import divergences
import harness
import pytest

HAND_MIGRATED = ["validators_signup", "app_lifecycle"]

FIXTURES = [path.stem for path in harness.fixture_modules()]


def _fixture(stem: str) -> Path:
    return harness.FIXTURES_DIR / f"{stem}.py"


# --------------------------------------------------------------------------------------------------
# the runner and the comparison, under the interpreter running pytest


def _write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_runner_returns_record_and_attributes_warnings(tmp_path):
    module = _write(
        tmp_path,
        "sample_mod",
        """
        import os
        import warnings

        warnings.warn("old import-time api", DeprecationWarning)

        def exercise():
            warnings.warn("pending thing", PendingDeprecationWarning)
            warnings.warn("just a note", UserWarning)
            return {"b": [1, 2.0, None], "a": {"z": True}, "env": os.environ.get("APP_X")}
        """,
    )
    record, warnings = harness.run_exercise(sys.executable, module)
    assert record == {"a": {"z": True}, "b": [1, 2.0, None], "env": None}
    assert [(w["category"], w["message"], w["origin"]) for w in warnings] == [
        ("DeprecationWarning", "old import-time api", "module"),
        ("PendingDeprecationWarning", "pending thing", "module"),
        ("UserWarning", "just a note", "module"),
    ]
    assert [w["message"] for w in harness.deprecations(warnings)] == [
        "old import-time api",
        "pending thing",
    ]


def test_runner_does_not_leak_the_callers_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_X", "from the shell")
    module = _write(
        tmp_path,
        "env_mod",
        """
        import os

        def exercise():
            return {"x": os.environ.get("APP_X"), "tz": os.environ.get("TZ")}
        """,
    )
    record, _ = harness.run_exercise(sys.executable, module)
    assert record == {"x": None, "tz": "UTC"}


def test_runner_reports_import_and_exercise_failures(tmp_path):
    broken_import = _write(tmp_path, "broken_import", "from pydantic_v9 import Nothing\n")
    with pytest.raises(harness.ExerciseFailed) as info:
        harness.run_exercise(sys.executable, broken_import)
    assert info.value.phase == "import"
    assert info.value.error["type"] == "builtins.ModuleNotFoundError"

    raising = _write(
        tmp_path,
        "raising",
        """
        import warnings

        def exercise():
            warnings.warn("before the crash", DeprecationWarning)
            raise TypeError("AsyncClient.__init__() got an unexpected keyword argument 'app'")
        """,
    )
    with pytest.raises(harness.ExerciseFailed) as info:
        harness.run_exercise(sys.executable, raising)
    assert info.value.phase == "exercise"
    assert "unexpected keyword argument 'app'" in info.value.error["message"]
    assert [w["message"] for w in info.value.warnings] == ["before the crash"]


def test_runner_refuses_records_that_are_not_json(tmp_path):
    module = _write(tmp_path, "set_mod", "def exercise():\n    return {'tags': {'a', 'b'}}\n")
    with pytest.raises(harness.ExerciseFailed) as info:
        harness.run_exercise(sys.executable, module)
    assert info.value.phase == "serialise"


def test_record_differences_keeps_scalar_types_apart():
    assert harness.record_differences({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}) == []
    assert harness.record_differences({"price": 8.0}, {"price": 8}) == [
        "$.price: expected 8.0, got 8"
    ]
    assert harness.record_differences({"ok": True}, {"ok": 1}) == ["$.ok: expected True, got 1"]
    assert harness.record_differences({"a": 1}, {"b": 1}) == [
        "$.a: missing (expected 1)",
        "$.b: unexpected 1",
    ]
    assert harness.record_differences([["x"], ["y"]], [["y"], ["x"]]) != []


def test_dump_record_is_canonical():
    assert harness.dump_record({"b": 1, "a": [1, 2]}) == (
        '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    )


def test_every_fixture_has_a_recording_and_vice_versa():
    recorded = {p.stem for p in harness.RECORDINGS_DIR.glob("*.json") if not p.stem.startswith("_")}
    assert recorded == set(FIXTURES)
    for stem in HAND_MIGRATED:
        assert (harness.HAND_MIGRATED_DIR / f"{stem}.py").exists()


# --------------------------------------------------------------------------------------------------
# Pydantic v1: the recordings are current


@pytest.mark.behaviour
@pytest.mark.parametrize("stem", FIXTURES)
def test_recording_is_current_under_v1(v1_python, stem):
    record, warnings = harness.run_exercise(v1_python, _fixture(stem))
    assert warnings == [], "a fixture must run cleanly under Pydantic v1"
    stored = harness.load_recording(_fixture(stem))
    diffs = harness.record_differences(stored, record)
    assert not diffs, "recording is stale; run python tests/behaviour/record.py\n" + "\n".join(
        diffs
    )
    assert harness.recording_path(_fixture(stem)).read_text(encoding="utf-8") == (
        harness.dump_record(record)
    )


# --------------------------------------------------------------------------------------------------
# Pydantic v2: right and wrong migrations are told apart


@pytest.mark.behaviour
@pytest.mark.parametrize("stem", HAND_MIGRATED)
def test_hand_migrated_module_reproduces_v1_recording(v2_python, stem):
    record, warnings = harness.run_exercise(v2_python, harness.HAND_MIGRATED_DIR / f"{stem}.py")
    diffs = harness.record_differences(harness.load_recording(_fixture(stem)), record)
    assert not diffs, "\n".join(diffs)
    assert harness.deprecations(warnings) == []


@pytest.mark.behaviour
@pytest.mark.parametrize("stem", HAND_MIGRATED)
def test_unmigrated_module_fails_or_differs_under_v2(v2_python, stem):
    try:
        record, warnings = harness.run_exercise(v2_python, _fixture(stem))
    except harness.ExerciseFailed as exc:
        assert exc.phase in {"import", "exercise"}
        return
    diffs = harness.record_differences(harness.load_recording(_fixture(stem)), record)
    assert diffs, "the unmigrated v1 module behaved identically under v2"
    # It also announces itself: v1 APIs warn under v2.
    assert harness.deprecations(warnings)


@pytest.mark.behaviour
def test_unmigrated_validators_fail_at_import_under_v2(v2_python):
    with pytest.raises(harness.ExerciseFailed) as info:
        harness.run_exercise(v2_python, _fixture("validators_signup"))
    assert info.value.phase == "import"
    assert "skip_on_failure" in info.value.error["message"]


@pytest.mark.behaviour
def test_unmigrated_app_differs_under_v2(v2_python):
    record, warnings = harness.run_exercise(v2_python, _fixture("app_lifecycle"))
    diffs = harness.record_differences(harness.load_recording(_fixture("app_lifecycle")), record)
    # anystr_strip_whitespace is silently ignored by v2 ...
    assert "$.calls.create.body.name: expected 'Bowl', got '  Bowl '" in diffs
    # ... and so is orm_mode, until from_orm is called.
    messages = {w["message"].strip() for w in harness.deprecations(warnings)}
    assert any("on_event is deprecated" in m for m in messages)
    assert any("`dict` method is deprecated" in m for m in messages)


@pytest.mark.behaviour
def test_plausible_wrong_migration_is_detected(v2_python):
    """An ``after`` model validator that assigns to ``self`` marks the field as set in v2."""
    record, warnings = harness.run_exercise(
        v2_python, harness.HAND_MIGRATED_DIR / "wrong" / "validators_signup.py"
    )
    assert harness.deprecations(warnings) == []  # clean by the warnings, wrong by behaviour
    diffs = harness.record_differences(
        harness.load_recording(_fixture("validators_signup")), record
    )
    assert diffs == [
        "$.article_exclude_unset.published_on: unexpected None",
        "$.article_fields_set: expected ['body', 'title'], got ['body', 'published_on', 'title']",
    ]


@pytest.mark.behaviour
def test_documented_divergences_still_diverge(v1_python, v2_python):
    """Every probe in divergences.py (the README's list of v1 behaviours v2 cannot keep) still
    differs between the venvs; when a Pydantic release closes one, the README must change."""
    results = divergences.collect({"v1": v1_python, "v2": v2_python})
    assert set(results["v1"]) == set(results["v2"])
    same = [probe for probe in results["v1"] if results["v1"][probe] == results["v2"][probe]]
    assert same == []
