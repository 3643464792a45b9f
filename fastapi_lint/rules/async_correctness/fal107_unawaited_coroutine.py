from __future__ import annotations

import ast

from ...catalogues.coroutines import COROUTINE_METHODS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import BindingKind
from ...semantic.records import MakesCoroutine
from .._functions import is_generator


class UnawaitedCoroutine(Rule):
    """## What it does
    Checks for expression statements in `async def` that call a coroutine function and drop
    the result: an `async def` of this module called by name, or a coroutine method of a known
    async client — SQLAlchemy's `AsyncSession` (`execute`, `commit`, `refresh`, `delete`, ...),
    `AsyncConnection` and `AsyncEngine.dispose`, `httpx.AsyncClient`, a `redis.asyncio` client,
    an `asyncpg` connection or pool.

    ## Why is this bad?
    Calling a coroutine function only creates the coroutine; nothing runs until it is awaited.
    `db.commit()` without `await` commits nothing, `send_email(user)` sends nothing, and Python
    only says "coroutine ... was never awaited" in a warning at garbage collection.

    ## Example
    ```python
    @router.post("/users")
    async def create_user(user: UserIn, db: AsyncSession = Depends(get_db)):
        db.add(User(**user.model_dump()))
        db.commit()
    ```

    ## Use instead
    ```python
    @router.post("/users")
    async def create_user(user: UserIn, db: AsyncSession = Depends(get_db)):
        db.add(User(**user.model_dump()))
        await db.commit()
    ```

    ## Fix safety
    Unsafe: the fix adds `await`. The code then runs, and waits — which is the intent, but can
    change timing, raise errors that were silently lost, or change behaviour where the caller
    meant to schedule the work (use `asyncio.create_task` for that instead).

    Project functions are found through the project index: an `async def` imported from
    another module (also re-exported by a package `__init__`), or a coroutine method of a
    project class on a receiver whose class is known (`self.notify()`, `service.notify()`
    with `service: Notifier`). Seen one file at a time (the flake8 plugin without a cached
    index), only the file's own functions are known. A decorated function counts only when
    its decorator is a FastAPI route decorator (or `staticmethod`/`classmethod`), because
    other decorators may return something that is not a coroutine function. Async generators
    are skipped: calling one creates an iterator, which cannot be awaited.

    ## References
    - Python docs, "Coroutines and Tasks"; ruff RUF006 (dangling tasks) is the neighbouring check
    """

    code = "FAL107"
    name = "unawaited-coroutine"
    message = "{call} returns a coroutine that is never awaited, so it never runs"
    defers = True
    nodes = (ast.Expr,)
    triggers = ("async",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        # Awaited: fine.
        """
        async def notify(user):
            pass

        async def handler(user):
            await notify(user)
        """,
        # Scheduled as a task on purpose.
        """
        import asyncio

        async def notify(user):
            pass

        async def handler(user):
            asyncio.create_task(notify(user))
        """,
        # A sync function returns no coroutine.
        """
        def notify(user):
            pass

        async def handler(user):
            notify(user)
        """,
        # A local parameter shadows the module's async function.
        """
        async def notify(user):
            pass

        async def handler(user, notify):
            notify(user)
        """,
        # `AsyncSession.add()` is a plain method.
        """
        from sqlalchemy.ext.asyncio import AsyncSession

        async def create(db: AsyncSession, u):
            db.add(u)
            await db.commit()
        """,
        # An unknown receiver is not guessed to be an async session.
        """
        async def create(db, u):
            db.commit()
        """,
        # A decorator that may turn the coroutine function into something else (a task queue).
        """
        from tasks import celery_task

        @celery_task
        async def send(user):
            pass

        async def handler(user):
            send(user)
        """,
        # Calling from a sync function: adding `await` is impossible there (another problem).
        """
        async def notify(user):
            pass

        def handler(user):
            notify(user)
        """,
        # An async generator is iterated, not awaited.
        """
        async def rows():
            yield 1

        async def handler():
            rows()
        """,
        # A sync method of a project class.
        """
        class Cache:
            def get(self, key):
                return key

        async def handler(cache: Cache):
            cache.get('k')
        """,
        # An imported function the project does not define: unknown.
        """
        from tasks import notify

        async def handler(user):
            notify(user)
        """,
        # redis.asyncio pipelines are built synchronously.
        """
        import redis.asyncio as redis

        r = redis.Redis()

        async def handler():
            r.pipeline()
        """,
    ]
    invalid = [
        # A coroutine method of the class, called on `self`.
        Invalid(
            """
            class Notifier:
                async def send(self, to):
                    pass

                async def broadcast(self, people):
                    for p in people:
                        self.send(p)
            """,
            expect=[
                "7:13-7:25 `self.send()` (an `async def`) returns a coroutine that is never awaited, so it never runs"
            ],
            fixed="""
            class Notifier:
                async def send(self, to):
                    pass

                async def broadcast(self, people):
                    for p in people:
                        await self.send(p)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            async def create(db: AsyncSession, user):
                db.add(user)
                db.commit()
            """,
            expect=[
                "5:5-5:16 `db.commit()` on a `sqlalchemy.ext.asyncio.AsyncSession` returns a coroutine that is never awaited, so it never runs"
            ],
            fixed="""
            from sqlalchemy.ext.asyncio import AsyncSession

            async def create(db: AsyncSession, user):
                db.add(user)
                await db.commit()
            """,
            unsafe=True,
        ),
        Invalid(
            """
            async def send_welcome(user):
                pass

            async def signup(user):
                send_welcome(user)
                return user
            """,
            expect=[
                "5:5-5:23 `send_welcome()` (an `async def`) returns a coroutine that is never awaited, so it never runs"
            ],
            fixed="""
            async def send_welcome(user):
                pass

            async def signup(user):
                await send_welcome(user)
                return user
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import httpx

            async def ping():
                async with httpx.AsyncClient() as client:
                    client.post('/ping')
            """,
            expect=[
                "5:9-5:29 `client.post()` on a `httpx.AsyncClient` returns a coroutine that is never awaited, so it never runs"
            ],
            fixed="""
            import httpx

            async def ping():
                async with httpx.AsyncClient() as client:
                    await client.post('/ping')
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import asyncpg

            async def main():
                conn = await asyncpg.connect()
                conn.execute('select 1')
                conn.close()
            """,
            fixed="""
            import asyncpg

            async def main():
                conn = await asyncpg.connect()
                await conn.execute('select 1')
                await conn.close()
            """,
            unsafe=True,
            expect=[
                "5:5-5:29 `conn.execute()` on a `asyncpg.Connection` returns a coroutine that is never awaited, so it never runs",
                "6:5-6:17 `conn.close()` on a `asyncpg.Connection` returns a coroutine that is never awaited, so it never runs",
            ],
        ),
    ]

    def check(self, node: ast.Expr, ctx: Context) -> None:
        call = node.value
        if not isinstance(call, ast.Call) or not ctx.in_async_function:
            return
        described = self._coroutine_call(call, ctx)
        if described is not None:
            ctx.report(call, call=described, fix=_await(call, ctx))
            return
        if self._local_function(call, ctx):
            return  # decided above: this module's own function, not a coroutine function
        # A function of another module, or a method of a project class: the index decides.
        candidate = ctx.call_names(call)[1]
        if candidate is not None:
            text = "".join(ctx.text(call.func).split())
            ctx.defer(
                call,
                (MakesCoroutine(candidate),),
                fix=_await(call, ctx),
                call=f"`{text}()` (an `async def`)",
            )

    @staticmethod
    def _local_function(call: ast.Call, ctx: Context) -> bool:
        if not isinstance(call.func, ast.Name):
            return False
        binding = ctx.semantic.lookup(call.func.id)
        return binding is not None and binding.kind is BindingKind.FUNCTION

    def _coroutine_call(self, call: ast.Call, ctx: Context) -> str | None:
        func = call.func
        if isinstance(func, ast.Name):
            binding = ctx.semantic.lookup(func.id)
            if binding is None or binding.kind is not BindingKind.FUNCTION:
                return None
            definition = binding.node
            if not isinstance(definition, ast.AsyncFunctionDef) or is_generator(definition):
                return None
            if definition.decorator_list:
                # Only route decorators are known to hand the function back unchanged.
                scope = ctx.semantic.functions.get(definition)
                if scope is None or scope.route is None or len(definition.decorator_list) != 1:
                    return None
            return f"`{func.id}()` (an `async def`)"
        if isinstance(func, ast.Attribute):
            receiver = ctx.type_of(func.value)
            methods = COROUTINE_METHODS.get(receiver) if receiver else None
            if methods is not None and func.attr in methods:
                return f"`{ctx.text(func)}()` on a `{receiver}`"
        return None


def _await(call: ast.Call, ctx: Context) -> Fix:
    """The fix: `await ` before the call (made only for a call reported or deferred, not for
    every statement that is a call)."""
    start = ctx.span(call)[0]
    return Fix((Edit(start, start, "await "),), Applicability.UNSAFE, "Add `await`")
