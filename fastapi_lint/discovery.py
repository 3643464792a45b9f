"""Paths on the command line → the Python files to check."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass

from .settings import Settings


@dataclass(frozen=True)
class SourcePath:
    path: str  # what to open
    display: str  # what to show: relative to the working directory when inside it
    explicit: bool = False  # named on the command line (linted even if excluded)


def display_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class _Matcher:
    """The exclude patterns compiled once: `fnmatch` per pattern per file was most of the time
    discovery took on large trees (tens of thousands of calls to `fnmatch` and `relpath`).

    `excluded(path, name)` is true when the name or the path relative to `root` matches a
    pattern, or lies under a pattern that names a path (one with a `/`) — as `fnmatch` per
    pattern decided before.
    """

    def __init__(self, patterns: tuple[str, ...], root: str) -> None:
        self.root = root
        self.abs_root = os.path.abspath(root) if root else ""
        names: list[str] = []
        paths: list[str] = []
        for pattern in patterns:
            pattern = os.path.normcase(pattern.rstrip("/"))
            names.append(fnmatch.translate(pattern))
            paths.append(fnmatch.translate(pattern))
            if "/" in pattern:
                paths.append(fnmatch.translate(pattern + "/*"))
        never = r"(?!)"
        self.name = re.compile("|".join(names) or never).match
        self.path = re.compile("|".join(paths) or never).match

    def relative(self, path: str) -> str:
        if not self.root:
            return path
        absolute = os.path.abspath(path)
        prefix = self.abs_root.rstrip(os.sep) + os.sep
        if absolute.startswith(prefix):
            relative = absolute[len(prefix) :]
        elif absolute == self.abs_root:
            relative = "."
        else:
            relative = os.path.relpath(absolute, self.abs_root)
        return relative.replace(os.sep, "/")

    def excluded(self, path: str, name: str, relative: str | None = None) -> bool:
        if self.name(os.path.normcase(name)):
            return True
        if relative is None:
            relative = self.relative(path)
        return self.path(os.path.normcase(relative)) is not None

    def child(self, relative_dir: str, name: str) -> str:
        """The relative path of `name` in a directory whose relative path is known."""
        return name if relative_dir == "." else f"{relative_dir}/{name}"


def _excluded(path: str, name: str, patterns: tuple[str, ...], root: str) -> bool:
    return _matcher(patterns, root).excluded(path, name)


@functools.lru_cache(maxsize=16)
def _matcher(patterns: tuple[str, ...], root: str) -> _Matcher:
    return _Matcher(patterns, root)


class _Display:
    """`display_path` for many files: the working directory is looked up once."""

    def __init__(self) -> None:
        self.cwd = os.getcwd()
        self.prefix = self.cwd.rstrip(os.sep) + os.sep

    def __call__(self, path: str) -> str:
        absolute = os.path.abspath(path)
        if absolute.startswith(self.prefix):
            relative = absolute[len(self.prefix) :]
            if not relative.startswith(".."):
                return relative
        return display_path(path)

    def directory(self, directory: str) -> str | None:
        """How files in `directory` are displayed: after this prefix, or (None) by the path
        they were found by, as `display_path` does for anything outside the working directory.
        """
        absolute = os.path.abspath(directory)
        if absolute == self.cwd:
            return ""
        if absolute.startswith(self.prefix):
            return self.child("", absolute[len(self.prefix) :])
        return None

    @staticmethod
    def child(prefix: str | None, name: str) -> str | None:
        """The display prefix of a subdirectory `name` of a directory shown with `prefix`."""
        if prefix is None:
            return None
        relative = prefix + name
        return None if relative.startswith("..") else relative + os.sep


def _excluded_anywhere(path: str, patterns: tuple[str, ...], root: str) -> bool:
    """For --force-exclude: is the file or any directory above it excluded?"""
    current = os.path.abspath(path)
    stop = os.path.abspath(root)
    while True:
        if _excluded(current, os.path.basename(current), patterns, root):
            return True
        parent = os.path.dirname(current)
        if parent == current or current == stop:
            return False
        current = parent


def discover(paths: list[str], settings: Settings, force_exclude: bool = False) -> list[SourcePath]:
    """Files to check, sorted, each once. Missing paths are kept so the engine reports them.

    Directories are walked without following symlinks (no loops); symlinked files are kept,
    and a broken one is reported as unreadable rather than silently skipped.
    """
    patterns = (*settings.exclude, *settings.extend_exclude)
    root = settings.root or os.getcwd()
    matcher = _matcher(patterns, root)
    display = _Display()
    found: dict[str, SourcePath] = {}
    for given in paths:
        if not os.path.isdir(given):
            if force_exclude and _excluded_anywhere(given, patterns, root):
                continue
            found.setdefault(given, SourcePath(given, display_path(given), explicit=True))
            continue
        # Paths relative to the root and display prefixes, computed once for the top and
        # extended by name for each subdirectory (no `relpath` per file or directory).
        prefixes = {given: (matcher.relative(given), display.directory(given))}
        for directory, dirnames, filenames in os.walk(given):
            relative_dir, display_dir = prefixes.pop(directory)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not matcher.excluded("", d, matcher.child(relative_dir, d))
                and not os.path.islink(os.path.join(directory, d))
            )
            for d in dirnames:
                prefixes[os.path.join(directory, d)] = (
                    matcher.child(relative_dir, d),
                    display.child(display_dir, d),
                )
            # A directory named like a Python file is reported as unreadable, not skipped.
            for filename in [*filenames, *(d for d in dirnames if d.endswith(".py"))]:
                if not filename.endswith(".py"):
                    continue
                if matcher.excluded("", filename, matcher.child(relative_dir, filename)):
                    continue
                full = os.path.join(directory, filename)
                if full not in found:
                    shown = full if display_dir is None else display_dir + filename
                    found[full] = SourcePath(full, shown)
    return sorted(found.values(), key=lambda p: p.display)
