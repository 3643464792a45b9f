from __future__ import annotations

import ast

from ...catalogues.upgrades import ENGINE_REMOVED
from ...context import Context
from ...rule import Invalid, Rule
from ._versions import worth_reporting

_ENGINE = "sqlalchemy.engine.Engine"
# `with engine.connect()` / `engine.begin()` exist from SQLAlchemy 1.x; 2.0 removed the rest.
_REMOVED_IN = (2, 0)


class SqlalchemyEngineExecute(Rule):
    """## What it does
    Checks for the `Engine` methods SQLAlchemy 2.0 removed — `execute()`, `scalar()`,
    `table_names()`, `has_table()`, `transaction()`, `run_callable()` — called on a receiver
    known to be an `Engine` (from `create_engine(...)`, an annotation, and so on).

    ## Why is this bad?
    SQLAlchemy 1.4 calls them legacy (`RemovedIn20Warning` under `SQLALCHEMY_WARN_20=1`);
    2.0 removed them: `AttributeError: 'Engine' object has no attribute 'execute'`. All
    statement execution goes through a `Connection` (or a `Session`) in 2.0, which makes the
    transaction explicit.

    ## Example
    ```python
    rows = engine.execute("SELECT id FROM users").fetchall()
    ```

    ## Use instead
    ```python
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM users")).fetchall()
    ```

    ## Fix safety
    No fix: `engine.execute()` autocommitted a write, `connection.execute()` in 2.0 does not
    (it needs `engine.begin()` or `connection.commit()`), and the result must be consumed
    before the connection closes. `table_names()`/`has_table()` become
    `sqlalchemy.inspect(engine).get_table_names()`/`.has_table()`. A project known to use
    SQLAlchemy 1.x is not reported.

    ## References
    - SQLAlchemy 2.0 migration guide, "Engine.execute() removed"
    """

    code = "FAL803"
    name = "sqlalchemy-engine-execute"
    message = "`Engine.{method}()` was removed in SQLAlchemy 2.0; {remedy}"
    nodes = (ast.Call,)
    callees = frozenset(ENGINE_REMOVED)
    triggers = tuple(sorted(ENGINE_REMOVED))
    valid = [
        """
        from sqlalchemy import create_engine, text

        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        """,
        # A database client of another library.
        """
        import databases

        database = databases.Database("sqlite://")

        async def run():
            await database.execute("select 1")
        """,
        # An engine whose type is not known here.
        """
        from app.db import engine

        engine.execute("select 1")
        """,
    ]
    invalid = [
        Invalid(
            """
            import sqlalchemy

            engine = sqlalchemy.create_engine("postgresql://db/app")
            rows = engine.execute("SELECT id FROM users").fetchall()
            exists = engine.has_table("users")
            """,
            expect=[
                "4:8-4:46 `Engine.execute()` was removed in SQLAlchemy 2.0; run it on a "
                "connection: `with engine.connect() as connection: connection.execute(...)`",
                "5:10-5:35 `Engine.has_table()` was removed in SQLAlchemy 2.0; use "
                "`sqlalchemy.inspect(engine).has_table(...)`",
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ENGINE_REMOVED):
            return
        if ctx.type_of(func.value) != _ENGINE or not worth_reporting(
            ctx, "sqlalchemy", _REMOVED_IN
        ):
            return
        method = func.attr
        if method in ("table_names", "has_table"):
            call = "get_table_names()" if method == "table_names" else "has_table(...)"
            remedy = f"use `sqlalchemy.inspect(engine).{call}`"
        else:
            remedy = (
                "run it on a connection: "
                "`with engine.connect() as connection: connection.execute(...)`"
            )
        ctx.report(node, method=method, remedy=remedy)
