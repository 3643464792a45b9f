"""Helpers the structural Pydantic fixes (FAL301-FAL310) share: adding imports by merging them
into an existing `from X import ...`, finding a model's fields, indentation, and the v1 `regex`
anchoring rule.

Every fix here is a set of text edits computed from `ast` positions over the original text: none
needs a concrete syntax tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ...catalogues.pydantic_v1 import MOVED_IMPORTS
from ...context import Context
from ...diagnostics import Edit
from ...import_placement import merge_into

# Pattern syntax Python's `re` has and the Rust engine of Pydantic v2 rejects: lookaround,
# backreferences, possessive/atomic groups, conditionals.
_PYTHON_ONLY = re.compile(r"\(\?(?:[=!]|<[=!]|P=|\(|>)|\\[1-9]")
# A leading inline-flag group (`(?i)`) must stay first, so the pattern cannot be wrapped.
_LEADING_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
# A string prefix that is a plain or raw string (no bytes, no f-string).
_STRING_PREFIX = re.compile(r"^([rRuU]?)(['\"]{1,3})")


class Imports:
    """Names a fix needs, each reachable under a local name, and the edits that import them.

    A name already imported at module level is reused. Otherwise it is appended to the first
    top-level `from <module> import ...` (never one inside a `try`) (one edit per name, so that two fixes needing
    the same name produce the identical edit and the fixer applies it once), or imported on a
    line of its own after the module's imports when there is no such statement. A short name
    that means something else in the module is reached through its module (`pydantic.Field`).
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.edits: list[Edit] = []

    def name(self, module: str, name: str, *aliases: str) -> str:
        """The local name to write for `module.name` (also accepting `aliases`, other qualified
        names of the same object, as already imported)."""
        ctx = self.ctx
        names = ctx.semantic.module_import_names()
        for qualified in (f"{module}.{name}", *aliases):
            if qualified in names:
                return names[qualified]
        if name not in ctx.semantic.module_scope.bindings:
            statement = _from_import(ctx, module)
            if statement is not None:
                self.edits.append(_append_name(ctx, statement, name))
                return name
        local, edit = ctx.import_edit(module, name)
        if edit is not None:
            self.edits.append(edit)
        return local


def _from_import(ctx: Context, module: str) -> ast.ImportFrom | None:
    for statement in ctx.semantic.tree.body:
        if (
            isinstance(statement, ast.ImportFrom)
            and statement.level == 0
            and statement.module == module
            and statement.names[0].name != "*"
            # FAL306 rewrites a statement holding a moved name (`BaseSettings`): a name added
            # to it could end up imported from the package the other name moved to.
            and not any((module, a.name) in MOVED_IMPORTS for a in statement.names)
        ):
            return statement
    return None


def _append_name(ctx: Context, statement: ast.ImportFrom, name: str) -> Edit:
    """Insert `name` where isort would (`import_placement.merge_into`), else before the
    statement's first name: an insertion at the start of a name, or after the last one,
    touches no other fix's edit of the statement (removing or renaming a name starts at or
    after it)."""
    placed = merge_into(statement, ctx.source, name)
    if placed is not None:
        return placed
    first = statement.names[0]
    start = ctx.span(first)[0]
    if first.lineno != statement.lineno and starts_line(ctx, first):
        # A parenthesised import with one name per line: the new name gets its own line.
        return Edit(start, start, f"{name},{ctx.source.newline}{line_indent(ctx, first)}")
    return Edit(start, start, f"{name}, ")


def line_indent(ctx: Context, node: ast.stmt | ast.expr | ast.alias) -> str:
    """The whitespace before `node` on its first line (empty if code precedes it)."""
    start = ctx.span(node)[0]
    row_start = ctx.source.line_starts[node.lineno - 1]
    before = ctx.source.text[row_start:start]
    return before if not before.strip() else ""


def starts_line(ctx: Context, node: ast.stmt | ast.expr | ast.alias) -> bool:
    start = ctx.span(node)[0]
    row_start = ctx.source.line_starts[node.lineno - 1]
    return not ctx.source.text[row_start:start].strip()


def class_fields(node: ast.ClassDef) -> dict[str, ast.AnnAssign]:
    """The annotated fields declared in a class body (not inherited ones)."""
    fields: dict[str, ast.AnnAssign] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields[statement.target.id] = statement
    return fields


def names_in(node: ast.AST, name: str) -> Iterator[ast.Name]:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id == name:
            yield inner


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, not descending into nested functions, lambdas or
    classes (their `return` statements are their own)."""
    stack: list[ast.AST] = list(reversed(function.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def raises_type_error(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does the body raise `TypeError` explicitly? v1 turned it into a validation error; v2 lets
    it propagate, so such a validator does not convert exactly."""
    for node in own_nodes(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "TypeError":
                return True
    return False


def anchored_literal(ctx: Context, value: ast.expr) -> str | None:
    """The source text of a v1 `regex=` literal rewritten for v2's `pattern=`: unchanged when it
    is anchored at the start, wrapped as `^(?:...)` otherwise (v1 matched at the start, v2
    searches). None when that cannot be kept equivalent (not a plain literal, syntax v2's Rust
    engine rejects, leading inline flags)."""
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    pattern = value.value
    text = ctx.text(value)
    if _PYTHON_ONLY.search(pattern) or _LEADING_FLAGS.match(pattern):
        return None
    if pattern.startswith(("^", "\\A")) and "|" not in pattern:
        return text  # anchored as a whole (an alternation could reopen it: `^a|b`)
    prefix = _STRING_PREFIX.match(text)
    if prefix is None or not text.endswith(prefix.group(2)):
        return None  # implicit concatenation or an unusual literal: leave it to a person
    opening = prefix.end()
    closing = len(text) - len(prefix.group(2))
    return text[:opening] + "^(?:" + text[opening:closing] + ")" + text[closing:]


def is_true(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True


def is_false(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False
