"""How a fix lays out a line it made too long: as ruff format (and black) would.

A fix rewrites text in place, so a one-line signature stays on one line: `x: T = Depends(f)`
becoming `x: Annotated[T, Depends(f)]` can push the line past the project's line length
(`Settings.line_length`), and the formatter would then lay the line out again. So every fix,
before it is offered (`Context`), goes through `laid_out`: a line that fitted before the fix and
no longer fits after it is written the way the formatter splits it:

- a `def` line splits at the parameters' parenthesis: the parameters on one indented line when
  they fit there (a single parameter with a trailing comma), else one a line with a trailing
  comma, and `)` (with the return annotation and `:`) on a line of its own at the `def`'s
  indentation;
- any other line splits at its last bracket pair: the contents on one indented line when they
  fit, else one item a line with a trailing comma; an item still too long splits the same way;
- `from m import a, b` is wrapped in parentheses with one name a line and a trailing comma, as
  isort does.

Only a line the fix edits within (no edit of it spans lines or writes a line break) is laid out,
and only when the line fitted before: a project whose lines are longer than its configured
length keeps its style. A line with a comment, a tab in its indentation, a compound statement
header other than `def`, or brackets that do not balance within it is left as the fix wrote it.
"""

from __future__ import annotations

import io
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from .diagnostics import Edit, Fix
from .import_placement import join_import_insertions
from .source import Source

_UNIT = "    "  # ruff's and black's default indent width
_OPEN = {"(": ")", "[": "]", "{": "}"}
_COMPOUND = (
    "if ",
    "elif ",
    "else",
    "for ",
    "async for ",
    "while ",
    "with ",
    "async with ",
    "try",
    "except",
    "finally",
    "class ",
    "match ",
    "case ",
    "@",
)


def laid_out(fix: Fix, source: Source, line_length: int) -> Fix:
    """`fix`, with each line it makes too long (and that was not before) laid out as the
    formatter would: its edits of that line replaced by one edit of the whole line."""
    starts = source.line_starts
    text = source.text
    by_row: dict[int, list[Edit]] = {}
    blocked: set[int] = set()
    for edit in fix.edits:
        row = bisect_right(starts, edit.start) - 1
        end_row = bisect_right(starts, max(edit.end - 1, edit.start)) - 1
        if end_row != row or "\n" in edit.content or "\r" in edit.content:
            blocked.update(range(row, end_row + 1))
            continue
        by_row.setdefault(row, []).append(edit)
    replaced: dict[int, Edit] = {}
    for row, edits in by_row.items():
        if row in blocked:
            continue
        row_start = starts[row]
        row_end = starts[row + 1] if row + 1 < len(starts) else len(text)
        line = text[row_start:row_end].rstrip("\r\n")
        enclosed = _enclosed(text, starts, row)
        if len(line) > line_length or any(e.end > row_start + len(line) for e in edits):
            continue
        new = _apply(line, row_start, edits)
        if len(new) <= line_length:
            continue
        layout = relayout(new, line_length, source.newline, enclosed=enclosed)
        if layout is not None:
            replaced[row] = Edit(row_start, row_start + len(line), layout)
    if not replaced:
        return fix
    kept: list[Edit] = []
    for edit in fix.edits:
        row = bisect_right(starts, edit.start) - 1
        if row in replaced:
            if replaced[row] not in kept:
                kept.append(replaced[row])
        else:
            kept.append(edit)
    return Fix(tuple(kept), fix.applicability, fix.message, fix.isolation, fix.retires)


def _enclosed(text: str, starts: list[int], row: int) -> bool:
    """Is the line `row` the one line of a bracket's contents: the line before ends with an
    opening bracket and the line after starts with a closing one (the shape the formatter
    gives a bracket's contents that fit on one line)?"""
    if row == 0 or row + 1 >= len(starts):
        return False
    before = text[starts[row - 1] : starts[row]].rstrip()
    after_end = starts[row + 2] if row + 2 < len(starts) else len(text)
    after = text[starts[row + 1] : after_end].lstrip()
    return before.endswith(("(", "[", "{")) and after.startswith((")", "]", "}"))


def _apply(line: str, offset: int, edits: list[Edit]) -> str:
    pieces = []
    cursor = 0
    # Names inserted at one place into an import go in isort's order, as the fixer joins them.
    for edit in join_import_insertions(sorted(edits, key=lambda e: (e.start, e.end))):
        start, end = edit.start - offset, edit.end - offset
        pieces.append(line[cursor:start])
        pieces.append(edit.content)
        cursor = max(cursor, end)
    pieces.append(line[cursor:])
    return "".join(pieces)


@dataclass(frozen=True)
class _Pair:
    open: int  # offset of the opening bracket in the line's code
    close: int  # offset of the closing bracket
    items: tuple[str, ...]  # the top-level comma-separated items between them, stripped
    trailing_comma: bool


