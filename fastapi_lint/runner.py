"""A whole run: files in, per-file reports out. The CLI, the API and the benchmarks call this."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .discovery import SourcePath, discover, display_path
from .engine import InternalError, lint_source, parse_error_diagnostic
from .fixes import FixOutcome, fix_text, unified_diff
from .registry import RuleSet
from .semantic.modules import module_name
from .settings import Settings
from .source import Source, SourceError

if TYPE_CHECKING:
    from .semantic.index import ProjectIndex


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


@dataclass
class RunReport:
    files: list[FileReport]
    unsafe: bool = False
    # The project index of the run (None without project analysis); the CLI stores it for
    # the flake8 plugin.
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
    item: SourcePath, ruleset: RuleSet, mode: Mode, *, index: ProjectIndex | None = None
) -> FileReport:
    """One file's findings, fixed as `mode` says; `index` resolves its cross-module facts
    (without one, they are resolved against the file alone)."""
    report = FileReport(item.display)
    loaded = read_source(item.path, item.display)
    if isinstance(loaded, Diagnostic):
        if ruleset.enabled(loaded.code, item.display):
            report.diagnostics.append(loaded)
        return report
    source, original = loaded
    module = module_name(item.path)
    is_package = os.path.basename(item.path) == "__init__.py"

    def lint(text: str) -> list[Diagnostic]:
        current = source if text == source.text else Source(text, source.encoding, source.bom)
        result = lint_source(
            current, item.display, ruleset, module=module, is_package=is_package, index=index
        )
        report.errors = result.errors
        return result.diagnostics

    if not mode.fixing:
        report.diagnostics = lint(source.text)
        return report

    outcome, remaining = fix_text(source.text, lint, unsafe=mode.unsafe)
    report.diagnostics = remaining
    report.dropped = list(dict.fromkeys(outcome.dropped))
    if outcome.text == source.text:
        return report
    report.fixed = outcome.applied
    if mode.diff:
        report.diff = unified_diff(source.text, outcome.text, item.display)
    else:
        report.write_error = write_atomic(item.path, source, outcome, original)
        if report.write_error:
            report.fixed = Counter()
    return report


def write_atomic(path: str, source: Source, outcome: FixOutcome, original: bytes) -> str:
    """Write the fixed text; return "" or why nothing was written.

    The bytes are written to a temporary file beside the target and renamed over it, so a
    crash or a full disk leaves the original intact. The file's mode is kept, and a file that
    changed on disk since it was read (an editor saved meanwhile) is left alone.
    """
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
    project: bool = True,
) -> RunReport:
    """Check (and fix) the files under `paths`. With `project` (the default), the files are
    analysed together: cross-module findings (FAL106, FAL107, FAL304, FAL501 on names from
    other modules) need every file's summary; see `project.py`."""
    ruleset = RuleSet(settings)
    files = discover(paths, settings, force_exclude)
    if project:
        from .project import check_project

        reports, index = check_project(files, ruleset, mode)
        return RunReport(reports, unsafe=mode.unsafe, index=index)
    reports = [check_file(item, ruleset, mode) for item in files]
    return RunReport(reports, unsafe=mode.unsafe)


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
    module = module_name(filename) if filename else "__main__"
    is_package = bool(filename) and os.path.basename(filename or "") == "__init__.py"

    def lint(text: str) -> list[Diagnostic]:
        current = source if text == source.text else Source(text, source.encoding, source.bom)
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
