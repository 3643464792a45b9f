"""A whole run: files in, per-file reports out. The CLI, the API and the benchmarks call this.

One file's work (read, lint, fix, write) is `file_check.py`; its names are importable from
here too, as before.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Configs
from .diagnostics import Diagnostic, InternalError
from .discovery import (
    SourcePath,
    discover,
    display_path,
    excluded_anywhere,
    excluded_below_root,
)
from .file_check import (
    FileReport,
    Mode,
    check_file,
    finish_write,
    lint_and_fix,
    module_of,
    read_source,
    write_atomic,
)
from .parallel import check_files, long_lived, return_free_memory
from .parsing import NEWER_SYNTAX, PARSE_ERROR, parse_error_diagnostic
from .project import project_pass
from .registry import RuleSet
from .semantic.modules import forget_packages, listed_files
from .semantic.records import Unpacker
from .settings import Settings
from .source import Source, SourceError

if TYPE_CHECKING:
    from .cache import Cache, Hit
    from .semantic.index import ProjectIndex
    from .semantic.records import ModuleSummary, Packed

__all__ = [
    "FileReport",
    "Mode",
    "RunReport",
    "StdinResult",
    "check_file",
    "check_stdin",
    "finish_write",
    "read_source",
    "run",
    "write_atomic",
]


@dataclass
class RunReport:
    """Every file's report of a run, and what concerns the run as a whole."""

    files: list[FileReport]
    unsafe: bool = False
    # The project index of the run (None without project analysis, or when the cross-module
    # findings came from the cache).
    index: ProjectIndex | None = None
    # What concerns the run rather than a file: files written for a newer Python than the
    # one running (`newer_syntax_notices`).
    notices: list[str] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    @property
    def errors(self) -> list[InternalError]:
        return [e for f in self.files for e in f.errors]

    @property
    def fixed(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for report in self.files:
            total.update(report.fixed)
        return total


def run(
    paths: list[str],
    settings: Settings | Configs,
    mode: Mode = Mode(),
    *,
    force_exclude: bool = False,
    jobs: int | None = 1,
    cache: bool = False,
    project: bool = True,
    keep_index: bool = True,
) -> RunReport:
    """Check (and fix) the files under `paths`.

    `settings`: one `Settings` for every file, or `Configs`, which gives each file the
    settings of its nearest configuration (per-directory pyproject.toml files). Files are
    then checked in groups, one per configuration, each group as a project of its own (its
    own rule set, cache and project index), and reported together in path order.
    `jobs`: processes to use (None or 0: every core; fewer files than a handful: one).
    `cache`: read and write the result cache under `settings.cache_dir` (check mode only).
    `project`: analyse the files together (see `project.py`), when an enabled rule needs it:
    pass 1 lints every file and summarises it (in the pool, or from the cache), pass 2 builds
    the index and resolves the cross-module findings in this process; with --fix/--diff the
    files that then have a fix to apply are fixed with the index at hand.
    `keep_index`: the caller updates the returned index afterwards (the language server).
    When it does not, a run without the cache and without fixes makes the index without
    the module names each answer read, which only updates use (less than half the memory).
    """
    if isinstance(settings, Settings):
        files = discover(paths, settings, force_exclude)
        return _run_files(paths, files, settings, mode, jobs, cache, project, keep_index=keep_index)
    groups = discover_per_config(paths, settings, force_exclude)
    # Module names are made from what discovery listed (whether a directory has an
    # `__init__.py`), not asked of the file system again, for the run's duration.
    with listed_files(settings.listings):
        return _run_groups(paths, groups, settings, mode, jobs, cache, project, keep_index)


def _run_groups(
    paths: list[str],
    groups: dict[tuple[Path | None, Path | None], list[SourcePath]],
    settings: Configs,
    mode: Mode,
    jobs: int | None,
    cache: bool,
    project: bool,
    keep_index: bool,
) -> RunReport:
    """The body of `run` for files grouped by configuration and project."""
    if len(groups) == 1:
        ((group, files),) = groups.items()
        own = settings.for_group(*group)
        own_mode = replace(mode, unsafe=own.unsafe_fixes)
        return _run_files(paths, files, own, own_mode, jobs, cache, project, keep_index=keep_index)
    reports: list[FileReport] = []
    # One cache per namespace, shared by the groups that have it (its shards read once).
    stores: dict[tuple[object, ...], Cache] = {}
    # Smallest group first: a pool's workers are forked from this process, and after a large
    # group (its summaries and index) they would each start with its memory.
    for group, files in sorted(groups.items(), key=lambda item: len(item[1])):
        own = settings.for_group(*group)
        own_mode = replace(mode, unsafe=own.unsafe_fixes)
        # Groups with the same settings share a cache namespace; each keeps its own record
        # of the project pass, or every group would find another's there and start over.
        tag = "\0".join(str(part) for part in group)
        done = _run_files(
            paths,
            files,
            own,
            own_mode,
            jobs,
            cache,
            project,
            tag,
            stores,
            keep_index=keep_index,
            notices=False,
        )
        reports.extend(done.files)
    reports.sort(key=lambda report: report.path)
    # One notice per Python version for the whole run, from every group's files (a group's
    # own notices would take the findings they stand for out of the reports, and the run's
    # would then find none: files of two configurations went unchecked without a word).
    return RunReport(reports, unsafe=mode.unsafe, notices=newer_syntax_notices(reports))


def discover_per_config(
    paths: list[str], configs: Configs, force_exclude: bool = False
) -> dict[tuple[Path | None, Path | None], list[SourcePath]]:
    """The files to check, grouped by the configuration that governs each and the project
    each belongs to (`Configs.group_of`; in path order): each group is checked with its
    configuration's settings resolved for its project's environment and versions.

    Directories are walked with the exclude patterns of the configuration of the first path;
    a file found there that another configuration governs is also held against that one's
    patterns, below its directory. With `force_exclude`, each file named on the command line
    is held against the patterns of its own configuration (pre-commit names files from
    every service of a monorepo at once).
    """
    configs.listings.clear()  # what this walk sees, not an earlier one
    top = configs.config_of(paths[0] if paths else ".")
    top_settings = configs.for_config(top)
    files = discover(
        paths, top_settings, force_exclude and configs.fixed is not None, configs.listings
    )
    groups: dict[tuple[Path | None, Path | None], list[SourcePath]] = {}
    # Files of one directory are in one group: asked once per directory, not per file, with
    # what discovery saw in the directories it listed (no file system call for those). Files
    # come in path order, so a directory's files mostly follow each other: what the last
    # directory was asked is kept at hand, and `dirname` is spared while a path is a name in it.
    by_directory: dict[str, tuple[Path | None, Path | None]] = {}
    sep = os.sep
    prefix = None  # the last directory with a separator
    for item in files:
        path = item.path
        if prefix is None or not path.startswith(prefix) or sep in path[len(prefix) :]:
            directory = os.path.dirname(path)
            # `dirname` of `a/b.py` is `a`; of `b.py` it is "" (no prefix to test against).
            # Where paths have two separators (Windows), `dirname` is asked every time.
            keep = directory and not directory.endswith(sep) and os.altsep is None
            prefix = directory + sep if keep else None
            group = by_directory.get(directory)
            if group is None:
                group = by_directory[directory] = configs.group_of_directory(directory)
            config = group[0]
            own = configs.for_config(config)
            below = config != top
            bucket = groups.setdefault(group, [])
        if item.explicit:
            if force_exclude and configs.fixed is None and excluded_anywhere(path, own):
                continue
        elif below and excluded_below_root(path, own):
            continue
        bucket.append(item)
    return groups


def _run_files(
    paths: list[str],
    files: list[SourcePath],
    settings: Settings,
    mode: Mode,
    jobs: int | None,
    cache: bool,
    project: bool,
    group: str = "",
    stores: dict[tuple[object, ...], Cache] | None = None,
    keep_index: bool = True,
    notices: bool = True,
) -> RunReport:
    """Check (and fix) `files`, all with `settings`: the body of `run` for one configuration
    (`group` names it when the run has several; see `Cache.for_run`). `notices`: turn the
    files written for a newer Python into the run's notices (`newer_syntax_notices`); a run
    of several groups does that once for all of them."""
    forget_packages()  # package markers may have changed since the last run in this process
    ruleset = RuleSet(settings)
    project = project and ruleset.defers
    store = None
    if cache:
        from .cache import (  # noqa: PLC0415 - start-up: only a run with the cache needs it
            cache_root,
            check_location,
        )

        check_location(cache_root(settings.cache_dir, settings.root), settings.root, paths)
    if cache and not mode.fixing:
        from .cache import Cache  # noqa: PLC0415 - start-up: only `run` needs it

        where = (settings.cache_dir, settings.root, settings.fingerprint(), ruleset.codes)
        shared = stores.get(where) if stores is not None else None
        if shared is not None:
            store = shared.for_group(group)
        else:
            store = Cache.for_run(*where, group)
            if stores is not None:
                stores[where] = store
    reports: list[FileReport | None] = [None] * len(files)
    # Each file's summary, or the cache hit that holds it (decoded only if the index is built).
    summaries: list[ModuleSummary | Hit | None] = [None] * len(files)
    digests: list[bytes] = [b""] * len(files)  # content digests, for the project result
    # Summaries that came from a worker, packed until pass 2 (see `FileReport`): each
    # without its facts, and the facts, unpacked only while pass 2 resolves them.
    shelved: list[Packed | None] = [None] * len(files)
    packed: list[bytes] = [b""] * len(files)
    unpack = Unpacker()
    todo: list[int] = []
    if store is None:
        todo.extend(range(len(files)))
    else:
        with long_lived():
            hits = store.get_many([(item.path, item.display, item.absolute) for item in files])
            for number, (item, cached) in enumerate(zip(files, hits, strict=True)):
                if cached is not None:
                    reports[number] = FileReport(item.display, cached.diagnostics)
                    summaries[number] = cached
                    digests[number] = cached.digest
                else:
                    todo.append(number)
    first = Mode() if project else mode  # with project analysis, fixing waits for the index
    done = check_files(
        [files[i] for i in todo],
        ruleset,
        first,
        jobs=jobs,
        with_content=store is not None,
        summarize=project,
    )
    for number, report in zip(todo, done, strict=True):
        reports[number] = report
        summary = report.summary  # freshly made: a summary, never a cache hit
        plain = report.plain_summary  # with the cache: the summary as stored, from a worker
        if report.packed_summary is not None:
            if store is not None and plain is None:  # the cache stores whole summaries
                summary = unpack(report.packed_summary, report.packed_facts)
            else:
                shelved[number] = report.packed_summary
                packed[number] = report.packed_facts
            report.packed_summary, report.packed_facts = None, b""
        summaries[number] = summary
        report.summary = report.plain_summary = None
        if report.content is not None:
            digests[number] = report.content.digest
            if store is not None and not report.errors:
                store.put(
                    files[number].path,
                    report.path,
                    report.content,
                    report.diagnostics,
                    summary,
                    summarized=project,
                    plain=plain,
                )
    finished = [r for r in reports if r is not None]
    index = None
    if project:
        # The pool is gone: the summaries are unpacked now, and their bytes freed.
        if any(shelf is not None for shelf in shelved):
            with long_lived():
                for number, shelf in enumerate(shelved):
                    if shelf is not None:
                        summaries[number] = unpack(shelf)
                        shelved[number] = None
            del unpack
            return_free_memory()

        def summarize(item: SourcePath) -> ModuleSummary | None:
            return check_file(item, ruleset, Mode(), summarize=True).summary

        # The names each answer read serve only updates of the index: the cache's next run,
        # the fix loop's re-lints and the caller's (`ProjectIndex.with_module`).
        index = project_pass(
            files,
            finished,
            summaries,
            digests,
            store,
            settings,
            summarize,
            record_reads=keep_index or mode.fixing,
            packed=packed,
        )
        if mode.fixing:
            assert index is not None
            redo = [
                n
                for n, r in enumerate(finished)
                if any(d.fixable(mode.unsafe) for d in r.diagnostics)
            ]
            fixed = check_files([files[n] for n in redo], ruleset, mode, jobs=jobs, index=index)
            for number, report in zip(redo, fixed, strict=True):
                finished[number] = report
    if store is not None:
        store.save()
    found = newer_syntax_notices(finished) if notices else []
    return RunReport(finished, unsafe=mode.unsafe, index=index, notices=found)


def newer_syntax_notices(reports: list[FileReport]) -> list[str]:
    """One notice per Python version for the files that use syntax newer than the running
    interpreter, in place of their FAL000 findings: the files are fine, the interpreter is
    too old, and the remedy is the same for all of them."""
    groups: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
    for report in reports:
        if not report.diagnostics:  # most files of a project: nothing to look at
            continue
        kept = []
        for diagnostic in report.diagnostics:
            match = (
                NEWER_SYNTAX.match(diagnostic.message) if diagnostic.code == PARSE_ERROR else None
            )
            if match is None:
                kept.append(diagnostic)
                continue
            major, minor = (int(p) for p in match["version"].split("."))
            groups.setdefault((major, minor), []).append(
                (report.path, diagnostic.row, match["feature"])
            )
        if len(kept) != len(report.diagnostics):
            report.diagnostics = kept
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    notices = []
    for (major, minor), found in sorted(groups.items()):
        features = ", ".join(sorted({feature for _, _, feature in found}))
        count = f"{len(found)} files use" if len(found) > 1 else "1 file uses"
        path, row, _ = found[0]
        notices.append(
            f"{count} syntax of Python {major}.{minor} that this Python {running} cannot parse "
            f"({features}; first: {path}:{row}), not checked: run fastapi-lint under Python "
            f"{major}.{minor} or later"
        )
    return notices


@dataclass
class StdinResult:
    """One buffer checked as if it were the file `report.path` (stdin, an editor's buffer)."""

    report: FileReport
    output: bytes  # the fixed bytes with --fix, else the input unchanged
    excluded: bool = False  # --force-exclude matched the given file name: nothing was checked


def check_stdin(
    data: bytes,
    filename: str | None,
    settings: Settings,
    mode: Mode = Mode(),
    *,
    force_exclude: bool = False,
) -> StdinResult:
    """Check source text that is not read from disk; never writes a file.

    `filename` (from `--stdin-filename`) is where the text would live: it names the findings,
    picks per-file-ignores and the module name, and with `force_exclude` its exclusion is
    honoured. With `mode.fix` the fixed text is returned in the original encoding.
    """
    display = display_path(filename) if filename else "-"
    report = FileReport(display)
    if filename and force_exclude and not discover([filename], settings, force_exclude=True):
        return StdinResult(report, data, excluded=True)
    ruleset = RuleSet(settings)
    try:
        source = Source.from_bytes(data)
    except SourceError as exc:
        diagnostic = parse_error_diagnostic(display, exc.reason, exc.row, exc.col)
        if ruleset.enabled(diagnostic.code, display):
            report.diagnostics.append(diagnostic)
        return StdinResult(report, data)
    module, is_package = module_of(filename)
    outcome = lint_and_fix(source, report, ruleset, mode, module=module, is_package=is_package)
    if outcome is None:
        return StdinResult(report, data)
    try:
        fixed = source.to_bytes(outcome.text)
    except UnicodeEncodeError:
        report.fixed = Counter()
        report.diagnostics = report.unfixed  # not fixed: the findings of the text as it is
        report.diff = ""
        report.write_error = f"the fixed text cannot be encoded as {source.encoding}; not fixed"
        return StdinResult(report, data)
    return StdinResult(report, data if mode.diff else fixed)
