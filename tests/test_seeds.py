"""The seed documents' anti-patterns draw the codes RULES.md gives; their corrected code draws none.

`fixtures/seeds/expected.toml` lists, per file, the codes expected in source order; each finding is
also marked in its file by a trailing `# expect: FALxxx` comment on the reported line (see
`helpers.expected_findings`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import expected_findings, ruleset

from fastapi_lint.discovery import SourcePath
from fastapi_lint.runner import Mode, check_file

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
EXPECTED = tomllib.loads((SEEDS / "expected.toml").read_text())
CASES = [
    pytest.param(group, name, codes, id=f"{group}/{name}")
    for group in ("bad", "good")
    for name, codes in EXPECTED[group].items()
]


def findings(path: Path, *codes: str):
    report = check_file(SourcePath(str(path), path.name), ruleset(*codes), Mode())
    return report.diagnostics


@pytest.mark.parametrize(("group", "name", "codes"), CASES)
def test_seed_snippet(group: str, name: str, codes: list[str]):
    path = SEEDS / group / name
    found = findings(path)
    assert [d.code for d in found] == codes, [f"{d.row}: {d.code} {d.message}" for d in found]
    assert sorted((d.row, d.code) for d in found) == expected_findings(path.read_text())


def test_off_by_default_findings():
    for name, codes in EXPECTED["off_by_default"].items():
        path = SEEDS / name
        found = [d.code for d in findings(path, "FAL406")]
        assert found == codes, name
