"""The bundled sample app draws exactly the findings its README lists.

`examples/README.md` lists every expected finding. Those that need facts from other modules of
the app come from the project pass; the few it cannot reach yet are listed here and must *not*
appear — so a finding that appears or disappears unexpectedly fails the test either way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_lint.config import find_config, load_settings
from fastapi_lint.runner import run

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

NEEDS_PROJECT_ANALYSIS: set[tuple[str, int, str]] = set()
# Found only by the project pass: a check of each file alone must not find them.
CROSS_MODULE = {
    ("app/routers/items.py", 58, "FAL304"),  # payload's model is in app/schemas.py
    ("app/routers/items.py", 65, "FAL504"),  # the dependencies are functions from elsewhere
    ("app/routers/items.py", 82, "FAL304"),
    ("app/routers/items.py", 82, "FAL501"),
    ("app/routers/users.py", 38, "FAL107"),  # the coroutine is defined in app/services
    ("app/routers/users.py", 52, "FAL304"),
    ("app/routers/users.py", 68, "FAL106"),  # the blocking call is in app/services/profiles.py
}
ROW = re.compile(r"^\| (\S+\.py) \| (\d+) \| (FAL\d{3}) \|")


def expected() -> set[tuple[str, int, str]]:
    table = (ROOT / "examples" / "README.md").read_text().split("Off by default")[0]
    rows = {
        (m.group(1), int(m.group(2)), m.group(3)) for m in map(ROW.match, table.splitlines()) if m
    }
    assert len(rows) >= 45
    return rows


def _found(result: subprocess.CompletedProcess[str]) -> set[tuple[str, int, str]]:
    found = set()
    for line in result.stdout.splitlines():
        path, row, _col, rest = line.split(":", 3)
        found.add((path.removeprefix("examples/"), int(row), rest.split()[0]))
    return found


@pytest.mark.slow
def test_examples_findings_match_the_readme():
    result = subprocess.run(
        [
            str(BIN / "fastapi-lint"),
            "check",
            "examples/",
            "--no-cache",
            "-q",
            "--output-format",
            "concise",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert _found(result) == expected() - NEEDS_PROJECT_ANALYSIS


def test_cross_module_findings_need_the_project():
    """File by file (as flake8 sees them without a stored index) the cross-module findings
    are out of reach; everything else is the same."""
    examples = ROOT / "examples"
    settings = load_settings(find_config(str(examples)))
    found: set[tuple[str, int, str]] = set()
    for path in sorted(examples.rglob("*.py")):
        report = run([str(path)], settings)
        for d in report.diagnostics:
            found.add((path.relative_to(examples).as_posix(), d.row, d.code))
    assert found == expected() - NEEDS_PROJECT_ANALYSIS - CROSS_MODULE
