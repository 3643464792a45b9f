from __future__ import annotations

from ...rule import Invalid
from .._blocking import BlockingCallRule


class BlockingHttpCallInAsync(BlockingCallRule):
    """## What it does
    Checks for synchronous HTTP requests inside `async def`: `requests` verbs, `httpx.get()` and
    friends, methods of a known `requests.Session` or `httpx.Client`, `urllib.request.urlopen`,
    `urllib3` requests and `http.client` connections.

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
        "import requests\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
        "@app.get('/')\ndef index():\n    return requests.get('https://example.org').json()\n",
        # A function reference handed to a thread is not a call on the loop.
        "import asyncio, requests\n\nasync def fetch(url):\n"
        "    return await asyncio.to_thread(requests.get, url)\n",
        # A nested def and a lambda break the async context.
        "import requests\n\nasync def outer(url):\n    def inner():\n"
        "        return requests.get(url)\n    later = lambda: requests.post(url)\n"
        "    return inner, later\n",
        # A project class with a `.get()` method is not an HTTP client.
        "class Cache:\n    def get(self, key):\n        return key\n\ncache = Cache()\n\n"
        "async def read(key):\n    return cache.get(key)\n",
        # A parameter named `requests` shadows the library.
        "import requests\n\nasync def handler(requests):\n    return requests.get('x')\n",
        # `dict.get` and an untyped receiver are never guessed to be HTTP.
        "async def handler(payload: dict, client):\n    client.get('/x')\n"
        "    return payload.get('a')\n",
        # The async client is the right tool.
        "import httpx\n\nasync def fetch(url):\n    async with httpx.AsyncClient() as client:\n"
        "        return await client.get(url)\n",
    ]
    invalid = [
        Invalid(
            "import requests\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
            "@app.get('/')\nasync def index():\n    return requests.get('https://example.org').json()\n",
            fixed="import requests\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
            "@app.get('/')\ndef index():\n    return requests.get('https://example.org').json()\n",
            unsafe=True,
        ),
        Invalid("import requests as http\n\nasync def ping(url):\n    http.post(url, json={})\n"),
        Invalid(
            "import httpx\n\nclient = httpx.Client()\n\nasync def ping(url):\n"
            "    return client.get(url)\n"
        ),
        Invalid(
            "import requests\n\nasync def ping(url):\n    with requests.Session() as s:\n"
            "        return s.get(url)\n"
        ),
        Invalid(
            "from urllib.request import urlopen\n\nasync def ping(url):\n"
            "    return urlopen(url).read()\n"
        ),
        Invalid("import httpx\n\nasync def ping(url):\n    return httpx.get(url)\n"),
        Invalid(
            # A route that awaits elsewhere keeps `async def`: no fix is offered.
            "import asyncio, requests\nfrom fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.get('/x')\nasync def x():\n    await asyncio.sleep(0)\n"
            "    return requests.get('https://example.org').text\n"
        ),
    ]
