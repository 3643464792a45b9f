from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.model import BindingKind

_APPS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter", "starlette.Starlette"})
_EVENT_KEYWORDS = frozenset({"on_startup", "on_shutdown"})


class DeprecatedOnEvent(Rule):
    """## What it does
    Checks for the deprecated event-handler API: `@app.on_event("startup")` and
    `@router.on_event(...)`, `app.add_event_handler(...)`, and `FastAPI(on_startup=[...],
    on_shutdown=[...])`.

    ## Why is this bad?
    FastAPI deprecated startup and shutdown events in favour of a single `lifespan` context
    manager, and Starlette removed them. With events, resources created at startup and
    released at shutdown live in globals, and a failed startup leaves no structured
    cleanup; a lifespan keeps both halves in one function and can hand state to requests.
    Once an app has a `lifespan`, its `on_event` handlers are silently not called.

    ## Example
    ```python
    @app.on_event("startup")
    async def connect():
        await database.connect()

    @app.on_event("shutdown")
    async def disconnect():
        await database.disconnect()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await database.connect()
        yield
        await database.disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    Detection only for now. The planned fix is unsafe and app-level only: it builds one
    `lifespan` that runs the startup handlers in registration order before `yield` and the
    shutdown handlers after it.

    ## References
    - FastAPI docs, "Lifespan Events"
    """

    code = "FAL201"
    name = "deprecated-on-event"
    message = "{what} is deprecated; use a `lifespan` context manager"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    triggers = ("on_event", "add_event_handler", "on_startup", "on_shutdown")
    valid = [
        # The modern lifespan.
        "from contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n\n"
        "@asynccontextmanager\nasync def lifespan(app):\n    yield\n\n"
        "app = FastAPI(lifespan=lifespan)\n",
        # An `on_event` method of some other object (an event bus).
        "class Bus:\n    def on_event(self, name):\n        return lambda f: f\n\nbus = Bus()\n\n"
        "@bus.on_event('startup')\ndef started():\n    pass\n",
        # A project function that takes `on_startup=`.
        "def make_app(on_startup=None):\n    return on_startup\n\nmake_app(on_startup=[print])\n",
        # A wrapper forwarding its own parameter registers nothing itself.
        "from fastapi import APIRouter\n\ndef make(on_startup=None):\n"
        "    return APIRouter(on_startup=on_startup, on_shutdown=None)\n",
        # An untyped receiver is not guessed to be an app.
        "def register(app):\n    app.add_event_handler('startup', print)\n",
    ]
    invalid = [
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\n"
            "async def connect():\n    pass\n"
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.on_event('shutdown')\n"
            "def close():\n    pass\n"
        ),
        Invalid(
            "import fastapi\n\ndef connect():\n    pass\n\n"
            "app = fastapi.FastAPI(on_startup=[connect], on_shutdown=[connect])\n",
            count=2,
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n\ndef connect():\n    pass\n\n"
            "app.add_event_handler('startup', connect)\n"
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Call):
            self._check_call(node, ctx)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "on_event"
                and ctx.type_of(decorator.func.value) in _APPS
            ):
                ctx.report(decorator, what=f"`@{ctx.text(decorator.func)}`")

    def _check_call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "add_event_handler":
            if ctx.type_of(func.value) in _APPS:
                ctx.report(node, what=f"`{ctx.text(func)}()`")
            return
        if not node.keywords:
            return
        constructed = ctx.qualified_name(func)
        if constructed is None or ctx.semantic.call_result_type(node) not in _APPS:
            return
        for keyword in node.keywords:
            if keyword.arg in _EVENT_KEYWORDS and not _forwarded(keyword.value, ctx):
                ctx.report(keyword, what=f"`{keyword.arg}=`")


def _forwarded(value: ast.expr, ctx: Context) -> bool:
    """`on_startup=None`, or a wrapper passing its own parameter through (FastAPI's own
    `FastAPI.__init__` does `APIRouter(on_startup=on_startup)`): no handler is registered here."""
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    if isinstance(value, ast.Name):
        binding = ctx.semantic.lookup(value.id)
        return binding is not None and binding.kind is BindingKind.PARAMETER
    return False
