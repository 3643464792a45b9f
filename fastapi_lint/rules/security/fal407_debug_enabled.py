from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from .._values import keyword

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
        "from fastapi import FastAPI\napp = FastAPI(debug=settings.debug)\n",
        "from fastapi import FastAPI\napp = FastAPI(debug=False)\n",
        # uvicorn's and other callables' `debug=True` are not the app's.
        "import uvicorn\nuvicorn.run('main:app', debug=True)\n",
        "from myapp import FastAPI\napp = FastAPI(debug=True)\n",
    ]
    invalid = [
        Invalid("from fastapi import FastAPI\napp = FastAPI(title='Shop', debug=True)\n"),
        Invalid("import fastapi\n\ndef create_app():\n    return fastapi.FastAPI(debug=True)\n"),
        Invalid("from starlette.applications import Starlette\napp = Starlette(debug=True)\n"),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        debug = keyword(node, "debug")
        if debug is None:
            return
        if not (isinstance(debug.value, ast.Constant) and debug.value.value is True):
            return
        if ctx.semantic.call_result_type(node) in _APPS:
            ctx.report(debug)
