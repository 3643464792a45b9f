"""FastAPI facts the API-correctness rules (FAL501-FAL506) share: parameter functions
(`Depends`, `Query`, ...), the parameters of a route, and the `Annotated` name to write."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...context import Context
from ...diagnostics import Edit
from .._values import resolve

PARAM_FUNCTION_NAMES = (
    "Depends",
    "Security",
    "Query",
    "Path",
    "Body",
    "Header",
    "Cookie",
    "Form",
    "File",
)
# `fastapi.Query` is a function in `fastapi.param_functions` returning a `fastapi.params.Query`.
_PREFIXES = ("fastapi.", "fastapi.param_functions.", "fastapi.params.")
PARAM_FUNCTIONS: dict[str, str] = {
    prefix + name: name for prefix in _PREFIXES for name in PARAM_FUNCTION_NAMES
}
# Instances of these FastAPI security classes are dependencies that take only the request.
SECURITY_SCHEMES = ("fastapi.security.",)
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


def param_function(expr: ast.AST | None, ctx: Context) -> str | None:
    """`Query` for a call `Query(...)` / `fastapi.Query(...)`, resolved through imports."""
    if not isinstance(expr, ast.Call):
        return None
    name = ctx.qualified_name(expr.func)
    return PARAM_FUNCTIONS.get(name) if name is not None else None


def parameters_with_defaults(
    node: ast.FunctionDef | ast.AsyncFunctionDef,
) -> Iterator[tuple[ast.arg, ast.expr | None, bool]]:
    """Each parameter (not `*args`/`**kwargs`) with its default and whether it is keyword-only."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    padding: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    for arg, default in zip(positional, [*padding, *args.defaults], strict=True):
        yield arg, default, False
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        yield arg, default, True


def annotated_metadata(annotation: ast.AST | None, ctx: Context) -> list[ast.expr]:
    """The metadata of `Annotated[T, meta, ...]`, else an empty list.

    A type alias is followed: `CurrentUser = Annotated[User, Depends(get_user)]`.
    """
    if annotation is not None:
        annotation = resolve(annotation, ctx)
    if not isinstance(annotation, ast.Subscript):
        return []
    if ctx.qualified_name(annotation.value) not in ANNOTATED:
        return []
    inner = annotation.slice
    if isinstance(inner, ast.Tuple):
        # `identifier = Path(...)` then `Annotated[int, identifier]`: the marker's value.
        return [resolve(element, ctx) for element in inner.elts[1:]]  # type: ignore[misc]  # resolve() keeps an expr an expr
    return []


def is_annotated(annotation: ast.AST | None, ctx: Context) -> bool:
    return (
        isinstance(annotation, ast.Subscript) and ctx.qualified_name(annotation.value) in ANNOTATED
    )


def annotated_name(ctx: Context) -> tuple[str, Edit | None] | None:
    """The name to write for `Annotated` and the import edit it needs; None if unavailable."""
    for name, binding in ctx.semantic.module_scope.bindings.items():
        if binding.qualname in ANNOTATED:
            return name, None
    for name, binding in ctx.semantic.module_scope.bindings.items():
        if binding.qualname == "typing":
            return f"{name}.Annotated", None
    if "Annotated" in ctx.semantic.module_scope.bindings:
        return None  # the name means something else here
    return ctx.import_edit("typing", "Annotated")
