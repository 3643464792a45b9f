"""One file's work: read it, lint it, fix it, and write the fix back.

A run (`runner.py`) does this for many files, serially or in the process pool (`parallel.py`);
`runner.check_stdin` does it for a buffer that is not on disk. Both go through `lint_and_fix`,
so a file and the same text on stdin are checked and fixed alike.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, InternalError
from .discovery import SourcePath
from .engine import lint_source
from .parsing import parse_error_diagnostic
from .registry import RuleSet
from .semantic.modules import module_name
from .source import Source, SourceError

if TYPE_CHECKING:
    from .cache import Content
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


def module_of(path: str | None) -> tuple[str, bool]:
    """The module name a file at `path` is imported as, and whether it is a package's
    `__init__.py` (no path: a script, `__main__`)."""
    if not path:
        return "__main__", False
    return module_name(path), os.path.basename(path) == "__init__.py"


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
        from .cache import Content, digest, stat_key  # noqa: PLC0415 - start-up: only `check_file` needs it

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
    module, is_package = module_of(item.path)
    outcome = lint_and_fix(
        source,
        report,
        ruleset,
        mode,
        module=module,
        is_package=is_package,
        summarize=summarize,
        index=index,
    )
    if outcome is not None and not mode.diff:
        plain = Source(source.text, source.encoding, source.bom)  # no line index to ship
        report.pending_write = (item.path, plain, outcome, original)
        if write:
            finish_write(report)
    return report


def lint_and_fix(
    source: Source,
    report: FileReport,
    ruleset: RuleSet,
    mode: Mode,
    *,
    module: str,
    is_package: bool,
    summarize: bool = False,
    index: ProjectIndex | None = None,
) -> FixOutcome | None:
    """Lint `source` as the file `report.path` into `report`, and with `mode.fixing` run the
    fix loop: the findings that remain, the fixes applied and dropped, the diff with
    `mode.diff`. Returns the fix outcome when it changed the text (for the caller to write or
    hand back), None otherwise. `summarize` and `index`: see `check_file`.
    """

    def lint(text: str) -> list[Diagnostic]:
        current = source if text == source.text else source.rewritten(text)
        result = lint_source(
            current,
            report.path,
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
        return None

    from .fixes import fix_text, unified_diff  # noqa: PLC0415 - start-up: not needed to check, only to fix

    outcome, remaining = fix_text(source.text, lint, unsafe=mode.unsafe)
    report.diagnostics = remaining
    report.dropped = list(dict.fromkeys(outcome.dropped))
    if outcome.text == source.text:
        return None
    report.fixed = outcome.applied
    if mode.diff:
        report.diff = unified_diff(source.text, outcome.text, report.path)
    return outcome


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
    import tempfile  # noqa: PLC0415 - start-up: only `write_atomic` needs it

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
