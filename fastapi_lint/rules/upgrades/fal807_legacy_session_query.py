from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule

_SESSION = "sqlalchemy.orm.Session"


class LegacySessionQuery(Rule):
    """## What it does
    Checks for `session.query(...)` on a receiver known to be a SQLAlchemy (or SQLModel)
    `Session`. Off by default: enable it with `extend-select = ["FAL807"]` when moving a
    code base to the 2.0 style.

    ## Why is this bad?
    SQLAlchemy 2.0 keeps `Session.query()` as the "legacy" Query API: it works and is not
    deprecated, but new features (typed results, `select()` shared with Core, the async
    `AsyncSession`, which has no `query()`) only come to `session.execute(select(...))` /
    `session.scalars(select(...))`. Code that will move to `AsyncSession` has to be rewritten
    anyway.

    ## Example
    ```python
    users = db.query(User).filter(User.active).all()
    ```

    ## Use instead
    ```python
    users = db.scalars(select(User).where(User.active)).all()
    ```

    ## Fix safety
    No fix: the 2.0 style returns `Row` objects from `execute()` and needs `scalars()` for
    entities, `filter_by`/`join` chains map only roughly, and `Query` methods such as
    `count()`, `paginate()` (Flask-SQLAlchemy) or `get()` (FAL806) have no one-to-one
    counterpart.

    ## References
    - SQLAlchemy 2.0 migration guide, "ORM Querying in 2.0 style"
    """

    code = "FAL807"
    name = "legacy-session-query"
    message = "`{session}.query()` is SQLAlchemy's legacy Query API; use `select()` with `{session}.execute()`/`scalars()`"
    nodes = (ast.Call,)
    callees = frozenset({"query"})
    triggers = ("query",)
    default_enabled = False
    valid = [
        """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        def users(db: Session, User):
            return db.scalars(select(User)).all()
        """,
        # Not a Session.
        """
        def users(db, User):
            return db.query(User).all()
        """,
        # Elasticsearch's query().
        """
        from elasticsearch_dsl import Search

        results = Search().query("match", title="python")
        """,
    ]
    invalid = [
        Invalid(
            """
            from sqlalchemy.orm import Session

            def users(db: Session, User):
                return db.query(User).filter(User.active).all()
            """,
            expect=[
                "4:12-4:26 `db.query()` is SQLAlchemy's legacy Query API; use `select()` with "
                "`db.execute()`/`scalars()`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "query"):
            return
        if ctx.type_of(func.value) == _SESSION:
            ctx.report(node, session=ctx.text(func.value))
