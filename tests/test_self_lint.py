"""The project holds itself to its own standards: ruff-clean, mypy-clean (strict, see
`[tool.mypy]`) and clean under its own rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Every test runs a tool in a process of its own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_check():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = run(str(BIN / "mypy"))  # the files and options of [tool.mypy]
    assert result.returncode == 0, result.stdout + result.stderr


def test_fastapi_lint_on_itself():
    result = run(str(BIN / "fastapi-lint"), "check", "fastapi_lint", "tests", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
