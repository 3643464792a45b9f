"""Paths on the command line → the Python files to check."""

from __future__ import annotations

import fnmatch
import functools
import operator
import os
import re
from dataclasses import dataclass, field

from .settings import Settings
from .writing import read_regular, remove_stale


@dataclass(frozen=True)
class SourcePath:
    """A file to check, as discovery found it."""

    path: str  # what to open
    display: str  # what to show: relative to the working directory when inside it
    explicit: bool = False  # named on the command line (linted even if excluded)
    # The command-line path it was found under (where a fix may write through a symlink).
    given: str = field(default="", compare=False)
    # Why it cannot be read, known from discovery (an unreadable directory): a FAL000.
    problem: str = ""
    # The normalised absolute path, when the walk made it ("": not known): spares the cache
    # a `normpath` per file.
    absolute: str = field(default="", compare=False, repr=False)


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
        # Asked for every file and directory of a walk: `normcase` only where it does
        # something (Windows).
        if self.name(os.path.normcase(name) if _FOLDS_CASE else name):
            return True
        if relative is None:
            relative = self.relative(path)
        return self.path(os.path.normcase(relative) if _FOLDS_CASE else relative) is not None

    def child(self, relative_dir: str, name: str) -> str:
        """The relative path of `name` in a directory whose relative path is known."""
        return name if relative_dir == "." else f"{relative_dir}/{name}"


# Whether paths are compared without case (Windows): `normcase` is needed, elsewhere it is a
# call that returns its argument.
_FOLDS_CASE = os.path.normcase("A") != "A"


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


def excluded_anywhere(path: str, settings: Settings) -> bool:
    """`--force-exclude` for a file named on the command line, with its own settings."""
    patterns = (*settings.exclude, *settings.extend_exclude)
    return _excluded_anywhere(path, patterns, settings.root or os.getcwd())


def excluded_below_root(path: str, settings: Settings) -> bool:
    """Is the file, or a directory between it and `settings.root`, excluded by `settings`?
    For a file governed by a configuration other than the one a walk used, and for the files
    flake8 picks. A file outside the root is not excluded by it."""
    patterns = (*settings.exclude, *settings.extend_exclude)
    root = os.path.abspath(settings.root or os.getcwd())
    current = os.path.abspath(path)
    if not current.startswith(root.rstrip(os.sep) + os.sep):
        return False
    while current != root:
        if _excluded(current, os.path.basename(current), patterns, root):
            return True
        current = os.path.dirname(current)
    return False


def discover(
    paths: list[str],
    settings: Settings,
    force_exclude: bool = False,
    listings: dict[str, frozenset[str]] | None = None,
) -> list[SourcePath]:
    """Files to check, sorted, each once. Missing paths are kept so the engine reports them.

    Directories are walked iteratively (any depth) without following symlinks (no loops);
    symlinked files are kept, and a broken one is reported as unreadable rather than silently
    skipped, as is a directory that cannot be listed (permission, a path too long for the OS).
    With `respect-gitignore`, `.gitignore` files (and `.git/info/exclude`) are honoured.
    Leftover temporary files of a killed `--fix` run are removed on the way.
    `listings`, when given, receives the names of the regular files (symlinks followed) in
    each directory walked, by absolute path: what is not among them need not be looked for
    there again (`Configs.listings`, `modules.listed_files`).
    """
    patterns = (*settings.exclude, *settings.extend_exclude)
    root = settings.root or os.getcwd()
    matcher = _matcher(patterns, root)
    display = _Display()
    found: dict[str, SourcePath] = {}
    normcase = os.path.normcase
    # A found file's record is made without the frozen dataclass's `__init__`, which sets each
    # field through `object.__setattr__`: three times as long, for every file of a large tree
    # (the fields are the same; `test_discovery_equivalence` holds them equal).
    new = object.__new__

    def add(absolute: str, item: SourcePath) -> None:
        # One entry per file however it was named (`check . a.py`, `check a.py ./a.py`): the
        # first name wins.
        found.setdefault(os.path.normcase(absolute), item)

    for given in paths:
        if not os.path.isdir(given):
            if force_exclude and _excluded_anywhere(given, patterns, root):
                continue
            item = SourcePath(given, display_path(given), explicit=True, given=given)
            add(os.path.abspath(given), item)
            continue
        ignores = gitignores_above(given, root) if settings.respect_gitignore else ()
        # (directory, path relative to the root, display prefix, .gitignore files in force):
        # paths and prefixes are computed once for the top and extended by name below, with no
        # `relpath` per file or directory.
        # The absolute directory is kept too: a file's identity without `abspath` per file.
        top = os.path.abspath(given)
        stack = [(given, top, matcher.relative(given), display.directory(given), ignores)]
        while stack:
            directory, absolute_dir, relative_dir, display_dir, ignores = stack.pop()
            try:
                with os.scandir(directory) as scan:
                    entries = list(scan)
            except OSError as exc:
                shown = directory if display_dir is None else display_dir.rstrip(os.sep) or "."
                reason = exc.strerror or str(exc)
                problem = f"cannot read this directory: {reason.lower()}; its files are not checked"
                add(absolute_dir, SourcePath(directory, shown, given=given, problem=problem))
                continue
            names = [entry.name for entry in entries]
            if settings.respect_gitignore and ".gitignore" in names:
                ignores = (*ignores, *_load_ignore(os.path.join(directory, ".gitignore"), ""))
            # One scan of all the names first: the leftovers are rare.
            if "\0.fastapi-lint-" in "\0".join(("", *names)) and any(
                name.startswith(".fastapi-lint-") for name in names
            ):
                remove_stale(directory, names)
            subdirectories = []
            filenames = []
            full_paths: dict[str, str] = {}  # as `os.path.join(directory, name)` makes them
            regular: list[str] = []
            for entry in entries:
                try:
                    is_directory = entry.is_dir()
                except OSError:
                    is_directory = False
                if not is_directory:
                    name = entry.name
                    filenames.append(name)
                    full_paths[name] = entry.path
                    if listings is not None:
                        # `os.path.isfile` of the entry (from the listing, but for a symlink).
                        try:
                            if entry.is_file():
                                regular.append(name)
                        except OSError:
                            pass
                elif not entry.is_symlink():
                    subdirectories.append(entry.name)
            if listings is not None:
                listings[absolute_dir] = frozenset(regular)
            subdirectories = sorted(
                d
                for d in subdirectories
                if not matcher.excluded("", d, matcher.child(relative_dir, d))
                and not _ignored(ignores, d, True)
            )
            for d in reversed(subdirectories):
                stack.append(
                    (
                        os.path.join(directory, d),
                        os.path.join(absolute_dir, d),
                        matcher.child(relative_dir, d),
                        display.child(display_dir, d),
                        tuple((spec, f"{prefix}{d}/") for spec, prefix in ignores),
                    )
                )
            # A directory named like a Python file is reported as unreadable, not skipped.
            absolute_prefix = os.path.join(absolute_dir, "")
            relative_prefix = matcher.child(relative_dir, "")
            for filename in [*filenames, *(d for d in subdirectories if d.endswith(".py"))]:
                if not filename.endswith(".py"):
                    continue
                if matcher.excluded("", filename, relative_prefix + filename):
                    continue
                if ignores and _ignored(ignores, filename, filename not in full_paths):
                    continue
                full = full_paths.get(filename) or os.path.join(directory, filename)
                shown = full if display_dir is None else display_dir + filename
                # `add`, written out: most of a large tree's files pass here.
                absolute = absolute_prefix + filename
                item = new(SourcePath)
                item.__dict__.update(
                    path=full, display=shown, explicit=False, given=given, problem="",
                    absolute=absolute,
                )  # fmt: skip
                found.setdefault(normcase(absolute), item)
    return sorted(found.values(), key=_display)


