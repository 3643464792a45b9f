from __future__ import annotations

from ...rule import Invalid
from .._blocking import BlockingCallRule


class BlockingDbCallInAsync(BlockingCallRule):
    """## What it does
    Checks for synchronous database and network-client calls inside `async def`: connecting
    with `psycopg2`, sync `psycopg`, `pymysql`, `sqlite3` or `MySQLdb`; and the methods of known
    sync clients — a SQLAlchemy `Session` (`query`, `execute`, `scalars`, `get`, `commit`, ...),
    an `Engine` (`connect`, `begin`, `execute`), `pymongo.MongoClient` (also through
    `client.db.collection.find_one()`), `redis.Redis`, `boto3` clients and `smtplib.SMTP`.

    ## Why is this bad?
    Every query waits for the database on the event loop thread. Under load the whole worker
    serialises on the slowest query; with a sync SQLAlchemy session it also breaks the
    request isolation FastAPI's threadpool would have given a sync route.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int, db: Session = Depends(get_db)):
        return db.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    @router.get("/users/{user_id}")
    def read_user(user_id: int, db: Session = Depends(get_db)):
        return db.get(User, user_id)
    ```
    Or move to an async driver: SQLAlchemy's `AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`.

    ## Fix safety
    Unsafe, and only for routes that never await: `async def` becomes `def` so that FastAPI
    runs the route in its threadpool. No fix elsewhere.

    ## References
    - FastAPI docs, "SQL (Relational) Databases"; flake8-async ASYNC2xx
    """

    code = "FAL105"
    name = "blocking-db-call-in-async"
    triggers = (
        "sqlalchemy",
        "sqlmodel",
        "pymongo",
        "redis",
        "boto3",
        "smtplib",
        "psycopg",
        "pymysql",
        "sqlite3",
        "MySQLdb",
    )
    valid = [
        # The async session is awaited: fine.
        "from sqlalchemy.ext.asyncio import AsyncSession\n\nasync def read(db: AsyncSession):\n"
        "    return await db.execute('select 1')\n",
        # A sync route with a sync session: FastAPI's threadpool.
        "from sqlalchemy.orm import Session\n\ndef read(db: Session):\n    return db.query(1)\n",
        # redis.asyncio is async.
        "import redis.asyncio as redis\n\nr = redis.Redis()\n\nasync def read():\n"
        "    return await r.get('k')\n",
        # A project class with `.get()` / `.execute()`.
        "class Repo:\n    def get(self, key):\n        return key\n\nrepo = Repo()\n\n"
        "async def read():\n    return repo.get(1)\n",
        # Annotated `Session`, but awaited: it is really an AsyncSession (prefect does this).
        "import sqlalchemy as sa\n\nasync def save(session: sa.orm.Session, row):\n"
        "    session.add(row)\n    await session.execute('select 1')\n",
        # An untyped `db` parameter is not guessed to be a sync session.
        "async def read(db):\n    return db.query(1)\n",
        # Creating a pipeline does no I/O.
        "import redis\n\nr = redis.Redis()\n\nasync def read():\n    return r.pipeline()\n",
    ]
    invalid = [
        Invalid(
            "from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n"
            "router = APIRouter()\n\n@router.get('/users')\n"
            "async def users(db: Session = Depends(object)):\n    return db.query(1).all()\n",
            fixed="from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n"
            "router = APIRouter()\n\n@router.get('/users')\n"
            "def users(db: Session = Depends(object)):\n    return db.query(1).all()\n",
            unsafe=True,
        ),
        Invalid("import sqlite3\n\nasync def read():\n    return sqlite3.connect('x.db')\n"),
        Invalid(
            "from pymongo import MongoClient\n\nmongo = MongoClient()\n\nasync def read():\n"
            "    return mongo.app.users.find_one({})\n"
        ),
        Invalid(
            "import redis\n\ncache = redis.from_url('redis://localhost')\n\nasync def read():\n"
            "    return cache.get('k')\n"
        ),
        Invalid(
            "from typing import Annotated\nfrom sqlalchemy.orm import sessionmaker\n"
            "SessionLocal = sessionmaker()\n\nasync def write(item):\n"
            "    db = SessionLocal()\n    db.add(item)\n    db.commit()\n",
            count=2,
        ),
    ]
