from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...rule import Invalid, Rule, callee_names
from ...semantic.model import BindingKind, Scope
from ...semantic.values import keyword

_CLIENTS = frozenset({"starlette.testclient.TestClient", "fastapi.testclient.TestClient"})
_APPS = frozenset({"fastapi.FastAPI", "starlette.Starlette"})


@dataclass
class _Seen:
    """What the walk saw of the file's `with` statements and TestClient calls."""

    in_with: set[int] = field(default_factory=set)  # ids of `with` context expressions
    with_names: set[str] = field(default_factory=set)  # names used as `with name:`
    calls: list[tuple[ast.Call, Scope, str]] = field(default_factory=list)


class TestclientWithoutWith(Rule):
    """## What it does
    Checks for `TestClient(app)` used outside a `with` block (neither `with TestClient(app) as
    client:` nor `client = TestClient(app)` followed by `with client:`) when `app` is an app
    of this module created with a `lifespan=`. Off by default: enable it with
    `extend-select = ["FAL603"]`.

    ## Why is this bad?
    Starlette's `TestClient` runs the app's lifespan only inside `with`: without it, startup
    never happens, so the tests run against an app whose database pool, HTTP client or cache
    was never created — they pass or fail for the wrong reason, or only when another test
    happened to open the client with `with` first.

    ## Example
    ```python
    app = FastAPI(lifespan=lifespan)
    client = TestClient(app)
    ```

    ## Use instead
    ```python
    app = FastAPI(lifespan=lifespan)

    @pytest.fixture
    def client():
        with TestClient(app) as client:
            yield client
    ```

    ## Fix safety
    No fix: where the `with` belongs (a fixture, each test, a module-level client) is a
    decision about the suite's structure. Only apps created in the same module are known to
    have a lifespan; an app imported from the project is not checked (off by default while
    that needs the project index).

    ## References
    - FastAPI docs, "Testing Events: lifespan and startup - shutdown"
    """

    __test__ = False  # not a pytest test class, whatever its name says
    code = "FAL603"
    name = "testclient-without-with"
    message = "`{call}` outside `with`: the lifespan of `{app}` does not run"
    nodes = (ast.Call, ast.With)
    callees = callee_names(_CLIENTS)
    triggers = ("TestClient",)
    default_enabled = False
    valid = [
        """
        from fastapi import FastAPI
        from fastapi.testclient import TestClient

        app = FastAPI(lifespan=lifespan)

        def test_root():
            with TestClient(app) as client:
                assert client.get("/").status_code == 200
        """,
        # A client opened with `with` later.
        """
        from fastapi import FastAPI
        from fastapi.testclient import TestClient

        app = FastAPI(lifespan=lifespan)
        client = TestClient(app)

        def test_root():
            with client:
                client.get("/")
        """,
        # No lifespan: nothing to run.
        """
        from fastapi import FastAPI
        from fastapi.testclient import TestClient

        app = FastAPI()
        client = TestClient(app)
        """,
    ]
    invalid = [
        Invalid(
            """
            import pytest
            from fastapi import FastAPI
            from fastapi.testclient import TestClient

            app = FastAPI(lifespan=lifespan)

            @pytest.fixture
            def client():
                return TestClient(app)
            """,
            expect=[
                "9:12-9:27 `TestClient(app)` outside `with`: the lifespan of `app` does not run"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        seen = ctx.state(_Seen)
        if isinstance(node, ast.With):
            for item in node.items:
                seen.in_with.add(id(item.context_expr))
                if isinstance(item.context_expr, ast.Name):
                    seen.with_names.add(item.context_expr.id)
            return
        assert isinstance(node, ast.Call)
        if ctx.qualified_name(node.func) not in _CLIENTS:
            return
        given = keyword(node, "app")
        app = node.args[0] if node.args else given.value if given else None
        if not isinstance(app, ast.Name) or not _has_lifespan(app, ctx):
            return
        seen.calls.append((node, ctx.semantic.scope, app.id))

    def finish(self, ctx: Context) -> None:
        seen = ctx.state(_Seen)
        for call, scope, app in seen.calls:
            name = _assigned_name(call, scope)
            if id(call) in seen.in_with or (name is not None and name in seen.with_names):
                continue
            ctx.report(call, call=ctx.text(call), app=app)


def _has_lifespan(app: ast.Name, ctx: Context) -> bool:
    binding = ctx.semantic.lookup(app.id)
    if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
        return False
    value = binding.value
    if (
        not isinstance(value, ast.Call)
        or ctx.semantic.app_type(ctx.semantic.call_result_type(value)) not in _APPS
    ):
        return False
    lifespan = keyword(value, "lifespan")
    return lifespan is not None and not (
        isinstance(lifespan.value, ast.Constant) and lifespan.value.value is None
    )


def _assigned_name(call: ast.Call, scope: Scope) -> str | None:
    """`client` in `client = TestClient(app)` (a binding of that value in its scope)."""
    for name, binding in scope.bindings.items():
        if binding.value is call:
            return name
    return None
