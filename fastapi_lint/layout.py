"""How a fix lays out what it writes: as ruff format (and black) would.

A fix rewrites text in place, so a one-line signature stays on one line: `x: T = Depends(f)`
becoming `x: Annotated[T, Depends(f)]` can push the line past the project's line length
(`Settings.line_length`), and the formatter would then lay the line out again; a fix that
shortens a call split over lines leaves it split where the formatter would join it. So every
fix, before it is offered (`Context`), goes through `laid_out`:

- a statement or decorator split over lines that the fix shortens so that it fits one line is
  joined (`_joined`), unless a comment, a magic trailing comma, a string over several lines, an
  implicit concatenation, a backslash or a parenthesized expression keeps the formatter from
  joining it, or the old text fitted one line too (split by hand: the project's style);
- a line that fitted before the fix and no longer fits after it is split the way the formatter
  splits it (`relayout`): a `def` at its parameters' parenthesis (on one indented line when
  they fit there, a single parameter with a trailing comma, else one a line with a trailing
  comma); an assignment's value, a returned value or an `if`/`elif`/`while` condition that the
  formatter would not split at its own brackets in parentheses of its own (split before its
  loosest operators when it does not fit inside them); anything else at its last bracket with
  something in it (the contents on one indented line when they fit, else one item a line with
  a trailing comma; a list, dict, set or tuple always one item a line; a lone item split in
  turn); a trailing comment after the last line; `from m import a, b` one name a line, as
  isort wraps it.

The lines split are those the fix edits, one edit spanning several of them included (a
`constr(\n...\n)` rewritten on one line), and only when they fitted before: a project whose
lines are longer than its configured length keeps its style. A line with a pragma comment
(`# noqa`, `# type:`, which the formatter does not count), a tab in its indentation, a compound
statement header other than `def`, `if`, `elif`, `while` and a `with` of one item, or brackets
that do not balance within it is left as the fix wrote it; so is anything an edit writes line
breaks into (its rule laid it out: `nested_item`, `argument_after`).
"""

from __future__ import annotations

import ast
import io
import keyword
import re
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
)


def laid_out(fix: Fix, source: Source, line_length: int, tree: ast.Module | None = None) -> Fix:
    """`fix`, laid out as the formatter would lay out what it writes: a construct split over
    lines that the fix shortened so that it fits one line is joined (`_joined`), and each line
    it makes too long (and that was not before) is split. The edits of such a line or
    construct are replaced by one edit of the whole of it."""
    starts = source.line_starts
    text = source.text
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    replaced: dict[
        Edit, Edit
    ] = {}  # an edit of the fix → the edit of its line(s) that stands for it
    joined = _joined(edits, source, line_length, tree) if tree is not None else []
    for group, edit in joined:
        for member in group:
            replaced[member] = edit
    for first, last, group in _row_groups([e for e in edits if e not in replaced], starts):
        row_start = starts[first]
        row_end = _row_end(text, starts, last)
        line = text[row_start:row_end]
        if any(e.end > row_end for e in group):
            continue  # a whole line deleted: nothing grows
        if any(
            _width(text[starts[r] : _row_end(text, starts, r)]) > line_length
            for r in range(first, last + 1)
        ):
            continue
        new = _apply(line, row_start, group)
        if "\n" in new or "\r" in new or _width(new) <= line_length:
            continue
        layout = relayout(
            new,
            line_length,
            source.newline,
            enclosed=_enclosed(text, starts, first, last),
            statement=not _inside_brackets(text, starts, first),
        )
        if layout is not None:
            edit = Edit(row_start, row_end, layout)
            for member in group:
                replaced[member] = edit
    if not replaced:
        return fix
    kept: list[Edit] = []
    for edit in fix.edits:
        new_edit = replaced.get(edit, edit)
        if new_edit not in kept:
            kept.append(new_edit)
    return Fix(tuple(kept), fix.applicability, fix.message, fix.isolation, fix.retires)


