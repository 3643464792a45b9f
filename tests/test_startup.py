"""`check` on one file starts fast: nothing heavy is imported that the run does not need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Every test starts an interpreter to see what `check` imports.
pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from fastapi_lint.cli import main
sys.argv = ["fastapi-lint", "check", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""

HEAVY = ("pydantic", "multiprocessing", "difflib", "tempfile", "inspect", "pkg_resources")


def _imported(cwd: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_one_file_without_config_imports_nothing_heavy(tmp_path: Path):
    (tmp_path / "app.py").write_text("import time\n\nasync def f():\n    time.sleep(1)\n")
    modules = _imported(tmp_path, "app.py", "--no-cache")
    assert "fastapi_lint.engine" in modules
    # click itself imports `inspect`; everything else on the list is ours to avoid.
    assert _heavy(modules) in ([], ["inspect"])
    # Writing the cache needs no `tempfile` (its temporaries are made as `mkstemp` makes them).
    with_cache = _imported(tmp_path, "app.py")
    assert _heavy(with_cache) in ([], ["inspect"])
    assert "pickle" not in with_cache  # only a process pool packs summaries


def test_config_table_brings_pydantic(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nselect = ["FAL1"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    modules = _imported(tmp_path, "app.py", "--no-cache")
    assert "pydantic" in modules
