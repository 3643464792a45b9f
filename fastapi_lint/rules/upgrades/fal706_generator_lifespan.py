from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import BindingKind

# What a `lifespan=` is given to: the app or router that runs it.
_OWNERS = frozenset(
    {"fastapi.FastAPI", "fastapi.APIRouter", "starlette.Starlette", "starlette.routing.Router"}
)


class GeneratorLifespan(Rule):
    """## What it does
    Checks for a generator function passed as `lifespan=` to a FastAPI or Starlette app or
    router: an `async def` or `def` of this module that `yield`s and is not decorated (with
    `@asynccontextmanager`).

    ## Why is this bad?
    Starlette expects an async context manager factory. It still wraps a bare async generator
    function in `asynccontextmanager` and a sync one in `contextmanager`, but has deprecated
    both since 0.2x; from 1.0 the warning is a `StarletteDeprecationWarning`, shown by default
    at every start. (Not removed in Starlette 1.x: the wrapping is still in 1.10.) A sync
    generator also runs its startup and shutdown code on the event loop.

    ## Example
    ```python
    async def lifespan(app):
        await db.connect()
        yield
        await db.disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app):
        await db.connect()
        yield
        await db.disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    Safe for an `async def`: the fix adds `@asynccontextmanager` (importing it from
    `contextlib`), which is exactly what Starlette did with the function, in every release.
    A sync generator is reported only: making it `async def` would run its body on the event
    loop the same way but changes what it may call; decide by hand. Only functions defined in
    this module are checked.

    ## References
    - Starlette `starlette/routing.py` (`Router.__init__`); FastAPI docs, "Lifespan Events"
    """

    code = "FAL706"
    name = "generator-lifespan"
    message = "`lifespan={function}` is a bare {kind} function; {remedy}"
    nodes = (ast.Call,)
    triggers = ("lifespan",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        """
        from contextlib import asynccontextmanager
        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(app):
            yield

        app = FastAPI(lifespan=lifespan)
        """,
        # A class-based context manager.
        """
        from starlette.applications import Starlette

        class Lifespan:
            def __init__(self, app): ...
            async def __aenter__(self): ...
            async def __aexit__(self, *exc): ...

        app = Starlette(lifespan=Lifespan)
        """,
        # Another library's `lifespan=`.
        """
        from worker import Worker

        async def lifespan(app):
            yield

        w = Worker(lifespan=lifespan)
        """,
        # A generator nested in the function does not make it one.
        """
        from fastapi import FastAPI

        def lifespan(app):
            def gen():
                yield
            return make_context(gen)

        app = FastAPI(lifespan=lifespan)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI

            async def lifespan(app):
                print("start")
                yield {"ready": True}
                print("stop")

            app = FastAPI(lifespan=lifespan)
            """,
            expect=[
                "8:15-8:32 `lifespan=lifespan` is a bare async generator function; decorate "
                "it with `@asynccontextmanager`"
            ],
            fixed="""
            from contextlib import asynccontextmanager

            from fastapi import FastAPI

            @asynccontextmanager
            async def lifespan(app):
                print("start")
                yield {"ready": True}
                print("stop")

            app = FastAPI(lifespan=lifespan)
            """,
        ),
        # A sync generator: report only.
        Invalid(
            """
            from starlette.routing import Router

            def startup(app):
                yield

            router = Router(lifespan=startup)
            """,
            expect=[
                "6:17-6:33 `lifespan=startup` is a bare generator function; make it an "
                "`async def` decorated with `@asynccontextmanager`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        argument = next((k for k in node.keywords if k.arg == "lifespan"), None)
        if argument is None or not isinstance(argument.value, ast.Name):
            return
        binding = ctx.semantic.lookup(argument.value.id)
        if binding is None or binding.kind is not BindingKind.FUNCTION:
            return
        function = binding.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if function.decorator_list or not _is_generator(function):
            return
        if ctx.semantic.call_result_type(node) not in _OWNERS:
            return
        is_async = isinstance(function, ast.AsyncFunctionDef)
        ctx.report(
            argument,
            function=function.name,
            kind="async generator" if is_async else "generator",
            remedy=(
                "decorate it with `@asynccontextmanager`"
                if is_async
                else "make it an `async def` decorated with `@asynccontextmanager`"
            ),
            fix=(lambda: _fix(function, ctx))
            if isinstance(function, ast.AsyncFunctionDef)
            else None,
        )


def _is_generator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _fix(function: ast.AsyncFunctionDef, ctx: Context) -> Fix | None:
    name, import_edit = ctx.import_edit("contextlib", "asynccontextmanager")
    text = ctx.source.text
    start = ctx.span(function)[0]
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    if indent.strip():
        return None  # `if x: async def ...` on one line
    edits = [Edit(line_start, line_start, f"{indent}@{name}{ctx.source.newline}")]
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix(tuple(edits), Applicability.SAFE, f"Decorate `{function.name}` with `@{name}`")
