"""Module names from file paths, and relative imports resolved against them."""

from __future__ import annotations

import os
from functools import lru_cache


def resolve_relative(module: str, level: int, name: str, is_package: bool = False) -> str:
    """`from ..x import y` inside `app.api.routes` → `app.x` (package-relative resolution).

    A module's package is its name minus the last part; a package's `__init__` is its own
    package, so one level less is dropped.
    """
    parts = module.split(".")
    drop = level - 1 if is_package else level
    base = parts[: max(len(parts) - drop, 0)]
    if name:
        base.append(name)
    return ".".join(base) if base else name


@lru_cache(maxsize=4096)
def _package_parts(directory: str) -> tuple[str, ...]:
    """The dotted package path of a directory: walks up while `__init__.py` is present."""
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return ()
    parent = os.path.dirname(directory)
    if parent == directory:
        return (os.path.basename(directory),)
    return (*_package_parts(parent), os.path.basename(directory))


def module_name(path: str) -> str:
    """The importable name of a file: `src/app/api/users.py` → `app.api.users`."""
    # `abspath` asks the OS for the working directory: not needed for an absolute path.
    absolute = os.path.normpath(path) if os.path.isabs(path) else os.path.abspath(path)
    directory, filename = os.path.split(absolute)
    stem = filename[:-3] if filename.endswith(".py") else filename
    parts = list(_package_parts(directory))
    if stem != "__init__":
        parts.append(stem)
    elif not parts:
        parts.append(os.path.basename(directory))
    return ".".join(parts) or stem
