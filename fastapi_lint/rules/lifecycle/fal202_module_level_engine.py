from __future__ import annotations

import ast

from ...catalogues.lifecycle import DISPOSE_METHODS, ENGINE_FACTORIES, ENGINE_TYPES
from ...context import Context
from ...rule import Invalid, Valid
from ._resources import Created, FileFacts, ResourceRule, function_name, made_through


class ModuleLevelEngine(ResourceRule):
    """## What it does
    Checks for SQLAlchemy engines created at import time: `sqlalchemy.create_engine(...)`,
    `create_async_engine(...)` or `sqlmodel.create_engine(...)` at module scope (including
    module-level `if`, `try` and `with` blocks), directly or through a helper of the same
    module whose return is known (annotated `-> Engine`, or whose body returns
    `create_engine(...)`; the message names the helpers), or of another module of the project
    (`engine = create_db_engine(url)` with `create_db_engine` in `app/db.py`; the project
    index decides, and the message names the module). The message says whether the file
    disposes of the engine, and where.

    ## Why is this bad?
    An engine owns a connection pool. Created at import, it exists before the application's
    settings are loaded and before worker processes fork (a pool inherited across `fork` shares
    sockets between processes), it cannot be replaced in tests without patching, and unless a
    shutdown step calls `engine.dispose()` (`await engine.dispose()` for an async engine) its
    connections are dropped rather than closed when the server stops.

    ## Example
    ```python
    engine = create_async_engine(settings.database_url)

    app = FastAPI()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engine = create_async_engine(settings.database_url)
        yield
        await app.state.engine.dispose()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    No fix: where the engine should live depends on how the rest of the code reaches it.

    Not reported: engines created inside functions, under `if TYPE_CHECKING:` or
    `if __name__ == "__main__":`, in class bodies, in scripts (a module with a `__main__`
    block that builds no FastAPI/Starlette app or router: it runs once, and its engine lives
    exactly as long as the process), and in test modules (`test_*.py`,
    `*_test.py`, `conftest.py`, files under `tests/`), where a module-level in-memory engine
    is the usual fixture. "Disposed in a lifespan or shutdown handler" means a `.dispose()`
    call on the engine's name in a function passed as `lifespan=`, named `lifespan`, decorated
    with `@asynccontextmanager`, or registered for shutdown (`@app.on_event("shutdown")`,
    `add_event_handler("shutdown", f)`, `on_shutdown=[f]`) — or nested in one.

    ## References
    - SQLAlchemy docs, "Engine Disposal"; FastAPI docs, "Lifespan Events"
    """

    code = "FAL202"
    name = "module-level-engine"
    message = "{what} is created at import time; {disposal}"
    triggers = ("create_engine", "create_async_engine", "Engine")
    release_methods = DISPOSE_METHODS
    resource_types = ENGINE_TYPES
    valid = [
        # Created in the lifespan.
        """
        from contextlib import asynccontextmanager
        from sqlalchemy.ext.asyncio import create_async_engine

        @asynccontextmanager
        async def lifespan(app):
            app.state.engine = create_async_engine('sqlite+aiosqlite://')
            yield
            await app.state.engine.dispose()
        """,
        # Created in a factory function.
        """
        from sqlalchemy import create_engine

        def get_engine(url):
            return create_engine(url)
        """,
        # Only for the type checker.
        """
        from typing import TYPE_CHECKING
        from sqlalchemy import create_engine

        if TYPE_CHECKING:
            engine = create_engine('sqlite://')
        """,
        # A script's main block does not run on import.
        """
        from sqlalchemy import create_engine

        if __name__ == '__main__':
            engine = create_engine('sqlite://')
        """,
        # A script (SQLModel's tutorials): the engine lives as long as the run.
        """
        from sqlmodel import SQLModel, create_engine

        engine = create_engine('sqlite://')

        def main():
            SQLModel.metadata.create_all(engine)

        if __name__ == '__main__':
            main()
        """,
        # A project function named create_engine.
        """
        def create_engine(url):
            return url

        engine = create_engine('sqlite://')
        """,
        # A helper whose decorator may return anything: its return is not known.
        """
        from sqlalchemy import create_engine

        def register(function):
            return function

        @register
        def make_engine(url):
            return create_engine(url)

        engine = make_engine('sqlite://')
        """,
        # A helper that returns a session factory, not an engine.
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        def make_sessions(url):
            return sessionmaker(bind=create_engine(url))

        SessionLocal = make_sessions
        """,
        # A test module's engine.
        Valid(
            """
            from sqlalchemy import create_engine

            engine = create_engine('sqlite://')
            """,
            path="tests/conftest.py",
        ),
    ]
    invalid = [
        Invalid(
            """
            from sqlalchemy import create_engine

            engine = create_engine('sqlite://')
            """,
            expect=[
                "3:10-3:36 Engine `engine` (`create_engine()`) is created at import time; it is never disposed in this file"
            ],
        ),
        # An app module that can also be run with `python main.py` is not a script.
        Invalid(
            """
            import uvicorn
            from fastapi import FastAPI
            from sqlmodel import create_engine

            engine = create_engine('sqlite://')
            app = FastAPI()

            if __name__ == '__main__':
                uvicorn.run(app)
            """,
            expect=[
                "5:10-5:36 Engine `engine` (`create_engine()`) is created at import time; it is never disposed in this file"
            ],
        ),
        Invalid(
            """
            import os
            from sqlmodel import create_engine

            try:
                engine = create_engine(os.environ['DB'])
            except KeyError:
                engine = create_engine('sqlite://')
            """,
            expect=[
                "5:14-5:45 Engine `engine` (`create_engine()`) is created at import time; it is never disposed in this file",
                "7:14-7:40 Engine `engine` (`create_engine()`) is created at import time; it is never disposed in this file",
            ],
        ),
        Invalid(
            """
            from contextlib import asynccontextmanager
            from fastapi import FastAPI
            from sqlalchemy.ext.asyncio import create_async_engine

            engine = create_async_engine('sqlite+aiosqlite://')

            @asynccontextmanager
            async def lifespan(app):
                yield
                await engine.dispose()

            app = FastAPI(lifespan=lifespan)
            """,
            expect=[
                "5:10-5:52 Engine `engine` (`create_async_engine()`) is created at import time; it is disposed in `lifespan`, but it could be created there too"
            ],
        ),
        Invalid(
            """
            from typing import TYPE_CHECKING
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            if TYPE_CHECKING:
                pass
            else:
                SessionLocal = sessionmaker(bind=create_engine('sqlite://'))
            """,
            expect=[
                "8:38-8:64 An engine (`create_engine()`) is created at import time; it is never disposed in this file"
            ],
        ),
        # Through helpers of the module: one returns another's result, which returns the engine.
        Invalid(
            """
            import functools
            from sqlalchemy.ext.asyncio import create_async_engine

            def _create_async_engine(*args, **kwargs):
                engine = create_async_engine(*args, **kwargs)
                return engine

            @functools.cache
            def get_engine(url):
                return _create_async_engine(url)

            engine = get_engine('sqlite+aiosqlite://')
            """,
            expect=[
                "12:10-12:43 Engine `engine` (`create_async_engine()` through `get_engine()` → `_create_async_engine()`) is created at import time; it is never disposed in this file"
            ],
        ),
        # A helper annotated to return an engine.
        Invalid(
            """
            from sqlalchemy import Engine

            def make_engine(url) -> Engine:
                ...

            engine = make_engine('sqlite://')
            """,
            expect=[
                "6:10-6:34 Engine `engine` (`Engine` through `make_engine()`) is created at import time; it is never disposed in this file"
            ],
        ),
    ]

    def created(self, call: ast.Call, ctx: Context) -> str | None:
        name = ctx.qualified_name(call.func)
        if name in ENGINE_FACTORIES:
            return f"`{name.rsplit('.', 1)[-1]}()`"
        # A helper of this module that returns an engine (`def _create_engine(...): return
        # create_engine(...)`, or annotated `-> Engine`).
        made = made_through(call, ctx)
        if made is None or made.type not in ENGINE_TYPES:
            return None
        what = made.maker or made.type
        what = f"`{what.rsplit('.', 1)[-1]}()`" if made.maker else f"`{what.rsplit('.', 1)[-1]}`"
        return f"{what} through {made.through}"

    def decide(self, item: Created, facts: FileFacts, ctx: Context) -> None:
        releases = self.releases_of(item, facts)
        handlers = [h for h in (self.handler_of(r, facts) for r in releases) if h]
        others = [n for n in (function_name(r.scope) for r in releases) if n]
        if handlers:
            disposal = f"it is disposed in `{handlers[0]}`, but it could be created there too"
        elif others:
            disposal = (
                f"it is disposed in `{others[0]}()`, which is not a lifespan or shutdown "
                "handler of this file"
            )
        elif releases:
            disposal = "its disposal is registered at module level"
        else:
            disposal = "it is never disposed in this file"
        target = f"Engine `{item.targets[0]}`" if item.targets else "An engine"
        self.report_created(item, ctx, what=f"{target} ({item.what})", disposal=disposal)
