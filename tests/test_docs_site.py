"""The documentation site: `mkdocs build --strict` over docs/ (broken links and missing pages
fail it), its address is the one the tool's rule URLs use, and every rule has its page there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("material")

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_site_builds_strictly_with_a_page_per_rule(tmp_path: Path):
    from fastapi_lint.diagnostics import RULE_PAGE
    from fastapi_lint.registry import all_rules

    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for code in all_rules():
        assert (tmp_path / "site" / RULE_PAGE.format(code=code) / "index.html").is_file(), code
    assert (tmp_path / "site" / "configuration-reference" / "index.html").is_file()


def test_a_broken_link_fails_the_build(tmp_path: Path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "ruff.md").open("a") as page:
        page.write("\nSee [the missing page](missing.md).\n")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "missing.md" in result.stderr


def test_site_url_is_the_declared_documentation_url():
    import yaml

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["site_url"] == declared["Documentation"]
