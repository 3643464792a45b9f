"""Project analysis: pass 1 summarises every file, the index merges them, pass 2 resolves facts.

Pass 1 is the ordinary per-file lint (`engine.lint_source`) with `summarize=True`: the one
traversal that runs the rules also collects the module's summary (`semantic/summary.py`) and
the facts rules deferred (`Context.defer`). Nothing is parsed twice: pass 2 works on the
summaries alone (`semantic/index.py`), so a cache that keeps a file's `LintResult` (findings
and summary, keyed by content hash, path and settings) can skip pass 1 for unchanged files.

With `--fix`/`--diff`, files that have a fixable finding go through the fix loop again with the
index; each re-lint puts the file's fresh summary into the index in place of the old one.

At the end of a CLI run the index (summaries without facts) is written as JSON to the cache
directory, where the flake8 plugin, which sees one file at a time, finds it (`load_index`).
JSON rather than pickle: the file sits in the project tree, and loading it must not run code.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .diagnostics import Diagnostic
from .semantic.index import ProjectIndex
from .semantic.records import (
    SUMMARY_VERSION,
    ModuleSummary,
    from_plain,
)
from .settings import Settings

if TYPE_CHECKING:
    from .runner import FileReport

INDEX_FILE = "project-index.json"


def resolve_facts(
    reports: Sequence[FileReport], summaries: Sequence[ModuleSummary | None]
) -> ProjectIndex:
    """Pass 2: build the index from every file's summary and add to each report the findings
    its deferred facts turn into. Works on summaries alone: nothing is parsed again."""
    index = ProjectIndex(s for s in summaries if s is not None)
    for report, summary in zip(reports, summaries, strict=True):
        if summary is not None and summary.facts:
            found = index.diagnostics(summary)
            if found:
                report.diagnostics = sorted([*report.diagnostics, *found], key=Diagnostic.sort_key)
    return index


# ------------------------------------------------------------------ stored index


def index_path(settings: Settings) -> str:
    base = settings.root or os.getcwd()
    return os.path.join(base, settings.cache_dir, INDEX_FILE)


def save_index(index: ProjectIndex, settings: Settings) -> str:
    """Write the index for the flake8 plugin; return "" or why it could not be written."""
    import tempfile  # only here: a one-file run that writes no index does not pay for it

    path = index_path(settings)
    data = {
        "version": SUMMARY_VERSION,
        "tool": __version__,
        "settings": settings.fingerprint(),
        "modules": [
            s.without_facts()._replace(path=os.path.abspath(s.path)) for s in index.summaries
        ],
    }
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        ignore = os.path.join(directory, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# Created by fastapi-lint: a cache, not source.\n*\n")
        fd, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.chmod(temporary, 0o644)  # mkstemp makes it private; it is a plain cache file
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    except OSError as exc:
        return f"cannot write the project index: {exc.strerror or exc}"
    return ""


def load_index(settings: Settings) -> ProjectIndex | None:
    """The index a CLI run left for these settings, or None (absent, stale format, other
    settings, unreadable). Paths are made relative to the current directory, as flake8's are."""
    try:
        with open(index_path(settings), encoding="utf-8") as handle:
            data = json.load(handle)
        if (
            data.get("version") != SUMMARY_VERSION
            or data.get("tool") != __version__
            or data.get("settings") != settings.fingerprint()
        ):
            return None
        summaries = [_relative(from_plain(entry)) for entry in data["modules"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return ProjectIndex(summaries)


def _relative(summary: ModuleSummary) -> ModuleSummary:
    with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
        return summary._replace(path=os.path.relpath(summary.path))
    return summary
