"""FastAPI and Starlette as the code uses them: parameter functions (`Depends`, `Query`, ...),
the parameters of a route, `Annotated` metadata, and CORSMiddleware registrations.

The API and CORS rules (FAL4xx, FAL5xx) and the module summary ask these same questions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import BindingKind
from .values import Possible, configured_elements, configured_values, resolve, string_value

if TYPE_CHECKING:
    from ..context import Context

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


def dependency_marker(arg: ast.arg, default: ast.expr | None, ctx: Context) -> str | None:
    """ "Depends" or "Security" when the parameter is a dependency (the marker as its default
    or in its `Annotated` metadata): FastAPI gives it the dependency's result."""
    for marker in [default, *annotated_metadata(arg.annotation, ctx)]:
        kind = param_function(marker, ctx)
        if kind in ("Depends", "Security"):
            return kind
    return None


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


# ------------------------------------------------------------------ CORS

CORS_MIDDLEWARE = frozenset(
    {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}
)
MIDDLEWARE_WRAPPER = frozenset({"fastapi.middleware.Middleware", "starlette.middleware.Middleware"})


@dataclass(frozen=True)
class CorsRegistration:
    """A call that registers CORSMiddleware, and in which form."""

    call: ast.Call
    form: str  # "add_middleware", "Middleware", "CORSMiddleware"


def cors_registration(call: ast.Call, ctx: Context) -> CorsRegistration | None:
    """The CORSMiddleware registration `call` makes, if it is one."""
    func = call.func
    first = call.args[0] if call.args else None
    if isinstance(func, ast.Attribute) and func.attr == "add_middleware":
        if first is not None and ctx.qualified_name(first) in CORS_MIDDLEWARE:
            return CorsRegistration(call, "add_middleware")
        return None
    name = ctx.qualified_name(func)
    if name in MIDDLEWARE_WRAPPER:
        if first is not None and ctx.qualified_name(first) in CORS_MIDDLEWARE:
            return CorsRegistration(call, "Middleware")
        return None
    if name in CORS_MIDDLEWARE:
        return CorsRegistration(call, "CORSMiddleware")
    return None


def wildcard_origins(expr: ast.AST, ctx: Context) -> Possible | None:
    """The value by which `allow_origins=expr` may let every origin in, if one is known.
    Starlette tests `"*" in allow_origins`: a list holding `"*"`, and also a plain string
    containing `*`. Values are read as `configured_values` reads them, so a default in the
    environment or a project function's return counts, with how it gets there."""
    for value in configured_values(expr, ctx):
        text = string_value(value.node)
        if text is not None and "*" in text:
            return value
    for element in configured_elements(expr, ctx):
        if string_value(element.node) == "*":
            return element
    return None


def imported_origins(expr: ast.AST, ctx: Context) -> list[str]:
    """The imported names `allow_origins=expr` may be, as they are qualified here
    (`app.config.ORIGINS`): whether one holds a wildcard, the project index knows."""
    found: list[str] = []
    semantic = ctx.semantic
    for value in configured_values(expr, ctx):
        node = value.node
        if not isinstance(node, ast.Name):
            continue
        scope = semantic.module_scope if value.frame is not None else None
        binding = semantic.lookup(node.id, scope)
        if binding is None or binding.kind is not BindingKind.IMPORT or not binding.qualname:
            continue
        if binding.qualname not in found:
            found.append(binding.qualname)
    return found
