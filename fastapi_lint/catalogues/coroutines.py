"""Coroutine methods of known async clients (FAL107): calling one without `await` does nothing.

Keyed by the canonical receiver type (see `catalogues/types.py`). Only methods defined with
`async def` belong here: methods that return an async context manager or an awaitable object
that is not a coroutine (`AsyncEngine.connect()`, `AsyncSession.begin()`, `httpx.AsyncClient.
stream()`, `asyncpg.Pool.acquire()`, `asyncpg.Connection.transaction()`) and the sync ones
(`AsyncSession.add()`, `redis.asyncio.Redis.pipeline()`) are left out on purpose.
"""

from __future__ import annotations

_SQL_RESULTS = frozenset(
    {"execute", "scalar", "scalars", "stream", "stream_scalars", "commit", "rollback", "close"}
)
_HTTP = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "aclose"}
)
_ASYNCPG = frozenset(
    {
        "execute",
        "executemany",
        "fetch",
        "fetchrow",
        "fetchval",
        "close",
        "copy_from_query",
        "copy_from_table",
        "copy_records_to_table",
        "copy_to_table",
    }
)
# redis.asyncio command methods most often used; every one is a coroutine function.
_REDIS = frozenset(
    {
        "aclose",
        "close",
        "ping",
        "get",
        "set",
        "setex",
        "setnx",
        "getdel",
        "getex",
        "mget",
        "mset",
        "delete",
        "unlink",
        "exists",
        "expire",
        "expireat",
        "pexpire",
        "persist",
        "ttl",
        "incr",
        "incrby",
        "decr",
        "decrby",
        "hget",
        "hset",
        "hmset",
        "hgetall",
        "hdel",
        "hincrby",
        "lpush",
        "rpush",
        "lpop",
        "rpop",
        "lrange",
        "ltrim",
        "sadd",
        "srem",
        "smembers",
        "sismember",
        "zadd",
        "zrem",
        "zrange",
        "zincrby",
        "publish",
        "flushdb",
        "flushall",
        "xadd",
        "xack",
        "execute_command",
    }
)

COROUTINE_METHODS: dict[str, frozenset[str]] = {
    "sqlalchemy.ext.asyncio.AsyncSession": _SQL_RESULTS
    | {"get", "get_one", "flush", "refresh", "delete", "merge", "run_sync", "connection", "reset"},
    "sqlalchemy.ext.asyncio.AsyncConnection": _SQL_RESULTS
    | {"exec_driver_sql", "run_sync", "invalidate", "start"},
    "sqlalchemy.ext.asyncio.AsyncEngine": frozenset({"dispose"}),
    "httpx.AsyncClient": _HTTP,
    "redis.asyncio.Redis": _REDIS,
    "asyncpg.Connection": _ASYNCPG | {"prepare", "reset", "reload_schema_state", "set_type_codec"},
    "asyncpg.Pool": _ASYNCPG | {"expire_connections", "release"},
}
