"""Suppression comments: flake8's `# noqa[: CODES]` per line, and `# fastapi-lint: noqa` per file.

A finding on a line that cannot carry a comment of its own — inside a multi-line string, or a
line continued with a backslash — is suppressed by a `# noqa` at the end of the statement's
last such line (where the string or the continuation ends), as in ruff and flake8; that is
also where `--add-noqa` puts it.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

from .diagnostics import Diagnostic
from .source import Source

# flake8's syntax, so one comment serves both entry points; codes match by prefix, as in flake8.
_LINE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
_FILE = re.compile(r"^[ \t]*#[ \t]*fastapi-lint:[ \t]*noqa[ \t]*$", re.M | re.I)
_SPLIT = re.compile(r"[,\s]+")


def file_exempt(text: str) -> bool:
    """`# fastapi-lint: noqa` on a line of its own exempts the whole file."""
    return "noqa" in text and _FILE.search(text) is not None


def suppressed_codes(line: str) -> frozenset[str] | None:
    """None when the line has no noqa; an empty set for a bare `# noqa` (everything)."""
    if "noqa" not in line.lower():
        return None
    match = _LINE.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset()
    return frozenset(c.upper() for c in _SPLIT.split(codes) if c)


def line_codes(source: Source, row: int) -> frozenset[str] | None:
    """`suppressed_codes` of line `row` of `source`."""
    if not source.mentions_noqa or row not in _noqa_rows(source):
        return None
    return suppressed_codes(source.line(row))


def is_suppressed(code: str, codes: frozenset[str] | None) -> bool:
    if codes is None:
        return False
    return not codes or code.startswith(tuple(codes))


def suppressing_row(source: Source, code: str, row: int) -> int | None:
    """The row whose `# noqa` suppresses a finding of `code` on `row`, or None."""
    if not source.mentions_noqa:
        return None
    if is_suppressed(code, line_codes(source, row)):
        return row
    if _last_noqa_row(source) <= row:
        # No `noqa` below: no row a comment about `row` could go to suppresses it, and the
        # file need not be tokenized (that was a twentieth of a whole-corpus run).
        return None
    end = comment_row(source, row)
    if end != row and is_suppressed(code, line_codes(source, end)):
        return end
    return None


def filter_noqa(diagnostics: list[Diagnostic], source: Source) -> list[Diagnostic]:
    if not source.mentions_noqa:
        return diagnostics
    return [d for d in diagnostics if suppressing_row(source, d.code, d.row) is None]


# ------------------------------------------------------------------ where a comment can go


def comment_row(source: Source, row: int) -> int:
    """The row where a comment about line `row` goes: `row` itself, or the row where the
    multi-line string or backslash continuation that `row` is part of ends (chained: a
    string that ends on a line where another begins goes on to that one's end).

    With the module's top-level statements noted (`note_statements`), only the statements
    around `row` are tokenized: a string or a continuation never reaches past a statement,
    and a statement at the top level begins outside every bracket, string and indentation.
    A large buffer's findings mostly lie in a few of its statements (an editor's edit)."""
    windows = source.known(_WINDOWS)
    if windows is None:
        return _comment_rows(source).get(row, row)
    starts, ends = windows
    at = bisect.bisect_right(starts, row) - 1
    if at < 0 or row > ends[at]:
        return row  # between statements: blank lines and comments
    rows = source.computed(f"noqa-rows-{at}", lambda: _rows_between(source, starts[at], ends[at]))
    return rows.get(row, row)


_WINDOWS = "noqa-statements"


def note_statements(source: Source, tree: ast.Module) -> None:
    """Note the rows of the top-level statements of `tree`, the module of `source` (see
    `comment_row`): statements that share a row (`a = 1; b = 2`) count as one."""

    def windows() -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        for statement in tree.body:
            first = statement.lineno
            for decorator in getattr(statement, "decorator_list", ()):
                first = min(first, decorator.lineno)
            last = statement.end_lineno or statement.lineno
            if ends and first <= ends[-1]:
                ends[-1] = max(ends[-1], last)
            else:
                starts.append(first)
                ends.append(last)
        return starts, ends

    source.computed(_WINDOWS, windows)


def _rows_between(source: Source, first: int, last: int) -> dict[int, int]:
    """`joined_rows` of rows `first` to `last` of the text (whole statements)."""
    starts = source.line_starts
    end = starts[last] if last < len(starts) else len(source.text)
    shift = first - 1
    rows = joined_rows(source.text[starts[first - 1] : end])
    return {row + shift: to + shift for row, to in rows.items()}


_NOQA_WORD = re.compile("noqa", re.I)


def _last_noqa_row(source: Source) -> int:
    """The last row whose line mentions `noqa` (0: none)."""
    rows = _noqa_rows(source)
    return max(rows) if rows else 0


def _noqa_rows(source: Source) -> frozenset[int]:
    """The rows whose line mentions `noqa` (any case): the only lines worth cutting out and
    searching for a comment. Asked for every function's `def` line (FAL106's acceptance)
    and every finding's row, in files that mention `noqa` somewhere."""

    def rows() -> frozenset[int]:
        return frozenset(source.position(m.start())[0] for m in _NOQA_WORD.finditer(source.text))

    return source.computed("noqa-mention-rows", rows)


