from __future__ import annotations

import ast

from ...context import Context, FixLike
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from .._blocking import BlockingCallRule


class BlockingSleepInAsync(BlockingCallRule):
    """## What it does
    Checks for `time.sleep()` inside `async def`.

    ## Why is this bad?
    `time.sleep()` suspends the whole thread, and in an `async def` that thread is the event
    loop: no other request, background task or websocket on this worker makes progress until
    it returns.

    ## Example
    ```python
    async def poll_job(job_id: str):
        while not done(job_id):
            time.sleep(1)
    ```

    ## Use instead
    ```python
    async def poll_job(job_id: str):
        while not done(job_id):
            await asyncio.sleep(1)
    ```

    ## Fix safety
    Unsafe: the fix rewrites the call to `await asyncio.sleep(...)` and adds `import asyncio`
    when it is missing. Other coroutines now run during the pause, which can change the
    outcome of code that relied on nothing else running meanwhile. An `import time` (or
    `from time import sleep`) that nothing uses once every fix is applied is removed too; one
    that other code or a string still names stays (for `from time import sleep`, a comment
    naming it too).

    ## References
    - flake8-async ASYNC251, ruff ASYNC251
    """

    code = "FAL102"
    name = "blocking-sleep-in-async"
    triggers = ("sleep",)
    fix_availability = FixAvailability.ALWAYS  # `await asyncio.sleep()`, in any async function
    message = (
        "`time.sleep()` blocks the event loop in async function `{function}`; use {replacement}"
    )
    valid = [
        # A local function named `sleep` is not `time.sleep`.
        """
        def sleep(seconds):
            return seconds

        async def wait():
            sleep(1)
        """,
        # asyncio's sleep is what we want.
        """
        import asyncio

        async def wait():
            await asyncio.sleep(1)
        """,
        # Sync code may sleep.
        """
        import time

        def backoff():
            time.sleep(1)
        """,
        # A reference run in a thread.
        """
        import asyncio, time

        async def wait():
            await asyncio.to_thread(time.sleep, 1)
        """,
        # A nested sync helper inside an async function.
        """
        import time

        async def outer():
            def retry():
                time.sleep(1)
            return retry
        """,
        # A method called sleep on an unknown object.
        """
        async def wait(clock):
            clock.sleep(1)
        """,
    ]
    invalid = [
        Invalid(
            """
            import time

            async def wait():
                time.sleep(1)
            """,
            expect=[
                "4:5-4:18 `time.sleep()` blocks the event loop in async function `wait`; use `await asyncio.sleep()`"
            ],
            fixed="""
            import asyncio

            async def wait():
                await asyncio.sleep(1)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import asyncio
            from time import sleep

            async def wait(n):
                for _ in range(n):
                    sleep(0.5)
            """,
            expect=[
                "6:9-6:19 `time.sleep()` blocks the event loop in async function `wait`; use `await asyncio.sleep()`"
            ],
            fixed="""
            import asyncio

            async def wait(n):
                for _ in range(n):
                    await asyncio.sleep(0.5)
            """,
            unsafe=True,
        ),
        Invalid(
            '''
            """Jobs."""
            import time as t

            async def a():
                t.sleep(1)

            async def b():
                t.sleep(2)
            ''',
            fixed='''
            """Jobs."""
            import asyncio

            async def a():
                await asyncio.sleep(1)

            async def b():
                await asyncio.sleep(2)
            ''',
            unsafe=True,
            expect=[
                "5:5-5:15 `time.sleep()` blocks the event loop in async function `a`; use `await asyncio.sleep()`",
                "8:5-8:15 `time.sleep()` blocks the event loop in async function `b`; use `await asyncio.sleep()`",
            ],
        ),
    ]

    def fix(self, node: ast.Call, ctx: Context) -> FixLike:
        name, import_edit = ctx.import_edit("asyncio")
        start = ctx.span(node)[0]
        func_end = ctx.span(node.func)[1]
        edits = [Edit(start, func_end, f"await {name}.sleep")]
        if import_edit is not None:
            edits.insert(0, import_edit)
        # `import time` (or `from time import sleep`) may now be imported for nothing.
        retires = (ctx.qualified_name(node.func) or "",)
        return Fix(
            tuple(edits), Applicability.UNSAFE, "Use `await asyncio.sleep()`", retires=retires
        )
