"""The flake8 entry point (`FAL`): the same engine and rules, one file at a time.

flake8 parses the file and handles `# noqa` and `--select/--ignore` itself; the plugin reads
`[tool.fastapi-lint]` from the pyproject.toml nearest the file, so that flake8 and
`fastapi-lint check` report the same findings. Files flake8 cannot parse are its own E999,
so FAL000 never appears here.

Cross-module findings (FAL106, FAL107, FAL304, FAL501 on names from other modules) need the
project index. `fastapi-lint check` leaves what it needs in its result cache (every file's
summary, and which files the run covered); when that is there for the file's project (made
with the same settings and rules), the plugin resolves the file's facts against it, with the
file's current summary in place of the stored one. Without it, only what the file shows alone
is found.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .cache import Cache
from .config import find_config, load_settings, resolve_project
from .engine import lint_source
from .project import load_index
from .registry import RuleSet
from .semantic.index import ProjectIndex
from .semantic.modules import module_name
from .source import Source


@lru_cache(maxsize=32)
def _ruleset_for(config: Path | None) -> RuleSet:
    # The project's environment and versions, as `fastapi-lint check` resolves them.
    return RuleSet(resolve_project(load_settings(config), config.parent if config else "."))


# The stored index per cache namespace, reloaded when a project record changes (a new
# `fastapi-lint check`).
_INDEXES: dict[str, tuple[tuple[tuple[str, int], ...], ProjectIndex | None]] = {}


@lru_cache(maxsize=32)
def _store_of(ruleset: RuleSet) -> Cache:
    settings = ruleset.settings
    return Cache.for_run(settings.cache_dir, settings.root, settings.fingerprint(), ruleset.codes)


def _index_for(ruleset: RuleSet) -> ProjectIndex | None:
    store = _store_of(ruleset)
    stamp = store.project_stamp()
    if not stamp:
        return None
    record = store.directory
    cached = _INDEXES.get(record)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_index(ruleset.settings, ruleset.codes))
        _INDEXES[record] = cached
    return cached[1]


class Plugin:
    name = "fastapi-lint"
    version = __version__

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        in_stdin = self.filename in ("stdin", "-", None)
        start = "." if in_stdin else os.path.dirname(os.path.abspath(self.filename))
        ruleset = _ruleset_for(find_config(start))
        source = Source("".join(self.lines))
        path = self.filename if not in_stdin else "stdin"
        result = lint_source(
            source,
            os.path.relpath(path) if not in_stdin else path,
            ruleset,
            module=module_name(path) if not in_stdin else "__main__",
            is_package=os.path.basename(path) == "__init__.py",
            tree=self.tree,
            apply_noqa=False,  # flake8 applies noqa itself, honouring --disable-noqa
            index=_index_for(ruleset),
        )
        if result.errors:
            error = result.errors[0]
            raise RuntimeError(f"fastapi-lint rule {error.rule} failed: {error.message}")
        for d in result.diagnostics:
            yield d.row, d.col - 1, f"{d.code} {d.message}", type(self)
