from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...diagnostics import Applicability
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import BindingKind
from ...semantic.records import RouterType
from ...semantic.summary import project_type
from ._lifespan_fix import FOLDABLE, SAFE_APP_CONSUMERS, Planner, Registration

_APPS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter", "starlette.Starlette"})
_EVENT_KEYWORDS = frozenset({"on_startup", "on_shutdown"})
# Attributes that reach an app's event machinery other than `app.on_event`/`add_event_handler`.
_HIDDEN_ATTRIBUTES = frozenset(
    {"on_event", "add_event_handler", "on_startup", "on_shutdown", "lifespan_context"}
)


class DeprecatedOnEvent(Rule):
    """## What it does
    Checks for the deprecated event-handler API: `@app.on_event("startup")` and
    `@router.on_event(...)`, `app.add_event_handler(...)`, and `FastAPI(on_startup=[...],
    on_shutdown=[...])`. The app may be an instance of a subclass of another module of the
    project, or what a factory there returns (`app = ServiceApp()`, `app = create_app()`): the
    project index decides, and such a finding has no fix (the app is not made in the file).

    ## Why is this bad?
    FastAPI deprecated startup and shutdown events in favour of a single `lifespan` context
    manager, and Starlette removed them. With events, resources created at startup and
    released at shutdown live in globals, and a failed startup leaves no structured
    cleanup; a lifespan keeps both halves in one function and can hand state to requests.
    Once an app has a `lifespan`, its `on_event` handlers are silently not called.

    ## Example
    ```python
    @app.on_event("startup")
    async def connect():
        await database.connect()

    @app.on_event("shutdown")
    async def disconnect():
        await database.disconnect()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await database.connect()
        yield
        await database.disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    Unsafe, and only for an app created in the same file by `app = FastAPI(...)` or `app =
    Starlette(...)` (at module level or in a factory function) that has no `lifespan=` yet,
    in a project whose release takes an `asynccontextmanager` lifespan when the release is
    known (FastAPI 0.93, Starlette 0.16; see "Versions" in the README). The fix inserts one
    `@asynccontextmanager async def lifespan(app: FastAPI)` right before the app is created
    and passes it as `lifespan=`; it runs the startup handlers in Starlette's registration
    order (the `on_startup=[...]` list, then the `@app.on_event("startup")` and
    `app.add_event_handler("startup", f)` registrations in the order they run), awaiting an
    `async def` and calling a plain `def`, then `yield`s, then runs the shutdown handlers the
    same way. A handler defined elsewhere (imported, a bound method such as
    `database.connect`, or a def with further decorators) is called and its result awaited
    if it is awaitable, as Starlette did. The lifespan calls the handlers by name when the
    app starts, so handlers defined below the app are found. The `@app.on_event(...)` lines
    and `add_event_handler(...)` statements are removed; the handler functions are kept, so
    code that calls them still works.

    Like Starlette's events, the shutdown handlers do not run when a startup handler raised
    (there is no `try`/`finally` around `yield`): add one by hand if your cleanup must run.

    It is unsafe because a lifespan disables *every* event handler of the app: handlers
    registered on the same app from another module (`from main import app` then
    `@app.on_event`) or by a library given the app would silently stop running. The fix is
    therefore all-or-nothing per app, and refuses -- saying why in the message -- when the
    app is handed to a function that might register handlers (`register_tortoise(app)`),
    reached through `app.router`, bound more than once, when a handler is registered
    conditionally, through an expression that is not a plain name, under a name bound more
    than once, or with `on_event` below another decorator. Router events
    (`@router.on_event`) are reported only: they run when the router is included in an app,
    so they belong in that app's lifespan (or the router's own `lifespan=`, which current
    FastAPI runs for included routers).

    ## References
    - FastAPI docs, "Lifespan Events"
    """

    code = "FAL201"
    defers = True
    name = "deprecated-on-event"
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    message = "{what} is deprecated; use a `lifespan` context manager{hint}"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    triggers = ("on_event", "add_event_handler", "on_startup", "on_shutdown")
    valid = [
        # The modern lifespan.
        """
        from contextlib import asynccontextmanager
        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(app):
            yield

        app = FastAPI(lifespan=lifespan)
        """,
        # An `on_event` method of some other object (an event bus).
        """
        class Bus:
            def on_event(self, name):
                return lambda f: f

        bus = Bus()

        @bus.on_event('startup')
        def started():
            pass
        """,
        # A project function that takes `on_startup=`.
        """
        def make_app(on_startup=None):
            return on_startup

        make_app(on_startup=[print])
        """,
        # A wrapper forwarding its own parameter registers nothing itself.
        """
        from fastapi import APIRouter

        def make(on_startup=None):
            return APIRouter(on_startup=on_startup, on_shutdown=None)
        """,
        # The API passed on by a method of the same name: nothing is registered here.
        """
        from fastapi import APIRouter

        class Service:
            def __init__(self) -> None:
                self.router = APIRouter()

            def on_event(self, event_type: str):
                return self.router.on_event(event_type)
        """,
        # An untyped receiver is not guessed to be an app.
        """
        def register(app):
            app.add_event_handler('startup', print)
        """,
    ]
    invalid = [
        # Handlers defined after the app: the lifespan calls them by name at startup.
        Invalid(
            """
            from fastapi import FastAPI

            app = FastAPI()


            @app.on_event('startup')
            async def connect():
                pass


            @app.on_event('startup')
            def seed():
                pass


            @app.on_event('shutdown')
            def close():
                pass
            """,
            fixed="""
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                await connect()
                seed()
                yield
                close()


            app = FastAPI(lifespan=lifespan)


            async def connect():
                pass


            def seed():
                pass


            def close():
                pass
            """,
            unsafe=True,
            expect=[
                "6:2-6:25 `@app.on_event` is deprecated; use a `lifespan` context manager",
                "11:2-11:25 `@app.on_event` is deprecated; use a `lifespan` context manager",
                "16:2-16:26 `@app.on_event` is deprecated; use a `lifespan` context manager",
            ],
        ),
        # A router's events run through the app that includes it: reported only.
        Invalid(
            """
            from fastapi import APIRouter
            router = APIRouter()

            @router.on_event('shutdown')
            def close():
                pass
            """,
            expect=[
                "4:2-4:29 `@router.on_event` is deprecated; use a `lifespan` context manager; a router's events run only through the app that includes it: move the handler into the app's `lifespan` by hand"
            ],
        ),
        # The constructor's lists come first; the name `lifespan` is taken.
        Invalid(
            """
            import fastapi

            lifespan = 'long'

            def connect():
                pass

            app = fastapi.FastAPI(title='x', on_startup=[connect], on_shutdown=[connect])
            """,
            fixed="""
            from contextlib import asynccontextmanager

            import fastapi

            lifespan = 'long'

            def connect():
                pass


            @asynccontextmanager
            async def app_lifespan(app: fastapi.FastAPI):
                connect()
                yield
                connect()


            app = fastapi.FastAPI(title='x', lifespan=app_lifespan)
            """,
            unsafe=True,
            expect=[
                "8:34-8:54 `on_startup=` is deprecated; use a `lifespan` context manager",
                "8:56-8:77 `on_shutdown=` is deprecated; use a `lifespan` context manager",
            ],
        ),
        # A handler the file cannot classify is awaited only if it returns an awaitable.
        Invalid(
            """
            from fastapi import FastAPI
            from .db import database

            app = FastAPI()
            app.add_event_handler('startup', database.connect)
            """,
            expect=[
                "5:1-5:51 `app.add_event_handler()` is deprecated; use a `lifespan` context manager"
            ],
            fixed="""
            from contextlib import asynccontextmanager
            from inspect import isawaitable

            from fastapi import FastAPI
            from .db import database


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                result = database.connect()
                if isawaitable(result):
                    await result
                yield


            app = FastAPI(lifespan=lifespan)
            """,
            unsafe=True,
        ),
        # A Starlette app gets the same lifespan (Starlette 1.0 removed its events).
        Invalid(
            """
            from starlette.applications import Starlette

            async def connect():
                pass

            app = Starlette(debug=True, on_startup=[connect])

            @app.on_event('shutdown')
            def close():
                pass
            """,
            fixed="""
            from contextlib import asynccontextmanager

            from starlette.applications import Starlette

            async def connect():
                pass


            @asynccontextmanager
            async def lifespan(app: Starlette):
                await connect()
                yield
                close()


            app = Starlette(debug=True, lifespan=lifespan)

            def close():
                pass
            """,
            unsafe=True,
            expect=[
                "6:29-6:49 `on_startup=` is deprecated; use a `lifespan` context manager",
                "8:2-8:26 `@app.on_event` is deprecated; use a `lifespan` context manager",
            ],
        ),
        # An app made by a factory of this module: reported, folded by hand in the factory.
        Invalid(
            """
            from fastapi import FastAPI

            def make_app(on_startup=None) -> FastAPI:
                return FastAPI()

            app = make_app(on_startup=[print])

            @app.on_event('startup')
            async def go():
                pass
            """,
            expect=[
                "8:2-8:25 `@app.on_event` is deprecated; use a `lifespan` context manager; move it into the app's `lifespan` by hand (the app is created elsewhere)"
            ],
        ),
        # The app is handed to a library that may register handlers of its own: no fix.
        Invalid(
            """
            from fastapi import FastAPI
            from tortoise.contrib.fastapi import register_tortoise

            app = FastAPI()
            register_tortoise(app, db_url='sqlite://:memory:')

            @app.on_event('startup')
            async def connect():
                pass
            """,
            expect=[
                "7:2-7:25 `@app.on_event` is deprecated; use a `lifespan` context manager; move it into a `lifespan` by hand (the app is passed to `register_tortoise()`, which may register event handlers)"
            ],
        ),
        # The app already has a lifespan: the handler never runs.
        Invalid(
            """
            from fastapi import FastAPI
            from .lifespan import lifespan

            app = FastAPI(lifespan=lifespan)

            @app.on_event('startup')
            async def connect():
                pass
            """,
            expect=[
                "6:2-6:25 `@app.on_event` is deprecated; use a `lifespan` context manager; the app already has a `lifespan`, so this handler never runs: call it from that lifespan"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        events = ctx.state(_Events)
        if isinstance(node, ast.Call):
            self._check_call(node, events, ctx)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for index, decorator in enumerate(node.decorator_list):
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            if decorator.func.attr != "on_event":
                continue
            owner = ctx.type_of(decorator.func.value)
            if owner is not None and _elsewhere(owner, ctx):
                events.decorators.add(decorator)
                events.elsewhere.append((decorator, f"`@{ctx.text(decorator.func)}`", owner))
            if owner in _APPS:
                events.decorators.add(decorator)
                events.registrations.append(
                    Registration(
                        node=decorator,
                        kind="decorator",
                        what=f"`@{ctx.text(decorator.func)}`",
                        owner=owner,
                        app=_app_call(decorator.func.value, ctx),
                        function=node,
                        decorator_index=index,
                    )
                )

    def _check_call(self, node: ast.Call, events: _Events, ctx: Context) -> None:
        func = node.func
        if node in events.decorators:
            return
        self._note_app_passed(node, events, ctx)
        if isinstance(func, ast.Attribute) and func.attr in ("add_event_handler", "on_event"):
            owner = ctx.type_of(func.value)
            if owner is not None and _elsewhere(owner, ctx) and not _forwards(func.attr, ctx):
                events.elsewhere.append((node, f"`{ctx.text(func)}()`", owner))
                return
            if owner in _APPS and not _forwards(func.attr, ctx):
                app = _app_call(func.value, ctx)
                if func.attr == "on_event" and app is not None:
                    # `app.on_event("startup")(handler)` called directly: not folded.
                    reason = f"`{ctx.text(func)}(...)` is called directly"
                    events.blockers.setdefault(app, []).append(reason)
                events.registrations.append(
                    Registration(
                        node=node,
                        kind="call" if func.attr == "add_event_handler" else "direct",
                        what=f"`{ctx.text(func)}()`",
                        owner=owner,
                        app=app,
                    )
                )
                return
        if isinstance(func, ast.Attribute):
            self._note_hidden_registration(func, events, ctx)
        # Only a call passing an event keyword can register one: the type of other calls
        # is not asked.
        if not any(keyword.arg in _EVENT_KEYWORDS for keyword in node.keywords):
            return
        constructed = ctx.qualified_name(func)
        if constructed is None:
            return
        owner = ctx.semantic.call_result_type(node)
        if owner not in _APPS or _is_function(func, ctx):
            return
        for keyword in node.keywords:
            if keyword.arg in _EVENT_KEYWORDS and not _forwarded(keyword.value, ctx):
                events.registrations.append(
                    Registration(
                        node=keyword,
                        kind="keyword",
                        what=f"`{keyword.arg}=`",
                        owner=owner,
                        app=node if owner in FOLDABLE else None,
                    )
                )

    def _note_hidden_registration(self, func: ast.Attribute, events: _Events, ctx: Context) -> None:
        """`app.router.add_event_handler(...)`, `app.router.on_startup.append(f)`: registrations
        the fix cannot fold; the app keeps its events rather than silently losing these."""
        chain: list[str] = []
        expr: ast.expr = func
        while isinstance(expr, ast.Attribute):
            chain.append(expr.attr)
            expr = expr.value
        if not _HIDDEN_ATTRIBUTES.intersection(chain):
            return
        app = _app_call(expr, ctx)
        if app is not None:
            shown = ctx.text(func)
            events.blockers.setdefault(app, []).append(f"`{shown}` registers events too")

    def _note_app_passed(self, node: ast.Call, events: _Events, ctx: Context) -> None:
        """The app handed to a function that may call `on_event` on it (`register_tortoise(app)`):
        once the app has a lifespan, such handlers would silently not run."""
        values = [*node.args, *(k.value for k in node.keywords)]
        for value in values:
            if isinstance(value, ast.Starred):
                value = value.value
            app = _app_call(value, ctx)
            if app is None:
                continue
            callee = ctx.qualified_name(node.func)
            if callee in SAFE_APP_CONSUMERS:
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "mount"
                and ctx.type_of(func.value) in _APPS
            ):
                continue  # a mounted app's events never ran: Starlette does not forward them
            shown = ctx.text(node.func)
            reason = f"the app is passed to `{shown}()`, which may register event handlers"
            events.blockers.setdefault(app, []).append(reason)

    def finish(self, ctx: Context) -> None:
        events = ctx.state(_Events)
        registrations, blockers = events.registrations, events.blockers
        plans = Planner(ctx, registrations, blockers).plan() if registrations else {}
        for registration in registrations:
            fix = None
            plan = plans.get(registration.app) if registration.app is not None else None
            if plan is not None and plan.fix is not None:
                fix = plan.fix
                hint = ""
            elif plan is not None and plan.reason == "lifespan":
                hint = (
                    "; the app already has a `lifespan`, so this handler never runs: "
                    "call it from that lifespan"
                )
            elif plan is not None:
                hint = f"; move it into a `lifespan` by hand ({plan.reason})"
            elif registration.owner == "fastapi.APIRouter":
                hint = (
                    "; a router's events run only through the app that includes it: "
                    "move the handler into the app's `lifespan` by hand"
                )
            elif registration.app is None and registration.owner in FOLDABLE:
                hint = "; move it into the app's `lifespan` by hand (the app is created elsewhere)"
            else:
                hint = "; move it into the app's `lifespan` by hand"
            ctx.report(registration.node, fix=fix, what=registration.what, hint=hint)
        for node, what, owner in events.elsewhere:
            hint = "; move it into the app's `lifespan` by hand (its class is another module's)"
            ctx.defer(node, (RouterType(owner),), what=what, hint=hint)


def _elsewhere(owner: str, ctx: Context) -> bool:
    """Is `owner` a class or factory of another module of the project, which the index may
    know to make an app or router?"""
    return owner not in _APPS and project_type(owner, ctx.semantic)


@dataclass
class _Events:
    """The event registrations of one file, folded per app in `finish`."""

    registrations: list[Registration] = field(default_factory=list)
    # App constructor call → why the fix cannot follow that app's event handlers.
    blockers: dict[ast.Call, list[str]] = field(default_factory=dict)
    # Decorator calls already taken as registrations (the walk also hands them over as calls).
    decorators: set[ast.AST] = field(default_factory=set)
    # Registrations on an object whose class (or factory) lives in another module of the
    # project (`app = ServiceApp()`): (node, how the message names it, its type), reported if
    # the index finds an app or router there. No fix: the app is not made here.
    elsewhere: list[tuple[ast.AST, str, str]] = field(default_factory=list)


def _app_call(expr: ast.expr, ctx: Context) -> ast.Call | None:
    """The `FastAPI(...)`/`Starlette(...)` call a name is bound to in this module, if that is
    what it holds."""
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.semantic.lookup(expr.id)
    value = binding.value if binding is not None else None
    if (
        isinstance(value, ast.Call)
        and ctx.semantic.call_result_type(value) in FOLDABLE
        and not _is_function(value.func, ctx)  # made by a factory: created elsewhere
    ):
        return value
    return None


def _forwards(method: str, ctx: Context) -> bool:
    """Inside a function of the same name (`def on_event(self, event_type): return
    self.router.on_event(event_type)`, FastAPI's own implementation, or a project's wrapper):
    the API passed on, not a handler registered."""
    scope = ctx.function
    return scope is not None and getattr(scope.node, "name", None) == method


def _is_function(func: ast.expr, ctx: Context) -> bool:
    """A function of this module that returns an app (`def make_app() -> FastAPI`): its
    `on_startup=` is its own parameter, not the app constructor's."""
    if not isinstance(func, ast.Name):
        return False
    binding = ctx.semantic.lookup(func.id)
    return binding is not None and binding.kind is BindingKind.FUNCTION


def _forwarded(value: ast.expr, ctx: Context) -> bool:
    """`on_startup=None`, or a wrapper passing its own parameter through (FastAPI's own
    `FastAPI.__init__` does `APIRouter(on_startup=on_startup)`): no handler is registered here."""
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    if isinstance(value, ast.Name):
        binding = ctx.semantic.lookup(value.id)
        return binding is not None and binding.kind is BindingKind.PARAMETER
    return False