_display = operator.attrgetter("display")


# ------------------------------------------------------------------------------- .gitignore

# A compiled .gitignore and the path of the directory being walked relative to the
# .gitignore's own directory ("" for that directory itself, "sub/" below it).
Ignore = tuple[object, str]


def _load_ignore(path: str, prefix: str) -> tuple[Ignore, ...]:
    """One .gitignore file (or `.git/info/exclude`), compiled; nothing if unreadable."""
    try:
        text = read_regular(path, 1 << 20).decode("utf-8", "replace")
    except OSError:
        return ()
    lines = text.splitlines()
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return ()
    import pathspec  # noqa: PLC0415 - start-up: only trees with a .gitignore need it

    return ((pathspec.GitIgnoreSpec.from_lines(lines), prefix),)


def gitignores_above(directory: str, root: str) -> tuple[Ignore, ...]:
    """The ignore files that apply to `directory` from above it: `.git/info/exclude` of its
    repository and the .gitignore files from the repository's top down to its parent (without
    a repository: from the project root, when `directory` is inside it)."""
    here = os.path.abspath(directory)
    chain = [here]  # here, its parent, ..., /
    while os.path.dirname(chain[-1]) != chain[-1]:
        chain.append(os.path.dirname(chain[-1]))
    top = next((d for d in chain if os.path.exists(os.path.join(d, ".git"))), None)
    found: list[Ignore] = []
    if top is not None:
        exclude = os.path.join(top, ".git", "info", "exclude")
        found.extend((spec, _relative_dir(here, top)) for spec, _ in _load_ignore(exclude, ""))
    else:
        top = os.path.abspath(root)
        if top not in chain:
            return ()
    # The directory's own .gitignore is read when the walk lists it.
    for ancestor in reversed(chain[1 : chain.index(top) + 1]):
        for spec, _ in _load_ignore(os.path.join(ancestor, ".gitignore"), ""):
            found.append((spec, _relative_dir(here, ancestor)))
    return tuple(found)


def _relative_dir(directory: str, base: str) -> str:
    relative = os.path.relpath(directory, base).replace(os.sep, "/")
    return "" if relative == "." else relative + "/"


def _ignored(ignores: tuple[Ignore, ...], name: str, is_directory: bool) -> bool:
    """Does the last .gitignore rule that matches `name` (in the directory being walked) say
    to ignore it? Deeper files override shallower ones, later lines earlier ones, as in git."""
    verdict = None
    for spec, prefix in ignores:
        path = f"{prefix}{name}/" if is_directory else f"{prefix}{name}"
        result = spec.check_file(path)  # type: ignore[attr-defined]
        if result.include is not None:
            verdict = result.include
    return bool(verdict)
