from __future__ import annotations

from ...rule import Invalid
from .._blocking import BlockingCallRule


class BlockingHttpCallInAsync(BlockingCallRule):
    """## What it does
    Checks for synchronous HTTP requests inside `async def`: `requests` verbs, `httpx.get()` and
    friends, methods of a known `requests.Session` or `httpx.Client`, `urllib.request.urlopen`,
    `urllib3` requests and `http.client` connections. A client imported from another module of
    the project (`from app.clients import http`, where `http = httpx.Client()`) is known
    through the project index.

    ## Why is this bad?
    An `async def` route runs on the event loop. A synchronous request holds the loop for the
    whole network round trip, so every other request served by this worker waits too: one slow
    upstream stalls the entire service.

    ## Example
    ```python
    @app.get("/profile/{user_id}")
    async def profile(user_id: int):
        return requests.get(f"{PROFILE_API}/{user_id}").json()
    ```

    ## Use instead
    ```python
    @app.get("/profile/{user_id}")
    async def profile(user_id: int, client: httpx.AsyncClient = Depends(get_client)):
        response = await client.get(f"{PROFILE_API}/{user_id}")
        return response.json()
    ```
    Or declare the route with plain `def`: FastAPI runs sync routes in a threadpool.

    ## Fix safety
    Unsafe. When the enclosing function is a route whose body has no `await`, `async for` or
    `async with` (and does not touch `asyncio`/`anyio`), the fix turns `async def` into `def`.
    That moves the route to a worker thread, which changes how it shares state with the event
    loop. No fix is offered elsewhere.

    ## References
    - FastAPI docs, "Concurrency and async / await"
    - flake8-async ASYNC210, ruff ASYNC210
    """

    code = "FAL101"
    name = "blocking-http-call-in-async"
    # Whole words: the modules whose functions block, and the classes reached without naming them.
    trigger_words = (
        "requests",
        "httpx",
        "httpx2",
        "urllib",
        "urllib3",
        "HTTPConnection",
        "HTTPSConnection",
    )
    valid = [
        # A sync route: FastAPI runs it in a threadpool.
        """
        import requests
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/')
        def index():
            return requests.get('https://example.org').json()
        """,
        # A function reference handed to a thread is not a call on the loop.
        """
        import asyncio, requests

        async def fetch(url):
            return await asyncio.to_thread(requests.get, url)
        """,
        # A nested def and a lambda break the async context.
        """
        import requests

        async def outer(url):
            def inner():
                return requests.get(url)
            later = lambda: requests.post(url)
            return inner, later
        """,
        # A project class with a `.get()` method is not an HTTP client.
        """
        class Cache:
            def get(self, key):
                return key

        cache = Cache()

        async def read(key):
            return cache.get(key)
        """,
        # A parameter named `requests` shadows the library.
        """
        import requests

        async def handler(requests):
            return requests.get('x')
        """,
        # `dict.get` and an untyped receiver are never guessed to be HTTP.
        """
        async def handler(payload: dict, client):
            client.get('/x')
            return payload.get('a')
        """,
        # The async client is the right tool.
        """
        import httpx

        async def fetch(url):
            async with httpx.AsyncClient() as client:
                return await client.get(url)
        """,
    ]
    invalid = [
        Invalid(
            """
            import requests
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/')
            async def index():
                return requests.get('https://example.org').json()
            """,
            expect=[
                "7:12-7:47 Blocking HTTP call `requests.get()` in async function `index`; use `httpx.AsyncClient`"
            ],
            fixed="""
            import requests
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/')
            def index():
                return requests.get('https://example.org').json()
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import requests as http

            async def ping(url):
                http.post(url, json={})
            """,
            expect=[
                "4:5-4:28 Blocking HTTP call `requests.post()` in async function `ping`; use `httpx.AsyncClient`"
            ],
        ),
        Invalid(
            """
            import httpx

            client = httpx.Client()

            async def ping(url):
                return client.get(url)
            """,
            expect=[
                "6:12-6:27 Blocking HTTP call `client.get()` on a `httpx.Client` in async function `ping`; use `httpx.AsyncClient`"
            ],
        ),
        Invalid(
            """
            import requests

            async def ping(url):
                with requests.Session() as s:
                    return s.get(url)
            """,
            expect=[
                "5:16-5:26 Blocking HTTP call `s.get()` on a `requests.Session` in async function `ping`; use `httpx.AsyncClient`"
            ],
        ),
        Invalid(
            """
            from urllib.request import urlopen

            async def ping(url):
                return urlopen(url).read()
            """,
            expect=[
                "4:12-4:24 Blocking HTTP call `urllib.request.urlopen()` in async function `ping`; use `httpx.AsyncClient`"
            ],
        ),
        Invalid(
            """
            import httpx

            async def ping(url):
                return httpx.get(url)
            """,
            expect=[
                "4:12-4:26 Blocking HTTP call `httpx.get()` in async function `ping`; use `httpx.AsyncClient`"
            ],
        ),
        Invalid(
            # A route that awaits elsewhere keeps `async def`: no fix is offered.
            """
            import asyncio, requests
            from fastapi import APIRouter
            router = APIRouter()

            @router.get('/x')
            async def x():
                await asyncio.sleep(0)
                return requests.get('https://example.org').text
            """,
            expect=[
                "8:12-8:47 Blocking HTTP call `requests.get()` in async function `x`; use `httpx.AsyncClient`"
            ],
        ),
    ]
