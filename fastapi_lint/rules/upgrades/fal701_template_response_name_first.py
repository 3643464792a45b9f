from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.values import keyword
from ._versions import fix_applicability, worth_reporting

_TEMPLATES = "starlette.templating.Jinja2Templates"
# The release that added `TemplateResponse(request, name, ...)`.
_NEW_SIGNATURE = (0, 29)


class TemplateResponseNameFirst(Rule):
    """## What it does
    Checks for `templates.TemplateResponse("page.html", {"request": request, ...})` — the
    template name first and the request inside the context — on a receiver known to be a
    `Jinja2Templates` (from `starlette.templating` or `fastapi.templating`). The old order is
    recognised by a string first argument, a dict literal with a `"request"` key as the second,
    or `name=` passed without `request=`.

    ## Why is this bad?
    Starlette 0.29 made the request the first parameter, `TemplateResponse(request, name,
    context)`, and deprecated the old order; Starlette 1.0 removed it. Under Starlette 1.0 the
    old call binds the template name to `request` and the context dict to `name`, and fails
    when it looks the template up (`TypeError: unhashable type: 'dict'`, a 500 on every page).
    FastAPI's tutorials showed the old order until 2023, so much template code still uses it.

    ## Example
    ```python
    @app.get("/items/{id}")
    async def read_item(request: Request, id: str):
        return templates.TemplateResponse("item.html", {"request": request, "id": id})
    ```

    ## Use instead
    ```python
    @app.get("/items/{id}")
    async def read_item(request: Request, id: str):
        return templates.TemplateResponse(request, "item.html", {"request": request, "id": id})
    ```

    ## Fix safety
    The fix inserts the request as the first argument; the context keeps its `"request"` key
    (Starlette puts the same object there, so templates see exactly what they saw before, and
    the other positional arguments — status code, headers — keep their meaning). It is offered
    when the context is a dict literal whose `"request"` value is a plain name, so taking it
    once more has no side effect; otherwise (a context built elsewhere, `**` unpacking) the
    call is reported only.

    The new order needs Starlette 0.29 or newer. The fix is safe when the project's Starlette
    is known to be that recent and unsafe when its version is not known; a project known to
    use an older Starlette, where the old order is the only one, is not reported. Verified by running: `tests/behaviour/test_upgrades.py` renders the
    same page under Starlette 0.27 (the original) and Starlette 1.x (the fixed code), and shows
    the original failing under 1.x.

    Calls on a `templates` object imported from another module are not reported: its type is
    not known in the file.

    ## References
    - Starlette release notes 0.29.0 and 1.0.0; FastAPI docs, "Templates"
    """

    code = "FAL701"
    name = "template-response-name-first"
    message = (
        "`TemplateResponse(name, context)` was removed in Starlette 1.0; "
        "pass the request first: `TemplateResponse(request, name, context)`"
    )
    nodes = (ast.Call,)
    callees = frozenset({"TemplateResponse"})
    triggers = ("TemplateResponse",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (
        Applicability.SAFE,
        Applicability.UNSAFE,
    )
    valid = [
        # The current order.
        """
        from fastapi import Request
        from fastapi.templating import Jinja2Templates

        templates = Jinja2Templates(directory="templates")

        def page(request: Request):
            return templates.TemplateResponse(request, "page.html", {"n": 1})
        """,
        # Keywords in the current order.
        """
        from starlette.templating import Jinja2Templates

        templates = Jinja2Templates(directory="templates")

        def page(request):
            return templates.TemplateResponse(request=request, name="page.html")
        """,
        # A project class with its own TemplateResponse.
        """
        class Renderer:
            def TemplateResponse(self, name, context):
                return name

        templates = Renderer()
        templates.TemplateResponse("page.html", {"request": None})
        """,
        # A receiver whose type is not known here (imported instance).
        """
        from app.web import templates

        def page(request):
            return templates.TemplateResponse("page.html", {"request": request})
        """,
        # The `_TemplateResponse` class itself takes a template first.
        """
        from starlette.templating import _TemplateResponse

        _TemplateResponse("page.html", {"request": None})
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI, Request
            from fastapi.templating import Jinja2Templates

            app = FastAPI()
            templates = Jinja2Templates(directory="templates")

            @app.get("/items/{id}")
            async def read_item(request: Request, id: str):
                return templates.TemplateResponse("item.html", {"request": request, "id": id})
            """,
            expect=[
                "9:12-9:83 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
            ],
            fixed="""
            from fastapi import FastAPI, Request
            from fastapi.templating import Jinja2Templates

            app = FastAPI()
            templates = Jinja2Templates(directory="templates")

            @app.get("/items/{id}")
            async def read_item(request: Request, id: str):
                return templates.TemplateResponse(
                    request, "item.html", {"request": request, "id": id}
                )
            """,
            unsafe=True,
        ),
        # Positional status code and keyword context keep their meaning.
        Invalid(
            """
            import starlette.templating

            pages = starlette.templating.Jinja2Templates("templates")

            def missing(req):
                return pages.TemplateResponse("404.html", {"request": req}, 404)

            def form(req):
                return pages.TemplateResponse(
                    name="form.html", context={"request": req}, status_code=400
                )
            """,
            expect=[
                "6:12-6:69 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
                "9:12-11:6 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
            ],
            fixed="""
            import starlette.templating

            pages = starlette.templating.Jinja2Templates("templates")

            def missing(req):
                return pages.TemplateResponse(req, "404.html", {"request": req}, 404)

            def form(req):
                return pages.TemplateResponse(
                    request=req,
                    name="form.html", context={"request": req}, status_code=400
                )
            """,
            unsafe=True,
        ),
        # The template name in a variable; the request in the context says the order.
        Invalid(
            """
            from fastapi.templating import Jinja2Templates

            templates = Jinja2Templates(directory="templates")

            def page(request, template):
                return templates.TemplateResponse(template, {"request": request})
            """,
            expect=[
                "6:12-6:70 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
            ],
            fixed="""
            from fastapi.templating import Jinja2Templates

            templates = Jinja2Templates(directory="templates")

            def page(request, template):
                return templates.TemplateResponse(request, template, {"request": request})
            """,
            unsafe=True,
        ),
        # The context is built elsewhere: report only.
        Invalid(
            """
            from fastapi.templating import Jinja2Templates

            templates = Jinja2Templates(directory="templates")

            def page(request):
                context = {"request": request}
                return templates.TemplateResponse("page.html", context)
            """,
            expect=[
                "7:12-7:60 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
            ],
        ),
        # The request value is not a plain name: report only.
        Invalid(
            """
            from fastapi.templating import Jinja2Templates

            templates = Jinja2Templates(directory="templates")

            def page(self):
                return templates.TemplateResponse("page.html", {"request": self.get_request()})
            """,
            expect=[
                "6:12-6:84 `TemplateResponse(name, context)` was removed in Starlette 1.0; pass the request first: `TemplateResponse(request, name, context)`",
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "TemplateResponse"):
            return
        if not _old_order(node) or ctx.type_of(func.value) != _TEMPLATES:
            return
        if not worth_reporting(ctx, "starlette", _NEW_SIGNATURE):
            return
        ctx.report(node, fix=self._fix(node, ctx))

    def _fix(self, node: ast.Call, ctx: Context) -> Fix | None:
        given = keyword(node, "context")
        context = node.args[1] if len(node.args) > 1 else given.value if given else None
        request = _request_in(context)
        if request is None:
            return None
        applicability = fix_applicability(ctx, "starlette", _NEW_SIGNATURE)
        if applicability is None:
            return None
        first = node.args[0] if node.args else node.keywords[0]
        start = ctx.span(first)[0]
        value = ctx.text(request)
        content = f"{value}," if node.args else f"request={value},"
        # Arguments one per line stay so: the request gets a line of its own.
        text = ctx.source.text
        line_start = text.rfind("\n", 0, start) + 1
        indent = text[line_start:start]
        separator = ctx.source.newline + indent if not indent.strip() else " "
        content += separator
        return Fix(
            (Edit(start, start, content),),
            applicability,
            "Pass the request as the first argument",
        )


def _old_order(node: ast.Call) -> bool:
    """The template name comes first: a string as the first positional argument, or
    `name=` given as a keyword with no request at all."""
    if node.args:
        first = node.args[0]
        if isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        ):
            return True
        # `TemplateResponse(template, {"request": request})`: a dict cannot be a name.
        return len(node.args) > 1 and _has_request_key(node.args[1])
    names = {k.arg for k in node.keywords}
    return "name" in names and "request" not in names and None not in names


def _has_request_key(context: ast.AST) -> bool:
    return isinstance(context, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "request" for key in context.keys
    )


def _request_in(context: ast.AST | None) -> ast.Name | None:
    """The plain name under the `"request"` key of a dict literal, if that is what it is."""
    if not isinstance(context, ast.Dict) or None in context.keys:
        return None
    for key, value in zip(context.keys, context.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == "request":
            return value if isinstance(value, ast.Name) else None
    return None
