"""What the blocking-call rules (FAL101–FAL105) share: the rule itself, table by table, and the
route fix that hands a blocking route to FastAPI's threadpool. Matching a call against a table
is `semantic.blocking.blocking_call` (the module summary asks it too)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..catalogues.blocking import TABLES
from ..context import Context, FixLike
from ..diagnostics import Applicability, Edit, Fix
from ..rule import FixAvailability, Rule, callee_names
from ..semantic.blocking import blocking_call, blocking_types, imported_receiver
from ..semantic.records import AttributeOf, Condition, InstanceOf
from ..semantic.summary import project_type
from ..settings import Settings

_ASYNC_DEF = re.compile(r"async\s+def\b")


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


@dataclass
class _Pending:
    """Findings held until the end of the file, and receivers seen being awaited."""

    findings: list[tuple[ast.Call, tuple[int, str] | None, dict[str, Any]]] = field(
        default_factory=list
    )
    # Calls on an object imported from another module, of a type only the index knows:
    # (call, receiver key, the condition, the message's fields).
    deferred: list[tuple[ast.Call, tuple[int, str] | None, Condition, dict[str, Any]]] = field(
        default_factory=list
    )
    awaited_calls: set[int] = field(default_factory=set)
    async_receivers: set[tuple[int, str]] = field(default_factory=set)


def _receiver_key(call: ast.Call, ctx: Context) -> tuple[int, str] | None:
    """(function, root name) of a method call's receiver: `session.execute` → (f, "session")."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    root = func.value
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    function = ctx.function
    if not isinstance(root, ast.Name) or function is None:
        return None
    return id(function), root.id


def _foreign_attribute(receiver: ast.expr, ctx: Context) -> tuple[str, str] | None:
    """(class, attribute) for `service.client` where `service` is an instance of a class of
    another module of the project (`service = Service()`, `service: Service`) and this module
    cannot type the attribute: the index may (`ProjectIndex.attribute_type`)."""
    if not isinstance(receiver, ast.Attribute) or ctx.type_of(receiver) is not None:
        return None
    owner = ctx.type_of(receiver.value)
    if owner is None or not project_type(owner, ctx.semantic):
        return None
    return owner, receiver.attr


class BlockingCallRule(Rule):
    """Shared detection of FAL101–FAL105; each subclass names its table and message.

    An annotation can be wrong: prefect annotates `session: sa.orm.Session` and then writes
    `await session.execute(...)` — the object is an `AsyncSession`. A receiver whose method
    calls are awaited anywhere in the function is evidently async, so none of its calls in that
    function are reported; findings are therefore decided at the end of the file.
    """

    nodes = (ast.Call, ast.Await)
    requires = ("async",)  # `check` returns at once outside `async def`
    only_in_async = True
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    message = "Blocking {kind} {call} in async function `{function}`; use {replacement}"
    abstract: ClassVar[bool] = True
    # A receiver imported from another module (`from app.clients import http`) is typed by the
    # project index: the finding is deferred on `InstanceOf` and says the type it found.
    defers = True
    across_modules = True

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.table = TABLES[self.code]
        self.extra = settings.blocking_extensions(self.code)
        if self.extra:
            # An extended call can only appear in a file that imports its top-level module.
            # The gate reads the instance's triggers: this rule's own shadow the class's.
            self.triggers = (*type(self).triggers, *{n.split(".")[0] for n in self.extra})  # type: ignore[misc]
        # The method names that block on some receiver type: a call of any other method of an
        # imported object needs no question to the index.
        methods = self.table.methods.values()
        self.any_method = any(m.methods is None for m in methods)
        self.method_names = frozenset(
            {name for m in methods for name in m.methods or ()}
            | {name.rpartition(".")[2] for name in self.extra}
        )
        # Only a table with methods can block through an object another module made.
        self.across_modules = bool(self.table.methods or self.extra)  # type: ignore[misc]
        # The calls `check` can act on (`Rule.callees`): the table's functions, the methods
        # that block on some type and the user's extensions, by their last names; every
        # call when a type blocks in any of its methods (FAL105's clients).
        self.callees = (  # type: ignore[misc]
            None if self.any_method else callee_names(self.table.calls) | self.method_names
        )

    def check(self, node: ast.Call | ast.Await, ctx: Context) -> None:
        if not ctx.in_async_function:
            return
        pending = ctx.state(_Pending)
        if isinstance(node, ast.Await):
            # Seen before the call itself (the walk is pre-order).
            if isinstance(node.value, ast.Call):
                pending.awaited_calls.add(id(node.value))
                key = _receiver_key(node.value, ctx)
                if key is not None:
                    pending.async_receivers.add(key)
            return
        if id(node) in pending.awaited_calls:
            return  # an awaited call returns an awaitable: not a blocking sync call
        if self.code in ctx.untriggered:
            # None of the table's names occur in the file: only a receiver from elsewhere.
            self._imported(node, pending, ctx)
            return
        call = blocking_call(node, ctx, self.table, self.extra)
        if call is None:
            self._imported(node, pending, ctx)
            return
        function = ctx.function
        assert function is not None and isinstance(function.node, ast.AsyncFunctionDef)
        fields = {
            "kind": self.table.kind,
            "call": call,
            "function": function.node.name,
            "replacement": self.table.replacement,
            "fix": self.fix(node, ctx),
        }
        pending.findings.append((node, _receiver_key(node, ctx), fields))

    def _imported(self, node: ast.Call, pending: _Pending, ctx: Context) -> None:
        """`http.get()` on an object of another module: the index says whether its type is
        one on which the method blocks."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if not self.any_method and func.attr not in self.method_names:
            return
        types = blocking_types(self.table, func.attr, self.extra)
        if not types:
            return
        name = imported_receiver(node, ctx)
        condition: Condition
        if name is not None:
            condition = InstanceOf(name, types)
        else:
            found = _foreign_attribute(func.value, ctx)
            if found is None:
                return
            owner, attr = found
            name = f"{owner.rpartition('.')[2]}.{attr}"
            condition = AttributeOf(owner, attr, types)
        function = ctx.function
        assert function is not None and isinstance(function.node, ast.AsyncFunctionDef)
        fields = {
            "kind": self.table.kind,
            "call": f"`{''.join(ctx.text(node.func).split())}()` on `{name}`",
            "function": function.node.name,
            "replacement": self.table.replacement,
            "fix": self.fix(node, ctx),
        }
        pending.deferred.append((node, _receiver_key(node, ctx), condition, fields))

    def finish(self, ctx: Context) -> None:
        pending = ctx.state(_Pending)
        for node, key, fields in pending.findings:
            if key is None or key not in pending.async_receivers:
                ctx.report(node, **fields)
        for node, key, condition, fields in pending.deferred:
            if key is not None and key in pending.async_receivers:
                continue
            fix = fields.pop("fix")
            message = self.message.replace("{call}", "{call} ({type})")
            ctx.defer(
                node, (condition,), fix=fix() if callable(fix) else fix, message=message, **fields
            )

    def fix(self, node: ast.Call, ctx: Context) -> FixLike:
        return route_to_sync_fix(ctx)
