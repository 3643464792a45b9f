"""Resources whose lifetime FAL202-FAL204 check: engines, network clients and sessions.

Names are canonical qualified names: constructors and factories are matched through
`SemanticModel.call_result_type`, so `redis.from_url(...)` counts as a `redis.Redis`.
"""

from __future__ import annotations

# FAL202: engine factories (the qualified name of the function called).
ENGINE_FACTORIES: frozenset[str] = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.engine.create.create_engine",
        "sqlmodel.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
    }
)

# FAL202: engine types (the canonical type a project helper returns: `def make_engine() ->
# Engine`, or a body returning `create_engine(...)`).
ENGINE_TYPES: frozenset[str] = frozenset(
    {"sqlalchemy.engine.Engine", "sqlalchemy.ext.asyncio.AsyncEngine"}
)

# FAL203: client types (the canonical type of the constructed value) → how messages name them.
CLIENT_TYPES: dict[str, str] = {
    "httpx.AsyncClient": "`httpx.AsyncClient`",
    "httpx.Client": "`httpx.Client`",
    "aiohttp.ClientSession": "`aiohttp.ClientSession`",
    "redis.Redis": "`redis.Redis`",
    "redis.asyncio.Redis": "`redis.asyncio.Redis`",
    "pymongo.MongoClient": "`pymongo.MongoClient`",
    "motor.motor_asyncio.AsyncIOMotorClient": "`motor` client",
    "motor.motor_tornado.MotorClient": "`motor` client",
    "motor.MotorClient": "`motor` client",
}

# Methods that release a resource: a call (or a reference, `stack.push_async_callback(c.aclose)`)
# on the resource's name counts as closing it.
CLOSE_METHODS: frozenset[str] = frozenset({"close", "aclose", "disconnect"})
DISPOSE_METHODS: frozenset[str] = frozenset({"dispose"})

# FAL204: session instances (the canonical type of the constructed value).
SESSION_TYPES: dict[str, str] = {
    "sqlalchemy.orm.Session": "`Session`",
    "sqlalchemy.ext.asyncio.AsyncSession": "`AsyncSession`",
}
