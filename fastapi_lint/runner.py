"""A whole run: files in, per-file reports out. The CLI, the API and the benchmarks call this."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .discovery import SourcePath, discover, display_path
from .engine import InternalError, lint_source, parse_error_diagnostic
from .registry import RuleSet
from .semantic.modules import module_name
from .settings import Settings
from .source import Source, SourceError

if TYPE_CHECKING:
    from .cache import Content, Hit
    from .fixes import FixOutcome
    from .semantic.index import ProjectIndex
    from .semantic.records import ModuleSummary


@dataclass(frozen=True)
class Mode:
    fix: bool = False  # write fixes
    diff: bool = False  # compute fixes, print a diff, write nothing
    unsafe: bool = False  # include unsafe fixes

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


@dataclass
class FileReport:
    path: str  # as displayed
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    fixed: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)  # fixes left out because they broke the file
    diff: str = ""
    write_error: str = ""
    # What was read, for the result cache (only when asked for: see `cache.Content`).
    content: Content | None = field(default=None, repr=False)
    # Pass 1 of project analysis: the module's summary with its unresolved facts.
    summary: ModuleSummary | None = field(default=None, repr=False)
    # A fix computed in a worker process, written by the main process (see `parallel.py`):
    # (path, source without its line index, outcome, original bytes).
    pending_write: tuple[str, Source, FixOutcome, bytes] | None = field(default=None, repr=False)


@dataclass
class RunReport:
    files: list[FileReport]
    unsafe: bool = False
    # The project index of the run (None without project analysis, or when the cross-module
    # findings came from the cache).
    index: ProjectIndex | None = None

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


def read_source(path: str, display: str) -> tuple[Source, bytes] | Diagnostic:
    """The file's text, or the FAL000 finding that says why it cannot be had."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        return parse_error_diagnostic(display, "it is a directory, not a file")
    except FileNotFoundError:
        reason = "a broken symlink" if os.path.islink(path) else "no such file"
        return parse_error_diagnostic(display, f"cannot read it: {reason}")
    except PermissionError:
        return parse_error_diagnostic(display, "cannot read it: permission denied")
    except OSError as exc:
        return parse_error_diagnostic(display, f"cannot read it: {exc.strerror or exc}")
    try:
        return Source.from_bytes(data), data
    except SourceError as exc:
        return parse_error_diagnostic(display, exc.reason, exc.row, exc.col)


def check_file(
    item: SourcePath,
    ruleset: RuleSet,
    mode: Mode,
    *,
    write: bool = True,
    with_content: bool = False,
    summarize: bool = False,
    index: ProjectIndex | None = None,
) -> FileReport:
    """Check (and with --fix, fix) one file.

    `write=False` leaves a fix unwritten in `report.pending_write` for `finish_write`;
    `with_content` records what was read, for the cache. `summarize` (check mode, pass 1 of
    project analysis) keeps the module's summary in `report.summary` and leaves its deferred
    facts unresolved; otherwise they are resolved against `index`, or the file alone.
    """
    report = FileReport(item.display)
    if with_content:
        from .cache import Content, digest, stat_key

        # stat before reading: a change after it cannot hide behind the recorded stat.
        read_at = time.time_ns()
        try:
            before = stat_key(os.stat(item.path))
        except OSError:
            with_content = False
    loaded = read_source(item.path, item.display)
    if isinstance(loaded, Diagnostic):
        if ruleset.enabled(loaded.code, item.display):
            report.diagnostics.append(loaded)
        return report
    source, original = loaded
    if with_content:
        report.content = Content(before, read_at, digest(original))
    module = module_name(item.path)
    is_package = os.path.basename(item.path) == "__init__.py"

    def lint(text: str) -> list[Diagnostic]:
        current = source if text == source.text else source.rewritten(text)
        result = lint_source(
            current,
            item.display,
            ruleset,
            module=module,
            is_package=is_package,
            summarize=summarize,
            index=index,
            resolve_facts=not summarize,
        )
        report.errors = result.errors
        report.summary = result.summary
        return result.diagnostics

    if not mode.fixing:
        report.diagnostics = lint(source.text)
        return report

    from .fixes import fix_text, unified_diff  # not needed to check, only to fix

    outcome, remaining = fix_text(source.text, lint, unsafe=mode.unsafe)
    report.diagnostics = remaining
    report.dropped = list(dict.fromkeys(outcome.dropped))
    if outcome.text == source.text:
        return report
    report.fixed = outcome.applied
    if mode.diff:
        report.diff = unified_diff(source.text, outcome.text, item.display)
    else:
        plain = Source(source.text, source.encoding, source.bom)  # no line index to ship
        report.pending_write = (item.path, plain, outcome, original)
        if write:
            finish_write(report)
    return report


