"""Project analysis: pass 1 summarises every file, the index merges them, pass 2 resolves facts.

Pass 1 is the ordinary per-file lint (`engine.lint_source`) with `summarize=True`: the one
traversal that runs the rules also collects the module's summary (`semantic/summary.py`) and
the facts rules deferred (`Context.defer`). Nothing is parsed twice: pass 2 works on the
summaries alone (`semantic/index.py`). Pass 1 runs in the process pool; the result cache keeps
each file's summary beside its findings (keyed by content hash, path and settings), so
unchanged files skip it, and when no file changed at all the cross-module findings themselves
come from the cache, with no index built.

With `--fix`/`--diff`, files that have a fixable finding go through the fix loop again with the
index; each re-lint puts the file's fresh summary into the index in place of the old one.

The cache also records which files the last run covered; the flake8 plugin, which sees one
file at a time, builds the same index from it (`load_index`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, cast

from .diagnostics import Diagnostic
from .engine import withhold_fixes
from .semantic.external import external_for
from .semantic.index import ProjectIndex
from .semantic.records import ModuleSummary
from .settings import Settings

if TYPE_CHECKING:
    from .cache import Cache, Hit
    from .discovery import SourcePath
    from .file_check import FileReport


def project_pass(
    files: Sequence[SourcePath],
    reports: Sequence[FileReport],
    summaries: Sequence[ModuleSummary | Hit | None],
    digests: Sequence[bytes],
    store: Cache | None,
    settings: Settings,
    summarize: Callable[[SourcePath], ModuleSummary | None],
) -> ProjectIndex | None:
    """Pass 2: add to each report the findings its deferred facts turn into.

    With the result cache (`store`), a run over the same files with the same content as the
    last one takes those findings from the cache, and nothing is decoded or built: the index
    is returned only when it was built (None otherwise). The cache also keeps which files the
    run covered, so that the flake8 plugin can build the same index (`load_index`).
    `summarize` runs pass 1 again for a cached file whose summary is missing.
    """
    key = b""
    if store is not None:
        from .cache import Hit, unpack  # noqa: PLC0415 - start-up: a run without the cache (one file, --no-cache) skips it

        key = store.project_key((f.path, d) for f, d in zip(files, digests, strict=True))
        stored = store.project_result(key)
        if stored is not None:
            for item, report in zip(files, reports, strict=True):
                packed = stored.get(store.key_of(item.path))
                if packed:
                    _add(report, unpack(packed, report.path))
            return None
    decoded: list[ModuleSummary | None] = []
    for item, entry in zip(files, summaries, strict=True):
        summary: ModuleSummary | None
        if store is not None and isinstance(entry, Hit):
            try:
                summary = store.summary(entry)
            except KeyError:
                summary = summarize(item)  # stored without one: pass 1 for this file again
        else:
            summary = cast("ModuleSummary | None", entry)  # hits come only from the store
        decoded.append(summary)
    index = ProjectIndex((s for s in decoded if s is not None), external_for(settings))
    found: dict[str, list[Diagnostic]] = {}
    for item, report, summary in zip(files, reports, decoded, strict=True):
        if summary is not None and summary.facts:
            new = index.diagnostics(summary)
            withhold_fixes(new, settings)
            if new:
                _add(report, new)
                found[item.path] = new
    if store is not None:
        store.set_project_result(key, (f.path for f in files), found)
    return index


def _add(report: FileReport, found: list[Diagnostic]) -> None:
    report.diagnostics = sorted([*report.diagnostics, *found], key=Diagnostic.sort_key)


# ------------------------------------------------------------------ stored index


def load_index(settings: Settings, codes: Iterable[str]) -> ProjectIndex | None:
    """The index of the last `fastapi-lint check` with these settings and rules, from the
    result cache (None without one): what the flake8 plugin resolves a file's facts against."""
    from .cache import Cache  # noqa: PLC0415 - start-up: only `load_index` needs it

    store = Cache.for_run(settings.cache_dir, settings.root, settings.fingerprint(), codes)
    summaries = store.stored_project()
    return ProjectIndex(summaries, external_for(settings)) if summaries is not None else None
