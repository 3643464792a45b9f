from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ._versions import fix_applicability

_SESSION = "sqlalchemy.orm.Session"
_SESSION_GET_SINCE = (1, 4)


class QueryGet(Rule):
    """## What it does
    Checks for `session.query(Model).get(ident)` on a receiver known to be a SQLAlchemy
    (or SQLModel) `Session`.

    ## Why is this bad?
    `Query.get()` is legacy since SQLAlchemy 1.4 and raises `LegacyAPIWarning` in 2.x at every
    call ("The method is now available as Session.get()"); the 2.0 API is
    `session.get(Model, ident)`.

    ## Example
    ```python
    user = db.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    user = db.get(User, user_id)
    ```

    ## Fix safety
    The fix rewrites the chain to `session.get(Model, ident)`: both look the identity up in
    the session's identity map first and load by primary key otherwise, returning the same
    object or `None`. It is offered only for the bare chain — one entity in `query()`, one
    argument to `get()` — not after `.filter()`, `.options()` or the like. `Session.get`
    exists from SQLAlchemy 1.4 on: the fix is safe when the project's SQLAlchemy is known to
    be that recent and unsafe when its version is not known. Verified by running:
    `tests/behaviour/test_upgrades.py`.

    ## References
    - SQLAlchemy 2.0 migration guide, "ORM Query - get() method moves to Session"
    """

    code = "FAL806"
    name = "query-get"
    message = "`Query.get()` is legacy in SQLAlchemy 2.0; use `{session}.get({model}, ...)`"
    nodes = (ast.Call,)
    callees = frozenset({"get"})
    triggers = ("query",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        """
        from sqlalchemy.orm import Session

        def find(db: Session, User, user_id):
            return db.get(User, user_id)
        """,
        # A dict's get on a query result, and a filtered query.
        """
        from sqlalchemy.orm import Session

        def find(db: Session, User, user_id):
            row = db.query(User).filter(User.active).first()
            return row.__dict__.get("name")
        """,
        # A receiver that is not known to be a Session.
        """
        def find(db, User, user_id):
            return db.query(User).get(user_id)
        """,
    ]
    invalid = [
        Invalid(
            """
            from sqlalchemy.orm import Session

            def find(db: Session, User, user_id: int):
                return db.query(User).get(user_id)
            """,
            expect=["4:12-4:39 `Query.get()` is legacy in SQLAlchemy 2.0; use `db.get(User, ...)`"],
            fixed="""
            from sqlalchemy.orm import Session

            def find(db: Session, User, user_id: int):
                return db.get(User, user_id)
            """,
            unsafe=True,
        ),
        # Options before `get()`: report only.
        Invalid(
            """
            from sqlalchemy.orm import Session, joinedload

            def find(db: Session, User, user_id: int):
                return db.query(User).options(joinedload(User.roles)).get(user_id)
            """,
            expect=["4:12-4:71 `Query.get()` is legacy in SQLAlchemy 2.0; use `db.get(User, ...)`"],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get"):
            return
        query = _query_call(func.value)
        if query is None:
            return
        receiver = query.func.value  # type: ignore[attr-defined]
        if ctx.type_of(receiver) != _SESSION or not query.args:
            return
        model = ctx.text(query.args[0])
        session = ctx.text(receiver)
        fix = None
        bare = func.value is query and len(query.args) == 1 and not query.keywords
        applicability = fix_applicability(ctx, "sqlalchemy", _SESSION_GET_SINCE)
        if bare and len(node.args) == 1 and not node.keywords and applicability is not None:
            start, end = ctx.span(node)
            text = f"{session}.get({model}, {ctx.text(node.args[0])})"
            fix = Fix((Edit(start, end, text),), applicability, "Use `Session.get()`")
        ctx.report(node, session=session, model=model, fix=fix)


def _query_call(expr: ast.expr) -> ast.Call | None:
    """The `X.query(...)` call at the root of a method chain `X.query(M).a(...).b(...)`."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "query":
            return expr
        expr = expr.func.value
    return None
