"""Module names from file paths, and relative imports resolved against them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping


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


_PACKAGES: dict[str, tuple[str, ...]] = {}
# The dotted package name per directory (`package_name`), forgotten with `_PACKAGES`: a warm
# run asks the module name of ten thousand cached files, most of them in shared directories.
_PACKAGE_NAMES: dict[str, str] = {}
# The regular files of the directories a run's discovery listed (by absolute path), while
# the run lasts (`listed_files`): whether such a directory holds an `__init__.py` is known
# without asking the file system.
_LISTED: Mapping[str, frozenset[str]] = {}


@contextlib.contextmanager
def listed_files(listings: Mapping[str, frozenset[str]]) -> Iterator[None]:
    """Within the block, `_package_parts` answers from `listings` (directory → the names of
    its regular files, as discovery saw them) for the directories it has."""
    global _LISTED
    before = _LISTED
    _LISTED = listings
    try:
        yield
    finally:
        _LISTED = before


def _package_parts(directory: str) -> tuple[str, ...]:
    """The dotted package path of a directory: walks up while `__init__.py` is present.

    Iterative (a tree may be thousands of packages deep) and remembered per directory, so
    the files of one package ask the file system once.
    """
    pending: list[str] = []
    current = directory
    parts: tuple[str, ...] = ()
    while True:
        known = _PACKAGES.get(current)
        if known is not None:
            parts = known
            break
        listed = _LISTED.get(current)
        if listed is not None:
            is_package = "__init__.py" in listed
        else:
            is_package = os.path.isfile(os.path.join(current, "__init__.py"))
        if not is_package:
            _PACKAGES[current] = parts = ()
            break
        pending.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for package in reversed(pending):
        parts = (*parts, os.path.basename(package))
        if len(_PACKAGES) >= 65536:  # a bound on memory in long-lived processes
            _PACKAGES.clear()
        _PACKAGES[package] = parts
    return parts


def forget_packages() -> None:
    """Forget what `_package_parts` learnt: a new run (in --watch, a test) looks again, as an
    `__init__.py` may have been added or removed since."""
    _PACKAGES.clear()
    _PACKAGE_NAMES.clear()


def module_name(path: str) -> str:
    """The importable name of a file: `src/app/api/users.py` → `app.api.users`."""
    # `abspath` asks the OS for the working directory: not needed for an absolute path.
    absolute = os.path.normpath(path) if os.path.isabs(path) else os.path.abspath(path)
    return module_name_in(*os.path.split(absolute))


def package_name(directory: str) -> str:
    """The dotted name of the package a directory is ("" when it is none): the part of
    `module_name_in` common to a directory's modules."""
    name = _PACKAGE_NAMES.get(directory)
    if name is None:
        if len(_PACKAGE_NAMES) >= 65536:  # a bound on memory in long-lived processes
            _PACKAGE_NAMES.clear()
        name = _PACKAGE_NAMES[directory] = ".".join(_package_parts(directory))
    return name


def module_name_in(directory: str, filename: str) -> str:
    """`module_name` of the file `filename` in `directory`, a normalised absolute path (a
    caller that has the parts asks without normalising the path again)."""
    if filename.endswith(".py") and filename != "__init__.py":  # most files: one look-up
        package = package_name(directory)
        return f"{package}.{filename[:-3]}" if package else filename[:-3]
    stem = filename[:-3] if filename.endswith(".py") else filename
    parts = list(_package_parts(directory))
    if stem != "__init__":
        parts.append(stem)
    elif not parts:
        parts.append(os.path.basename(directory))
    return ".".join(parts) or stem
