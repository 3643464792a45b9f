"""One file's work: read it, lint it, fix it, and write the fix back.

A run (`runner.py`) does this for many files, serially or in the process pool (`parallel.py`);
`runner.check_stdin` does it for a buffer that is not on disk. Both go through `lint_and_fix`,
so a file and the same text on stdin are checked and fixed alike.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, InternalError
from .discovery import SourcePath
from .engine import lint_source
from .noqa import comment_row, suppressing_row, with_codes
from .parsing import parse_error_diagnostic
from .registry import RuleSet
from .semantic.modules import module_name
from .source import Source, SourceError
from .writing import (
    DEFAULT_MAX_FILE_SIZE,
    NotRegular,
    TooLarge,
    allowed_roots,
    kind_of,
    read_regular,
)

if TYPE_CHECKING:
    from .cache import Content
    from .fixes import FixOutcome
    from .semantic.index import ProjectIndex
    from .semantic.records import ModuleSummary, Packed


@dataclass(frozen=True)
class Mode:
    """What a run does with fixes: report them, print their diff, or write them."""

    fix: bool = False  # write fixes
    diff: bool = False  # compute fixes, print a diff, write nothing
    unsafe: bool = False  # include unsafe fixes

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


# An empty Counter without its Python-level `__init__` (which only handles arguments): a
# warm run makes a report for every cached file.
_empty_counter = functools.partial(Counter.__new__, Counter)


@dataclass
class FileReport:
    """What checking one file found and did."""

    path: str  # as displayed
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    fixed: Counter[str] = field(default_factory=_empty_counter)
    dropped: list[str] = field(default_factory=list)  # fixes left out because they broke the file
    diff: str = ""
    write_error: str = ""
    # What was read, for the result cache (only when asked for: see `cache.Content`).
    content: Content | None = field(default=None, repr=False)
    # Pass 1 of project analysis: the module's summary with its unresolved facts.
    summary: ModuleSummary | None = field(default=None, repr=False)
    # A summary that came from a worker crosses packed, in place of `summary`: the summary
    # without its facts, packed with its chunk's (`records.pack_summaries`; None: no
    # summary), and its facts (`records.pack_facts`; b"": none). The main process unpacks
    # the summary in pass 2 and the facts only while it resolves them.
    packed_summary: Packed | None = field(default=None, repr=False)
    packed_facts: bytes = field(default=b"", repr=False)
    # With the result cache, such a summary also crosses in the cache's plain form, made in
    # the worker (`records.to_plain`, marshalled): the main process stores it as it is and
    # keeps the summary packed, as a run without the cache does, until pass 2.
    plain_summary: bytes | None = field(default=None, repr=False)
    # A fix computed in a worker process, written by the main process (see `parallel.py`):
    # (path, source without its line index, outcome, original bytes, where a symlink may
    # point: see `writing.allowed_roots`).
    pending_write: tuple[str, Source, FixOutcome, bytes, tuple[str, ...]] | None = field(
        default=None, repr=False
    )
    # With --fix: the findings before fixing, reported again if the fix cannot be written.
    unfixed: list[Diagnostic] = field(default_factory=list, repr=False)


def read_source(
    path: str, display: str, limit: int | None = None
) -> tuple[Source, bytes] | Diagnostic:
    """The file's text, or the FAL000 finding that says why it cannot be had. Only a regular
    file of at most `limit` bytes is read (see `writing.read_regular`)."""
    if limit is None:
        limit = DEFAULT_MAX_FILE_SIZE
    try:
        data = read_regular(path, limit)
    except IsADirectoryError:
        return parse_error_diagnostic(display, "it is a directory, not a file")
    except NotRegular:
        return parse_error_diagnostic(
            display, f"it is {kind_of(path)}, not a regular file; not read"
        )
    except TooLarge as exc:
        return parse_error_diagnostic(
            display, f"it is {exc.size} bytes, more than max-file-size ({limit}); not read"
        )
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
    loaded = (
        parse_error_diagnostic(item.display, item.problem)
        if item.problem
        else read_source(item.path, item.display, ruleset.settings.max_file_size)
    )
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
        roots = allowed_roots(ruleset.settings.root, item.given or item.path)
        report.pending_write = (item.path, plain, outcome, original, roots)
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

    first: list[list[Diagnostic]] = []

    def lint_first_kept(text: str) -> list[Diagnostic]:
        found = lint(text)
        if not first:
            first.append(found)
        return found

    outcome, remaining = fix_text(
        source.text,
        lint_first_kept,
        unsafe=mode.unsafe,
        line_length=ruleset.settings.line_length,
    )
    report.diagnostics = remaining
    report.dropped = list(dict.fromkeys(outcome.dropped))
    if outcome.text == source.text:
        return None
    report.fixed = outcome.applied
    report.unfixed = first[0]
    if mode.diff:
        report.diff = unified_diff(source.text, outcome.text, report.path)
    return outcome


def finish_write(report: FileReport) -> None:
    """Write a fix left pending by `check_file`."""
    if report.pending_write is None:
        return
    path, source, outcome, original, roots = report.pending_write
    report.pending_write = None
    report.write_error = write_atomic(path, source, outcome, original, roots)
    if report.write_error:
        # Nothing was fixed: the findings are those of the file as it is.
        report.fixed = Counter()
        report.diagnostics = report.unfixed
    report.unfixed = []


def write_atomic(
    path: str, source: Source, outcome: FixOutcome, original: bytes, roots: tuple[str, ...] = ()
) -> str:
    """Write the fixed text; return "" or why nothing was written (see `writing.py`)."""
    from .writing import write_fixed  # noqa: PLC0415 - start-up: only a fix being written needs it

    try:
        data = source.to_bytes(outcome.text)
    except UnicodeEncodeError:
        return f"the fixed text cannot be encoded as {source.encoding}; file left unchanged"
    return write_fixed(path, data, original, roots)


def add_noqa(
    path: str, findings: list[tuple[int, str]], reason: str = "", roots: tuple[str, ...] = ()
) -> tuple[int, str]:
    """Add `# noqa: CODES` for `findings` ((row, code) pairs) to the file at `path`; return
    how many comments were added or extended, and "" or why the file was left unchanged.

    Each finding's comment goes where it suppresses the finding (`noqa.comment_row`: the end of a
    multi-line string or continued line), one comment per line holding every code of that
    line; an existing `# noqa: CODES` there is extended, and `reason` follows new codes.
    The file is written as a fix is (`writing.write_fixed`: atomically, a symlink only into
    `roots`), only if the result still compiles.
    """
    try:
        with open(path, "rb") as handle:
            original = handle.read()
        source = Source.from_bytes(original)
    except (OSError, ValueError) as exc:
        return 0, f"cannot read it: {exc}"
    wanted: dict[int, set[str]] = {}
    for row, code in findings:
        if suppressing_row(source, code, row) is None:
            wanted.setdefault(comment_row(source, row), set()).add(code)
    if not wanted:
        return 0, ""
    lines = source.lines()
    for row, codes in wanted.items():
        if row > len(lines):
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        lines[row - 1] = with_codes(body, codes, reason) + line[len(body) :]
    from .fixes import parses  # noqa: PLC0415 - start-up: only --add-noqa needs it (difflib)

    text = "".join(lines)
    if not parses(text) and parses(source.text):
        return 0, "adding the comments would break the file; left unchanged"
    from .writing import write_fixed  # noqa: PLC0415 - start-up: only --add-noqa needs it

    try:
        data = source.to_bytes(text)
    except UnicodeEncodeError:
        return 0, f"the comments cannot be encoded as {source.encoding}; file left unchanged"
    problem = write_fixed(path, data, original, roots)
    return (0 if problem else len(wanted)), problem
