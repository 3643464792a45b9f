from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.summary import call_candidate

_PROFILES = (
    "import requests\n\n"
    "def fetch_profile(name):\n"
    "    response = requests.get('https://directory.test/' + name, timeout=5)\n"
    "    return response.json()\n\n"
)


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
    `loop.run_in_executor` is not called, and is not reported; neither is a call inside a
    nested `def` or `lambda`, a sync generator (calling it runs nothing yet), or a function
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
    triggers = ("async",)
    valid = [
        # A sync helper that does no I/O.
        "def slugify(name):\n    return name.lower().replace(' ', '-')\n\n"
        "async def create(name):\n    return slugify(name)\n",
        # Run in a thread: a reference, not a call.
        "import asyncio\n" + _PROFILES + "async def describe(name):\n"
        "    return await asyncio.to_thread(fetch_profile, name)\n",
        # Called from a plain `def`: FastAPI runs it in the threadpool.
        _PROFILES + "def describe(name):\n    return fetch_profile(name)\n",
        # A lambda breaks the async context.
        "import asyncio\n" + _PROFILES + "async def describe(name):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, lambda: fetch_profile(name))\n",
        # A sync generator runs nothing when called.
        "import time\n\ndef ticks():\n    time.sleep(1)\n    yield 1\n\n"
        "async def handler():\n    return ticks()\n",
        # Recursion without any blocking call terminates.
        "def walk(n):\n    return walk(n - 1) if n else 0\n\nasync def handler():\n"
        "    return walk(3)\n",
        # A method called `get` of a class that does not block.
        "class Cache:\n    def __init__(self):\n        self.data = {}\n\n"
        "    def get(self, key):\n        return self.data.get(key)\n\n"
        "cache = Cache()\n\nasync def handler(key):\n    return cache.get(key)\n",
        # A blocking call accepted where it is: no chain goes through it.
        "import time\n\ndef settle():\n    time.sleep(0.01)  # noqa: FAL106\n\n"
        "async def handler():\n    settle()\n",
        # The helper is accepted as a whole.
        "import time\n\ndef settle():  # noqa: FAL106\n    time.sleep(0.01)\n"
        "    time.sleep(0.01)\n\nasync def handler():\n    settle()\n",
        # Cached: blocks on the first call only.
        "import functools\nimport requests\n\n@functools.cache\ndef settings():\n"
        "    return requests.get('https://config.test/', timeout=5).json()\n\n"
        "async def handler():\n    return settings()\n",
        # An unknown decorator may turn the function into something else.
        "import time\nfrom tasks import task\n\n@task\ndef slow():\n    time.sleep(1)\n\n"
        "async def handler():\n    slow()\n",
    ]
    invalid = [
        Invalid(_PROFILES + "async def describe(name):\n    return fetch_profile(name)\n"),
        # Through a second sync function, and a recursive one.
        Invalid(
            _PROFILES + "def load(name, depth=0):\n"
            "    return load(name, depth - 1) if depth else fetch_profile(name)\n\n"
            "async def describe(name):\n    return load(name)\n"
        ),
        # A method of a known receiver and `self`.
        Invalid(
            "import time\n\nclass Mailer:\n    def send(self, to):\n        time.sleep(1)\n\n"
            "    async def notify(self, to):\n        self.send(to)\n\n"
            "async def signup(mailer: Mailer):\n    mailer.send('x')\n",
            count=2,
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async_function:
            return
        callee = call_candidate(node, ctx.semantic, ctx.qualified_name(node.func))
        if callee is None:
            return
        function = ctx.function
        assert function is not None and isinstance(function.node, ast.AsyncFunctionDef)
        ctx.defer(
            node,
            (("blocking", callee),),
            callee="".join(ctx.text(node.func).split()),
            function=function.node.name,
        )
