from __future__ import annotations

import ast

from ...catalogues.upgrades import SQL_EXECUTORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.values import possible_values


class SqlalchemyRawSqlString(Rule):
    """## What it does
    Checks for a plain SQL string passed to `.execute()` of a receiver known to be a
    SQLAlchemy `Session`, `Connection`, `AsyncSession` or `AsyncConnection`: a string literal,
    an f-string, or a constant holding one.

    ## Why is this bad?
    SQLAlchemy 1.4 deprecated executing plain strings; 2.0 rejects them:
    `Connection.execute("...")` raises `ObjectNotExecutableError: Not an executable object`
    and `Session.execute("...")` raises `ArgumentError: Textual SQL expression ... should be
    explicitly declared as text(...)`.

    ## Example
    ```python
    session.execute("DELETE FROM sessions WHERE expired")
    ```

    ## Use instead
    ```python
    session.execute(text("DELETE FROM sessions WHERE expired"))
    ```

    ## Fix safety
    Unsafe: the fix wraps the string in `text(...)` (imported from `sqlalchemy`), which is what
    2.0 asks for, but `text()` reads `:name` as a bound parameter and escapes differently from
    the string the driver used to receive: a literal `':30'` or `'%'` in the SQL can change
    meaning. It is offered only when the string is the call's only argument (driver-style
    parameters, `execute("... %s", (x,))`, need `exec_driver_sql()` instead). Verified by
    running: `tests/behaviour/test_upgrades.py` gets the same rows from the fixed module under
    SQLAlchemy 2.x as from the original under 1.4.

    ## References
    - SQLAlchemy 2.0 migration guide, "execute() method more strict"
    """

    code = "FAL804"
    name = "sqlalchemy-raw-sql-string"
    message = "`{receiver}.execute()` with a plain SQL string fails in SQLAlchemy 2.0; wrap it in `text()`"
    nodes = (ast.Call,)
    callees = frozenset({"execute"})
    triggers = ("execute",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from sqlalchemy import text
        from sqlalchemy.orm import Session

        def purge(session: Session):
            session.execute(text("DELETE FROM sessions"))
        """,
        # sqlite3's cursor takes strings.
        """
        import sqlite3

        connection = sqlite3.connect(":memory:")
        connection.execute("select 1")
        """,
        # A statement built with the ORM.
        """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        def users(session: Session, User):
            return session.execute(select(User)).scalars().all()
        """,
        # The driver-level call meant for strings.
        """
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            connection.exec_driver_sql("select 1")
        """,
    ]
    invalid = [
        Invalid(
            """
            from sqlalchemy.orm import Session

            PURGE = "DELETE FROM sessions WHERE expired"

            def purge(session: Session):
                session.execute(PURGE)
                session.execute(f"VACUUM {'sessions'}")
            """,
            expect=[
                "6:5-6:27 `session.execute()` with a plain SQL string fails in SQLAlchemy 2.0; "
                "wrap it in `text()`",
                "7:5-7:44 `session.execute()` with a plain SQL string fails in SQLAlchemy 2.0; "
                "wrap it in `text()`",
            ],
            fixed="""
            from sqlalchemy import text
            from sqlalchemy.orm import Session

            PURGE = "DELETE FROM sessions WHERE expired"

            def purge(session: Session):
                session.execute(text(PURGE))
                session.execute(text(f"VACUUM {'sessions'}"))
            """,
            unsafe=True,
        ),
        # Driver-style parameters: report only.
        Invalid(
            """
            from sqlalchemy import create_engine

            engine = create_engine("sqlite://")
            with engine.connect() as connection:
                connection.execute("SELECT * FROM t WHERE id = ?", (1,))
            """,
            expect=[
                "5:5-5:61 `connection.execute()` with a plain SQL string fails in SQLAlchemy "
                "2.0; wrap it in `text()`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "execute" and node.args):
            return
        statement = node.args[0]
        if not _is_string(statement, ctx) or ctx.type_of(func.value) not in SQL_EXECUTORS:
            return
        fix = None
        if len(node.args) == 1 and not node.keywords:
            fix = lambda: _fix(statement, ctx)  # noqa: E731 - imports are known after the walk
        ctx.report(node, receiver=ctx.text(func.value), fix=fix)


def _is_string(value: ast.AST, ctx: Context) -> bool:
    values = list(possible_values(value, ctx))
    return bool(values) and all(
        isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and isinstance(v.value, str))
        for v in values
    )


def _fix(statement: ast.expr, ctx: Context) -> Fix:
    name, import_edit = ctx.import_edit("sqlalchemy", "text")
    start, end = ctx.span(statement)
    edits = [Edit(start, start, f"{name}("), Edit(end, end, ")")]
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix(tuple(edits), Applicability.UNSAFE, "Wrap the SQL in `text()`")