def _comment_rows(source: Source) -> dict[int, int]:
    # Computed once per text (the fix loop's passes are other texts) and only when asked:
    # tokenizing is needed only for findings not suppressed on their own line.
    return source.computed("noqa-rows", lambda: joined_rows(source.text))


def joined_rows(text: str) -> dict[int, int]:
    """Each row that is part of a multi-line string or a backslash continuation, mapped to
    the row where that ends (see `comment_row`)."""
    if sys.version_info < (3, 12):
        return _scanned_rows(text)
    return _joined_rows(text)  # the C tokenizer: fast, and it nests quotes in f-strings


def _joined_rows(text: str) -> dict[int, int]:
    spans: list[tuple[int, int]] = []
    fstring_starts: list[int] = []
    last_end = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, start, end = token.type, token.start[0], token.end[0]
            if kind == tokenize.STRING and end > start:
                spans.append((start, end))
            elif kind == getattr(tokenize, "FSTRING_START", -1):
                fstring_starts.append(start)
            elif kind == getattr(tokenize, "FSTRING_END", -1) and fstring_starts:
                first = fstring_starts.pop()
                if end > first:
                    spans.append((first, end))
            # A token that starts on a later row than the previous one ended, with no NEWLINE
            # or NL in between: the line before was continued with a backslash.
            if last_end and start > last_end and kind not in (tokenize.ENDMARKER,):
                spans.append((last_end, start))
            if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                last_end = 0 if kind != tokenize.COMMENT else end
            elif kind not in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                last_end = end
    except (tokenize.TokenError, SyntaxError):
        pass  # an unfinished file: the rows seen so far
    rows: dict[int, int] = {}
    for first, last in _merged(spans):
        for row in range(first, last):
            rows[row] = last
    return rows


# Before Python 3.12 the `tokenize` module is pure Python: tokenizing a large buffer was a
# quarter of its lint in the language server. What `_joined_rows` needs of the tokens (where
# strings and comments begin and end, where a line is continued) is found here with one
# regular expression made as `tokenize`'s own are (an f-string is a plain string there), with
# the two ways it stops early: a string still open at the end, and a dedent to no enclosing
# indentation. `tests/test_noqa_rows.py` checks that the two agree.
_TOKENS = re.compile(
    r"""
      (?P<newline>\r?\n)
    | (?P<string>'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
        | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
        | '[^\n'\\]*(?:\\.[^\n'\\]*)*'
        | "[^\n"\\]*(?:\\.[^\n"\\]*)*")
    | (?P<open>'''|\"\"\"
        | '[^\n'\\]*(?:\\.[^\n'\\]*)*\\\r?\n
        | "[^\n"\\]*(?:\\.[^\n"\\]*)*\\\r?\n)
    | (?P<continued>\\\r?\n)
    | (?P<comment>\#[^\n]*)
    | (?P<opening>[(\[{])
    | (?P<closing>[)\]}])
    | (?P<other>[^ \t\f\n\#'"\\()\[\]{}]+|['"\\])
    """,
    re.VERBOSE | re.DOTALL,
)


