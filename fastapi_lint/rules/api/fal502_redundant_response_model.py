from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.records import Condition
from ...semantic.summary import routes_elsewhere
from ...semantic.values import keyword
from .._arguments import remove_argument


class RedundantResponseModel(Rule):
    """## What it does
    Checks for a route decorator's `response_model=X` where the route function is annotated
    to return the same `X`.

    ## Why is this bad?
    Since FastAPI 0.89 the return annotation *is* the response model when `response_model`
    is not given. Saying it twice is noise, and the two drift apart when one is edited.
    The annotations are compared as written (after resolving names through imports);
    `response_model=None`, which turns the annotation off, is never reported. The router may
    be an instance of a router class of another module of the project, or what a factory
    there returns (`router = V1Router()`): in a project run the index decides.

    ## Example
    ```python
    @app.get("/items/{item_id}", response_model=Item)
    async def read_item(item_id: int) -> Item:
        ...
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> Item:
        ...
    ```

    ## Fix safety
    Unsafe, as ruff's: the fix removes the argument, and with it any comment inside it. On
    FastAPI older than 0.89 the return annotation is ignored, so removing `response_model`
    there removes the response model altogether.

    ## References
    - ruff FAST001 `fast-api-redundant-response-model`
    - FastAPI docs, "Response Model - Return Type"
    """

    code = "FAL502"
    defers = True
    name = "redundant-response-model"
    message = "`response_model={model}` repeats the return annotation of `{function}`; drop it"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = ("response_model",)
    fix_availability = FixAvailability.ALWAYS
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        # Different models: the response model filters the returned object.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/me', response_model=UserOut)
        def me() -> UserIn:
            ...
        """,
        # No return annotation.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/me', response_model=UserOut)
        def me():
            ...
        """,
        # response_model=None switches the annotation off.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/me', response_model=None)
        def me() -> None:
            ...
        """,
        # Not a route decorator.
        """
        @cache.get('/me', response_model=User)
        def me() -> User:
            ...
        """,
        # Container of a different element type.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/users', response_model=list[UserOut])
        def users() -> list[User]:
            ...
        """,
    ]
    invalid = [
        # Stacked route decorators: each registration repeats the annotation.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/items', response_model=Item)
            @app.post('/items', response_model=Item)
            async def item() -> Item:
                ...
            """,
            expect=[
                "4:20-4:39 `response_model=Item` repeats the return annotation of `item`; drop it",
                "5:21-5:40 `response_model=Item` repeats the return annotation of `item`; drop it",
            ],
            fixed="""
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/items')
            @app.post('/items')
            async def item() -> Item:
                ...
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/me', response_model=User)
            def me() -> User:
                ...
            """,
            expect=[
                "4:17-4:36 `response_model=User` repeats the return annotation of `me`; drop it"
            ],
            fixed="""
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/me')
            def me() -> User:
                ...
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from fastapi import APIRouter
            router = APIRouter()

            @router.post(
                '/users',
                response_model=list[User],
                status_code=201,
            )
            async def create() -> list[User]:
                ...
            """,
            expect=[
                "6:5-6:30 `response_model=list[User]` repeats the return annotation of `create`; drop it"
            ],
            fixed="""
            from fastapi import APIRouter
            router = APIRouter()

            @router.post(
                '/users',
                status_code=201,
            )
            async def create() -> list[User]:
                ...
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from fastapi import FastAPI
            import schemas
            from schemas import User
            app = FastAPI()

            @app.get(response_model=schemas.User, path='/me')
            def me() -> User:
                ...
            """,
            expect=[
                "6:10-6:37 `response_model=schemas.User` repeats the return annotation of `me`; drop it"
            ],
            fixed="""
            from fastapi import FastAPI
            import schemas
            from schemas import User
            app = FastAPI()

            @app.get(path='/me')
            def me() -> User:
                ...
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        scope = ctx.semantic.functions.get(node)
        if scope is None or node.returns is None:
            return
        # Every stacked route decorator is its own registration with its own arguments.
        for route in scope.routes:
            if route.method != "websocket":
                self._check_route(node, node.returns, route.decorator, ctx)
        # A router whose class (or factory) lives in another module: the index decides.
        for route, condition in routes_elsewhere(node, ctx.semantic):
            if route.method != "websocket":
                self._check_route(node, node.returns, route.decorator, ctx, condition)

    def _check_route(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        returns: ast.expr,
        decorator: ast.Call,
        ctx: Context,
        condition: Condition | None = None,
    ) -> None:
        argument = keyword(decorator, "response_model")
        if argument is None:
            return
        value = argument.value
        if isinstance(value, ast.Constant) and value.value is None:
            return
        if not _same_annotation(value, returns, ctx):
            return
        fmt = {"model": ctx.text(value), "function": node.name}
        fix = _remove_argument(decorator, argument, ctx)
        if condition is not None:
            ctx.defer(argument, (condition,), fix=fix, **fmt)
        else:
            ctx.report(argument, fix=fix, **fmt)


def _same_annotation(a: ast.AST, b: ast.AST, ctx: Context) -> bool:
    if ast.dump(a) == ast.dump(b):
        return True
    first, second = ctx.qualified_name(a), ctx.qualified_name(b)
    return first is not None and first == second


def _remove_argument(call: ast.Call, argument: ast.keyword, ctx: Context) -> Fix:
    return Fix(
        (remove_argument(call, argument, ctx),), Applicability.UNSAFE, "Remove `response_model`"
    )
