from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.records import Condition
from ...semantic.summary import routes_elsewhere

_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)


class ReturnHttpException(Rule):
    """## What it does
    Checks for `return HTTPException(...)` in a route function (FastAPI's or Starlette's
    `HTTPException`, or a class of this module derived from one). The router may be an
    instance of a router class of another module of the project, or what a factory there
    returns (`router = V1Router()`): in a project run the index decides.

    ## Why is this bad?
    Returning the exception does not raise it: FastAPI serialises the object as the response
    body, with status 200 — `{"status_code": 404, "detail": "missing", "headers": null}` — or
    fails with a 500 when the route has a `response_model` the exception does not fit. The
    client never sees the intended error status. No type checker or linter reports it: the
    route's return type is usually not annotated.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id not in items:
            return HTTPException(status_code=404, detail="Item not found")
        return items[item_id]
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id not in items:
            raise HTTPException(status_code=404, detail="Item not found")
        return items[item_id]
    ```

    ## Fix safety
    Unsafe: the fix turns `return` into `raise`, so the response becomes the error the code
    meant (404 instead of 200): a behaviour change, on purpose. Clients or tests that came to
    rely on the 200 would see the difference. Verified by running:
    `tests/behaviour/test_upgrades.py` (the original answers 200 and 500 under FastAPI 0.95
    and current, the fixed module 404 and 403).

    ## References
    - FastAPI docs, "Handling Errors"
    """

    code = "FAL507"
    defers = True
    name = "return-http-exception"
    message = (
        "`{name}` is returned, not raised, in route `{function}`: the client gets it as a 200 body"
    )
    nodes = (ast.Return,)
    triggers = ("HTTPException",)
    fix_availability = FixAvailability.ALWAYS
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        @app.get("/items/{item_id}")
        def read_item(item_id: int):
            raise HTTPException(status_code=404)
        """,
        # A helper that builds the exception for the caller to raise.
        """
        from fastapi import HTTPException

        def not_found(what: str) -> HTTPException:
            return HTTPException(status_code=404, detail=f"{what} not found")
        """,
        # An exception handler returns a response, not the exception.
        """
        from fastapi import FastAPI, HTTPException
        from fastapi.responses import JSONResponse

        app = FastAPI()

        @app.exception_handler(HTTPException)
        async def handler(request, exc: HTTPException):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        """,
        # A project class of the same name.
        """
        from fastapi import FastAPI

        class HTTPException:
            def __init__(self, status_code): ...

        app = FastAPI()

        @app.get("/")
        def index():
            return HTTPException(200)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import APIRouter, HTTPException, status

            router = APIRouter()

            @router.get("/items/{item_id}")
            async def read_item(item_id: int):
                if item_id < 0:
                    return HTTPException(status.HTTP_404_NOT_FOUND, detail="missing")
                return {"id": item_id}
            """,
            expect=[
                "8:9-8:74 `HTTPException` is returned, not raised, in route `read_item`: the "
                "client gets it as a 200 body"
            ],
            fixed="""
            from fastapi import APIRouter, HTTPException, status

            router = APIRouter()

            @router.get("/items/{item_id}")
            async def read_item(item_id: int):
                if item_id < 0:
                    raise HTTPException(status.HTTP_404_NOT_FOUND, detail="missing")
                return {"id": item_id}
            """,
            unsafe=True,
        ),
        # A subclass of this module.
        Invalid(
            """
            import fastapi

            app = fastapi.FastAPI()

            class Forbidden(fastapi.HTTPException):
                def __init__(self):
                    super().__init__(403, "forbidden")

            @app.delete("/items/{item_id}")
            def delete(item_id: int):
                return Forbidden()
            """,
            expect=[
                "11:5-11:23 `Forbidden` is returned, not raised, in route `delete`: the client "
                "gets it as a 200 body"
            ],
            fixed="""
            import fastapi

            app = fastapi.FastAPI()

            class Forbidden(fastapi.HTTPException):
                def __init__(self):
                    super().__init__(403, "forbidden")

            @app.delete("/items/{item_id}")
            def delete(item_id: int):
                raise Forbidden()
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.Return, ctx: Context) -> None:
        value = node.value
        if not isinstance(value, ast.Call):
            return
        route = ctx.route
        condition: Condition | None = None
        if route is None:
            # A router whose class (or factory) lives in another module: the index decides.
            scope = ctx.semantic.function_scope
            node_def = scope.node if scope is not None else None
            if not isinstance(node_def, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return
            elsewhere = routes_elsewhere(node_def, ctx.semantic)
            if not elsewhere:
                return
            route, condition = elsewhere[0]
        if route.method == "websocket":
            return
        made = ctx.semantic.call_result_type(value)
        if made is None or not ctx.semantic.is_subclass(made, _EXCEPTIONS):
            return
        start = ctx.span(node)[0]
        fix = Fix((Edit(start, start + len("return"), "raise"),), Applicability.UNSAFE, "Raise it")
        function = ctx.function
        name = function.node.name if function is not None else "?"  # type: ignore[union-attr]
        fmt = {"name": ctx.text(value.func), "function": name}
        if condition is not None:
            ctx.defer(node, (condition,), fix=fix, **fmt)
        else:
            ctx.report(node, fix=fix, **fmt)
