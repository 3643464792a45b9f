"""The declared dependencies are the ones the package imports, and no others.

A dependency nothing imports costs every user an install (libcst was one); an import of an
undeclared package works on a developer's machine and fails on a user's.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fastapi_lint"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Declared but never imported, on purpose.
NOT_IMPORTED = {
    # flake8 loads the plugin through the `flake8.extension` entry point: installing
    # fastapi-lint makes `flake8` report FAL codes without the package importing flake8.
    "flake8",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()


def _imported_distributions() -> set[str]:
    top_level: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                top_level.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                top_level.add(node.module.split(".")[0])
    third_party = top_level - set(sys.stdlib_module_names) - {"fastapi_lint", "__future__"}
    owners = packages_distributions()
    found = set()
    for module in third_party:
        assert module in owners, f"`{module}` is imported but not installed"
        found.update(name.lower() for name in owners[module])
    return found


def test_runtime_dependencies_are_imported():
    runtime = {_name(r) for r in PROJECT["dependencies"]}
    assert runtime - _imported_distributions() == NOT_IMPORTED


def test_every_imported_package_is_declared():
    extras = PROJECT["optional-dependencies"]
    declared = {_name(r) for r in PROJECT["dependencies"]}
    declared |= {_name(r) for name, group in extras.items() if name != "test" for r in group}
    assert _imported_distributions() - declared == set()
