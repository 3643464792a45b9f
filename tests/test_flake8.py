"""flake8 loads the plugin through its entry point and reports what the CLI reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Every test runs flake8 in a process of its own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PER_FILE_FIXTURES = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("fixtures/FAL[1-9]*/*.py"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_plugin_is_registered():
    result = run(str(BIN / "flake8"), "--version")
    assert "fastapi-lint:" in result.stdout


def test_flake8_reports_fal102(tmp_path: Path):
    (tmp_path / "jobs.py").write_text("import time\n\nasync def wait():\n    time.sleep(1)\n")
    result = run(str(BIN / "flake8"), "--select", "FAL", "jobs.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("jobs.py:4:5: FAL102 `time.sleep()` blocks the event loop")


def test_flake8_honours_noqa(tmp_path: Path):
    (tmp_path / "jobs.py").write_text(
        "import time\n\nasync def wait():\n    time.sleep(1)  # noqa: FAL102\n"
    )
    result = run(str(BIN / "flake8"), "--select", "FAL", "jobs.py", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""


@pytest.mark.parametrize("fixture", PER_FILE_FIXTURES)
def test_flake8_matches_cli(fixture: str):
    flake8 = run(str(BIN / "flake8"), "--select", "FAL", "--isolated", fixture)
    cli = run(
        str(BIN / "fastapi-lint"),
        "check",
        fixture,
        "--quiet",
        "--no-cache",
        "--select",
        "FAL",
        "--output-format",
        "concise",
    )
    assert flake8.stderr == ""
    ours = [line.replace(" [*] ", " ") for line in cli.stdout.splitlines() if line]
    assert flake8.stdout.splitlines() == ours