def _joined(
    edits: list[Edit], source: Source, line_length: int, tree: ast.Module
) -> list[tuple[list[Edit], Edit]]:
    """The statements split over several lines that the edits shorten so that they fit one
    line, joined as the formatter joins them: (the edits in the statement, the one edit that
    writes it on one line). A statement or decorator is joined when, once edited, it holds no
    comment, no magic trailing comma, no string over several lines and no implicit
    concatenation, no backslash and no parenthesized expression (the formatter may drop those
    parentheses), and fits the line length; and only when its old text did not fit one line
    either (or was kept split by a magic trailing comma or a comment the fix removed): a
    statement the project split by hand although it fitted keeps its style."""
    text = source.text
    starts = source.line_starts
    if not any(_maybe_split(text, starts, edit) for edit in edits):
        return []
    units: dict[tuple[int, int], None] = {}
    for edit in edits:
        unit = _statement_at(tree.body, bisect_right(starts, edit.start))
        if unit is not None:
            units[unit] = None
    out: list[tuple[list[Edit], Edit]] = []
    for first, last in units:
        unit_start = starts[first]
        unit_end = _row_end(text, starts, last)
        members = [e for e in edits if unit_start <= e.start and e.end <= unit_end]
        if not members or any(
            e not in members and e.start <= unit_end and e.end >= unit_start for e in edits
        ):
            continue  # an edit reaching out of the statement: not laid out here
        if any("\n" in e.content or "\r" in e.content for e in members):
            continue  # lines the fix writes are laid out by the fix
        new = _apply(text[unit_start:unit_end], unit_start, members)
        if "\n" not in new:
            continue
        indent = len(new) - len(new.lstrip(" "))
        if indent + sum(len(part.strip()) for part in new.splitlines()) > line_length:
            continue  # too long even with its lines put end to end: no need to tokenize it
        flat = _joinable(new)
        if flat is None or _width(flat) > line_length:
            continue
        old_flat = _joinable(text[unit_start:unit_end])
        if old_flat is not None and _width(old_flat) <= line_length:
            continue  # split by hand although it fitted: the project's style
        out.append((members, Edit(unit_start, unit_end, flat)))
    return out


def _maybe_split(text: str, starts: list[int], edit: Edit) -> bool:
    """Could `edit` be inside a statement split over lines? A cheap look at its line and the
    one before, so that the tree is searched only for fixes that may need it."""
    row = bisect_right(starts, edit.start) - 1
    end_row = bisect_right(starts, max(edit.end - 1, edit.start)) - 1
    if end_row != row:
        return True
    line = text[starts[row] : _row_end(text, starts, row)].strip()
    before = text[starts[row - 1] : starts[row]].rstrip() if row else ""
    return (
        line.startswith((")", "]", "}"))
        or line.endswith(_SPLIT_ENDS)
        or before.endswith(_SPLIT_ENDS)
    )


_SPLIT_ENDS = ("(", "[", "{", ",")


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


def _statement_at(body: list[ast.stmt], line: int) -> tuple[int, int] | None:
    """(first row, last row), 0-based, of the simple statement or decorator over several
    lines that holds the 1-based `line`, found down the tree; None when the line is on one
    line, in a compound statement's header, or between statements."""
    while body:
        index = bisect_right(body, line, key=_first_line) - 1
        if index < 0:
            return None
        node = body[index]
        end = node.end_lineno or node.lineno
        if line > end:
            return None
        for decorator in getattr(node, "decorator_list", ()):
            if decorator.lineno <= line <= (decorator.end_lineno or decorator.lineno):
                last = decorator.end_lineno or decorator.lineno
                return (decorator.lineno - 1, last - 1) if last > decorator.lineno else None
        blocks = [
            block
            for name in ("body", "orelse", "finalbody", "handlers", "cases")
            for block in [getattr(node, name, None)]
            if isinstance(block, list) and block
        ]
        if not blocks:
            return (node.lineno - 1, end - 1) if end > node.lineno else None
        # A compound statement: the line is in one of its blocks, or in a header.
        found: list[ast.stmt] = []
        for block in blocks:
            for part in block:
                if isinstance(part, (ast.ExceptHandler, ast.match_case)):
                    inner = part.body
                    if _first_line(inner[0]) <= line <= (inner[-1].end_lineno or 0):
                        found = inner
            first, last = block[0], block[-1]
            if isinstance(first, ast.stmt) and _first_line(first) <= line <= (last.end_lineno or 0):
                found = block
        body = found
    return None


