"""Paths on the command line → the Python files to check."""

from __future__ import annotations

import fnmatch
import os
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


def _excluded(path: str, name: str, patterns: tuple[str, ...], root: str) -> bool:
    relative = os.path.relpath(path, root).replace(os.sep, "/") if root else path
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
        if "/" in pattern and fnmatch.fnmatch(relative, pattern + "/*"):
            return True
    return False


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
    found: dict[str, SourcePath] = {}
    for given in paths:
        if not os.path.isdir(given):
            if force_exclude and _excluded_anywhere(given, patterns, root):
                continue
            found.setdefault(given, SourcePath(given, display_path(given), explicit=True))
            continue
        for directory, dirnames, filenames in os.walk(given):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not _excluded(os.path.join(directory, d), d, patterns, root)
                and not os.path.islink(os.path.join(directory, d))
            )
            # A directory named like a Python file is reported as unreadable, not skipped.
            for filename in [*filenames, *(d for d in dirnames if d.endswith(".py"))]:
                if not filename.endswith(".py"):
                    continue
                full = os.path.join(directory, filename)
                if _excluded(full, filename, patterns, root):
                    continue
                found.setdefault(full, SourcePath(full, display_path(full)))
    return sorted(found.values(), key=lambda p: p.display)
