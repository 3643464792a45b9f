from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.values import keyword
from .._arguments import remove_argument
from ._versions import fix_applicability, worth_reporting

_FILE_RESPONSE = "starlette.responses.FileResponse"
# The release from which `method=` is ignored (the request's own method decides).
_IGNORED_FROM = (0, 34)


class FileResponseMethod(Rule):
    """## What it does
    Checks for `FileResponse(..., method=...)` (from `starlette.responses` or
    `fastapi.responses`).

    ## Why is this bad?
    Up to Starlette 0.33, `method="HEAD"` made the response send its headers only. From 0.34
    the request's own method decides that, and `method=` is ignored with a
    `DeprecationWarning`; Starlette 1.0 removed the parameter, so the call fails with
    `TypeError: ... got an unexpected keyword argument 'method'`.

    ## Example
    ```python
    return FileResponse(path, method=request.method)
    ```

    ## Use instead
    ```python
    return FileResponse(path)
    ```

    ## Fix safety
    The fix removes the argument. On Starlette 0.34 and newer the argument does nothing, so the
    fix is safe when the project's Starlette is known to be that recent, and unsafe when the
    version is not known (on an older Starlette, `method="HEAD"` on a GET request would have
    sent no body); a project known to use an older Starlette is not reported.

    ## References
    - Starlette release notes 0.34.0 and 1.0.0; `starlette/responses.py`
    """

    code = "FAL705"
    name = "file-response-method"
    message = "`FileResponse(method=...)` was removed in Starlette 1.0 (ignored since 0.34)"
    nodes = (ast.Call,)
    triggers = ("FileResponse",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        """
        from fastapi.responses import FileResponse

        def download(path):
            return FileResponse(path, filename="report.pdf")
        """,
        # Another library's FileResponse.
        """
        from django.http import FileResponse

        response = FileResponse(open("x", "rb"), method="GET")
        """,
        # `method` handed to a project function.
        """
        from starlette.responses import FileResponse

        def send(path, method):
            return build(FileResponse(path), method=method)
        """,
    ]
    invalid = [
        Invalid(
            """
            from starlette.responses import FileResponse

            async def download(request):
                return FileResponse("report.pdf", method=request.method, filename="report.pdf")
            """,
            expect=[
                "4:39-4:60 `FileResponse(method=...)` was removed in Starlette 1.0 (ignored "
                "since 0.34)"
            ],
            fixed="""
            from starlette.responses import FileResponse

            async def download(request):
                return FileResponse("report.pdf", filename="report.pdf")
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        method = keyword(node, "method")
        if method is None or ctx.semantic.call_result_type(node) != _FILE_RESPONSE:
            return
        if not worth_reporting(ctx, "starlette", _IGNORED_FROM):
            return
        fix = None
        applicability = fix_applicability(ctx, "starlette", _IGNORED_FROM)
        if applicability is not None:
            edit = remove_argument(node, method, ctx)
            fix = Fix((edit,), applicability, "Remove `method=`")
        ctx.report(method, fix=fix)