def _joinable(text: str) -> str | None:
    """`text`, whole lines of one statement, on one line (with its indentation) as the
    formatter would join it, or None when the formatter would not (see `_joined`)."""
    if "\\\n" in text or "\\\r" in text:
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text.lstrip(" \t")).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        kind = tokenize.tok_name.get(token.type, "")
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.COMMENT:
            return None
        if kind in ("STRING", "FSTRING_START"):
            if token.start[0] != token.end[0]:
                return None
            if previous is not None and tokenize.tok_name.get(previous.type) in (
                "STRING",
                "FSTRING_END",
            ):
                return None  # implicit concatenation: the formatter may merge the strings
        if token.type == tokenize.OP and token.string == "(" and _is_atom(previous):
            return None
        if token.string == "." and previous is not None and previous.end[0] != token.start[0]:
            return None  # a method chain split before its dots
        previous = token
    flat = flattened(text)
    if flat is None:
        return None
    return text[: len(text) - len(text.lstrip(" \t"))] + flat


def _is_atom(previous: tokenize.TokenInfo | None) -> bool:
    """Does a `(` after `previous` open a parenthesized expression (not a call)?"""
    if previous is None:
        return True
    if previous.type == tokenize.NAME:
        return keyword.iskeyword(previous.string)
    return not (previous.type == tokenize.OP and previous.string in (")", "]", "}")) and (
        tokenize.tok_name.get(previous.type) not in ("STRING", "FSTRING_END")
    )


_PRAGMA = re.compile(r"#\s*(?:noqa|nosec|(?:type|pyright|pylint|isort|flake8|ruff):)", re.I)


def _width(line: str) -> int:
    """The width of `line` as the formatter measures it: a trailing pragma comment (`# noqa`,
    `# type: ignore`, ...) does not count."""
    if "#" not in line:
        return len(line)
    code, comment = _trailing_comment(line)
    if comment and _PRAGMA.match(comment):
        return len(code.rstrip())
    return len(line)


def _trailing_comment(line: str) -> tuple[str, str]:
    """(`line` without its trailing comment, the comment); the comment is empty when there is
    none or the line does not tokenize alone."""
    if "#" not in line:
        return line, ""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.lstrip(" \t") + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return line, ""
    offset = len(line) - len(line.lstrip(" \t"))
    for token in tokens:
        if token.type == tokenize.COMMENT and token.start[0] == 1:
            col = offset + token.start[1]
            return line[:col].rstrip(), line[col:]
    return line, ""


def _row_end(text: str, starts: list[int], row: int) -> int:
    """The offset of the end of line `row`, before its line break."""
    end = starts[row + 1] if row + 1 < len(starts) else len(text)
    while end > starts[row] and text[end - 1] in "\r\n":
        end -= 1
    return end


def _row_groups(edits: list[Edit], starts: list[int]) -> list[tuple[int, int, list[Edit]]]:
    """The edits (sorted) grouped by the lines they touch: (first row, last row, edits), the
    rows of a group's edits overlapping. A group with an edit that writes a line break is left
    out: what it writes is laid out by whoever wrote it."""
    groups: list[tuple[int, int, list[Edit]]] = []
    blocked: set[int] = set()
    for edit in edits:
        row = bisect_right(starts, edit.start) - 1
        end_row = bisect_right(starts, max(edit.end - 1, edit.start)) - 1
        if "\n" in edit.content or "\r" in edit.content:
            blocked.update(range(row, end_row + 1))
        if groups and row <= groups[-1][1]:
            first, last, members = groups[-1]
            groups[-1] = (first, max(last, end_row), [*members, edit])
        else:
            groups.append((row, end_row, [edit]))
    return [g for g in groups if not blocked.intersection(range(g[0], g[1] + 1))]


def _inside_brackets(text: str, starts: list[int], row: int) -> bool:
    """Does the line before `row` leave a bracket open (end with one, or with a comma)? Then
    the line is an item inside brackets, not a statement."""
    before = text[starts[row - 1] : starts[row]].rstrip() if row else ""
    return before.endswith(_SPLIT_ENDS)


def _enclosed(text: str, starts: list[int], first: int, last: int) -> bool:
    """Are the lines `first`..`last` the contents of a bracket: the line before ends with an
    opening bracket and the line after starts with a closing one (the shape the formatter
    gives a bracket's contents that fit on one line)?"""
    if first == 0 or last + 1 >= len(starts):
        return False
    before = text[starts[first - 1] : starts[first]].rstrip()
    after_end = starts[last + 2] if last + 2 < len(starts) else len(text)
    after = text[starts[last + 1] : after_end].lstrip()
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
    """A bracket pair of a line and the items between its brackets."""

    open: int  # offset of the opening bracket in the line's code
    close: int  # offset of the closing bracket
    items: tuple[str, ...]  # the top-level comma-separated items between them, stripped
    trailing_comma: bool


