"""What the semantic model knows about library types, as data.

A receiver's type is the canonical qualified name of its class. Names reach it three ways: an
annotation (`db: Session`), a constructor call (`Session(engine)`), or a factory whose result type
is known (`redis.from_url(...)`, `SessionLocal()` where `SessionLocal = sessionmaker(...)`).
Extend these tables to teach the linter a new library; no rule needs to change.
"""

from __future__ import annotations

# Re-export paths and internal module paths → the name rules use.
CANONICAL: dict[str, str] = {
    # FastAPI / Starlette
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "starlette.applications.Starlette": "starlette.Starlette",
    "fastapi.templating.Jinja2Templates": "starlette.templating.Jinja2Templates",
    "fastapi.responses.FileResponse": "starlette.responses.FileResponse",
    "starlette.routing.Router": "starlette.routing.Router",
    "fastapi.datastructures.UploadFile": "fastapi.UploadFile",
    "starlette.datastructures.UploadFile": "fastapi.UploadFile",
    # requests / httpx
    "requests.sessions.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    # databases
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlmodel.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.engine.base.Engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.Engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.ext.asyncio.engine.AsyncEngine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "sqlalchemy.ext.asyncio.engine.AsyncConnection": "sqlalchemy.ext.asyncio.AsyncConnection",
    "asyncpg.connection.Connection": "asyncpg.Connection",
    "asyncpg.pool.Pool": "asyncpg.Pool",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    # asyncio event loops (FAL108)
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.base_events.BaseEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.BaseEventLoop": "asyncio.AbstractEventLoop",
    # files
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "io.TextIOWrapper": "io.IOBase",
    "io.BufferedReader": "io.IOBase",
    "io.BufferedWriter": "io.IOBase",
    "io.BufferedRandom": "io.IOBase",
    "typing.IO": "io.IOBase",
    "typing.TextIO": "io.IOBase",
    "typing.BinaryIO": "io.IOBase",
}

# Callables whose *result* has a known type: factories and instances that make instances.
RESULT_TYPES: dict[str, str] = {
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.engine.Engine",
    "sqlmodel.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "boto3.client": "boto3.client",
    "boto3.resource": "boto3.resource",
    "boto3.session.Session.client": "boto3.client",
    "psycopg2.connect": "psycopg2.connection",
    "psycopg.connect": "psycopg.Connection",
    "pymysql.connect": "pymysql.Connection",
    "sqlite3.connect": "sqlite3.Connection",
    "MySQLdb.connect": "MySQLdb.Connection",
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_running_loop": "asyncio.AbstractEventLoop",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib.request.urlopen": "io.IOBase",
    "builtins.open": "io.IOBase",
    "io.open": "io.IOBase",
    "os.fdopen": "io.IOBase",
    "tempfile.NamedTemporaryFile": "io.IOBase",
    "tempfile.TemporaryFile": "io.IOBase",
    "anyio.open_file": "anyio.AsyncFile",
    "aiofiles.open": "aiofiles.AsyncFile",
}

# Calling an *instance* of the key type yields an instance of the value type.
INSTANCE_CALL_TYPES: dict[str, str] = {
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.AsyncSession",
}

# Methods that hand back an object of a known type, keyed by (receiver type, method).
METHOD_RESULT_TYPES: dict[tuple[str, str], str] = {
    ("sqlalchemy.engine.Engine", "connect"): "sqlalchemy.engine.Connection",
    ("sqlalchemy.engine.Engine", "begin"): "sqlalchemy.engine.Connection",
    ("sqlalchemy.ext.asyncio.AsyncEngine", "connect"): "sqlalchemy.ext.asyncio.AsyncConnection",
    ("sqlalchemy.ext.asyncio.AsyncEngine", "begin"): "sqlalchemy.ext.asyncio.AsyncConnection",
    ("requests.Session", "__enter__"): "requests.Session",
    ("pathlib.Path", "open"): "io.IOBase",
    ("asyncpg.Pool", "acquire"): "asyncpg.Connection",
}


def canonical(qualname: str) -> str:
    return CANONICAL.get(qualname, qualname)


# How messages name a type; anything else is shown as "a `qualified.Name`".
TYPE_DESCRIPTIONS: dict[str, str] = {
    "io.IOBase": "a sync file object",
    "sqlalchemy.orm.Session": "a sync SQLAlchemy `Session`",
    "sqlalchemy.engine.Engine": "a sync SQLAlchemy `Engine`",
    "sqlalchemy.engine.Connection": "a sync SQLAlchemy `Connection`",
}


def describe_type(qualname: str) -> str:
    return TYPE_DESCRIPTIONS.get(qualname, f"a `{qualname}`")


# Containers whose type argument is the type of their elements (`list[Embedder]`): iterating
# one, or subscripting it, gives an element (`SemanticModel.element_type`).
SEQUENCE_TYPES: frozenset[str] = frozenset(
    {
        "builtins.list",
        "builtins.set",
        "builtins.frozenset",
        "builtins.tuple",  # only `tuple[T, ...]`
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Tuple",
        "typing.Sequence",
        "typing.MutableSequence",
        "typing.Iterable",
        "typing.Iterator",
        "typing.Collection",
        "typing.Deque",
        "collections.deque",
        "collections.abc.Sequence",
        "collections.abc.MutableSequence",
        "collections.abc.Iterable",
        "collections.abc.Iterator",
        "collections.abc.Collection",
        "collections.abc.Set",
    }
)
# Mappings: iterating one gives a key (the first argument), subscripting it a value (the second).
MAPPING_TYPES: frozenset[str] = frozenset(
    {
        "builtins.dict",
        "typing.Dict",
        "typing.Mapping",
        "typing.MutableMapping",
        "typing.DefaultDict",
        "typing.OrderedDict",
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
    }
)

# Reading the environment with a default: the position and keyword of the default argument.
# Where the variable is unset the default is the value, so a default written in the project is
# one of the values the code may run with (a rule asking "may this be `*`?" reads it).
ENVIRONMENT_READS: dict[str, tuple[int, str]] = {
    "os.getenv": (1, "default"),
    "os.environ.get": (1, "default"),
    "os.environ.setdefault": (1, "default"),
}
