"""Blocking calls, one table per rule (FAL101–FAL105).

A table lists plain functions by qualified name, and methods by the canonical type of their
receiver (see `catalogues/types.py` for how a receiver's type becomes known). Users extend a table
from `[tool.fastapi-lint] extend-blocking-calls`; contributors extend it here, without touching logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})


@dataclass(frozen=True)
class Methods:
    """Blocking methods of one receiver type."""

    methods: frozenset[str] | None  # None: every method except `harmless`
    harmless: frozenset[str] = frozenset()
    # Also match calls reached through attributes/subscripts of the receiver:
    # `mongo.db.users.find_one()` where `mongo` is a MongoClient.
    through_attributes: bool = False


@dataclass(frozen=True)
class BlockingTable:
    """A family of blocking calls, with what to use instead."""

    kind: str  # what the message calls it: "HTTP call", "file I/O", ...
    replacement: str  # what to use instead, in Markdown
    calls: frozenset[str]
    methods: dict[str, Methods] = field(default_factory=dict)


def _names(prefix: str, *names: str) -> set[str]:
    return {f"{prefix}.{name}" for name in names}


HTTP = BlockingTable(
    kind="HTTP call",
    replacement="`httpx.AsyncClient`",
    calls=frozenset(
        _names("requests", *HTTP_VERBS)
        | _names("requests.api", *HTTP_VERBS)
        | _names("httpx", *HTTP_VERBS, "stream")
        | _names("httpx2", *HTTP_VERBS, "stream")
        | {"urllib.request.urlopen", "urllib3.request"}
    ),
    methods={
        "requests.Session": Methods(HTTP_VERBS | {"send"}),
        "httpx.Client": Methods(HTTP_VERBS | {"send", "stream"}),
        "httpx2.Client": Methods(HTTP_VERBS | {"send", "stream"}),
        "urllib3.PoolManager": Methods(
            frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"})
        ),
        "http.client.HTTPConnection": Methods(frozenset({"request", "getresponse", "connect"})),
    },
)

SLEEP = BlockingTable(
    kind="sleep",
    replacement="`await asyncio.sleep()`",
    calls=frozenset({"time.sleep"}),
)

FILE_METHODS = frozenset(
    {
        "read",
        "read1",
        "readinto",
        "readline",
        "readlines",
        "write",
        "writelines",
        "flush",
        "truncate",
    }
)

FILE_IO = BlockingTable(
    kind="file I/O",
    replacement="`anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`",
    calls=frozenset(
        {"builtins.open", "io.open", "os.fdopen"}
        | _names("shutil", "copy", "copy2", "copyfile", "copytree", "move", "rmtree", "copyfileobj")
        | _names("shutil", "make_archive", "unpack_archive")
        # Each creates (and opens) a file or folder on disk, as `open` does.
        | _names("tempfile", "NamedTemporaryFile", "TemporaryFile", "mkstemp", "mkdtemp")
    ),
    methods={
        "pathlib.Path": Methods(
            frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes"})
        ),
        "io.IOBase": Methods(FILE_METHODS),
    },
)

SUBPROCESS = BlockingTable(
    kind="subprocess call",
    replacement="`asyncio.create_subprocess_exec()`",
    calls=frozenset(
        _names(
            "subprocess",
            "run",
            "call",
            "check_call",
            "check_output",
            "Popen",
            "getoutput",
            "getstatusoutput",
        )
        | _names("os", "system", "popen", "posix_spawn", "posix_spawnp")
        | _names("os", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp")
        | _names("os", "spawnvpe", "wait", "wait3", "wait4", "waitpid", "waitid")
    ),
)

_SQLA_SESSION = frozenset(
    {
        "query",
        "execute",
        "scalars",
        "scalar",
        "get",
        "commit",
        "flush",
        "refresh",
        "add",
        "delete",
        "merge",
        "rollback",
    }
)
_DBAPI_CONNECTION = Methods(frozenset({"execute", "executemany", "commit", "rollback"}))

DATABASE = BlockingTable(
    kind="database or client call",
    replacement="an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`",
    calls=frozenset(
        {
            "psycopg2.connect",
            "psycopg.connect",
            "pymysql.connect",
            "sqlite3.connect",
            "MySQLdb.connect",
            "smtplib.SMTP",
            "smtplib.SMTP_SSL",
        }
    ),
    methods={
        "sqlalchemy.orm.Session": Methods(_SQLA_SESSION),
        "sqlalchemy.engine.Engine": Methods(frozenset({"connect", "begin", "execute"})),
        "sqlalchemy.engine.Connection": Methods(
            frozenset({"execute", "scalar", "scalars", "commit", "rollback", "exec_driver_sql"})
        ),
        "pymongo.MongoClient": Methods(
            None,
            harmless=frozenset(
                {"get_database", "get_default_database", "get_collection", "with_options"}
            ),
            through_attributes=True,
        ),
        "redis.Redis": Methods(
            None, harmless=frozenset({"pipeline", "lock", "pubsub", "register_script"})
        ),
        "boto3.client": Methods(
            None,
            harmless=frozenset(
                {"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url"}
            ),
        ),
        "smtplib.SMTP": Methods(None),
        "psycopg2.connection": _DBAPI_CONNECTION,
        "psycopg.Connection": _DBAPI_CONNECTION,
        "pymysql.Connection": _DBAPI_CONNECTION,
        "sqlite3.Connection": _DBAPI_CONNECTION,
        "MySQLdb.Connection": _DBAPI_CONNECTION,
    },
)

TABLES: dict[str, BlockingTable] = {
    "FAL101": HTTP,
    "FAL102": SLEEP,
    "FAL103": FILE_IO,
    "FAL104": SUBPROCESS,
    "FAL105": DATABASE,
}