def finish_write(report: FileReport) -> None:
    """Write a fix left pending by `check_file`."""
    if report.pending_write is None:
        return
    path, source, outcome, original = report.pending_write
    report.pending_write = None
    report.write_error = write_atomic(path, source, outcome, original)
    if report.write_error:
        report.fixed = Counter()


def write_atomic(path: str, source: Source, outcome: FixOutcome, original: bytes) -> str:
    """Write the fixed text; return "" or why nothing was written.

    The bytes are written to a temporary file beside the target and renamed over it, so a
    crash or a full disk leaves the original intact. The file's mode is kept, and a file that
    changed on disk since it was read (an editor saved meanwhile) is left alone.
    """
    import tempfile

    try:
        data = source.to_bytes(outcome.text)
    except UnicodeEncodeError:
        return f"the fixed text cannot be encoded as {source.encoding}; file left unchanged"
    try:
        with open(path, "rb") as handle:
            if handle.read() != original:
                return "the file changed on disk while it was being fixed; left unchanged"
        target = os.path.realpath(path)
        mode = os.stat(target).st_mode
        directory = os.path.dirname(target) or "."
        fd, temporary = tempfile.mkstemp(prefix=".fastapi-lint-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, mode & 0o7777)
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    except OSError as exc:
        return f"cannot write the fix: {exc.strerror or exc}"
    return ""


def run(
    paths: list[str],
    settings: Settings,
    mode: Mode = Mode(),
    *,
    force_exclude: bool = False,
    jobs: int | None = 1,
    cache: bool = False,
    project: bool = True,
) -> RunReport:
    """Check (and fix) the files under `paths`.

    `jobs`: processes to use (None or 0: every core; fewer files than a handful: one).
    `cache`: read and write the result cache under `settings.cache_dir` (check mode only).
    `project`: analyse the files together (see `project.py`), when an enabled rule needs it:
    pass 1 lints every file and summarises it (in the pool, or from the cache), pass 2 builds
    the index and resolves the cross-module findings in this process; with --fix/--diff the
    files that then have a fix to apply are fixed with the index at hand.
    """
    from .parallel import check_files

    ruleset = RuleSet(settings)
    files = discover(paths, settings, force_exclude)
    project = project and ruleset.defers
    store = None
    if cache and not mode.fixing:
        from .cache import Cache

        store = Cache.for_run(
            settings.cache_dir, settings.root, settings.fingerprint(), ruleset.codes
        )
    reports: list[FileReport | None] = [None] * len(files)
    # Each file's summary, or the cache hit that holds it (decoded only if the index is built).
    summaries: list[ModuleSummary | Hit | None] = [None] * len(files)
    digests: list[bytes] = [b""] * len(files)  # content digests, for the project result
    todo: list[int] = []
    for number, item in enumerate(files):
        cached = store.get(item.path, item.display) if store is not None else None
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
        summaries[number] = report.summary
        report.summary = None
        if report.content is not None:
            digests[number] = report.content.digest
            if store is not None and not report.errors:
                store.put(
                    files[number].path,
                    report.path,
                    report.content,
                    report.diagnostics,
                    summaries[number],  # type: ignore[arg-type]
                    summarized=project,
                )
    finished = [r for r in reports if r is not None]
    index = None
    if project:
        from .project import project_pass

        def summarize(item: SourcePath) -> ModuleSummary | None:
            return check_file(item, ruleset, Mode(), summarize=True).summary

        index = project_pass(files, finished, summaries, digests, store, settings, summarize)
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
    return RunReport(finished, unsafe=mode.unsafe, index=index)


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
    from .fixes import fix_text, unified_diff

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
    module = module_name(filename) if filename else "__main__"
    is_package = bool(filename) and os.path.basename(filename or "") == "__init__.py"

    def lint(text: str) -> list[Diagnostic]:
        current = source if text == source.text else source.rewritten(text)
        result = lint_source(current, display, ruleset, module=module, is_package=is_package)
        report.errors = result.errors
        return result.diagnostics

    if not mode.fixing:
        report.diagnostics = lint(source.text)
        return StdinResult(report, data)
    outcome, report.diagnostics = fix_text(source.text, lint, unsafe=mode.unsafe)
    report.dropped = list(dict.fromkeys(outcome.dropped))
    if outcome.text == source.text:
        return StdinResult(report, data)
    try:
        fixed = source.to_bytes(outcome.text)
    except UnicodeEncodeError:
        report.write_error = f"the fixed text cannot be encoded as {source.encoding}; not fixed"
        return StdinResult(report, data)
    report.fixed = outcome.applied
    if mode.diff:
        report.diff = unified_diff(source.text, outcome.text, display)
        return StdinResult(report, data)
    return StdinResult(report, fixed)
