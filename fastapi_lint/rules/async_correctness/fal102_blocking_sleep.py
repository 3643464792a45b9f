from __future__ import annotations

import ast

from ...context import Context, FixLike
from ...diagnostics import Applicability, Edit, Fix
from ...rule import Invalid
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
    outcome of code that relied on nothing else running meanwhile.

    ## References
    - flake8-async ASYNC251, ruff ASYNC251
    """

    code = "FAL102"
    name = "blocking-sleep-in-async"
    triggers = ("sleep",)
    message = (
        "`time.sleep()` blocks the event loop in async function `{function}`; use {replacement}"
    )
    valid = [
        # A local function named `sleep` is not `time.sleep`.
        "def sleep(seconds):\n    return seconds\n\nasync def wait():\n    sleep(1)\n",
        # asyncio's sleep is what we want.
        "import asyncio\n\nasync def wait():\n    await asyncio.sleep(1)\n",
        # Sync code may sleep.
        "import time\n\ndef backoff():\n    time.sleep(1)\n",
        # A reference run in a thread.
        "import asyncio, time\n\nasync def wait():\n    await asyncio.to_thread(time.sleep, 1)\n",
        # A nested sync helper inside an async function.
        "import time\n\nasync def outer():\n    def retry():\n        time.sleep(1)\n"
        "    return retry\n",
        # A method called sleep on an unknown object.
        "async def wait(clock):\n    clock.sleep(1)\n",
    ]
    invalid = [
        Invalid(
            "import time\n\nasync def wait():\n    time.sleep(1)\n",
            fixed="import time\nimport asyncio\n\nasync def wait():\n    await asyncio.sleep(1)\n",
            unsafe=True,
        ),
        Invalid(
            "import asyncio\nfrom time import sleep\n\nasync def wait(n):\n"
            "    for _ in range(n):\n        sleep(0.5)\n",
            fixed="import asyncio\nfrom time import sleep\n\nasync def wait(n):\n"
            "    for _ in range(n):\n        await asyncio.sleep(0.5)\n",
            unsafe=True,
        ),
        Invalid(
            '"""Jobs."""\nimport time as t\n\nasync def a():\n    t.sleep(1)\n\n'
            "async def b():\n    t.sleep(2)\n",
            fixed='"""Jobs."""\nimport time as t\nimport asyncio\n\nasync def a():\n'
            "    await asyncio.sleep(1)\n\nasync def b():\n    await asyncio.sleep(2)\n",
            unsafe=True,
            count=2,
        ),
    ]

    def fix(self, node: ast.Call, ctx: Context) -> FixLike:
        name, import_edit = ctx.import_edit("asyncio")
        start = ctx.span(node)[0]
        func_end = ctx.span(node.func)[1]
        edits = [Edit(start, func_end, f"await {name}.sleep")]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(tuple(edits), Applicability.UNSAFE, "Use `await asyncio.sleep()`")
