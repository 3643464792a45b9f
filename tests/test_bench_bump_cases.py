"""bench/bump_pydantic_cases.py: bump-pydantic's unit-test pairs as a yardstick.

A small repository laid out like bump-pydantic's (`tests/unit/test_*.py` holding `before`/`after`
and `source`/`expected` pairs, written here for the test) is measured by the real script, which
runs the real command line: a v1 construct we report or migrate is covered, a changed line we
neither report nor migrate is listed as a miss, and a pair left unchanged is a look-alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "bump_pydantic_cases.py"

UNIT_TESTS = '''
import textwrap


class TestPairs:
    def test_validator(self) -> None:
        before = """
        from pydantic import BaseModel, validator

        class A(BaseModel):
            a: int

            @validator("a")
            def check(cls, v):
                return v
        """
        after = """
        from pydantic import BaseModel, field_validator

        class A(BaseModel):
            a: int

            @field_validator("a")
            @classmethod
            def check(cls, v):
                return v
        """
        self.assertCodemod(before, after)

    def test_renamed_constant(self) -> None:
        source = textwrap.dedent(
            """
            LIMIT = 1
            """
        ).lstrip()
        expected = textwrap.dedent(
            """
            LIMIT = 2
            """
        ).lstrip()
        assert transform(source) == expected

    def test_not_a_model(self) -> None:
        source = textwrap.dedent(
            """
            class Potato:
                a = True
            """
        )
        assert transform(source) == source
'''


@pytest.mark.slow
def test_the_script_lists_what_is_neither_reported_nor_migrated(tmp_path: Path) -> None:
    repo = tmp_path / "bump-pydantic"
    (repo / "tests" / "unit").mkdir(parents=True)
    (repo / "tests" / "unit" / "test_pairs.py").write_text(textwrap.dedent(UNIT_TESTS))
    out = tmp_path / "cases.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--repo", str(repo), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "pairs: 3 (2 converted, 1 left unchanged by bump-pydantic)" in result.stdout
    assert "converted pairs with every changed non-import line reported or migrated: 1 of 2" in (
        result.stdout
    )
    assert "- test_pairs__test_renamed_constant:1: `LIMIT = 1`" in result.stdout
    cases = {c["case"]: c for c in json.loads(out.read_text())}
    validator = cases["test_pairs__test_validator"]
    assert validator["changed"] == [1, 6]  # the import and the decorator
    assert 6 in validator["reported"] and 6 in validator["migrated"]
    assert cases["test_pairs__test_not_a_model"]["lookalike"] is True
    assert cases["test_pairs__test_not_a_model"]["findings"] == []


def test_a_missing_repository_measures_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--repo", str(tmp_path / "absent")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert (
        result.stdout.strip()
        == f"no bump-pydantic repository at {tmp_path / 'absent'}: nothing to measure"
    )
