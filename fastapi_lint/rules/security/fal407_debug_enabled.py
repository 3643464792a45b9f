from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.values import keyword

_APPS = frozenset({"fastapi.FastAPI", "starlette.Starlette"})


class DebugEnabled(Rule):
    """## What it does
    Checks for `FastAPI(debug=True)` (and `Starlette(debug=True)`) written with a literal
    `True`.

    ## Why is this bad?
    In debug mode an unhandled exception is answered with the full traceback — source
    lines, local file paths, sometimes values — served to whoever made the request. A
    literal `True` ships that to production with the code. `debug=settings.debug` is the
    right shape and is not reported.

    ## Example
    ```python
    app = FastAPI(debug=True)
    ```

    ## Use instead
    ```python
    app = FastAPI(debug=settings.debug)
    ```

    ## Fix safety
    No fix: you decide where the flag comes from.

    ## References
    - Starlette docs, "Applications": `debug`
    """

    code = "FAL407"
    name = "debug-enabled"
    message = "`debug=True` serves tracebacks to clients; take the flag from settings"
    nodes = (ast.Call,)
    triggers = ("debug",)
    valid = [
        """
        from fastapi import FastAPI
        app = FastAPI(debug=settings.debug)
        """,
        """
        from fastapi import FastAPI
        app = FastAPI(debug=False)
        """,
        # uvicorn's and other callables' `debug=True` are not the app's.
        """
        import uvicorn
        uvicorn.run('main:app', debug=True)
        """,
        """
        from myapp import FastAPI
        app = FastAPI(debug=True)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI(title='Shop', debug=True)
            """,
            expect=[
                "2:29-2:39 `debug=True` serves tracebacks to clients; take the flag from settings"
            ],
        ),
        Invalid(
            """
            import fastapi

            def create_app():
                return fastapi.FastAPI(debug=True)
            """,
            expect=[
                "4:28-4:38 `debug=True` serves tracebacks to clients; take the flag from settings"
            ],
        ),
        Invalid(
            """
            from starlette.applications import Starlette
            app = Starlette(debug=True)
            """,
            expect=[
                "2:17-2:27 `debug=True` serves tracebacks to clients; take the flag from settings"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        debug = keyword(node, "debug")
        if debug is None:
            return
        if not (isinstance(debug.value, ast.Constant) and debug.value.value is True):
            return
        if ctx.semantic.app_type(ctx.semantic.call_result_type(node)) in _APPS:
            ctx.report(debug)
