from __future__ import annotations

import ast

from ...catalogues.lifecycle import CLIENT_TYPES, CLOSE_METHODS
from ...context import Context
from ...rule import Invalid, Valid
from ._resources import Created, FileFacts, ResourceRule, made_through


class ModuleLevelClient(ResourceRule):
    """## What it does
    Checks for network and database clients created at import time and never closed in the
    file: `httpx.AsyncClient` / `httpx.Client`, `aiohttp.ClientSession`, `redis.Redis`,
    `redis.asyncio.Redis` (also from `from_url`), `pymongo.MongoClient` and `motor` clients,
    assigned at module scope, directly or through a helper of the same module whose return is
    known (annotated, or whose body returns the client; the message names the helpers), or
    of another module of the project (the project index decides).

    ## Why is this bad?
    The client holds a connection pool that is never closed: connections leak at shutdown
    (aiohttp and httpx warn about unclosed clients), and an async client created at import is
    bound to no event loop yet — used from a different loop (tests, a second `uvicorn` worker
    start-up, `anyio` backends) it fails with "attached to a different loop".

    ## Example
    ```python
    http = httpx.AsyncClient(timeout=10)

    @app.get("/weather")
    async def weather():
        return (await http.get(WEATHER_URL)).json()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(timeout=10) as http:
            yield {"http": http}

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    No fix.

    "Closed" means a `.close()`, `.aclose()` or `.disconnect()` on the client's name (or an
    attribute path such as `app.state.redis`, or something reached through it, such as
    `redis.connection_pool.disconnect()`), called or passed on (`atexit.register(client.close)`,
    `add_event_handler("shutdown", client.aclose)`), or `async with client:`, anywhere in the
    file. A closer function need not be a registered handler of this file: this check sees one
    file at a time and cannot know that `close_clients()` is called from the lifespan in
    `main.py`, and would rather miss than nag. A client created inside a function, passed
    straight into another call, under `if TYPE_CHECKING:` / `if __name__ == "__main__":`, in
    a script (a module with a `__main__` block that builds no app or router) or in a test
    module is not reported.

    ## References
    - httpx docs, "Clients"; aiohttp docs, "Client session"; FastAPI docs, "Lifespan Events"
    """

    code = "FAL203"
    name = "module-level-client"
    message = "`{target}` ({what}) is created at import time and never closed in this file"
    triggers = ("httpx", "aiohttp", "redis", "pymongo", "MongoClient", "motor")
    release_methods = CLOSE_METHODS
    resource_types = frozenset(CLIENT_TYPES)
    made_elsewhere = "{type} through {through}"
    valid = [
        # Closed in the lifespan.
        """
        from contextlib import asynccontextmanager
        import httpx

        http = httpx.AsyncClient()

        @asynccontextmanager
        async def lifespan(app):
            yield
            await http.aclose()
        """,
        # Closed through a shutdown registration of the bound method.
        """
        import redis.asyncio as redis
        from fastapi import FastAPI

        cache = redis.Redis()
        app = FastAPI()
        app.add_event_handler('shutdown', cache.aclose)
        """,
        # Closed in a helper that another module calls at shutdown.
        """
        from pymongo import MongoClient

        mongo = MongoClient()

        def close_mongo():
            mongo.close()
        """,
        # Created per call.
        """
        import httpx

        async def fetch(url):
            async with httpx.AsyncClient() as c:
                return await c.get(url)
        """,
        # A module-level `with` closes it.
        """
        import httpx

        with httpx.Client() as c:
            VERSION = c.get('/v').text
        """,
        # A project class called Client.
        """
        class AsyncClient:
            pass

        http = AsyncClient()
        """,
        # Test modules.
        Valid(
            """
            import httpx

            client = httpx.Client()
            """,
            path="tests/test_api.py",
        ),
        # A helper that uses a client and returns what it read, not the client.
        """
        import httpx

        def fetch_version():
            with httpx.Client() as c:
                return c.get('/v').text

        VERSION = fetch_version()
        """,
        # Pool disconnect counts as closing.
        """
        import redis

        r = redis.from_url('redis://')

        def shutdown():
            r.connection_pool.disconnect()
        """,
    ]
    invalid = [
        Invalid(
            """
            import httpx

            http = httpx.AsyncClient(timeout=10)
            """,
            expect=[
                "3:8-3:37 `http` (`httpx.AsyncClient`) is created at import time and never closed in this file"
            ],
        ),
        Invalid(
            """
            import redis
            from fastapi import FastAPI

            app = FastAPI()
            app.state.redis = redis.from_url('redis://localhost')
            """,
            expect=[
                "5:19-5:54 `app.state.redis` (`redis.Redis`) is created at import time and never closed in this file"
            ],
        ),
        Invalid(
            """
            from aiohttp import ClientSession
            from motor.motor_asyncio import AsyncIOMotorClient

            session = ClientSession()
            client: AsyncIOMotorClient = AsyncIOMotorClient()
            """,
            expect=[
                "4:11-4:26 `session` (`aiohttp.ClientSession`) is created at import time and never closed in this file",
                "5:30-5:50 `client` (`motor` client) is created at import time and never closed in this file",
            ],
        ),
        # Through a helper of the module.
        Invalid(
            """
            import httpx

            def make_client(timeout: float) -> httpx.AsyncClient:
                client = httpx.AsyncClient(timeout=timeout)
                return client

            http = make_client(10)
            """,
            expect=[
                "7:8-7:23 `http` (`httpx.AsyncClient` through `make_client()`) is created at import time and never closed in this file"
            ],
        ),
        # Closing another client does not close this one.
        Invalid(
            """
            import httpx

            http = httpx.AsyncClient()
            other = httpx.AsyncClient()

            async def shutdown():
                await other.aclose()
            """,
            expect=[
                "3:8-3:27 `http` (`httpx.AsyncClient`) is created at import time and never closed in this file"
            ],
        ),
    ]

    def created(self, call: ast.Call, ctx: Context) -> str | None:
        what = CLIENT_TYPES.get(ctx.semantic.value_type(call) or "")
        made = made_through(call, ctx) if what is not None else None
        return f"{what} through {made.through}" if made is not None else what

    def decide(self, item: Created, facts: FileFacts, ctx: Context) -> None:
        # An unbound client (passed straight into another call) is owned by that call.
        if not item.targets or self.releases_of(item, facts):
            return
        self.report_created(item, ctx, what=item.what, target=item.targets[0])
