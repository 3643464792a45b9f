from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ._versions import worth_reporting

_CLASSES = frozenset({"ORJSONResponse", "UJSONResponse"})
_MODULES = frozenset({"fastapi.responses"})
_DEPRECATED_IN = (0, 131)


class DeprecatedJsonResponseClass(Rule):
    """## What it does
    Checks for FastAPI's `ORJSONResponse` and `UJSONResponse`: imported from
    `fastapi.responses`, or used as `fastapi.responses.ORJSONResponse`.

    ## Why is this bad?
    FastAPI 0.131 deprecated both (`typing_extensions.deprecated`, so type checkers flag every
    use and a `DeprecationWarning` is raised at each instantiation): FastAPI now serialises
    return values to JSON bytes itself, through Pydantic, which is as fast as orjson, so
    `default_response_class=ORJSONResponse` and `response_class=ORJSONResponse` no longer buy
    anything. They also keep `orjson`/`ujson` as dependencies.

    ## Example
    ```python
    from fastapi.responses import ORJSONResponse

    app = FastAPI(default_response_class=ORJSONResponse)
    ```

    ## Use instead
    ```python
    app = FastAPI()
    ```

    ## Fix safety
    No fix. Where the class is only a `response_class=`/`default_response_class=`, drop the
    argument; where the code returns `ORJSONResponse(content)` itself, the replacement
    `JSONResponse` writes different bytes (orjson serialises `datetime`, `UUID`, dataclasses
    and numpy arrays natively, `JSONResponse` raises on them, and float and non-ASCII
    renderings differ), so the rewrite is a choice to make by hand. A project known to use a
    FastAPI older than 0.131 is not reported.

    ## References
    - FastAPI release notes 0.131.0; `fastapi/responses.py`
    """

    code = "FAL708"
    name = "deprecated-json-response-class"
    message = "{names} {verb} deprecated since FastAPI 0.131; FastAPI serialises JSON itself now"
    nodes = (ast.ImportFrom, ast.Attribute)
    attributes = _CLASSES
    triggers = ("ORJSONResponse", "UJSONResponse")
    valid = [
        "from fastapi.responses import JSONResponse, ORJSONResponseLike\n",
        # Starlette never had them; a project's own class of that name.
        "from app.responses import ORJSONResponse\n",
        # The class defined by a project (as FastAPI's own responses module does).
        """
        from starlette.responses import JSONResponse

        class ORJSONResponse(JSONResponse):
            media_type = "application/json"
        """,
        # The fallback for an older FastAPI.
        """
        try:
            from fastapi.responses import ORJSONResponse as Fast
        except ImportError:
            Fast = None
        """,
    ]
    invalid = [
        Invalid(
            """
            import fastapi
            from fastapi.responses import ORJSONResponse

            app = fastapi.FastAPI(default_response_class=ORJSONResponse)
            slow = fastapi.responses.UJSONResponse
            """,
            expect=[
                "2:1-2:45 `ORJSONResponse` is deprecated since FastAPI 0.131; FastAPI "
                "serialises JSON itself now",
                "5:8-5:39 `UJSONResponse` is deprecated since FastAPI 0.131; FastAPI "
                "serialises JSON itself now",
            ],
        ),
    ]

    def check(self, node: ast.ImportFrom | ast.Attribute, ctx: Context) -> None:
        if not worth_reporting(ctx, "fastapi", _DEPRECATED_IN):
            return
        if isinstance(node, ast.Attribute):
            if node.attr in _CLASSES and ctx.qualified_name(node.value) in _MODULES:
                ctx.report(node, names=f"`{node.attr}`", verb="is")
            return
        if node.level or node.module not in _MODULES or _guarded(ctx):
            return
        names = [alias.name for alias in node.names if alias.name in _CLASSES]
        if names:
            listed = " and ".join(f"`{name}`" for name in names)
            ctx.report(node, names=listed, verb="is" if len(names) == 1 else "are")


def _guarded(ctx: Context) -> bool:
    """In the body of a `try` that catches `ImportError`: an optional import."""
    for statement in ctx.semantic.trying:
        for handler in statement.handlers:
            caught = handler.type
            names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            if any(ctx.qualified_name(n) in _IMPORT_ERRORS for n in names if n is not None):
                return True
    return False


_IMPORT_ERRORS = frozenset({"builtins.ImportError", "builtins.ModuleNotFoundError"})
