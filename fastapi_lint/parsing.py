"""FAL000: the one parse of a file, or the finding that says why there is none."""

from __future__ import annotations

import ast
import re
import symtable
import sys
import warnings
from collections.abc import Callable
from typing import TypeVar

from .diagnostics import Diagnostic
from .source import Source

PARSE_ERROR = "FAL000"
T = TypeVar("T")
# Room for the C parser's own recursion (it stops near 3,000 levels of nesting by itself).
TOP_STACK_BYTES = 64 * 1024 * 1024


def at_top_of_stack(action: Callable[[], T]) -> T:
    """`action()` run in a thread of its own, with nothing on its stack: as Python runs
    `compile()` on a script. How deep a nesting the parser and compiler take depends on the
    recursion depth they are called at; called from deep inside the linter, they refused code
    that Python itself compiles (an attribute chain 2,900 long)."""
    return on_fresh_stack(action, TOP_STACK_BYTES, name="fastapi-lint-parse")


def on_fresh_stack(
    action: Callable[[], T],
    stack_bytes: int,
    *,
    name: str,
    recursion_limit: int | None = None,
    strict: bool = False,
) -> T:
    """`action()` run in a new thread with a stack of `stack_bytes` (and, while it runs, a
    recursion limit of at least `recursion_limit`); its result or its exception comes back to
    the caller. A platform that refuses the stack size gets its default stack, or, when
    `strict` (a deeper recursion limit is only safe on the bigger stack), a RecursionError."""
    import sys  # noqa: PLC0415 - start-up: only deeply nested files need it
    import threading  # noqa: PLC0415 - start-up: only deeply nested files need it

    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as exc:  # handed to the calling thread
            failure.append(exc)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        try:
            threading.stack_size(stack_bytes)
        except (ValueError, RuntimeError):
            if strict:
                raise RecursionError from None
        if recursion_limit is not None:
            sys.setrecursionlimit(max(old_limit, recursion_limit))
        worker = threading.Thread(target=run, name=name)
        worker.start()
    finally:
        threading.stack_size(old_stack)
    try:
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return outcome[0]


def parse_error_diagnostic(path: str, reason: str, row: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(
        code=PARSE_ERROR,
        message=f"Cannot check this file: {reason}",
        path=path,
        row=row,
        col=col,
        end_row=row,
        end_col=col,
    )


# Syntax newer than some interpreters, recognised on the line the parser stopped at:
# (pattern, feature, the Python that first parses it). Checked only when the running Python is
# older than that: then the file is not broken, the interpreter is (see `newer_syntax`).
_NEWER: tuple[tuple[re.Pattern[str], str, tuple[int, int]], ...] = (
    (
        re.compile(r"^\s*(?:async\s+)?def\s+\w+\s*\[[^\]]*="),
        "type parameter defaults (PEP 696)",
        (3, 13),
    ),
    (re.compile(r"^\s*class\s+\w+\s*\[[^\]]*="), "type parameter defaults (PEP 696)", (3, 13)),
    (
        re.compile(r"^\s*type\s+[A-Za-z_]\w*\s*\[[^\]]*="),
        "type parameter defaults (PEP 696)",
        (3, 13),
    ),
    (re.compile(r"^\s*(?:async\s+)?def\s+\w+\s*\["), "type parameter lists (PEP 695)", (3, 12)),
    (re.compile(r"^\s*class\s+\w+\s*\["), "type parameter lists (PEP 695)", (3, 12)),
    (
        re.compile(r"^\s*type\s+[A-Za-z_]\w*\s*(?:\[[^\]]*\])?\s*="),
        "`type` aliases (PEP 695)",
        (3, 12),
    ),
    # `except A, B:` without `as`; `except ValueError, e:` (Python 2) binds a lower-case name.
    (
        re.compile(r"^\s*except\*?\s+(?:[A-Z][\w.]*\s*,\s*)+[A-Z][\w.]*\s*:"),
        "`except` with several types and no parentheses (PEP 758)",
        (3, 14),
    ),
    (
        re.compile(r"(?:^|[\s(\[{,=:])(?:[tT][rR]?|[rR][tT])['\"]"),
        "template strings (PEP 750)",
        (3, 14),
    ),
)
# Parser messages that only the f-string rules before Python 3.12 (PEP 701) give.
_OLD_FSTRING = (
    "f-string expression part cannot include a backslash",
    "f-string expression part cannot include '#'",
    "f-string: expecting '}'",
    "f-string: unmatched",
)

# How the FAL000 message of such a file reads; the run gathers them into one notice.
NEWER_SYNTAX = re.compile(
    r"^Cannot check this file: it uses (?P<feature>.+) of Python (?P<version>\d+\.\d+), "
    r"which this Python \d+\.\d+ cannot parse"
)


def newer_syntax(exc: SyntaxError, source: Source) -> tuple[str, tuple[int, int]] | None:
    """(feature, Python version) when the syntax error comes from syntax newer than the
    running interpreter, not from a broken file."""
    line = source.line(exc.lineno or 1)
    message = exc.msg or ""
    for pattern, feature, version in _NEWER:
        if sys.version_info[:2] < version and pattern.search(line):
            return feature, version
    if sys.version_info[:2] < (3, 12) and message.startswith(_OLD_FSTRING):
        return "nested quotes or backslashes in f-strings (PEP 701)", (3, 12)
    return None


def describe_syntax_error(exc: SyntaxError, source: Source) -> str:
    newer = newer_syntax(exc, source)
    if newer is not None:
        feature, (major, minor) = newer
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        return (
            f"it uses {feature} of Python {major}.{minor}, which this Python {running} cannot "
            f"parse; run fastapi-lint under Python {major}.{minor} or later"
        )
    message = exc.msg or "invalid syntax"
    line = source.line(exc.lineno or 1).strip()
    python2 = "Missing parentheses in call to" in message or (
        message.startswith("invalid syntax")
        and (line.startswith(("print ", "exec ")) or ("except " in line and ", " in line))
    )
    hint = " (Python 2 code?)" if python2 else ""
    return f"syntax error: {message}{hint}"


def parse(source: Source, path: str) -> ast.Module | Diagnostic:
    """The module's tree, or the FAL000 diagnostic saying why there is none."""

    def parse_it() -> ast.Module:
        # The parser warns about the *linted* code (invalid escape sequences): not ours to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.text, filename=path, type_comments=False)

    try:
        try:
            return parse_it()
        except RecursionError:
            return at_top_of_stack(parse_it)  # as deep as Python itself parses
    except SyntaxError as exc:
        row = exc.lineno or 1
        col = (exc.offset or 1) if exc.lineno else 1
        return parse_error_diagnostic(path, describe_syntax_error(exc, source), row, max(col, 1))
    except ValueError as exc:  # NUL bytes on some Python versions
        return parse_error_diagnostic(path, f"invalid source: {exc}")
    except (RecursionError, MemoryError):
        return parse_error_diagnostic(path, "nesting too deep for the Python parser")


def syntax_ok(source: Source, path: str) -> bool:
    """Does the text parse? True only when `ast.parse` would succeed; False: ask `parse`.

    For the many files that only FAL000 looks at no tree is needed, just the answer, and the
    symbol-table builder runs the same parser as `ast.parse` without turning the whole syntax
    tree into Python objects, which is about a third of the parsing time. It also rejects a few
    things the parser accepts (duplicate parameter names, misplaced `nonlocal`): any error
    here is therefore settled by `parse` itself, never reported from this check.
    """
    try:
        symtable.symtable(source.text, path, "exec")
    except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError, MemoryError
        return False
    return True
