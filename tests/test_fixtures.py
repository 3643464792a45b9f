"""Each fixture's findings: where they are, by the `# expect:` markers on the fixture's lines,
and what they say, by snapshots of the findings (as the CLI prints them) and the fixed source.

Fixtures live in `fixtures/<CODE>/*.py` and are checked with that code selected. A line that
must draw findings says so: `# expect: FAL103` (`# expect: FAL103, FAL103` for two); every
other line must draw none. The markers are checked by their own test, which
`--snapshot-update` cannot rewrite. Regenerate snapshots after an intended change of a message
or a fix with `pytest tests/test_fixtures.py --snapshot-update` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import expected_findings, ruleset

from fastapi_lint.discovery import SourcePath
from fastapi_lint.fixes import parses
from fastapi_lint.runner import Mode, check_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SNAPSHOTS = Path(__file__).parent / "snapshots"

CASES = sorted(p for p in FIXTURES.glob("FAL*/*.py") if p.is_file())


def _render(diagnostics) -> str:
    lines = []
    for d in diagnostics:
        fix = f" [fix: {d.fix.applicability.value}]" if d.fix else ""
        lines.append(f"{d.row}:{d.col}: {d.code} {d.message}{fix}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_are_on_the_marked_lines(path: Path):
    code = path.parent.name
    report = check_file(
        SourcePath(str(path), path.relative_to(ROOT).as_posix()), ruleset(code), Mode()
    )
    found = sorted((d.row, d.code) for d in report.diagnostics)
    # latin-1 decodes any bytes, so undecodable fixtures still show their (ASCII) markers.
    marked = expected_findings(path.read_bytes().decode("latin-1"))
    assert found == marked, [f"{d.row}:{d.col}: {d.code} {d.message}" for d in report.diagnostics]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_snapshot(path: Path, snapshot, tmp_path: Path):
    code = path.parent.name
    rules = ruleset(code)
    snapshot.snapshot_dir = SNAPSHOTS / code
    relative = path.relative_to(ROOT).as_posix()

    report = check_file(SourcePath(str(path), relative), rules, Mode())
    assert report.diagnostics or code == "FAL000" or "clean" in path.name, "fixture draws nothing"
    assert all(d.code == code for d in report.diagnostics)
    snapshot.assert_match(_render(report.diagnostics), f"{path.stem}.txt")

    # Fix a copy with unsafe fixes too; snapshot the result and check it is stable.
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    first = check_file(SourcePath(str(copy), relative), rules, Mode(fix=True, unsafe=True))
    assert not first.write_error and not first.dropped
    fixed = copy.read_bytes()
    if fixed != path.read_bytes():
        assert parses(fixed.decode())
        snapshot.assert_match(fixed.decode(), f"{path.stem}.fixed.py.txt")
    second = check_file(SourcePath(str(copy), relative), rules, Mode(fix=True, unsafe=True))
    assert not second.fixed and copy.read_bytes() == fixed, "a second --fix changed the file"
