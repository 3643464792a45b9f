"""Shared test helpers: lint or fix a snippet with chosen rules, through the real engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fastapi_lint.config import apply_overrides
from fastapi_lint.diagnostics import Diagnostic
from fastapi_lint.engine import lint_source
from fastapi_lint.fixes import fix_text
from fastapi_lint.registry import RuleSet
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source


def ruleset(*codes: str, **overrides: object) -> RuleSet:
    settings = Settings()
    if codes:
        overrides.setdefault("select", list(codes))
    overrides.setdefault("preview", True)  # rules in preview are tested like the others
    return RuleSet(apply_overrides(settings, **overrides))


def lint(text: str, *codes: str, path: str = "example.py") -> list[Diagnostic]:
    source = Source.from_bytes(text.encode())
    rules = ruleset(*codes)
    result = lint_source(source, path, rules, module="example")
    assert not result.errors, result.errors
    return result.diagnostics


def fix(text: str, *codes: str, unsafe: bool = False, path: str = "example.py") -> str:
    rules = ruleset(*codes)

    def run(current: str) -> list[Diagnostic]:
        return lint_source(Source(current), path, rules, module="example").diagnostics

    outcome, _ = fix_text(text, run, unsafe=unsafe)
    return outcome.text


# `# expect: FAL103` on a line names the findings the line must draw: codes separated by commas
# or spaces (a code named twice stands for two findings), then free text if wanted
# (`# expect: FAL101 - through an alias`). Fixtures, seeds and fixture projects use it.
EXPECT = re.compile(r"#\s*expect:\s*(FAL\d{3}(?:[\s,]+FAL\d{3})*)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python counts as the end of a line


def expected_codes(line: str) -> list[str]:
    """The codes a line's `# expect:` marker names (none without a marker)."""
    match = EXPECT.search(line)
    return re.findall(r"FAL\d{3}", match.group(1)) if match else []


def expected_findings(text: str) -> list[tuple[int, str]]:
    """(row, code) of every finding the markers of a source text announce, sorted."""
    rows = enumerate(_LINE_BREAK.split(text), start=1)
    return sorted((row, code) for row, line in rows for code in expected_codes(line))


def expected_in_project(project: Path) -> set[tuple[str, int, str]]:
    """(module path relative to `project`, row, code) of every finding the `# expect:` markers
    of a fixture project's modules announce."""
    return {
        (path.relative_to(project).as_posix(), row, code)
        for path in project.rglob("*.py")
        for row, line in enumerate(path.read_text().splitlines(), 1)
        for code in expected_codes(line)
    }


def run_in_own_process(script: str, *, timeout: float = 60) -> None:
    """Run `script`, which prints "ok" once its assertions pass, in a Python process of its
    own: for what belongs to the whole process (the garbage collector's set-up). A failing
    assertion's traceback is the failure's message."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr
    assert done.stderr == ""
