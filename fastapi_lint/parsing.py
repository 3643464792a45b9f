"""FAL000: the one parse of a file, or the finding that says why there is none."""

from __future__ import annotations

import ast
import symtable
import warnings

from .diagnostics import Diagnostic
from .source import Source

PARSE_ERROR = "FAL000"


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


def describe_syntax_error(exc: SyntaxError, source: Source) -> str:
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
    try:
        # The parser warns about the *linted* code (invalid escape sequences): not ours to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.text, filename=path, type_comments=False)
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