def relayout(
    line: str,
    line_length: int,
    newline: str = "\n",
    *,
    enclosed: bool = False,
    statement: bool = True,
) -> str | None:
    """`line` (one physical line, without its line break) split as the formatter splits it
    when it is too long, or None when this does not know how. `enclosed`: the line is the
    contents of a bracket whose other lines hold only the brackets; items of it separated by
    commas then go one a line, with a trailing comma. A trailing comment goes at the end of
    the last line, as the formatter puts it (a pragma comment, which the formatter does not
    count, is left alone). `statement`: the line may be a statement of its own, not an item
    inside brackets (a parameter `x: T = v`, whose default the formatter never puts in
    parentheses)."""
    code, comment = _trailing_comment(line)
    statement = statement and not enclosed
    if comment:
        if _PRAGMA.match(comment):
            return None
        laid = _relayout(code, line_length, newline, enclosed, statement)
        return None if laid is None else f"{laid}  {comment}"
    return _relayout(line, line_length, newline, enclosed, statement)


def _relayout(
    line: str, line_length: int, newline: str, enclosed: bool, statement: bool
) -> str | None:
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    code = line[len(indent) :]
    if "\t" in indent or not code or ("#" in code and _trailing_comment(code)[1]):
        return None
    is_def = code.startswith(("def ", "async def "))
    header = code.startswith(("if ", "elif ", "while ")) and code.endswith(":")
    is_with = code.startswith(("with ", "async with ")) and code.endswith(":")
    if not (is_def or header or is_with) and code.startswith(_COMPOUND):
        return None
    if code.startswith("from ") and " import " in code and "(" not in code:
        return _wrap_import(indent, code, line_length, newline)
    pairs, commas = _pairs(code)
    if is_with and commas:
        return None  # several context managers: not a shape handled here
    if enclosed and commas:
        items = _split(code, [-1, *commas, len(code)])
        if not items[-1] and len(items) > 2:
            return None  # a trailing comma: the formatter would have split it already
        if items[-1]:
            return newline.join(_item_lines(indent, items, line_length, newline))
        # A lone item with its trailing comma: split at its last bracket, below.
    elif enclosed and _operators(code):
        return _operator_split(indent, code, line_length, newline)
    # An expression the formatter may put in parentheses of its own: an `if` condition, an
    # assignment's value, a returned value.
    value_at = _value_start(code, header) if statement and not code.endswith(",") else None
    if value_at is not None:
        end = len(code) - 1 if header else len(code)
        value = code[value_at:end]
        inside = [p for p in pairs if p.open >= value_at]
        if not _can_omit_parentheses(value, [p for p in inside if p.close < end], value_at):
            return _parenthesized(indent, code, value_at, end, line_length, newline)
    if not pairs:
        return None
    if is_def:
        pair = pairs[0]
        if code[pair.open] != "(":
            return None  # type parameters (`def f[T](...)`): not a shape handled here
    else:
        # The last bracket with something in it whose line before it fits (an empty `()` at
        # the end stays with the closing bracket before it), as the formatter chooses it.
        candidates = [
            p
            for p in reversed(pairs)
            if p.items
            and len(indent + code[: p.open + 1]) <= line_length
            and len(indent + code[p.close :]) <= line_length
        ]
        if not candidates:
            return None
        pair = candidates[0]
    if not pair.items or pair.trailing_comma:
        return None  # nothing to split, or a magic trailing comma the formatter keeps anyway
    head = code[: pair.open + 1]
    tail = code[pair.close :]
    inner = indent + _UNIT
    if len(indent + head) > line_length or len(indent + tail) > line_length:
        return None
    collection = _is_collection(code, pair.open)
    flat = ", ".join(pair.items)
    if is_def and len(pair.items) == 1:
        flat += ","  # a lone parameter on its own line takes a trailing comma
    if collection and len(pair.items) > 1:
        # A list, dict, set or tuple that does not fit goes one item a line.
        body = _item_lines(inner, list(pair.items), line_length, newline)
    elif len(inner + flat) <= line_length:
        body = [inner + flat]
    elif len(pair.items) == 1 and not is_def:
        # A lone item splits in turn, without a trailing comma: before its loosest operators
        # when it has some, else at its own brackets.
        split = _operator_split(inner, flat, line_length, newline)
        body = [
            split or relayout(inner + flat, line_length, newline, statement=False) or inner + flat
        ]
    else:
        body = _item_lines(inner, list(pair.items), line_length, newline)
    return newline.join([indent + head, *body, indent + tail])


