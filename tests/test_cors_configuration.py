"""CORS origins from configuration, across modules: `fixtures/projects/cors/` reads its origins
from the environment with defaults, from a literal list, from a helper's return and from a
settings field, in `webapp/config.py`, and registers them in `webapp/main.py`.

Every line that must draw FAL401/FAL402 says so (`# expect: CODE`); every other line must draw
neither (the look-alikes: a default naming one origin, a variable without default, a name
rebound to a safe list further down, a `["*"]` for methods, a settings field of one origin).
The real CLI runs on a copy; the messages, which name where the wildcard comes from, are the
project's snapshot (tests/test_project.py). Linted alone, `main.py` cannot know any of it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clitools import cli
from helpers import expected_in_project

from fastapi_lint.engine import lint_source
from fastapi_lint.registry import RuleSet
from fastapi_lint.semantic.records import WildcardRecord, from_plain, to_plain
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "cors"


def _check(project: Path, *paths: str) -> list[dict]:
    result = cli(
        "check", *paths, "--no-cache", "--output-format", "json", "--select", "FAL401,FAL402",
        cwd=project,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_origins_from_configuration_in_another_module(tmp_path: Path):
    project = tmp_path / "cors"
    shutil.copytree(PROJECT, project)
    findings = _check(project, ".")
    found = {
        (Path(d["filename"]).relative_to(project).as_posix(), d["location"]["row"], d["code"])
        for d in findings
    }
    assert found == expected_in_project(PROJECT)
    messages = {d["location"]["row"]: d["message"] for d in findings}
    assert '(the default of `os.getenv("CORS_ORIGINS", "*")`, webapp/config.py:9)' in messages[21]


def test_one_file_alone_does_not_guess(tmp_path: Path):
    project = tmp_path / "cors"
    shutil.copytree(PROJECT, project)
    assert _check(project, "webapp/main.py") == []


def test_the_summary_records_the_wildcard_values():
    text = (PROJECT / "webapp" / "config.py").read_text()
    result = lint_source(
        Source(text), "webapp/config.py", RuleSet(Settings()), module="webapp.config",
        summarize=True,
    )  # fmt: skip
    summary = result.summary
    assert summary is not None
    assert summary.wildcards == (
        WildcardRecord("CORS_ORIGINS", """the default of `os.getenv("CORS_ORIGINS", "*")`""", 9),
        WildcardRecord("DEMO_ORIGINS", "", 11),
        WildcardRecord("ALLOWED_METHODS", "", 16),
        WildcardRecord("APP_ORIGINS", "returned by `_origins_from_environment()`", 25),
    )
    assert [c.wildcards for c in summary.classes] == [("cors_allowed_origins",)]
    assert from_plain(to_plain(summary)) == summary
