"""Discovery compiles its exclude patterns and derives paths per directory for speed; it must
find exactly the files, with exactly the displayed paths, that the plain algorithm finds."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from pathlib import Path

import pytest

from fastapi_lint.discovery import SourcePath, discover
from fastapi_lint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _excluded(path: str, name: str, patterns: tuple[str, ...], root: str) -> bool:
    relative = os.path.relpath(path, root).replace(os.sep, "/") if root else path
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
        if "/" in pattern and fnmatch.fnmatch(relative, pattern + "/*"):
            return True
    return False


def reference(paths: list[str], settings: Settings) -> list[SourcePath]:
    """The straightforward algorithm: `fnmatch` and `relpath` for every file and directory."""
    patterns = (*settings.exclude, *settings.extend_exclude)
    root = settings.root or os.getcwd()
    found: dict[str, SourcePath] = {}
    for given in paths:
        if not os.path.isdir(given):
            found.setdefault(given, SourcePath(given, _display(given), explicit=True))
            continue
        for directory, dirnames, filenames in os.walk(given):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not _excluded(os.path.join(directory, d), d, patterns, root)
                and not os.path.islink(os.path.join(directory, d))
            )
            for filename in [*filenames, *(d for d in dirnames if d.endswith(".py"))]:
                if not filename.endswith(".py"):
                    continue
                full = os.path.join(directory, filename)
                if _excluded(full, filename, patterns, root):
                    continue
                found.setdefault(full, SourcePath(full, _display(full)))
    return sorted(found.values(), key=lambda p: p.display)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for relative in [
        "app/main.py",
        "app/api/v1/users.py",
        "app/api/v1/skip_me.py",
        "app/build/gen.py",
        "app/generated/models.py",
        "..odd/x.py",
        "pkg.py/inner.py",
        "docs/conf.py",
        "venv/lib/site.py",
        "notes.txt",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    return tmp_path


# .gitignore files are another filter (tests/test_gitignore.py); the reference knows only
# the exclude patterns.
SETTINGS = [
    Settings(respect_gitignore=False),
    Settings(extend_exclude=("app/generated", "skip_*.py", "docs/"), respect_gitignore=False),
    Settings(exclude=(), extend_exclude=("*/v1/*",), respect_gitignore=False),
]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize(
    "where, paths",
    [
        ("tree", ["."]),
        ("tree", ["app", "./app/../docs", "app/main.py", "missing.py"]),
        ("tree/app", [".", "../docs"]),
        ("outside", ["{tree}"]),
        ("outside", ["{tree}/app/api"]),
    ],
)
def test_same_files_and_displays(tree: Path, monkeypatch, settings, where, paths):
    outside = tree.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    cwd = {"tree": tree, "tree/app": tree / "app", "outside": outside}[where]
    monkeypatch.chdir(cwd)
    paths = [p.format(tree=tree) for p in paths]
    for root in ("", str(tree)):
        configured = Settings(**{**settings.__dict__, "root": root})
        assert discover(paths, configured) == reference(paths, configured)


def test_the_repository_itself(monkeypatch):
    monkeypatch.chdir(ROOT)
    for settings in SETTINGS:
        assert discover(["."], settings) == reference(["."], settings)


def test_found_files_carry_every_field(tree: Path, monkeypatch):
    """The fields `==` does not compare (the path given on the command line, the normalised
    absolute path) are set for every file a walk finds, as the constructor would set them:
    the walk makes its records without calling it."""
    monkeypatch.chdir(tree / "app")
    settings = Settings(respect_gitignore=False)
    found = discover(["api", str(tree / "docs"), "main.py"], settings)
    # Outside the working directory, a file is shown by the path it was found by.
    assert sorted(item.display for item in found) == sorted(
        [str(tree / "docs" / "conf.py"), "api/v1/skip_me.py", "api/v1/users.py", "main.py"]
    )
    for item in found:
        fields = vars(item)
        assert fields == vars(SourcePath(**fields))
        assert list(fields) == [f.name for f in dataclasses.fields(SourcePath)]
        if item.explicit:
            assert (item.given, item.absolute) == ("main.py", "")
        else:
            assert item.absolute == os.path.normpath(os.path.abspath(item.path))
            assert item.given == (str(tree / "docs") if "docs" in item.path else "api")
        assert hash(item) == hash(SourcePath(**fields))