def _is_collection(code: str, open_at: int) -> bool:
    """Does the bracket at `open_at` open a list, dict, set or tuple display (not a call or a
    subscript)?"""
    before = code[:open_at].rstrip()
    if not before:
        return True
    if before[-1] in ")]}\"'":
        return False
    word = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", before)
    return word is None or keyword.iskeyword(word.group())


def _value_start(code: str, header: bool) -> int | None:
    """Where the expression the formatter may parenthesize starts in `code`: the condition of
    an `if`, `elif` or `while` header, the value of an assignment, a returned value."""
    if header:
        return code.index(" ") + 1
    if code.startswith("return "):
        return len("return ")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    depth = 0
    for token in tokens:
        if token.type != tokenize.OP:
            continue
        if token.string in _OPEN:
            depth += 1
        elif token.string in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.string in ("=", "+=", "-=", "*=", "/=", "|=", "&=", "//="):
            at = token.end[1]
            return at + 1 if code[at : at + 1] == " " else at
        elif depth == 0 and token.string in (":=", "lambda"):
            return None
    return None


# Binary operators from the loosest binding, as the formatter splits an expression at the
# loosest operators it holds: the conditional expression, `or`, `and`, comparisons, ...
_PRECEDENCE = (
    ("if", "else"),
    ("or",),
    ("and",),
    ("<", ">", "==", ">=", "<=", "!=", "in", "not in", "is", "is not"),
    ("|",),
    ("^",),
    ("&",),
    ("<<", ">>"),
    ("+", "-"),
    ("*", "/", "//", "%", "@"),
)


