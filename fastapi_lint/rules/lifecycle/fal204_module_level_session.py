from __future__ import annotations

import ast

from ...catalogues.lifecycle import SESSION_TYPES
from ...context import Context
from ...rule import Invalid, Valid
from ._resources import Created, FileFacts, ResourceRule, made_through


class ModuleLevelSession(ResourceRule):
    """## What it does
    Checks for a SQLAlchemy (or SQLModel) `Session` or `AsyncSession` *instance* created at
    import time: `Session(engine)`, `AsyncSession(engine)`, or a call of a `sessionmaker` /
    `async_sessionmaker` factory, at module scope, directly or through a helper of the same
    module whose return is known (the message names the helpers), or of another module of the
    project (the project index decides).

    ## Why is this bad?
    A session is a unit of work for one request: it is not safe to share between threads or
    between concurrent tasks. A module-level session is shared by every request the worker
    serves, so one request's uncommitted changes, failed transaction or identity map leaks
    into the next, and an `AsyncSession` used by overlapping requests fails under load with
    errors such as `IllegalStateChangeError` or a greenlet error.

    ## Example
    ```python
    SessionLocal = sessionmaker(bind=engine)
    db = SessionLocal()

    @app.get("/users/{user_id}")
    def read_user(user_id: int):
        return db.get(User, user_id)
    ```

    ## Use instead
    ```python
    SessionLocal = sessionmaker(bind=engine)

    def get_db():
        with SessionLocal() as db:
            yield db

    @app.get("/users/{user_id}")
    def read_user(user_id: int, db: Session = Depends(get_db)):
        return db.get(User, user_id)
    ```

    ## Fix safety
    No fix: the session has to become a dependency, which changes every function that uses it.

    The factories themselves (`sessionmaker(...)`, `async_sessionmaker(...)`,
    `scoped_session(...)`) are what a module should hold and are not reported; nor are
    sessions opened with `with` at module level (closed at once), sessions under
    `if TYPE_CHECKING:` / `if __name__ == "__main__":`, in scripts (a module with a
    `__main__` block that builds no app or router) or in test modules.

    ## References
    - SQLAlchemy docs, "Session Basics: Is the Session thread-safe?"; FastAPI docs, "SQL
      (Relational) Databases"
    """

    code = "FAL204"
    name = "module-level-session"
    message = "{what} instance {target}is created at import time and shared by every request"
    triggers = ("Session", "sessionmaker")
    resource_types = frozenset(SESSION_TYPES)
    made_elsewhere = "{type} (through {through})"
    valid = [
        # Factories are fine.
        """
        from sqlalchemy.orm import sessionmaker
        SessionLocal = sessionmaker()
        """,
        """
        from sqlalchemy.ext.asyncio import async_sessionmaker
        SessionLocal = async_sessionmaker(expire_on_commit=False)
        """,
        """
        from sqlalchemy.orm import scoped_session, sessionmaker
        db_session = scoped_session(sessionmaker())
        """,
        # Sessions per request.
        """
        from sqlalchemy.orm import Session

        def get_db(engine):
            with Session(engine) as db:
                yield db
        """,
        # A module-level `with` closes the session at once (a seeding script).
        """
        from sqlmodel import Session, create_engine
        engine = create_engine('sqlite://')
        with Session(engine) as s:
            s.commit()
        """,
        # requests.Session is not a database session.
        """
        import requests
        http = requests.Session()
        """,
        # A test module.
        Valid(
            """
            from sqlalchemy.orm import Session
            session = Session()
            """,
            path="tests/conftest.py",
        ),
    ]
    invalid = [
        # Through a helper of the module.
        Invalid(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import Session

            def new_session():
                return Session(create_engine('sqlite://'))

            db = new_session()
            """,
            expect=[
                "7:6-7:19 `Session` (through `new_session()`) instance `db` is created at import time and shared by every request"
            ],
        ),
        Invalid(
            """
            from sqlalchemy.orm import Session
            session = Session()
            """,
            expect=[
                "2:11-2:20 `Session` instance `session` is created at import time and shared by every request"
            ],
        ),
        Invalid(
            """
            from sqlalchemy.orm import sessionmaker
            SessionLocal = sessionmaker()
            db = SessionLocal()
            """,
            expect=[
                "3:6-3:20 `Session` instance `db` is created at import time and shared by every request"
            ],
        ),
        Invalid(
            """
            from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
            engine = create_async_engine('sqlite+aiosqlite://')
            session: AsyncSession = AsyncSession(engine)
            """,
            expect=[
                "3:25-3:45 `AsyncSession` instance `session` is created at import time and shared by every request"
            ],
        ),
        Invalid(
            """
            from sqlmodel import Session

            class Repo:
                pass

            repo = Repo(Session())
            """,
            expect=[
                "6:13-6:22 `Session` instance is created at import time and shared by every request"
            ],
        ),
    ]

    def created(self, call: ast.Call, ctx: Context) -> str | None:
        what = SESSION_TYPES.get(ctx.semantic.value_type(call) or "")
        made = made_through(call, ctx) if what is not None else None
        return f"{what} (through {made.through})" if made is not None else what

    def decide(self, item: Created, facts: FileFacts, ctx: Context) -> None:
        target = f"`{item.targets[0]}` " if item.targets else ""
        self.report_created(item, ctx, what=item.what, target=target)
