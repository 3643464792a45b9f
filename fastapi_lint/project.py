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
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import __version__
from .diagnostics import Diagnostic
from .discovery import SourcePath
from .engine import lint_source
from .registry import RuleSet
from .semantic.index import ProjectIndex
from .semantic.modules import module_name
from .semantic.records import (
    SUMMARY_VERSION,
    BlockingRecord,
    CallRecord,
    ClassRecord,
    FunctionRecord,
    ModuleSummary,
    RegistrationRecord,
    RouteRecord,
)
from .settings import Settings

if TYPE_CHECKING:
    from .runner import FileReport, Mode

INDEX_FILE = "project-index.json"


def check_project(
    files: Sequence[SourcePath], ruleset: RuleSet, mode: Mode
) -> tuple[list[FileReport], ProjectIndex]:
    """Every file's findings, the cross-module ones included, and the project index."""
    from .runner import FileReport, check_file, read_source

    reports: list[FileReport] = []
    summaries: list[ModuleSummary | None] = []
    # Pass 1: one parse and one walk per file, for its own findings and its summary.
    for item in files:
        report = FileReport(item.display)
        reports.append(report)
        loaded = read_source(item.path, item.display)
        if isinstance(loaded, Diagnostic):
            if ruleset.enabled(loaded.code, item.display):
                report.diagnostics.append(loaded)
            summaries.append(None)
            continue
        source, _ = loaded
        result = lint_source(
            source,
            item.display,
            ruleset,
            module=module_name(item.path),
            is_package=os.path.basename(item.path) == "__init__.py",
            summarize=True,
            resolve_facts=False,
        )
        report.diagnostics = result.diagnostics
        report.errors = result.errors
        summaries.append(result.summary)
    index = ProjectIndex(s for s in summaries if s is not None)
    # Pass 2: the facts each file deferred, resolved against the whole project.
    for report, summary in zip(reports, summaries, strict=True):
        if summary is not None and summary.facts:
            report.diagnostics.extend(index.diagnostics(summary))
            report.diagnostics.sort(key=Diagnostic.sort_key)
    if mode.fixing:
        for position, (item, report) in enumerate(zip(files, reports, strict=True)):
            if any(d.fixable(mode.unsafe) for d in report.diagnostics):
                reports[position] = check_file(item, ruleset, mode, index=index)
    return reports, index


# ------------------------------------------------------------------ stored index


def index_path(settings: Settings) -> str:
    base = settings.root or os.getcwd()
    return os.path.join(base, settings.cache_dir, INDEX_FILE)


def save_index(index: ProjectIndex, settings: Settings) -> str:
    """Write the index for the flake8 plugin; return "" or why it could not be written."""
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
        summaries = [_decode(entry) for entry in data["modules"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return ProjectIndex(summaries)


def _decode(entry: list[Any]) -> ModuleSummary:
    path, module, is_package, imports, instances, classes, functions, registrations = entry[:8]
    with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
        path = os.path.relpath(path)
    return ModuleSummary(
        path=str(path),
        module=str(module),
        is_package=bool(is_package),
        imports=tuple((str(a), str(b)) for a, b in imports),
        instances=tuple((str(a), str(b)) for a, b in instances),
        classes=tuple(
            ClassRecord(str(q), tuple(bases), tuple(members), int(row))
            for q, bases, members, row in classes
        ),
        functions=tuple(_decode_function(f) for f in functions),
        registrations=tuple(RegistrationRecord(*r) for r in registrations),
    )


def _decode_function(entry: list[Any]) -> FunctionRecord:
    (qualname, name, is_async, generator, decorators, route, row, col, params, calls, blocking) = (
        entry[:11]
    )
    depends, kwarg, accepted = entry[11:14]
    return FunctionRecord(
        qualname=str(qualname),
        name=str(name),
        is_async=bool(is_async),
        is_generator=bool(generator),
        decorators=tuple(decorators),
        route=RouteRecord(*route) if route else None,
        row=int(row),
        col=int(col),
        params=tuple(params),
        calls=tuple(CallRecord(*c) for c in calls),
        blocking=tuple(BlockingRecord(*b) for b in blocking),
        depends=tuple(depends),
        kwarg=bool(kwarg),
        accepted=bool(accepted),
    )