def _operators(code: str) -> list[tuple[int, int, int]]:
    """The binary operators outside any bracket of the expression `code`: (precedence, start
    column, end column), the precedence an index of `_PRECEDENCE`. Nothing for an expression
    with a `lambda`, a walrus or unary `not` at the top, or that does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    out: list[tuple[int, int, int]] = []
    depth = 0
    previous: tokenize.TokenInfo | None = None
    fstrings = 0
    for index, token in enumerate(tokens):
        kind = tokenize.tok_name.get(token.type, "")
        if kind == "FSTRING_START":
            fstrings += 1
        elif kind == "FSTRING_END":
            fstrings -= 1
        if fstrings:
            previous = token
            continue
        value = token.string
        if token.type == tokenize.OP and value in _OPEN:
            depth += 1
        elif token.type == tokenize.OP and value in (")", "]", "}"):
            depth -= 1
        elif depth == 0:
            operand_before = previous is not None and (
                previous.type in (tokenize.NUMBER, tokenize.STRING)
                or tokenize.tok_name.get(previous.type) == "FSTRING_END"
                or (previous.type == tokenize.NAME and not keyword.iskeyword(previous.string))
                or previous.string in (")", "]", "}", "None", "True", "False")
            )
            after = tokens[index + 1].string if index + 1 < len(tokens) else ""
            words = (previous.string if previous else "", value, after)
            if words[1:] in (("not", "in"), ("is", "not")):  # one operator of two words
                out.append((3, token.start[1], tokens[index + 1].end[1]))
            elif words[:2] in (("not", "in"), ("is", "not")):
                pass  # the second word of one
            elif value in ("lambda", ":=", "not"):
                return []  # a lambda, a walrus, a unary `not`: not shapes handled here
            elif token.type in (tokenize.OP, tokenize.NAME) and operand_before:
                for level, names in enumerate(_PRECEDENCE):
                    if value in names:
                        out.append((level, token.start[1], token.end[1]))
                        break
        previous = token
    return out


def _can_omit_parentheses(value: str, pairs: list[_Pair], offset: int) -> bool:
    """Would the formatter split `value` at its own brackets rather than put it in
    parentheses? Yes when it has a bracket with something in it and at most one operator of
    its loosest kind, and either no operator or a bracket at its start or its end."""
    if not any(p.items for p in pairs):
        return False
    operators = _operators(value)
    if not operators:
        return True
    loosest = min(level for level, _, _ in operators)
    if sum(1 for level, _, _ in operators if level == loosest) > 1:
        return False
    starts = [p for p in pairs if p.open == offset and p.items]
    ends = [p for p in pairs if p.close == offset + len(value) - 1 and p.items]
    return bool(starts or ends)


def _parenthesized(
    indent: str, code: str, start: int, end: int, line_length: int, newline: str
) -> str | None:
    """`code` with `code[start:end]` put in parentheses of its own over several lines, as the
    formatter does with a value or condition that does not fit and cannot split at brackets
    of its own: on one line inside when it fits there, else split before its loosest
    operators."""
    value = code[start:end]
    head = indent + code[:start] + "("
    tail = indent + ")" + code[end:]
    inner = indent + _UNIT
    if len(head) > line_length or len(tail) > line_length:
        return None
    if len(inner + value) <= line_length:
        body = inner + value
    else:
        split = _operator_split(inner, value, line_length, newline)
        if split is None:
            return None
        body = split
    return newline.join([head, body, tail])


def _operator_split(indent: str, code: str, line_length: int, newline: str) -> str | None:
    """`code`, an expression inside brackets, one operand a line split before each of its
    loosest operators, or None when it has none or a part still does not fit."""
    operators = _operators(code)
    if not operators:
        return None
    loosest = min(level for level, _, _ in operators)
    cuts = [start for level, start, _ in operators if level == loosest]
    parts = [code[a:b].strip() for a, b in pairwise([0, *cuts, len(code)])]
    lines = [indent + part for part in parts]
    if any(not part for part in parts) or any(len(line) > line_length for line in lines):
        return None
    return newline.join(lines)


def _item_lines(indent: str, items: list[str], line_length: int, newline: str) -> list[str]:
    """One item a line with a trailing comma; an item still too long split in turn."""
    lines = []
    for item in items:
        item_line = indent + item + ","
        if len(item_line) > line_length:
            split = relayout(item_line, line_length, newline, statement=False)
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
    split = relayout(line, line_length, newline, statement=False)
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


def nested_item(source: Source, start: int, head: str, key: str, value: ast.expr) -> str | None:
    """`head{key value}` for a keyword argument starting its line at `start` whose value spans
    several lines (`example={...}` becoming `json_schema_extra={"example": {...}}`), written as
    the formatter writes it: the dict split over lines, its one item on a line of its own at
    one indent more, the value's other lines moved with it. None when the value is on one
    line, the keyword does not start its line, or the value holds a string over several lines
    (moving its lines would change the string)."""
    text = source.text
    starts = source.line_starts
    row = bisect_right(starts, start) - 1
    indent = text[starts[row] : start]
    value_start, value_end = source.span(value)
    value_text = text[value_start:value_end]
    if indent.strip(" ") or "\n" not in value_text:
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(value_text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if any(t.type == tokenize.STRING and t.start[0] != t.end[0] for t in tokens):
        return None
    value_row = bisect_right(starts, value_start) - 1
    line = text[starts[value_row] : value_start]
    shift = len(indent) + len(_UNIT) - (len(line) - len(line.lstrip(" ")))
    lines = value_text.splitlines()
    moved = [lines[0]]
    for other in lines[1:]:
        if shift < 0 and other[:-shift].strip(" "):
            return None
        moved.append(" " * shift + other if shift >= 0 else other[-shift:])
    newline = source.newline
    body = newline.join(moved)
    return f"{head}{{{newline}{indent}{_UNIT}{key}{body}{newline}{indent}}}"


def argument_after(source: Source, end: int, start: int, argument: str) -> Edit:
    """The edit that adds `argument` after the last call argument, spanning `start`..`end`.
    As the formatter lays it out: after `, ` on the same line, except when the arguments are
    already one a line (that argument starts its own line and spans several, or has a magic
    trailing comma): then on a line of its own, with a trailing comma."""
    text = source.text
    starts = source.line_starts
    row = bisect_right(starts, start) - 1
    indent = text[starts[row] : start]
    comma = text[end : end + 1] == ","
    if indent.strip(" ") or "\t" in indent or not ("\n" in text[start:end] or comma):
        return Edit(end, end, f", {argument}")
    return Edit(end, end, f",{source.newline}{indent}{argument}{'' if comma else ','}")
