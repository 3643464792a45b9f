from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.records import BlocksLoop


class TransitiveBlockingCall(Rule):
    """## What it does
    Checks for an `async def` that calls a *sync* function of the project which makes a
    blocking call (one that FAL101–FAL105 report: HTTP, `time.sleep`, file I/O, subprocesses,
    sync database clients), directly or through further sync functions of the project. The
    message gives the chain and where the blocking call is, e.g.
    `describe → fetch_profile → requests.get (app/services/profiles.py:11)`.

    The callee is found through the project index: an imported function
    (`from app.services.profiles import fetch_profile`, `import app.services.profiles as p`,
    re-exported by a package `__init__`), a function of the same module, a method of a
    receiver whose project class is known (`repo: UserRepo`, `cache = ProfileCache()` at
    module level, `self.load()`), followed through the class's project bases. A function
    passed as a reference to `asyncio.to_thread`, `run_in_threadpool` or
    `loop.run_in_executor` is not called, and is not reported. A `def` nested in a function
    (`def load(): ...` in the route, then `load()`) is a sync function like any other: the
    call of it is reported, not the calls inside it, which run where it is called. Not
    reported either: a call inside a `lambda`, a sync generator (calling it runs nothing yet), or a function
    with a decorator that may replace it (only `staticmethod`, `classmethod` and `wraps` are
    known to keep it; a `functools.cache`/`lru_cache` function blocks only on its first call
    and is not reported).

    One blocking helper can be reached from many async functions. When calling it from async
    code is acceptable (a small file read once at startup), `# noqa: FAL106` on its `def` line
    stops every chain through it; on one blocking call inside it, only the chains that end
    at that call.

    ## Why is this bad?
    The blocking call runs on the event loop's thread even though it is one call away: every
    request this worker serves waits for it. FAL101–FAL105 only see blocking calls written in
    the `async def` itself; real services put them in `app/services/` or `app/repositories/`.

    ## Example
    ```python
    # app/services/profiles.py
    def fetch_profile(username: str) -> dict:
        return requests.get(f"{DIRECTORY}/people/{username}", timeout=5).json()

    # app/routers/users.py
    @router.get("/{username}/profile")
    async def describe(username: str) -> dict:
        return fetch_profile(username)
    ```

    ## Use instead
    ```python
    @router.get("/{username}/profile")
    async def describe(username: str) -> dict:
        return await asyncio.to_thread(fetch_profile, username)
    ```
    Or make the route a plain `def` (FastAPI runs it in its threadpool), or the helper async
    (`httpx.AsyncClient`).

    ## Fix safety
    No fix: whether to move the call to a thread, make the route sync or rewrite the helper
    is a design decision.

    Seen one file at a time (the flake8 plugin without a cached project index), only chains
    within the file are found; `fastapi-lint check` on the project sees across modules.
    """

    code = "FAL106"
    name = "transitive-blocking-call-in-async"
    message = (
        "`{callee}()` blocks the event loop in async function `{function}`: "
        "{function} → {chain} ({location}); run it with `await asyncio.to_thread(...)` "
        "or make it async"
    )
    defers = True
    nodes = (ast.Call,)
    only_in_async = True  # `check` returns at once outside `async def`; no `finish`
    triggers = ("async",)
    valid = [
        # A sync helper that does no I/O.
        """
        def slugify(name):
            return name.lower().replace(' ', '-')

        async def create(name):
            return slugify(name)
        """,
        # Run in a thread: a reference, not a call.
        """
        import asyncio
        import requests

        def fetch_profile(name):
            response = requests.get('https://directory.test/' + name, timeout=5)
            return response.json()

        async def describe(name):
            return await asyncio.to_thread(fetch_profile, name)
        """,
        # Called from a plain `def`: FastAPI runs it in the threadpool.
        """
        import requests

        def fetch_profile(name):
            response = requests.get('https://directory.test/' + name, timeout=5)
            return response.json()

        def describe(name):
            return fetch_profile(name)
        """,
        # A lambda breaks the async context.
        """
        import asyncio
        import requests

        def fetch_profile(name):
            response = requests.get('https://directory.test/' + name, timeout=5)
            return response.json()

        async def describe(name):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, lambda: fetch_profile(name))
        """,
        # A sync generator runs nothing when called.
        """
        import time

        def ticks():
            time.sleep(1)
            yield 1

        async def handler():
            return ticks()
        """,
        # Recursion without any blocking call terminates.
        """
        def walk(n):
            return walk(n - 1) if n else 0

        async def handler():
            return walk(3)
        """,
        # A nested `def` run in a thread, and one that does not block.
        """
        import asyncio
        import time

        async def handler():
            def settle():
                time.sleep(0.01)

            def label(name):
                return name.title()

            await asyncio.to_thread(settle)
            return label('x')
        """,
        # A method called `get` of a class that does not block.
        """
        class Cache:
            def __init__(self):
                self.data = {}

            def get(self, key):
                return self.data.get(key)

        cache = Cache()

        async def handler(key):
            return cache.get(key)
        """,
        # A blocking call accepted where it is: no chain goes through it.
        """
        import time

        def settle():
            time.sleep(0.01)  # noqa: FAL106

        async def handler():
            settle()
        """,
        # The helper is accepted as a whole.
        """
        import time

        def settle():  # noqa: FAL106
            time.sleep(0.01)
            time.sleep(0.01)

        async def handler():
            settle()
        """,
        # Cached: blocks on the first call only.
        """
        import functools
        import requests

        @functools.cache
        def settings():
            return requests.get('https://config.test/', timeout=5).json()

        async def handler():
            return settings()
        """,
        # An unknown decorator may turn the function into something else.
        """
        import time
        from tasks import task

        @task
        def slow():
            time.sleep(1)

        async def handler():
            slow()
        """,
    ]
    invalid = [
        # A `def` nested in the coroutine, which blocks.
        Invalid(
            """
            import time

            async def handler():
                def settle():
                    time.sleep(0.01)

                settle()
            """,
            expect=[
                "7:5-7:13 `settle()` blocks the event loop in async function `handler`: handler → handler.<locals>.settle → time.sleep (example.py:5); run it with `await asyncio.to_thread(...)` or make it async"
            ],
        ),
        Invalid(
            """
            import requests

            def fetch_profile(name):
                response = requests.get('https://directory.test/' + name, timeout=5)
                return response.json()

            async def describe(name):
                return fetch_profile(name)
            """,
            expect=[
                "8:12-8:31 `fetch_profile()` blocks the event loop in async function `describe`: describe → fetch_profile → requests.get (example.py:4); run it with `await asyncio.to_thread(...)` or make it async"
            ],
        ),
        # Through a second sync function, and a recursive one.
        Invalid(
            """
            import requests

            def fetch_profile(name):
                response = requests.get('https://directory.test/' + name, timeout=5)
                return response.json()

            def load(name, depth=0):
                return load(name, depth - 1) if depth else fetch_profile(name)

            async def describe(name):
                return load(name)
            """,
            expect=[
                "11:12-11:22 `load()` blocks the event loop in async function `describe`: describe → load → fetch_profile → requests.get (example.py:4); run it with `await asyncio.to_thread(...)` or make it async"
            ],
        ),
        # A method of a known receiver and `self`.
        Invalid(
            """
            import time

            class Mailer:
                def send(self, to):
                    time.sleep(1)

                async def notify(self, to):
                    self.send(to)

            async def signup(mailer: Mailer):
                mailer.send('x')
            """,
            expect=[
                "8:9-8:22 `self.send()` blocks the event loop in async function `notify`: notify → Mailer.send → time.sleep (example.py:5); run it with `await asyncio.to_thread(...)` or make it async",
                "11:5-11:21 `mailer.send()` blocks the event loop in async function `signup`: signup → Mailer.send → time.sleep (example.py:5); run it with `await asyncio.to_thread(...)` or make it async",
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async_function:
            return
        callee = ctx.call_names(node)[1]
        if callee is None:
            return
        function = ctx.function
        assert function is not None and isinstance(function.node, ast.AsyncFunctionDef)
        ctx.defer(
            node,
            (BlocksLoop(callee),),
            callee="".join(ctx.text(node.func).split()),
            function=function.node.name,
        )
