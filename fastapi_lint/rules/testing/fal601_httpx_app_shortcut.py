from __future__ import annotations

import ast
from dataclasses import dataclass

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import Scope

# The client type → the transport that replaces its removed `app=` shortcut.
_TRANSPORTS = {"httpx.AsyncClient": "ASGITransport", "httpx.Client": "WSGITransport"}


class HttpxAppShortcut(Rule):
    """## What it does
    Checks for `httpx.AsyncClient(app=...)` and `httpx.Client(app=...)`.

    ## Why is this bad?
    The `app=` shortcut was deprecated in httpx 0.27 and removed in 0.28: with a current httpx
    the client raises `TypeError: ... got an unexpected keyword argument 'app'`, so the test
    suite fails before the first request. Many tutorials still show it.

    ## Example
    ```python
    async with AsyncClient(app=app, base_url="http://test") as client:
        response = await client.get("/")
    ```

    ## Use instead
    ```python
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/")
    ```

    ## Fix safety
    Safe: `app=X` becomes `transport=ASGITransport(app=X)` (`WSGITransport` for the sync
    `httpx.Client`), which is exactly what the shortcut built. The transport is written as
    `httpx.ASGITransport` when the module imports `httpx` itself; otherwise it is added to an
    existing `from httpx import ...` statement, or a new `from httpx import ASGITransport` is
    added to the import block. No fix when the call also passes `transport=` (httpx ignored
    `app=` then; remove it by hand) or when the name `ASGITransport` is taken by something else.

    ## References
    - httpx changelog 0.28.0; FastAPI docs, "Async Tests"
    """

    code = "FAL601"
    name = "httpx-app-shortcut"
    message = "`{client}(app=...)` was removed in httpx 0.28; use `transport={transport}(app=...)`"
    nodes = (ast.Call,)
    triggers = ("httpx",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The current spelling.
        """
        from httpx import ASGITransport, AsyncClient

        client = AsyncClient(transport=ASGITransport(app=object()), base_url='http://test')
        """,
        # Starlette's TestClient takes the app positionally, and is not an httpx client here.
        """
        from fastapi.testclient import TestClient

        client = TestClient(app=object())
        """,
        # A project class called AsyncClient.
        """
        class AsyncClient:
            def __init__(self, app):
                self.app = app

        client = AsyncClient(app=None)
        """,
        # `app` passed to the transport, not the client.
        """
        import httpx

        transport = httpx.ASGITransport(app=object())
        """,
        # An unrelated `app=` keyword.
        """
        from gradio import mount

        mount(app=object())
        """,
    ]
    invalid = [
        Invalid(
            """
            from httpx import AsyncClient
            from main import app

            async def test_root():
                async with AsyncClient(app=app, base_url='http://test') as ac:
                    await ac.get('/')
            """,
            expect=[
                "5:28-5:35 `httpx.AsyncClient(app=...)` was removed in httpx 0.28; use `transport=ASGITransport(app=...)`"
            ],
            fixed="""
            from httpx import ASGITransport, AsyncClient
            from main import app

            async def test_root():
                async with AsyncClient(
                    transport=ASGITransport(app=app), base_url='http://test'
                ) as ac:
                    await ac.get('/')
            """,
        ),
        Invalid(
            """
            import httpx
            from wsgi import flask_app

            client = httpx.Client(app=flask_app)
            """,
            expect=[
                "4:23-4:36 `httpx.Client(app=...)` was removed in httpx 0.28; use `transport=WSGITransport(app=...)`"
            ],
            fixed="""
            import httpx
            from wsgi import flask_app

            client = httpx.Client(transport=httpx.WSGITransport(app=flask_app))
            """,
        ),
        Invalid(
            """
            from httpx import AsyncClient as C
            from main import app

            a = C(app=app)
            b = C(base_url='http://t', app=app)
            """,
            fixed="""
            from httpx import ASGITransport, AsyncClient as C
            from main import app

            a = C(transport=ASGITransport(app=app))
            b = C(base_url='http://t', transport=ASGITransport(app=app))
            """,
            expect=[
                "4:7-4:14 `httpx.AsyncClient(app=...)` was removed in httpx 0.28; use `transport=ASGITransport(app=...)`",
                "5:28-5:35 `httpx.AsyncClient(app=...)` was removed in httpx 0.28; use `transport=ASGITransport(app=...)`",
            ],
        ),
        # Both `app=` and `transport=`: report only.
        Invalid(
            """
            import httpx

            client = httpx.AsyncClient(app=None, transport=None)
            """,
            expect=[
                "3:28-3:36 `httpx.AsyncClient(app=...)` was removed in httpx 0.28; use `transport=ASGITransport(app=...)`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        app = next((k for k in node.keywords if k.arg == "app"), None)
        if app is None:
            return
        client = ctx.semantic.call_result_type(node)
        transport = _TRANSPORTS.get(client or "")
        if client is None or transport is None:
            return
        ctx.report(
            app, client=client, transport=transport, fix=self._fix(node, app, transport, ctx)
        )

    def _fix(self, node: ast.Call, app: ast.keyword, transport: str, ctx: Context) -> Fix | None:
        if any(k.arg == "transport" for k in node.keywords):
            return None
        written, import_edit = _transport_name(transport, ctx)
        if written is None:
            return None
        edits = [ctx.replace(app, f"transport={written}(app={ctx.text(app.value)})").edits[0]]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(tuple(edits), Applicability.SAFE, f"Use `transport={transport}(app=...)`")


def _transport_name(transport: str, ctx: Context) -> tuple[str | None, Edit | None]:
    """How to write the transport class here, and the import edit it needs, if any."""
    wanted = f"httpx.{transport}"
    # Prefer what the code already has in reach, innermost scope first (a test that does
    # `import httpx` locally gets `httpx.WSGITransport`).
    semantic = ctx.semantic
    module = semantic.module_scope
    scope: Scope | None = semantic.scope
    # Function scopes are scanned (they are small); the module's names are looked up, since
    # this is asked for every finding and a test module can have thousands of both.
    while scope is not None and scope is not module:
        for name, binding in scope.bindings.items():
            if binding.qualname == wanted and semantic.lookup(name) is binding:
                return name, None
        for name, binding in scope.bindings.items():
            if binding.qualname == "httpx" and semantic.lookup(name) is binding:
                return f"{name}.{transport}", None
        scope = scope.parent
    for qualname, suffix in ((wanted, ""), ("httpx", f".{transport}")):
        for name in semantic.module_names_bound_to((qualname,)):
            if semantic.lookup(name) is module.bindings[name]:
                return f"{name}{suffix}", None
    if semantic.lookup(transport) is not None or transport in module.bindings:
        return None, None  # the name means something else here
    statement = ctx.state(_HttpxImport).statement(ctx)
    if statement is not None:
        # Merge into the existing `from httpx import ...`, first in the list.
        start = ctx.span(statement.names[0])[0]
        return transport, Edit(start, start, f"{transport}, ")
    return ctx.import_edit("httpx", transport)


@dataclass
class _HttpxImport:
    """The module's first `from httpx import ...` statement, looked for once per file."""

    looked: bool = False
    found: ast.ImportFrom | None = None

    def statement(self, ctx: Context) -> ast.ImportFrom | None:
        if not self.looked:
            self.looked = True
            self.found = next(
                (
                    statement
                    for statement in ctx.semantic.tree.body
                    if isinstance(statement, ast.ImportFrom)
                    and statement.module == "httpx"
                    and not statement.level
                    and statement.names[0].name != "*"
                ),
                None,
            )
        return self.found
