from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.values import keyword


class OpenapiPrefix(Rule):
    """## What it does
    Checks for `FastAPI(openapi_prefix=...)`.

    ## Why is this bad?
    `openapi_prefix` has long been deprecated in favour of `root_path` (FastAPI 0.95 already
    only logs `"openapi_prefix" has been deprecated in favor of "root_path"`), and FastAPI
    0.145 removed it: the app fails to start with `TypeError: FastAPI.__init__() got an
    unexpected keyword argument 'openapi_prefix'`.

    ## Example
    ```python
    app = FastAPI(openapi_prefix="/api/v1")
    ```

    ## Use instead
    ```python
    app = FastAPI(root_path="/api/v1")
    ```

    ## Fix safety
    Safe: the fix renames the argument. The FastAPI releases that have `openapi_prefix` (read
    in 0.95.2, 0.115 and 0.144) set `self.root_path = root_path or openapi_prefix`, so with no `root_path=` given the app is
    configured the same. Not offered when the call also passes `root_path=` (the prefix was
    ignored then unless `root_path` was empty; remove it by hand).

    ## References
    - FastAPI release notes 0.145.0; `fastapi/applications.py`; FastAPI docs, "Behind a Proxy"
    """

    code = "FAL709"
    name = "openapi-prefix"
    message = "`FastAPI(openapi_prefix=...)` was removed in FastAPI 0.145; use `root_path=`"
    nodes = (ast.Call,)
    triggers = ("openapi_prefix",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        "from fastapi import FastAPI\n\napp = FastAPI(root_path='/api')\n",
        # A project function with that keyword.
        "from app.factory import build\n\napp = build(openapi_prefix='/api')\n",
        # A wrapper forwarding its own parameter is reported where it is called, not here.
        """
        from fastapi import FastAPI

        def make(openapi_prefix):
            return FastAPI(openapi_prefix=openapi_prefix)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI

            app = FastAPI(title="api", openapi_prefix="/api/v1")
            """,
            expect=[
                "3:28-3:52 `FastAPI(openapi_prefix=...)` was removed in FastAPI 0.145; use "
                "`root_path=`"
            ],
            fixed="""
            from fastapi import FastAPI

            app = FastAPI(title="api", root_path="/api/v1")
            """,
        ),
        # Both given: report only.
        Invalid(
            """
            import fastapi

            app = fastapi.FastAPI(openapi_prefix="/a", root_path="/b")
            """,
            expect=[
                "3:23-3:42 `FastAPI(openapi_prefix=...)` was removed in FastAPI 0.145; use "
                "`root_path=`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        argument = keyword(node, "openapi_prefix")
        if argument is None or ctx.semantic.call_result_type(node) != "fastapi.FastAPI":
            return
        value = argument.value
        if isinstance(value, ast.Name) and value.id == "openapi_prefix":
            binding = ctx.semantic.lookup(value.id)
            if binding is not None and binding.kind == "parameter":
                return
        fix = None
        if keyword(node, "root_path") is None:
            start = ctx.span(argument)[0]
            edit = Edit(start, start + len("openapi_prefix"), "root_path")
            fix = Fix((edit,), Applicability.SAFE, "Rename to `root_path`")
        ctx.report(argument, fix=fix)
