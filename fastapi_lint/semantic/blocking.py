"""Does a call block? Matched against a table of `catalogues/blocking.py`, through imports and
known receiver types. The blocking-call rules (FAL101–FAL105) report what this finds, and the
module summary records it for the transitive rule (FAL106): both ask the same question here.
"""

from __future__ import annotations

import ast
import re
import sys
from typing import TYPE_CHECKING

from ..catalogues.blocking import BlockingTable, Methods
from ..catalogues.third_party import OBJECT_TYPES
from ..catalogues.types import describe_type
from .values import imported_name

if TYPE_CHECKING:
    from ..context import Context


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
        if name.rpartition(".")[0] not in OBJECT_TYPES:
            return None
        # `db.session.query()`: a method of an imported object whose type the catalogue knows.
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
    # `mongo.db.users.find_one()`: a typed root whose table entry allows chains.
    root = ctx.semantic.root_type(receiver)
    if root is None:
        return None
    methods = table.methods.get(root)
    if methods is not None and methods.through_attributes and _method_blocks(methods, func.attr):
        return f"`{_compact(ctx.text(func))}()` on {describe_type(root)}"
    return None


def blocking_types(
    table: BlockingTable, method: str, extra: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The receiver types on which a call of `method` blocks, per the table (and the user's
    `Type.method` extensions), sorted. Asked for every method call of an object from another
    module, by the blocking-call rules and the module summary alike: answered once per table
    and method name."""
    key = (id(table), method, extra)
    known = _RECEIVERS.get(key)
    if known is not None and known[0] is table:  # the id of this very table
        return known[1]
    found = {t for t, methods in table.methods.items() if _method_blocks(methods, method)}
    found.update(name.rpartition(".")[0] for name in extra if name.endswith(f".{method}"))
    types = tuple(sorted(found))
    if len(_RECEIVERS) >= 65536:  # a bound on memory in long-lived processes
        _RECEIVERS.clear()
    _RECEIVERS[key] = (table, types)
    return types


# `blocking_types`'s answers, each with its table (which also keeps the id from being reused).
_RECEIVERS: dict[tuple[int, str, frozenset[str]], tuple[BlockingTable, tuple[str, ...]]] = {}


_STDLIB = frozenset(sys.stdlib_module_names) | {"builtins"}


def imported_receiver(call: ast.Call, ctx: Context) -> str | None:
    """The qualified name of a method call's receiver when it is an object imported from
    another module whose type this module cannot know (`http.get()` after `from
    app.clients import http`, `clients.http.get()` after `from app import clients`): the
    project index may (`ProjectIndex.instance_type`). None for anything else: a local name,
    a receiver of known type, the standard library."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    name = imported_name(receiver, ctx)
    if name is None or name.split(".", 1)[0] in _STDLIB:
        return None
    if ctx.type_of(receiver) is not None:
        return None  # known here: `blocking_call` answered
    return name


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)
