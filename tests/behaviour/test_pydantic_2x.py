"""The Pydantic 2.x deprecation fixes (FAL9xx) judged by behaviour.

Each module in ``fixtures/pydantic2x/`` is Pydantic 2 code using an API a later 2.x release
deprecated, with an ``exercise()`` that drives it. It runs as written under the release where
the deprecation starts and under the current release (the ``v2`` venv): the records must agree
and the deprecation must be raised from the module, which is what makes the fix necessary. The
copy fixed by the real command line must give the same record under both, without that
deprecation.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import harness
import pytest

SCRIPT = Path(sys.executable).parent / "fastapi-lint"

pytestmark = pytest.mark.behaviour

# fixture module → (the rules whose fixes it judges, the release where the deprecation starts,
# the warning category the original draws).
CASES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "instance_fields.py": (("FAL901",), "2.11", "PydanticDeprecatedSince211"),
    "after_validators.py": (("FAL902",), "2.12", "PydanticDeprecatedSince212"),
    "field_schemas.py": (("FAL903",), "2.0", "PydanticDeprecatedSince20"),
}


def _fixed_copy(name: str, codes: tuple[str, ...], directory: Path) -> Path:
    copy = directory / name
    shutil.copyfile(harness.PYDANTIC2X_FIXTURES_DIR / name, copy)
    command = [str(SCRIPT), "check", "--select", ",".join(codes), "--fix", "--unsafe-fixes"]
    for _ in range(2):  # the second run must find nothing left to fix or report
        proc = subprocess.run([*command, str(copy)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return copy


def _drawn(warnings: list[dict], category: str) -> list[str]:
    """The warnings of `category` (by class name, anywhere in its MRO)."""
    return [w["message"] for w in warnings if category in w["categories"]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_module_behaves_as_the_original_without_the_deprecation(
    name, tmp_path, pydantic_release, v2_python
):
    codes, release, category = CASES[name]
    original = harness.PYDANTIC2X_FIXTURES_DIR / name
    fixed = _fixed_copy(name, codes, tmp_path)
    assert fixed.read_bytes() != original.read_bytes()
    expected = None
    for python in (pydantic_release(release), v2_python):
        record, warnings = harness.run_exercise(python, original)
        assert _drawn(warnings, category), f"the original draws no {category}: proves nothing"
        if expected is None:
            expected = record
        assert harness.record_differences(expected, record) == []
        actual, warnings = harness.run_exercise(python, fixed)
        assert harness.record_differences(expected, actual) == []
        assert _drawn(warnings, category) == []


def test_a_project_pinned_before_the_deprecation_keeps_its_behaviour(tmp_path, pydantic_release):
    """FAL901 under Pydantic 2.0.3, a project that pins it: `type(self).model_fields` is the
    same dictionary there, and `model_computed_fields`, a `property` object on the class
    before 2.6, is left alone. (Fixed without the pin, the module fails under 2.0.3: what
    makes that fix unsafe when the version is not known.)"""
    name = "instance_fields.py"
    codes, _, _ = CASES[name]
    python = pydantic_release("2.0")
    original = harness.PYDANTIC2X_FIXTURES_DIR / name
    expected, _ = harness.run_exercise(python, original)

    pinned = tmp_path / "pinned"
    pinned.mkdir()
    (pinned / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["pydantic==2.0.3"]\n'
    )
    fixed = _fixed_copy(name, codes, pinned)
    text = fixed.read_text()
    assert "type(self).model_fields" in text and "self.model_computed_fields" in text
    actual, _ = harness.run_exercise(python, fixed)
    assert harness.record_differences(expected, actual) == []

    unpinned = _fixed_copy(name, codes, tmp_path)
    assert "type(self).model_computed_fields" in unpinned.read_text()
    broken = harness.run_exercise_raw(python, unpinned)
    assert not broken["ok"] and "property" in broken["error"]["message"]


@pytest.mark.parametrize("release", ["2.0", "2.11"])
def test_fal902_fix_runs_before_the_deprecation(release, tmp_path, pydantic_release):
    """An instance-method after validator (the fixed form) behaves as the classmethod did in
    every 2.x release, also those before 2.12: the fix is safe whatever the project pins."""
    name = "after_validators.py"
    python = pydantic_release(release)
    expected, _ = harness.run_exercise(python, harness.PYDANTIC2X_FIXTURES_DIR / name)
    actual, _ = harness.run_exercise(python, _fixed_copy(name, CASES[name][0], tmp_path))
    assert harness.record_differences(expected, actual) == []
