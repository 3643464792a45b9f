from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.fastapi import cors_registration
from ...semantic.model import Scope
from ...semantic.records import Registers
from ...semantic.summary import call_candidate
from ...semantic.values import keyword, resolve, string_value

_APPS = frozenset({"fastapi.FastAPI", "starlette.Starlette"})


@dataclass
class _Event:
    """A middleware registration of an app, in the order of the file."""

    call: ast.Call
    is_cors: bool
    label: str
    # A call that hands the app to a function (`setup_cors(app)`): what it registers is known
    # only to the project index. `callee` is the function's qualified name, `argument` where
    # the app goes (a position, "0", or a keyword name).
    callee: str | None = None
    argument: str = ""


@dataclass
class _App:
    """The middleware registrations made on one app object, in one function body (or module)."""

    events: list[_Event] = field(default_factory=list)
    # The CORS entry of the app's `middleware=[...]` list when it is first.
    listed_first: ast.Call | None = None


class CorsNotOutermost(Rule):
    """## What it does
    Checks that `CORSMiddleware` is the outermost middleware of an app: that no
    `app.add_middleware(...)` call and no `@app.middleware("http")` function is registered on
    the same app *after* the CORS registration, and that in `FastAPI(middleware=[...])` the
    CORS entry comes first. The finding is reported on the CORS registration.

    ## Why is this bad?
    In Starlette, every `add_middleware` call (and `@app.middleware`, which calls it) puts
    the new middleware *around* the ones already added: the **last** one added is the
    outermost layer and sees the request first. (Some guides, including one of this project's
    seed documents, say CORS must be "added first": for `add_middleware` that is backwards.)
    A middleware outside CORS that answers on its own — an auth check returning 401, a rate
    limiter, an error — sends its response without CORS headers, so the browser reports a
    CORS error instead of the real status, and preflight requests may be rejected before
    CORS can answer them. In a `middleware=[...]` list the first entry is the outermost, and
    every later `add_middleware` call goes outside the whole list.

    Only registrations on the same app object within one function body (or at module level)
    are compared: code in different functions runs in an order a single file does not show.
    A call that passes the app to a project function (`setup_cors(app)`, defined in another
    module) counts as the registrations that function makes on its parameter, in place.
    An app wrapped as `CORSMiddleware(app, ...)` is outermost by construction.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
    app.add_middleware(AuthMiddleware)  # wraps CORS: its 401s lack CORS headers
    ```

    ## Use instead
    ```python
    app.add_middleware(AuthMiddleware)
    app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)  # added last: outermost
    ```

    ## Fix safety
    No fix: reordering middleware changes which layer sees a request first, which only you
    can judge.

    ## References
    - Starlette docs, "Middleware": "the last middleware added is the outermost"
    """

    code = "FAL403"
    name = "cors-not-outermost"
    message = "{problem}, so its responses lack CORS headers; {remedy}"
    nodes = (ast.Call, ast.Assign)
    # CORS is registered in the file, or the file has an app (created here, or a parameter
    # annotated as one) whose registrations are spread over project functions.
    triggers = ("CORSMiddleware", "FastAPI", "Starlette")
    defers = True
    valid = [
        # CORS added last: it is the outermost layer.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware
        app = FastAPI()
        app.add_middleware(GZipMiddleware)
        app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])
        """,
        # First in a middleware list, nothing added later.
        """
        from fastapi import FastAPI
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.middleware.gzip import GZipMiddleware
        app = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=['https://a.b']), Middleware(GZipMiddleware)])
        """,
        # Two different apps.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware
        app = FastAPI()
        admin = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])
        admin.add_middleware(GZipMiddleware)
        """,
        # Registrations in different functions: their order is not visible here.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware
        app = FastAPI()

        def add_cors():
            app.add_middleware(CORSMiddleware, allow_origins=['https://a.b'])

        def add_gzip():
            app.add_middleware(GZipMiddleware)
        """,
        # A middleware added to an app created after the CORS one under the same name.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])
        app = FastAPI()
        app.add_middleware(GZipMiddleware)
        """,
        # A function that adds CORS, called last; one that adds nothing, called after CORS.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.middleware.gzip import GZipMiddleware

        def setup_cors(app: FastAPI) -> None:
            app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])

        def setup_state(app: FastAPI) -> None:
            app.state.ready = True

        app = FastAPI()
        app.add_middleware(GZipMiddleware)
        setup_cors(app)
        setup_state(app)
        """,
    ]
    invalid = [
        # CORS added by a project function, then other middleware around it.
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            from fastapi.middleware.gzip import GZipMiddleware

            def setup_cors(app: FastAPI) -> None:
                app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])

            def setup_state(app: FastAPI) -> None:
                app.state.ready = True

            app = FastAPI()
            setup_cors(app)
            app.add_middleware(GZipMiddleware)
            """,
            expect=[
                "12:1-12:16 CORSMiddleware, added by `setup_cors(app)`, is wrapped by `app.add_middleware(GZipMiddleware)` (line 13), so its responses lack CORS headers; add CORSMiddleware last: the last middleware added is the outermost"
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI, Request
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])

            @app.middleware('http')
            async def auth(request: Request, call_next):
                return await call_next(request)
            """,
            expect=[
                '4:1-4:72 `@app.middleware("http")` (line 6) is registered after CORSMiddleware and wraps it, so its responses lack CORS headers; add CORSMiddleware last: the last middleware added is the outermost'
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            from myapp.auth import AuthMiddleware

            def create_app():
                app = FastAPI()
                app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])
                app.add_middleware(AuthMiddleware)
                return app
            """,
            expect=[
                "7:5-7:76 `app.add_middleware(AuthMiddleware)` (line 8) is registered after CORSMiddleware and wraps it, so its responses lack CORS headers; add CORSMiddleware last: the last middleware added is the outermost"
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from starlette.middleware import Middleware
            from starlette.middleware.cors import CORSMiddleware
            from myapp.auth import AuthMiddleware
            app = FastAPI(middleware=[Middleware(AuthMiddleware), Middleware(CORSMiddleware, allow_origins=['https://a.b'])])
            """,
            expect=[
                "5:55-5:112 CORSMiddleware is entry 2 of `middleware=[...]`, inside the entries before it, so its responses lack CORS headers; put it first in the list"
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from starlette.middleware import Middleware
            from starlette.middleware.cors import CORSMiddleware
            from starlette.middleware.gzip import GZipMiddleware
            MIDDLEWARE = [Middleware(CORSMiddleware, allow_origins=['https://a.b'])]
            app = FastAPI(middleware=MIDDLEWARE)
            app.add_middleware(GZipMiddleware)
            """,
            expect=[
                "5:15-5:72 `app.add_middleware(GZipMiddleware)` (line 7) wraps the whole `middleware=[...]` list, CORSMiddleware included, so its responses lack CORS headers; register CORSMiddleware with `add_middleware` after it, or move that middleware into the list after CORS"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        # The apps of this file, by `_key`: what each registers, in order.
        apps = ctx.state(dict[tuple[int, str, int], _App])
        if isinstance(node, ast.Assign):
            self._check_assign(node, apps, ctx)
            return
        assert isinstance(node, ast.Call)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("add_middleware", "middleware"):
            key = self._key(func.value, ctx)
            if key is None:
                return
            if func.attr == "middleware":
                if not (node.args and string_value(node.args[0]) == "http"):
                    return
                label = f'`@{ctx.text(func.value)}.middleware("http")`'
                event = _Event(node, False, label)
            else:
                is_cors = cors_registration(node, ctx) is not None
                what = ctx.text(node.args[0]) if node.args else "..."
                event = _Event(node, is_cors, f"`{ctx.text(func)}({what})`")
            apps.setdefault(key, _App()).events.append(event)
            return
        # Only an app built with `middleware=[...]` can list CORS late: the type of every
        # other call is asked only when it hands an app over (in `_check_handover`).
        if keyword(node, "middleware") is not None and _builds_app(node, ctx):
            self._check_list(node, ctx)
            return
        self._check_handover(node, apps, ctx)

    def _check_handover(
        self, node: ast.Call, apps: dict[tuple[int, str, int], _App], ctx: Context
    ) -> None:
        """`setup_cors(app)`: the app goes to a function that may register middleware on it."""
        arguments = [(str(i), a) for i, a in enumerate(node.args)]
        arguments += [(k.arg, k.value) for k in node.keywords if k.arg is not None]
        for position, argument in arguments:
            if not isinstance(argument, (ast.Name, ast.Attribute)):
                continue
            # An app of this body, or a value of an app's type. Most calls pass no app, and
            # most files register nothing on one: the type is asked first there, and the
            # key (the receiver's text, for an attribute) only for an app.
            key = self._key(argument, ctx) if apps else None
            if (key is None or key not in apps) and ctx.semantic.app_type(
                ctx.semantic.type_of(argument)
            ) not in _APPS:
                continue
            if key is None:
                key = self._key(argument, ctx)
                if key is None:
                    continue
            if _builds_app(node, ctx):
                return  # an app built from another app is not a handover
            callee = call_candidate(node, ctx.semantic, ctx.qualified_name(node.func))
            if callee is None:
                return
            label = f"`{ctx.text(node.func)}({ctx.text(argument)})`"
            event = _Event(node, False, label, callee, position)
            apps.setdefault(key, _App()).events.append(event)
            return

    def _check_assign(
        self, node: ast.Assign, apps: dict[tuple[int, str, int], _App], ctx: Context
    ) -> None:
        """`app = FastAPI(...)` starts a new app under that name (and may list CORS first)."""
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        if not isinstance(node.value, ast.Call):
            return
        if ctx.semantic.app_type(ctx.semantic.call_result_type(node.value)) not in _APPS:
            return
        key = (id(ctx.semantic.scope), node.targets[0].id, id(ctx.semantic.scope))
        app = _App()
        first = self._cors_entry(node.value, ctx)
        if first is not None and first[1] == 0:
            app.listed_first = first[0]
        apps[key] = app

    def _check_list(self, node: ast.Call, ctx: Context) -> None:
        entry = self._cors_entry(node, ctx)
        if entry is not None and entry[1] > 0:
            ctx.report(
                entry[0],
                problem=f"CORSMiddleware is entry {entry[1] + 1} of `middleware=[...]`, "
                "inside the entries before it",
                remedy="put it first in the list",
            )

    @staticmethod
    def _cors_entry(call: ast.Call, ctx: Context) -> tuple[ast.Call, int] | None:
        argument = keyword(call, "middleware")
        if argument is None:
            return None
        value = resolve(argument.value, ctx)
        if not isinstance(value, (ast.List, ast.Tuple)):
            return None
        for index, element in enumerate(value.elts):
            if isinstance(element, ast.Call) and cors_registration(element, ctx) is not None:
                return element, index
        return None

    @staticmethod
    def _key(receiver: ast.AST, ctx: Context) -> tuple[int, str, int] | None:
        """Which app a receiver names: its binding's scope and name, plus where the call runs."""
        here = ctx.semantic.scope
        if isinstance(receiver, ast.Name):
            scope: Scope | None = here
            while scope is not None:
                if receiver.id in scope.bindings:
                    return (id(scope), receiver.id, id(here))
                scope = scope.parent
            return None
        if isinstance(receiver, ast.Attribute):  # `self.app`: compared within this body only
            return (id(here), ctx.text(receiver), id(here))
        return None

    def finish(self, ctx: Context) -> None:
        remedy = "add CORSMiddleware last: the last middleware added is the outermost"
        for app in ctx.state(dict[tuple[int, str, int], _App]).values():
            adds = [e for e in app.events if e.callee is None]
            for index, event in enumerate(adds):
                if not event.is_cors:
                    continue
                later = next((e for e in adds[index + 1 :] if not e.is_cors), None)
                if later is not None:
                    line = later.call.lineno
                    ctx.report(
                        event.call,
                        problem=f"{later.label} (line {line}) is registered after "
                        "CORSMiddleware and wraps it",
                        remedy=remedy,
                    )
            self._handovers(app.events, remedy, ctx)
            if app.listed_first is not None:
                other = next((e for e in adds if not e.is_cors), None)
                if other is not None:
                    ctx.report(
                        app.listed_first,
                        problem=f"{other.label} (line {other.call.lineno}) wraps the whole "
                        "`middleware=[...]` list, CORSMiddleware included",
                        remedy="register CORSMiddleware with `add_middleware` after it, or "
                        "move that middleware into the list after CORS",
                    )

    @staticmethod
    def _handovers(events: list[_Event], remedy: str, ctx: Context) -> None:
        """Orderings that involve a function of the project: the index knows what it adds."""
        for index, event in enumerate(events):
            if event.callee is None and not event.is_cors:
                continue
            later = events[index + 1 :]
            if event.callee is None:
                # CORS here, then a function that may add other middleware. (Other middleware
                # added here after CORS is reported above already.)
                if any(e.callee is None and not e.is_cors for e in later):
                    continue
                for after in later:
                    if after.callee is None:
                        continue
                    ctx.defer(
                        event.call,
                        (Registers("other", after.callee, after.argument),),
                        problem=f"{after.label} (line {after.call.lineno}) registers "
                        "middleware after CORSMiddleware, which wraps it",
                        remedy=remedy,
                    )
                continue
            # A function that may add CORS, then other middleware added here or elsewhere.
            assert event.callee is not None
            cors = Registers("cors", event.callee, event.argument)
            for after in later:
                if after.is_cors:
                    continue
                requires: tuple[Registers, ...] = (cors,)
                what = f"{after.label} (line {after.call.lineno})"
                if after.callee is not None:
                    requires = (cors, Registers("other", after.callee, after.argument))
                    what = f"middleware registered by {what}"
                ctx.defer(
                    event.call,
                    requires,
                    problem=f"CORSMiddleware, added by {event.label}, is wrapped by {what}",
                    remedy=remedy,
                )


def _builds_app(call: ast.Call, ctx: Context) -> bool:
    """Does `call` make a FastAPI or Starlette app?"""
    return ctx.semantic.app_type(ctx.semantic.call_result_type(call)) in _APPS
