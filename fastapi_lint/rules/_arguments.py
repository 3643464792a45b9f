"""Edits on a call's arguments, shared by the fixes that drop or rename one."""

from __future__ import annotations

import ast

from ..context import Context
from ..diagnostics import Edit


def remove_argument(call: ast.Call, argument: ast.expr | ast.keyword, ctx: Context) -> Edit:
    """Delete one argument with the comma that separates it from its neighbour: the one
    before it, or for the first argument the one after it (a trailing comma stays). An
    argument alone on its line(s), followed by its comma, goes with its whole line (and the
    comment at the end of that line, which is about it)."""
    text = ctx.source.text
    start, end = ctx.span(argument)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    after = text[end : len(text) if line_end == -1 else line_end].strip()
    alone = after == "," or (after.startswith(",") and after[1:].lstrip().startswith("#"))
    if not text[line_start:start].strip() and alone and line_end != -1:
        return Edit(line_start, line_end + 1, "")
    items = sorted([*call.args, *call.keywords], key=lambda n: ctx.span(n)[0])
    index = items.index(argument)
    if index > 0:
        start = ctx.span(items[index - 1])[1]
    elif index + 1 < len(items):
        end = ctx.span(items[index + 1])[0]
    return Edit(start, end, "")
