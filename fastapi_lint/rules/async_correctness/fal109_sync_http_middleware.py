from __future__ import annotations

import ast
import re

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule

_APPS = frozenset({"fastapi.FastAPI", "starlette.Starlette"})
_DEF = re.compile(r"def\s+\w+")


class SyncHttpMiddleware(Rule):
    """## What it does
    Checks for a plain `def` registered with `@app.middleware("http")` on a known FastAPI or
    Starlette app.

    ## Why is this bad?
    Starlette wraps the function in `BaseHTTPMiddleware` and *awaits* what it returns. A sync
    function returns a `Response` (or the un-awaited coroutine of `call_next(request)`), so
    every request fails with `TypeError: object ... can't be used in 'await' expression` —
    and the sync body would block the event loop anyway.

    ## Example
    ```python
    @app.middleware("http")
    def add_timing(request: Request, call_next):
        response = call_next(request)
        response.headers["X-Time"] = "1"
        return response
    ```

    ## Use instead
    ```python
    @app.middleware("http")
    async def add_timing(request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Time"] = "1"
        return response
    ```

    ## Fix safety
    Unsafe: the fix makes the function `async def` and puts `await` before each
    `call_next(...)` call. The body then runs on the event loop, so blocking code inside it
    becomes a FAL1xx problem. The fix is offered only when every use of the `call_next`
    parameter is a plain call that can take an `await` prefix (the value of an assignment,
    `return`, or an expression statement, directly in the function); otherwise — `call_next`
    passed on, used in a nested function, or `call_next(request).headers` — it is reported
    only. The finding points at the `def` line.

    ## References
    - FastAPI docs, "Middleware"; Starlette `BaseHTTPMiddleware`
    """

    code = "FAL109"
    name = "sync-http-middleware"
    message = (
        "HTTP middleware `{function}` is a plain `def`; Starlette awaits it, so it fails at runtime"
    )
    nodes = (ast.FunctionDef,)
    triggers = ("middleware",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        # The correct async middleware.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.middleware('http')
        async def timing(request, call_next):
            return await call_next(request)
        """,
        # A middleware decorator of an unknown object.
        """
        from plugins import bus

        @bus.middleware('http')
        def timing(request, call_next):
            return call_next(request)
        """,
        # A project class with a `middleware` method.
        """
        class Pipeline:
            def middleware(self, kind):
                return lambda f: f

        pipe = Pipeline()

        @pipe.middleware('http')
        def step(request, call_next):
            return call_next(request)
        """,
        # A sync function that is not registered (a helper).
        """
        from fastapi import FastAPI
        app = FastAPI()

        def timing(request, call_next):
            return call_next(request)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.middleware('http')
            def timing(request, call_next):
                response = call_next(request)
                response.headers['X-Time'] = '1'
                return response
            """,
            expect=[
                "5:1-5:11 HTTP middleware `timing` is a plain `def`; Starlette awaits it, so it fails at runtime"
            ],
            fixed="""
            from fastapi import FastAPI
            app = FastAPI()

            @app.middleware('http')
            async def timing(request, call_next):
                response = await call_next(request)
                response.headers['X-Time'] = '1'
                return response
            """,
            unsafe=True,
        ),
        # `call_next` used in a way that cannot take a prefix: report only.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.middleware('http')
            def tag(request, call_next):
                call_next(request).headers['X'] = '1'
            """,
            expect=[
                "5:1-5:8 HTTP middleware `tag` is a plain `def`; Starlette awaits it, so it fails at runtime"
            ],
        ),
        # `call_next` used in a nested function, where `await` cannot go: report only.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.middleware('http')
            def wrap(request, call_next):
                def run():
                    return call_next(request)
                return run()
            """,
            expect=[
                "5:1-5:9 HTTP middleware `wrap` is a plain `def`; Starlette awaits it, so it fails at runtime"
            ],
        ),
        Invalid(
            """
            import fastapi
            app = fastapi.FastAPI()

            @app.middleware(middleware_type='http')
            def deny(request, nxt):
                if request.url.path == '/x':
                    return None
                return nxt(request)
            """,
            expect=[
                "5:1-5:9 HTTP middleware `deny` is a plain `def`; Starlette awaits it, so it fails at runtime"
            ],
            fixed="""
            import fastapi
            app = fastapi.FastAPI()

            @app.middleware(middleware_type='http')
            async def deny(request, nxt):
                if request.url.path == '/x':
                    return None
                return await nxt(request)
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.FunctionDef, ctx: Context) -> None:
        if not any(self._is_http_middleware(d, ctx) for d in node.decorator_list):
            return
        start = ctx.source.offset(node.lineno, node.col_offset)
        match = _DEF.match(ctx.source.text, start)
        end = match.end() if match else start + 3
        # Point at `def name` (not the whole function): a node carrying just that range.
        line_start = ctx.source.line_starts[node.lineno - 1]
        marker = ast.Pass()
        marker.lineno, marker.col_offset = node.lineno, node.col_offset
        marker.end_lineno = node.lineno
        marker.end_col_offset = len(ctx.source.text[line_start:end].encode("utf-8"))
        ctx.report(marker, function=node.name, fix=self._fix(node, ctx, start))

    def _is_http_middleware(self, decorator: ast.expr, ctx: Context) -> bool:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "middleware"
            and ctx.semantic.app_type(ctx.type_of(decorator.func.value)) in _APPS
        ):
            return False
        kind = decorator.args[0] if decorator.args else None
        for keyword in decorator.keywords:
            if keyword.arg == "middleware_type":
                kind = keyword.value
        return isinstance(kind, ast.Constant) and kind.value == "http"

    def _fix(self, node: ast.FunctionDef, ctx: Context, start: int) -> Fix | None:
        params = [*node.args.posonlyargs, *node.args.args]
        if len(params) < 2:
            return None
        call_next = params[1].arg
        prefixable: list[ast.Call] = []
        uses = 0
        stack: list[ast.AST] = list(node.body)
        while stack:
            child = stack.pop()
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                # No `await` can go in a nested function: any use there blocks the fix.
                uses += sum(isinstance(n, ast.Name) and n.id == call_next for n in ast.walk(child))
                continue
            if isinstance(child, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)):
                value = child.value
                if isinstance(value, ast.Call) and _calls(value, call_next):
                    prefixable.append(value)
                    stack.extend(value.args)
                    stack.extend(k.value for k in value.keywords)
                    if isinstance(child, ast.Assign):
                        stack.extend(child.targets)
                    elif isinstance(child, ast.AnnAssign):
                        stack.append(child.target)
                    continue
            if isinstance(child, ast.Name) and child.id == call_next:
                uses += 1
            stack.extend(ast.iter_child_nodes(child))
        if uses:
            return None  # some use is not a prefixable call (or is in a nested function)
        edits = [Edit(start, start, "async ")]
        edits.extend(Edit(s, s, "await ") for s in sorted(ctx.span(c)[0] for c in prefixable))
        return Fix(
            tuple(edits),
            Applicability.UNSAFE,
            f"Make `{node.name}` `async def` and await `{call_next}(...)`",
        )


def _calls(call: ast.Call, name: str) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == name