def relayout(
    line: str, line_length: int, newline: str = "\n", *, enclosed: bool = False
) -> str | None:
    """`line` (one physical line, without its line break) split as the formatter splits it
    when it is too long, or None when this does not know how. `enclosed`: the line is the
    contents of a bracket whose other lines hold only the brackets; items of it separated by
    commas then go one a line, with a trailing comma."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    code = line[len(indent) :]
    if "\t" in indent or not code:
        return None
    is_def = code.startswith(("def ", "async def "))
    if not is_def and code.startswith(_COMPOUND):
        return None
    if code.startswith("from ") and " import " in code and "(" not in code:
        return _wrap_import(indent, code, line_length, newline)
    pairs, commas = _pairs(code)
    if enclosed and commas:
        items = _split(code, [-1, *commas, len(code)])
        if not items[-1] and len(items) > 2:
            return None  # a trailing comma: the formatter would have split it already
        if items[-1]:
            return newline.join(_item_lines(indent, items, line_length, newline))
        # A lone item with its trailing comma: split at its last bracket, below.
    if not pairs:
        return None
    pair = pairs[0] if is_def else pairs[-1]
    if is_def and code[pair.open] != "(":
        return None  # type parameters (`def f[T](...)`): not a shape handled here
    if not pair.items or pair.trailing_comma:
        return None  # nothing to split, or a magic trailing comma the formatter keeps anyway
    head = code[: pair.open + 1]
    tail = code[pair.close :]
    inner = indent + _UNIT
    if len(indent + head) > line_length or len(indent + tail) > line_length:
        return None
    flat = ", ".join(pair.items)
    if is_def and len(pair.items) == 1:
        flat += ","  # a lone parameter on its own line takes a trailing comma
    if len(inner + flat) <= line_length:
        body = [inner + flat]
    else:
        body = _item_lines(inner, list(pair.items), line_length, newline)
    return newline.join([indent + head, *body, indent + tail])


def _item_lines(indent: str, items: list[str], line_length: int, newline: str) -> list[str]:
    """One item a line with a trailing comma; an item still too long split in turn."""
    lines = []
    for item in items:
        item_line = indent + item + ","
        if len(item_line) > line_length:
            split = relayout(item_line, line_length, newline)
            if split is not None:
                item_line = split
        lines.append(item_line)
    return lines


def flattened(text: str) -> str | None:
    """`text`, an expression written over several lines, on one line as the formatter joins it
    when it fits (no space after an opening bracket or before a closing one), or None when
    the formatter would keep it split: a comment, a magic trailing comma, a string over
    several lines."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    previous = ""
    for token in tokens:
        if token.type == tokenize.COMMENT:
            return None
        if token.type == tokenize.STRING and token.start[0] != token.end[0]:
            return None
        if token.type == tokenize.OP and token.string in (")", "]", "}") and previous == ",":
            return None
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            previous = token.string
    lines = [line.strip() for line in text.splitlines()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        if not line:
            continue
        joiner = "" if out.endswith(("(", "[", "{")) or line.startswith((")", "]", "}")) else " "
        out += joiner + line
    return out


def fitted(indent: str, text: str, suffix: str, line_length: int, newline: str) -> str:
    """`text` (one line) placed at `indent` and followed by `suffix`, split as the formatter
    splits it when it does not fit; returned without the indent of its first line and without
    the suffix."""
    line = indent + text + suffix
    if len(line) <= line_length:
        return text
    split = relayout(line, line_length, newline)
    if split is None or not split.endswith(suffix):
        return text
    return split[len(indent) : len(split) - len(suffix)]


def _wrap_import(indent: str, code: str, line_length: int, newline: str) -> str | None:
    head, _, names = code.partition(" import ")
    items = [name.strip() for name in names.split(",")]
    if not all(items) or ";" in names or "\\" in names:
        return None
    inner = indent + _UNIT
    body = [f"{inner}{item}," for item in items]
    return newline.join([f"{indent}{head} import (", *body, f"{indent})"])


def _pairs(code: str) -> tuple[list[_Pair], list[int]]:
    """The top-level bracket pairs of `code`, in order, and the offsets of its commas outside
    any bracket (nothing when its tokens do not balance, hold a comment, or do not tokenize
    alone)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [], []
    top: list[int] = []
    stack: list[str] = []
    pairs: list[_Pair] = []
    open_at = 0
    commas: list[int] = []
    fstrings = 0
    for token in tokens:
        kind = tokenize.tok_name.get(token.type, "")
        if kind == "COMMENT":
            return [], []
        if kind == "FSTRING_START":
            fstrings += 1
        elif kind == "FSTRING_END":
            fstrings -= 1
        if fstrings or token.type != tokenize.OP:
            continue
        value, col = token.string, token.start[1]
        if value in _OPEN:
            if not stack:
                open_at = col
                commas = []
            stack.append(_OPEN[value])
        elif value in (")", "]", "}"):
            if not stack or stack.pop() != value:
                return [], []
            if not stack:
                pairs.append(_pair(code, open_at, col, commas))
        elif value == "," and len(stack) == 1:
            commas.append(col)
        elif value == "," and not stack:
            top.append(col)
    return (pairs, top) if not stack else ([], [])


def _split(code: str, bounds: list[int]) -> list[str]:
    return [code[a + 1 : b].strip() for a, b in pairwise(bounds)]


def _pair(code: str, open_at: int, close_at: int, commas: list[int]) -> _Pair:
    items = _split(code, [open_at, *commas, close_at])
    trailing = bool(commas) and not items[-1]
    if trailing:
        items = items[:-1]
    if items == [""]:
        items = []
    return _Pair(open_at, close_at, tuple(items), trailing)
