from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule

_MODULES = frozenset({"starlette.middleware.wsgi", "fastapi.middleware.wsgi"})


class WsgiMiddleware(Rule):
    """## What it does
    Checks for imports of `starlette.middleware.wsgi` and `fastapi.middleware.wsgi` (the
    `WSGIMiddleware` that mounts a Flask or Django app inside a FastAPI app).

    ## Why is this bad?
    Starlette deprecated its WSGI middleware long before 1.0 and points to `a2wsgi` as the
    replacement; Starlette 1.x still ships it but warns on import with a
    `StarletteDeprecationWarning` (a `UserWarning`, shown by default), and it is to be
    removed. `fastapi.middleware.wsgi` only re-exports it. (Deprecated, not removed, in
    Starlette 1.10.)

    ## Example
    ```python
    from fastapi.middleware.wsgi import WSGIMiddleware

    app.mount("/legacy", WSGIMiddleware(flask_app))
    ```

    ## Use instead
    ```python
    from a2wsgi import WSGIMiddleware

    app.mount("/legacy", WSGIMiddleware(flask_app))
    ```

    ## Fix safety
    No fix: `a2wsgi` is another package to install, and runs the WSGI app in its own thread
    pool with its own limits.

    ## References
    - `starlette/middleware/wsgi.py`; FastAPI docs, "Including WSGI"
    """

    code = "FAL707"
    name = "wsgi-middleware"
    message = "`{module}` is deprecated and will be removed from Starlette; use `a2wsgi`"
    nodes = (ast.Import, ast.ImportFrom)
    triggers = ("wsgi",)
    valid = [
        "from a2wsgi import WSGIMiddleware\n",
        # Other WSGI helpers.
        "from werkzeug.middleware.proxy_fix import ProxyFix\nimport uvicorn.middleware.wsgi\n",
        # A project module with the same last name.
        "from .middleware.wsgi import WSGIMiddleware\n",
    ]
    invalid = [
        Invalid(
            """
            from fastapi.middleware.wsgi import WSGIMiddleware
            import starlette.middleware.wsgi as wsgi
            """,
            expect=[
                "1:1-1:51 `fastapi.middleware.wsgi` is deprecated and will be removed from "
                "Starlette; use `a2wsgi`",
                "2:1-2:41 `starlette.middleware.wsgi` is deprecated and will be removed from "
                "Starlette; use `a2wsgi`",
            ],
        ),
    ]

    def check(self, node: ast.Import | ast.ImportFrom, ctx: Context) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return
            if node.module in _MODULES:
                ctx.report(node, module=node.module)
            elif node.module in ("starlette.middleware", "fastapi.middleware") and any(
                alias.name == "wsgi" for alias in node.names
            ):
                ctx.report(node, module=f"{node.module}.wsgi")
            return
        for alias in node.names:
            if alias.name in _MODULES:
                ctx.report(node, module=alias.name)
