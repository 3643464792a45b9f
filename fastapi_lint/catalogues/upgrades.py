"""Library names that upgrades renamed or removed, as data (the FAL7xx/FAL8xx rules).

Each entry was read in the libraries' own sources (see the rules' docs for the releases).
"""

from __future__ import annotations

# Starlette 0.48 renamed four status constants after RFC 9110 and keeps the old names through
# a module `__getattr__` that warns (`StarletteDeprecationWarning` from 1.0 on). FastAPI's
# `fastapi.status` is Starlette's module.
STATUS_RENAMES: dict[str, str] = {
    "HTTP_413_REQUEST_ENTITY_TOO_LARGE": "HTTP_413_CONTENT_TOO_LARGE",
    "HTTP_414_REQUEST_URI_TOO_LONG": "HTTP_414_URI_TOO_LONG",
    "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE": "HTTP_416_RANGE_NOT_SATISFIABLE",
    "HTTP_422_UNPROCESSABLE_ENTITY": "HTTP_422_UNPROCESSABLE_CONTENT",
}
STATUS_MODULES: frozenset[str] = frozenset({"starlette.status", "fastapi.status"})
# The Starlette release that added the new names.
STATUS_RENAMED_IN: tuple[int, ...] = (0, 48)

# Registration methods Starlette 1.0 removed, by (receiver type, method): what to write instead.
# Read in starlette 1.0.0/1.10.0 (`Starlette` and `Router` lost them) and fastapi 0.165.0
# (`FastAPI` keeps its own `middleware`, `exception_handler`, `websocket_route` and `on_event`
# but no longer has `route`; `APIRouter` keeps `route`, `websocket_route` and the events).
# `on_event`/`add_event_handler` on apps are FAL201's.
_ROUTE = "call `add_route(path, endpoint, ...)` or list a `Route` in `routes=`"
_WEBSOCKET = "call `add_websocket_route(path, endpoint)` or list a `WebSocketRoute` in `routes=`"
_LIFESPAN = "run the handlers in a `lifespan` context manager (`lifespan=`)"
REMOVED_APP_METHODS: dict[tuple[str, str], str] = {
    ("starlette.Starlette", "route"): _ROUTE,
    ("starlette.Starlette", "websocket_route"): (
        "call `app.router.add_websocket_route(path, endpoint)` or list a `WebSocketRoute` "
        "in `routes=`"
    ),
    ("starlette.Starlette", "exception_handler"): (
        "call `add_exception_handler(key, handler)` or pass `exception_handlers=`"
    ),
    ("starlette.Starlette", "middleware"): (
        "call `add_middleware(BaseHTTPMiddleware, dispatch=...)` or pass `middleware=`"
    ),
    ("starlette.routing.Router", "route"): _ROUTE,
    ("starlette.routing.Router", "websocket_route"): _WEBSOCKET,
    ("starlette.routing.Router", "on_event"): _LIFESPAN,
    ("starlette.routing.Router", "add_event_handler"): _LIFESPAN,
    ("fastapi.FastAPI", "route"): (
        "call `add_route(path, endpoint, ...)`, or use `@app.api_route(...)` for a FastAPI route"
    ),
}
ROUTER_EVENT_KEYWORDS: frozenset[str] = frozenset({"on_startup", "on_shutdown"})

# httpx: the calls that take the client options (`proxies=`, `verify=`, `cert=`): the clients
# and the top-level request functions, which build a client per call. Read in httpx 0.27.2
# (`_client.py`, `_api.py`) and 0.28+/0.29 (`_config.py`).
HTTPX_CLIENTS: frozenset[str] = frozenset({"httpx.Client", "httpx.AsyncClient"})
HTTPX_TRANSPORTS: frozenset[str] = frozenset(
    {
        "httpx.HTTPTransport",
        "httpx.AsyncHTTPTransport",
        "httpx._transports.default.HTTPTransport",
        "httpx._transports.default.AsyncHTTPTransport",
    }
)
HTTPX_FUNCTIONS: frozenset[str] = frozenset(
    f"httpx.{verb}"
    for verb in ("request", "stream", "get", "options", "head", "post", "put", "patch", "delete")
)

# SQLAlchemy, read in 1.4.54 and 2.1.9. `sqlalchemy.ext.declarative` keeps these as wrappers
# that raise `MovedIn20Warning` (the first four) or as plain re-exports (the last two); all six
# are in `sqlalchemy.orm` from 1.4 on.
DECLARATIVE_MOVED: frozenset[str] = frozenset(
    {"declarative_base", "as_declarative", "has_inherited_table", "synonym_for"}
)
DECLARATIVE_IN_ORM: frozenset[str] = DECLARATIVE_MOVED | {"declared_attr", "DeclarativeMeta"}
# Receivers whose `.execute()` rejects a plain SQL string in 2.0.
SQL_EXECUTORS: frozenset[str] = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.engine.Connection",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.AsyncConnection",
    }
)
# Methods 2.0 removed from `Engine` (1.4: `RemovedIn20Warning`, "considered legacy").
ENGINE_REMOVED: frozenset[str] = frozenset(
    {"execute", "scalar", "table_names", "has_table", "transaction", "run_callable"}
)
