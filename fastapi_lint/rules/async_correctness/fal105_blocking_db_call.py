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
        """
        from sqlalchemy.ext.asyncio import AsyncSession

        async def read(db: AsyncSession):
            return await db.execute('select 1')
        """,
        # A sync route with a sync session: FastAPI's threadpool.
        """
        from sqlalchemy.orm import Session

        def read(db: Session):
            return db.query(1)
        """,
        # redis.asyncio is async.
        """
        import redis.asyncio as redis

        r = redis.Redis()

        async def read():
            return await r.get('k')
        """,
        # A project class with `.get()` / `.execute()`.
        """
        class Repo:
            def get(self, key):
                return key

        repo = Repo()

        async def read():
            return repo.get(1)
        """,
        # Annotated `Session`, but awaited: it is really an AsyncSession (prefect does this).
        """
        import sqlalchemy as sa

        async def save(session: sa.orm.Session, row):
            session.add(row)
            await session.execute('select 1')
        """,
        # An untyped `db` parameter is not guessed to be a sync session.
        """
        async def read(db):
            return db.query(1)
        """,
        # Creating a pipeline does no I/O.
        """
        import redis

        r = redis.Redis()

        async def read():
            return r.pipeline()
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import APIRouter, Depends
            from sqlalchemy.orm import Session
            router = APIRouter()

            @router.get('/users')
            async def users(db: Session = Depends(object)):
                return db.query(1).all()
            """,
            expect=[
                "7:12-7:23 Blocking database or client call `db.query()` on a sync SQLAlchemy `Session` in async function `users`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`"
            ],
            fixed="""
            from fastapi import APIRouter, Depends
            from sqlalchemy.orm import Session
            router = APIRouter()

            @router.get('/users')
            def users(db: Session = Depends(object)):
                return db.query(1).all()
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import sqlite3

            async def read():
                return sqlite3.connect('x.db')
            """,
            expect=[
                "4:12-4:35 Blocking database or client call `sqlite3.connect()` in async function `read`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`"
            ],
        ),
        Invalid(
            """
            from pymongo import MongoClient

            mongo = MongoClient()

            async def read():
                return mongo.app.users.find_one({})
            """,
            expect=[
                "6:12-6:40 Blocking database or client call `mongo.app.users.find_one()` on a `pymongo.MongoClient` in async function `read`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`"
            ],
        ),
        Invalid(
            """
            import redis

            cache = redis.from_url('redis://localhost')

            async def read():
                return cache.get('k')
            """,
            expect=[
                "6:12-6:26 Blocking database or client call `cache.get()` on a `redis.Redis` in async function `read`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`"
            ],
        ),
        Invalid(
            """
            from typing import Annotated
            from sqlalchemy.orm import sessionmaker
            SessionLocal = sessionmaker()

            async def write(item):
                db = SessionLocal()
                db.add(item)
                db.commit()
            """,
            expect=[
                "7:5-7:17 Blocking database or client call `db.add()` on a sync SQLAlchemy `Session` in async function `write`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`",
                "8:5-8:16 Blocking database or client call `db.commit()` on a sync SQLAlchemy `Session` in async function `write`; use an async driver (`AsyncSession`, `asyncpg`, `motor`, `redis.asyncio`) or `def`",
            ],
        ),
    ]