def _scanned_rows(text: str) -> dict[int, int]:
    """`_joined_rows` without `tokenize` (see `_TOKENS`)."""
    spans: list[tuple[int, int]] = []
    row = 1
    last_end = 0
    depth = 0  # brackets open: a newline inside them does not start a logical line
    indents = [0]
    line_start = True  # at the start of a logical line: its indentation is checked
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "newline":
            row += 1
            last_end = 0
            line_start = depth == 0
            continue
        if line_start:
            line_start = False
            if kind != "comment":
                column = _column(text, text.rfind("\n", 0, match.start()) + 1, match.start())
                if column > indents[-1]:
                    indents.append(column)
                elif column < indents[-1]:
                    if column not in indents:
                        break  # `tokenize` raises: an unindent to no outer level
                    while column < indents[-1]:
                        indents.pop()
        if kind == "continued":
            row += 1
            continue
        if kind == "open":
            break  # a string still open at the end of the text: `tokenize` stops there
        if last_end and row > last_end:
            spans.append((last_end, row))
        if kind == "string":
            end = row + match.group().count("\n")
            if end > row:
                spans.append((row, end))
            row = last_end = end
            continue
        last_end = row
        if kind == "opening":
            depth += 1
        elif kind == "closing":
            depth -= 1
    rows: dict[int, int] = {}
    for first, last in _merged(spans):
        for line in range(first, last):
            rows[line] = last
    return rows


def _column(text: str, start: int, end: int) -> int:
    """The indentation column of text[start:end] as `tokenize` counts it (tabs to 8)."""
    indentation = text[start:end]
    if "\t" not in indentation and "\f" not in indentation:
        return len(indentation)
    column = 0
    for char in indentation:
        if char == " ":
            column += 1
        elif char == "\t":
            column = (column // 8 + 1) * 8
        else:
            column = 0  # a form feed
    return column


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


# ------------------------------------------------------------------ comments as written


@dataclass(frozen=True)
class Directive:
    """A `# noqa` comment: where it is in the text, and the codes it names (none: blanket)."""

    row: int
    start: int  # offset of the comment's `#`
    end: int  # offset just after the last code (or after `noqa` for a blanket one)
    codes: tuple[str, ...]  # as written, in order


def directives(source: Source) -> list[Directive]:
    """Every `# noqa` in a real comment (not in a string), from the tokens of the text."""
    if not source.mentions_noqa:
        return []
    found: list[Directive] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source.text).readline):
            if token.type != tokenize.COMMENT or "noqa" not in token.string.lower():
                continue
            match = _LINE.search(token.string)
            if match is None:
                continue
            row, col = token.start
            base = source.line_starts[row - 1] + col
            codes = match.group("codes")
            found.append(
                Directive(
                    row,
                    base + match.start(),
                    base + match.end(),
                    tuple(c.upper() for c in _SPLIT.split(codes) if c) if codes else (),
                )
            )
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


_CODE = re.compile(r"[A-Z]+[0-9]+", re.I)


def code_at(source: Source, offset: int) -> str | None:
    """The code named by a `# noqa` comment at `offset` of the text, if one is there (what
    an editor's hover asks): only in a real comment, as `directives` finds them."""
    for directive in directives(source):
        if directive.start <= offset <= directive.end:
            for match in _CODE.finditer(source.text, directive.start, directive.end):
                if match.start() <= offset <= match.end():
                    return match.group().upper()
    return None


def with_codes(line: str, codes: Iterable[str], reason: str = "") -> str:
    """`line` with a `# noqa` naming `codes` too: merged into the line's noqa comment when it
    has one (codes sorted, as ruff writes them), else appended as `  # noqa: CODES REASON`."""
    match = _LINE.search(line) if "noqa" in line.lower() else None
    if match is not None and match.group("codes"):
        present = [c.upper() for c in _SPLIT.split(match.group("codes")) if c]
        merged = ", ".join(sorted(dict.fromkeys([*present, *codes])))
        rest = line[match.end() :]
        tail = f" {reason}" if reason and not rest.strip() else ""
        return f"{line[: match.start()]}# noqa: {merged}{rest}{tail}"
    stripped = line.rstrip()
    comment = f"# noqa: {', '.join(sorted(set(codes)))}" + (f" {reason}" if reason else "")
    return f"{stripped}  {comment}" if stripped else comment
