"""What the blocking-call rules (FAL101–FAL105) share: matching a call against a table, and the
route fix that hands a blocking route to FastAPI's threadpool."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from ..catalogues.blocking import TABLES, BlockingTable, Methods
from ..catalogues.types import describe_type
from ..context import Context, FixLike
from ..diagnostics import Applicability, Edit, Fix
from ..rule import Rule
from ..settings import Settings

_ASYNC_DEF = re.compile(r"async\s+def\b")


def _method_blocks(methods: Methods, name: str) -> bool:
    if methods.methods is None:
        return not name.startswith("_") and name not in methods.harmless
    return name in methods.methods


def blocking_call(
    call: ast.Call, ctx: Context, table: BlockingTable, extra: frozenset[str] = frozenset()
) -> str | None:
    """How to name `call` in a message if the table says it blocks, else None."""
    func = call.func
    name = ctx.qualified_name(func)
    if name is not None:
        if name in table.calls or name in extra:
            return f"`{name.removeprefix('builtins.')}()`"
        return None
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Call) and blocking_call(receiver, ctx, table, extra):
        return None  # `open(p).read()`: the `open()` is reported already
    known = ctx.type_of(receiver)
    if known is not None:
        methods = table.methods.get(known)
        if (methods is not None and _method_blocks(methods, func.attr)) or (
            f"{known}.{func.attr}" in extra
        ):
            return f"`{_compact(ctx.text(func))}()` on {describe_type(known)}"
        return None
    # `mongo.db.users.find_one()`: look for a typed root whose table entry allows chains.
    inner = receiver
    while isinstance(inner, (ast.Attribute, ast.Subscript)):
        inner = inner.value
        root = ctx.type_of(inner)
        if root is None:
            continue
        methods = table.methods.get(root)
        if methods is not None and methods.through_attributes and _method_blocks(methods, func.attr):
            return f"`{_compact(ctx.text(func))}()` on {describe_type(root)}"
        return None
    return None


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def route_to_sync_fix(ctx: Context) -> FixLike:
    """Unsafe fix: `async def` → `def` for a route that never awaits (FastAPI then runs it in
    its threadpool, the seeds' own remedy). Decided after the walk, when the body is known."""
    scope = ctx.function
    if scope is None or scope.route is None or not scope.is_async:
        return None
    node = scope.node
    assert isinstance(node, ast.AsyncFunctionDef)

    def make() -> Fix | None:
        if scope.has_await:
            return None
        start, end = ctx.span(node)
        body = ctx.source.text[start:end]
        # Code that needs a running event loop would break in a worker thread.
        if "asyncio" in body or "anyio" in body:
            return None
        match = _ASYNC_DEF.match(ctx.source.text, start)
        if match is None:
            return None
        return Fix(
            (Edit(start, match.end(), "def"),),
            Applicability.UNSAFE,
            f"Make `{node.name}` a sync `def` route; FastAPI runs it in a threadpool",
            isolation=(start, end),
        )

    return make


class BlockingCallRule(Rule):
    """Shared detection of FAL101–FAL105; each subclass names its table and message."""

    nodes = (ast.Call,)
    requires = ("async",)  # `check` returns at once outside `async def`
    only_in_async = True
    fix_safety = "unsafe"
    message = "Blocking {kind} {call} in async function `{function}`; use {replacement}"
    abstract: ClassVar[bool] = True

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.table = TABLES[self.code]
        self.extra = settings.blocking_extensions(self.code)
        if self.extra:
            # An extended call can only appear in a file that imports its top-level module.
            self.triggers = (*type(self).triggers, *{n.split(".")[0] for n in self.extra})

    def check(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async_function:
            return
        call = blocking_call(node, ctx, self.table, self.extra)
        if call is None:
            return
        function = ctx.function
        assert function is not None and isinstance(function.node, ast.AsyncFunctionDef)
        ctx.report(
            node,
            kind=self.table.kind,
            call=call,
            function=function.node.name,
            replacement=self.table.replacement,
            fix=self.fix(node, ctx),
        )

    def fix(self, node: ast.Call, ctx: Context) -> FixLike:
        return route_to_sync_fix(ctx)
