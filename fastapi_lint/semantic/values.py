"""Reading the values a rule's arguments may hold, without guessing.

A keyword such as `allow_origins=ORIGINS` is followed through plain assignments (`ORIGINS =
["*"]`) to the expression assigned; the branches of a conditional expression and both sides of
a `+` are all possible values. A parameter, an attribute (`settings.origins`), a call or a name
bound by a loop is unknown: rules treat an unknown value as "no finding".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .model import BindingKind

if TYPE_CHECKING:
    from ..context import Context

_MAX_DEPTH = 8  # how many assignments to follow (`A = B`, `B = [...]`) before giving up

# Classes whose subclasses are Pydantic models (RULES.md, "Models").
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic_settings.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)


def resolve(expr: ast.AST, ctx: Context, depth: int = 0) -> ast.AST:
    """Follow a name to the expression it was assigned from, when that is known."""
    while isinstance(expr, ast.Name) and depth < _MAX_DEPTH:
        binding = ctx.semantic.lookup(expr.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            return expr
        expr = binding.value
        depth += 1
    return expr


def possible_values(expr: ast.AST, ctx: Context, depth: int = 0) -> Iterator[ast.AST]:
    """Every expression `expr` may evaluate to: names resolved, conditional branches split."""
    if depth > _MAX_DEPTH:
        return
    expr = resolve(expr, ctx)
    if isinstance(expr, ast.IfExp):
        yield from possible_values(expr.body, ctx, depth + 1)
        yield from possible_values(expr.orelse, ctx, depth + 1)
    elif isinstance(expr, ast.BoolOp):
        # `ORIGINS or ["*"]`: any operand may be the value.
        for operand in expr.values:
            yield from possible_values(operand, ctx, depth + 1)
    else:
        yield expr


def possible_elements(expr: ast.AST, ctx: Context, depth: int = 0) -> Iterator[ast.AST]:
    """The possible elements of a list/tuple/set value: `["*"]`, `BASE + ["*"]`, `[*OTHER]`."""
    if depth > _MAX_DEPTH:
        return
    for value in possible_values(expr, ctx, depth):
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                if isinstance(element, ast.Starred):
                    yield from possible_elements(element.value, ctx, depth + 1)
                else:
                    yield from possible_values(element, ctx, depth + 1)
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            yield from possible_elements(value.left, ctx, depth + 1)
            yield from possible_elements(value.right, ctx, depth + 1)


def string_value(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def is_true(expr: ast.AST, ctx: Context) -> bool:
    """True when every possible value is the literal `True` (a constant counts)."""
    values = list(possible_values(expr, ctx))
    return bool(values) and all(isinstance(v, ast.Constant) and v.value is True for v in values)


def is_model_class(qualname: str | None, ctx: Context) -> bool:
    """A class of this module whose bases reach a Pydantic model base."""
    if qualname is None or qualname not in ctx.semantic.classes:
        return False
    return ctx.semantic.is_subclass(qualname, MODEL_BASES)
