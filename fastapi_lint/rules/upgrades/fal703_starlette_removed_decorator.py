from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...catalogues.upgrades import REMOVED_APP_METHODS, ROUTER_EVENT_KEYWORDS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule


@dataclass
class _Seen:
    """The decorator calls already reported in the file."""

    decorators: set[int] = field(default_factory=set)  # ids of decorator calls already reported


class StarletteRemovedDecorator(Rule):
    """## What it does
    Checks for the registration methods Starlette 1.0 removed, on a receiver known to be the
    object that lost them:

    - on a `Starlette` app: `@app.route(...)`, `@app.websocket_route(...)`,
      `@app.exception_handler(...)`, `@app.middleware("http")`;
    - on a Starlette `Router` (not FastAPI's `APIRouter`, which keeps them):
      `@router.route(...)`, `@router.websocket_route(...)`, `@router.on_event(...)`,
      `router.add_event_handler(...)` and `Router(on_startup=..., on_shutdown=...)`;
    - on a `FastAPI` app: `@app.route(...)`, which it inherited from Starlette.

    (`on_event`, `add_event_handler` and `on_startup=`/`on_shutdown=` on apps are FAL201's.)

    ## Why is this bad?
    Starlette deprecated these decorators in 0.2x and removed them in 1.0: importing a module
    that uses one fails with `AttributeError: 'Starlette' object has no attribute 'route'`
    (and `Router(on_startup=...)` with a `TypeError`). The application does not start.

    ## Example
    ```python
    app = Starlette()

    @app.route("/health", methods=["GET"])
    async def health(request):
        return JSONResponse({"ok": True})

    @app.exception_handler(404)
    async def not_found(request, exc):
        return JSONResponse({"detail": "gone"}, status_code=404)
    ```

    ## Use instead
    ```python
    app = Starlette()

    async def health(request):
        return JSONResponse({"ok": True})


    app.add_route("/health", health, methods=["GET"])

    async def not_found(request, exc):
        return JSONResponse({"detail": "gone"}, status_code=404)


    app.add_exception_handler(404, not_found)
    ```

    ## Fix safety
    Safe: each decorator did nothing but call the method that remains, and returned the
    function unchanged, so the fix removes the decorator line and calls that method right
    after the function, with the same arguments: `route` → `add_route(path, func, ...)`,
    `websocket_route` → `add_websocket_route(path, func, ...)` (through `app.router` on an
    app), `exception_handler` → `add_exception_handler(key, func)`, `middleware("http")` →
    `add_middleware(BaseHTTPMiddleware, dispatch=func)` (importing `BaseHTTPMiddleware` from
    `starlette.middleware.base`). These methods exist in every Starlette since 0.13, so the
    fix needs no version check. Registrations keep their order, since the call runs where the
    decorator ran. Verified by running: `tests/behaviour/test_upgrades.py` drives the same
    routes, websocket, error handler and middleware under Starlette 0.27 (the original) and
    Starlette 1.x (the fixed code).

    The fix is offered when the decorator is the outermost one and its line holds nothing else;
    otherwise, and for the event API of a `Router` (move it to a `lifespan`), the finding is
    reported only.

    ## References
    - Starlette release notes 1.0.0; `starlette/applications.py`, `starlette/routing.py`
    """

    code = "FAL703"
    name = "starlette-removed-decorator"
    message = "`{what}` was removed in Starlette 1.0; {remedy}"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    triggers = ("Starlette", "Router", "FastAPI", "starlette")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # FastAPI keeps these on its app and on APIRouter.
        """
        from fastapi import APIRouter, FastAPI

        app = FastAPI()
        router = APIRouter()

        @app.exception_handler(404)
        async def not_found(request, exc): ...

        @app.middleware("http")
        async def timing(request, call_next):
            return await call_next(request)

        @router.route("/legacy")
        async def legacy(request): ...

        @router.on_event("startup")
        async def start(): ...
        """,
        # The methods that remain.
        """
        from starlette.applications import Starlette

        async def health(request): ...

        app = Starlette()
        app.add_route("/health", health)
        app.add_exception_handler(404, health)
        """,
        # A project class with a `route` decorator.
        """
        class Blueprint:
            def route(self, path):
                return lambda f: f

        bp = Blueprint()

        @bp.route("/x")
        def x(): ...
        """,
        # Flask's app, not Starlette's.
        """
        from flask import Flask

        app = Flask(__name__)

        @app.route("/")
        def index():
            return "hi"
        """,
        # A Router built with a lifespan.
        """
        from starlette.routing import Router

        router = Router(routes=[], lifespan=None)
        """,
    ]
    invalid = [
        Invalid(
            """
            from starlette.applications import Starlette
            from starlette.responses import JSONResponse

            app = Starlette()

            @app.route("/health", methods=["GET"])
            async def health(request):
                return JSONResponse({"ok": True})

            @app.exception_handler(404)
            async def not_found(request, exc):
                return JSONResponse({"detail": "gone"}, status_code=404)
            """,
            expect=[
                "6:2-6:39 `@app.route(...)` was removed in Starlette 1.0; call `add_route(path, endpoint, ...)` or list a `Route` in `routes=`",
                "10:2-10:28 `@app.exception_handler(...)` was removed in Starlette 1.0; call `add_exception_handler(key, handler)` or pass `exception_handlers=`",
            ],
            fixed="""
            from starlette.applications import Starlette
            from starlette.responses import JSONResponse

            app = Starlette()

            async def health(request):
                return JSONResponse({"ok": True})


            app.add_route("/health", health, methods=["GET"])

            async def not_found(request, exc):
                return JSONResponse({"detail": "gone"}, status_code=404)


            app.add_exception_handler(404, not_found)
            """,
        ),
        Invalid(
            """
            from starlette.applications import Starlette

            app = Starlette()

            @app.middleware("http")
            async def timing(request, call_next):
                return await call_next(request)

            @app.websocket_route("/ws", name="feed")
            async def feed(websocket):
                await websocket.accept()
            """,
            expect=[
                "5:2-5:24 `@app.middleware(...)` was removed in Starlette 1.0; call `add_middleware(BaseHTTPMiddleware, dispatch=...)` or pass `middleware=`",
                "9:2-9:41 `@app.websocket_route(...)` was removed in Starlette 1.0; call `app.router.add_websocket_route(path, endpoint)` or list a `WebSocketRoute` in `routes=`",
            ],
            fixed="""
            from starlette.applications import Starlette
            from starlette.middleware.base import BaseHTTPMiddleware

            app = Starlette()

            async def timing(request, call_next):
                return await call_next(request)


            app.add_middleware(BaseHTTPMiddleware, dispatch=timing)

            async def feed(websocket):
                await websocket.accept()


            app.router.add_websocket_route("/ws", feed, name="feed")
            """,
        ),
        # FastAPI inherited `route` from Starlette.
        Invalid(
            """
            import fastapi

            app = fastapi.FastAPI()

            @app.route("/legacy", include_in_schema=False)
            def legacy(request):
                return None
            """,
            expect=[
                "5:2-5:47 `@app.route(...)` was removed in Starlette 1.0; call `add_route(path, endpoint, ...)`, or use `@app.api_route(...)` for a FastAPI route",
            ],
            fixed="""
            import fastapi

            app = fastapi.FastAPI()

            def legacy(request):
                return None


            app.add_route("/legacy", legacy, include_in_schema=False)
            """,
        ),
        # A Router's events: report only (move them into a lifespan).
        Invalid(
            """
            from starlette.routing import Router

            router = Router(on_startup=[print])

            @router.on_event("shutdown")
            def bye():
                print("bye")

            router.add_event_handler("startup", print)
            """,
            expect=[
                "3:17-3:35 `Router(on_startup=...)` was removed in Starlette 1.0; run the handlers in a `lifespan` context manager (`lifespan=`)",
                "5:2-5:29 `@router.on_event(...)` was removed in Starlette 1.0; run the handlers in a `lifespan` context manager (`lifespan=`)",
                "9:1-9:43 `router.add_event_handler(...)` was removed in Starlette 1.0; run the handlers in a `lifespan` context manager (`lifespan=`)",
            ],
        ),
        # Not the outermost decorator: report only.
        Invalid(
            """
            from starlette.applications import Starlette
            from app.auth import requires_login

            app = Starlette()

            @requires_login
            @app.route("/me")
            async def me(request): ...
            """,
            expect=[
                "7:2-7:18 `@app.route(...)` was removed in Starlette 1.0; call `add_route(path, endpoint, ...)` or list a `Route` in `routes=`",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Call):
            self._check_call(node, ctx)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for index, decorator in enumerate(node.decorator_list):
            found = _removed(decorator, ctx)
            if found is None:
                continue
            owner, method, remedy = found
            assert isinstance(decorator, ast.Call)
            ctx.state(_Seen).decorators.add(id(decorator))
            fix = _fix(node, decorator, owner, method, ctx) if index == 0 else None
            ctx.report(decorator, what=f"@{ctx.text(decorator.func)}(...)", remedy=remedy, fix=fix)

    def _check_call(self, node: ast.Call, ctx: Context) -> None:
        if id(node) in ctx.state(_Seen).decorators:
            return
        found = _removed(node, ctx)
        if found is not None:
            what = f"{ctx.text(node.func)}(...)"
            ctx.report(node, what=what, remedy=found[2])
            return
        # The type of the call is asked only when it passes an event keyword.
        if not any(keyword.arg in ROUTER_EVENT_KEYWORDS for keyword in node.keywords):
            return
        if ctx.semantic.call_result_type(node) == "starlette.routing.Router":
            for keyword in node.keywords:
                if keyword.arg in ROUTER_EVENT_KEYWORDS:
                    remedy = "run the handlers in a `lifespan` context manager (`lifespan=`)"
                    ctx.report(keyword, what=f"Router({keyword.arg}=...)", remedy=remedy)


_REMOVED_METHODS = frozenset(method for _, method in REMOVED_APP_METHODS)


def _removed(node: ast.expr, ctx: Context) -> tuple[str, str, str] | None:
    """(owner type, method, remedy) when `node` calls a method Starlette 1.0 removed from
    the receiver's type."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method = node.func.attr
    if method not in _REMOVED_METHODS:
        return None  # most calls: no type to ask about
    owner = ctx.type_of(node.func.value)
    remedy = REMOVED_APP_METHODS.get((owner or "", method))
    if owner is None or remedy is None:
        return None
    return owner, method, remedy


def _fix(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    decorator: ast.Call,
    owner: str,
    method: str,
    ctx: Context,
) -> Fix | None:
    text = ctx.source.text
    receiver = ctx.text(decorator.func.value)  # type: ignore[attr-defined]  # `app.route(...)`: an Attribute
    args = [ctx.text(a) for a in decorator.args]
    keywords = [ctx.text(k) for k in decorator.keywords]
    if any(isinstance(a, ast.Starred) for a in decorator.args) or any(
        k.arg is None for k in decorator.keywords
    ):
        return None
    name = function.name
    import_edit: Edit | None = None
    if method == "exception_handler" and len(args) == 1 and not keywords:
        call = f"{receiver}.add_exception_handler({args[0]}, {name})"
    elif method == "middleware":
        kind = decorator.args[0] if decorator.args else None
        if not (isinstance(kind, ast.Constant) and kind.value == "http") or keywords:
            return None
        base, import_edit = ctx.import_edit("starlette.middleware.base", "BaseHTTPMiddleware")
        call = f"{receiver}.add_middleware({base}, dispatch={name})"
    elif method in ("route", "websocket_route"):
        target = "add_route" if method == "route" else "add_websocket_route"
        if method == "websocket_route" and owner == "starlette.Starlette":
            receiver = f"{receiver}.router"  # the app never had add_websocket_route
        if args:
            parts = [args[0], name, *args[1:], *keywords]
        else:
            endpoint = "route" if method == "route" else "endpoint"
            parts = [f"{endpoint}={name}", *keywords]
        call = f"{receiver}.{target}({', '.join(parts)})"
    else:
        return None
    # The decorator's lines go; nothing else may be on them.
    at_line = text.rfind("\n", 0, ctx.span(decorator)[0]) + 1
    indent = text[at_line : ctx.span(decorator)[0] - 1]
    end = ctx.span(decorator)[1]
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if indent.strip() or text[at_line + len(indent)] != "@" or text[end:line_end].strip():
        return None
    # The call goes right after the function's last line.
    last = ctx.span(function)[1]
    after = text.find("\n", last)
    newline = ctx.source.newline
    # At module level, two blank lines after a function (PEP 8), as a formatter would put them.
    gap = "" if indent else newline * 2
    if after == -1:
        insert = Edit(len(text), len(text), newline + gap + indent + call + newline)
    else:
        if text[last:after].strip(" \t\r") and not text[last:after].lstrip().startswith("#"):
            return None  # `def f(): ...; x = 1` on one line
        insert = Edit(after + 1, after + 1, gap + indent + call + newline)
    edits = [Edit(at_line, line_end, ""), insert]
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix(
        tuple(sorted(edits)),
        Applicability.SAFE,
        f"Call `{call.split('(')[0]}(...)` after the function",
    )
