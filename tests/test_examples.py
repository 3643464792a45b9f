"""The bundled sample app draws exactly the findings its README lists.

`examples/README.md` lists every expected finding. Some need facts from other modules of the app
(project-wide analysis); until that pass exists they are listed here and must *not* appear —
so a finding that appears or disappears unexpectedly fails the test either way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

NEEDS_PROJECT_ANALYSIS = {
    ("app/routers/items.py", 58, "FAL304"),  # payload's model is in app/schemas.py
    ("app/routers/items.py", 65, "FAL504"),  # the dependencies are Annotated aliases from elsewhere
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


def test_examples_findings_match_the_readme():
    result = subprocess.run(
        [str(BIN / "fastapi-lint"), "check", "examples/", "--no-cache", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    found = set()
    for line in result.stdout.splitlines():
        path, row, _col, rest = line.split(":", 3)
        found.add((path.removeprefix("examples/"), int(row), rest.split()[0]))
    assert found == expected() - NEEDS_PROJECT_ANALYSIS
