""".gitignore files are honoured when directories are walked, as ruff and black do: the root's,
nested ones (deeper files and later lines win, `!` re-includes), `.git/info/exclude`, and
those above the walked directory up to the repository's top. `--no-respect-gitignore` (or
`respect-gitignore = false`) turns it off; a file named on the command line is always checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clitools import cli

from fastapi_lint.discovery import discover
from fastapi_lint.settings import Settings

BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _found(paths: list[str], **settings: object) -> list[str]:
    return [item.display for item in discover(paths, Settings(**settings))]  # type: ignore[arg-type]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _tree(
        tmp_path,
        {
            ".git/info/exclude": "# local\nscratch_*.py\n",
            ".gitignore": "generated/\n*_pb2.py\n/top_only.py\nlogs\n",
            "app/main.py": BAD,
            "app/api_pb2.py": BAD,
            "app/generated/models.py": BAD,
            "app/top_only.py": BAD,  # `/top_only.py` is anchored to the root: kept here
            "top_only.py": BAD,
            "scratch_1.py": BAD,
            "logs/x.py": BAD,
            "pkg/.gitignore": "*.py\n!keep.py\n",
            "pkg/keep.py": BAD,
            "pkg/drop.py": BAD,
            "pkg/sub/deeper.py": BAD,
            "pkg/sub/keep.py": BAD,
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitignored_files_are_skipped(repo: Path):
    assert _found(["."]) == ["app/main.py", "app/top_only.py", "pkg/keep.py", "pkg/sub/keep.py"]


def test_the_gitignore_files_above_a_walked_directory_apply(repo: Path):
    assert _found(["app"]) == ["app/main.py", "app/top_only.py"]
    assert _found(["pkg/sub"]) == ["pkg/sub/keep.py"]


def test_from_a_subdirectory(repo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(repo / "pkg")
    assert _found(["."]) == ["keep.py", "sub/keep.py"]


def test_turned_off(repo: Path):
    everything = _found(["."], respect_gitignore=False)
    assert "app/generated/models.py" in everything and "pkg/drop.py" in everything
    assert len(everything) == 11


def test_a_named_file_is_checked_even_if_ignored(repo: Path):
    assert _found(["app/api_pb2.py"]) == ["app/api_pb2.py"]


def test_without_a_repository_the_project_roots_gitignore_applies(tmp_path: Path, monkeypatch):
    _tree(tmp_path, {".gitignore": "out/\n", "a.py": BAD, "out/b.py": BAD, "src/c.py": BAD})
    monkeypatch.chdir(tmp_path)
    assert _found(["."]) == ["a.py", "src/c.py"]
    assert _found(["src"]) == ["src/c.py"]


@pytest.mark.slow
def test_cli_flag_and_config(repo: Path):
    def count(*args: str) -> int:
        result = cli("check", ".", "--no-cache", "--select", "FAL102", *JSON, *args, cwd=repo)
        return len(json.loads(result.stdout))

    assert count() == 4
    assert count("--no-respect-gitignore") == 11
    (repo / "pyproject.toml").write_text("[tool.fastapi-lint]\nrespect-gitignore = false\n")
    assert count() == 11
    assert count("--respect-gitignore") == 4


JSON = ("--output-format", "json")
