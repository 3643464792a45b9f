"""One project per file: the configuration is the nearest `[tool.fastapi-lint]` table (as in
ruff), and the environment and versions are those of the file's own project — the nearest
directory that declares one — also when one configuration at the top governs several
projects, and whichever path comes first on the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from clitools import cli

MODELS = """\
from pydantic import BaseModel


class User(BaseModel):
    name: str


def dump(user: User):
    return user.dict()
"""
REFUSAL = "no fix: the project targets an older Pydantic, pydantic>=1.10,<2 in pyproject.toml"


def _monorepo(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.fastapi-lint]\nselect = ["FAL3"]\n')
    pins = {"legacy": "pydantic>=1.10,<2", "current": "pydantic>=2"}
    for name, pin in pins.items():
        service = root / name
        service.mkdir()
        (service / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0"\ndependencies = ["{pin}"]\n'
        )
        (service / "models.py").write_text(MODELS)


def test_each_project_of_a_run_keeps_its_own_versions(tmp_path: Path):
    _monorepo(tmp_path)
    for order in (("legacy", "current"), ("current", "legacy")):
        result = cli("check", *order, "--no-cache", "--output-format", "concise", cwd=tmp_path)
        lines = sorted(line for line in result.stdout.splitlines() if "FAL304" in line)
        assert len(lines) == 2, result.stdout + result.stderr
        current, legacy = lines
        assert current.startswith("current/models.py:9:12: FAL304 [*]")
        assert REFUSAL not in current
        assert legacy.startswith("legacy/models.py:9:12: FAL304 `.dict()`")
        assert REFUSAL in legacy


def test_show_settings_resolves_the_files_own_project(tmp_path: Path):
    _monorepo(tmp_path)
    listing = cli("check", "current/models.py", "--show-settings", cwd=tmp_path).stdout
    assert f'Settings path: "{tmp_path / "pyproject.toml"}"' in listing
    assert 'resolved-versions = { "pydantic" = ">=2 (pydantic>=2 in pyproject.toml)" }' in listing


def test_the_layered_fixture_names_its_own_environment():
    """A project without a venv of its own is checked against the interpreter running the
    check, as mypy does (the CLI run from a checkout would read the checkout's `.venv`). The
    layered fixture names an empty environment of its own, so what it finds depends on its
    files alone, whatever runs the tests; `VIRTUAL_ENV` set by an activated venv does not
    change that either (an explicit `python =` comes first)."""
    layered = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "layered"
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix}
    listing = cli("check", ".", "--show-settings", cwd=layered, env=env).stdout
    assert f'environment = "{layered / "empty-env"} (--python)"' in listing
