from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeGuard

from ...context import Context
from ...rule import Invalid, Rule, Valid
from ...semantic.model import Scope
from .._functions import is_test_path

_FIXTURES = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
# Functions pytest/unittest run around every test: a reset there covers the whole module.
_TEARDOWNS = frozenset(
    {
        "setup_function",
        "teardown_function",
        "setup_method",
        "teardown_method",
        "setup_module",
        "teardown_module",
        "setUp",
        "tearDown",
        "asyncSetUp",
        "asyncTearDown",
    }
)
_RESET_METHODS = frozenset({"clear", "pop", "popitem"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class _Reset:
    """A statement that resets `dependency_overrides`, and the function it is in."""

    node: ast.stmt | ast.expr  # an assignment, a `del` or a `.clear()` call
    scope: Scope | None


@dataclass
class _File:
    """What the walk found in one test file, judged in `finish`."""

    # Each override, the function it is in, and whether it runs on import (module or class body).
    overrides: list[tuple[ast.Assign, Scope | None, bool]] = field(default_factory=list)
    resets: list[_Reset] = field(default_factory=list)


def _is_overrides(expr: ast.AST) -> TypeGuard[ast.Attribute]:
    return isinstance(expr, ast.Attribute) and expr.attr == "dependency_overrides"


def _module_owned(overrides: ast.Attribute, ctx: Context) -> bool:
    """Is the app (`app` in `app.dependency_overrides`, `client` in `client.app...`) a name of
    the module — imported or assigned at module level — and so shared by the tests?"""
    root: ast.AST = overrides.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    binding = ctx.semantic.lookup(root.id)
    return binding is not None and ctx.semantic.module_scope.bindings.get(root.id) is binding


class DependencyOverrideLeak(Rule):
    """## What it does
    Checks test modules for `app.dependency_overrides[dep] = replacement` in a test function
    or a fixture with no reset afterwards: no `app.dependency_overrides.clear()`,
    `app.dependency_overrides = {}` (or any reassignment, such as restoring a saved copy),
    `.pop(dep)` or `del app.dependency_overrides[dep]` later in the same function — after the
    `yield` of a fixture, in a `finally`, or at the end of the test.

    ## Why is this bad?
    `dependency_overrides` is a plain dict on the application object, which lives for the
    whole test session. An override that is never removed stays in force for every test that
    runs afterwards, in every module: tests pass or fail depending on their order, and a test
    meant to hit the real dependency silently gets the fake one.

    ## Example
    ```python
    def test_admin_dashboard(client):
        app.dependency_overrides[get_current_user] = lambda: User(id=1, role="admin")
        assert client.get("/admin").status_code == 200
    ```

    ## Use instead
    ```python
    @pytest.fixture
    def as_admin():
        app.dependency_overrides[get_current_user] = lambda: User(id=1, role="admin")
        yield
        app.dependency_overrides.clear()

    def test_admin_dashboard(client, as_admin):
        assert client.get("/admin").status_code == 200
    ```

    ## Fix safety
    No fix: where the reset belongs (a fixture, a `finally`) is a design choice.

    Test modules are `test_*.py`, `*_test.py`, `conftest.py` and files under a `tests/`
    directory; test functions are those whose name starts with `test`, fixtures those
    decorated with `pytest.fixture` / `pytest_asyncio.fixture`. The receiver need not be known
    to be a FastAPI app: the application is usually imported from the project, and only
    FastAPI apps and routers have a `dependency_overrides` attribute.

    Only an app the tests share is reported: a name imported into the test module or
    assigned at its module level (`from app.main import app`, `app = create_app()`,
    `client = TestClient(app)` for `client.app`). An app built inside the test function dies
    with it, and one received as a parameter comes from a fixture whose scope this check
    cannot see (FastAPI's own test suite builds a fresh app in most tests).

    Not reported: an override in a plain helper function (its caller may reset it); any
    override in a module that resets overrides in an `autouse` fixture, or in `setup_*` /
    `teardown_*` / `setUp` / `tearDown` functions, which run around every test of the module.
    A reset in a nested function of the test (a finalizer passed to `request.addfinalizer`)
    counts wherever it is defined.

    An override at module level of a test module is reported when the module never resets
    overrides anywhere: it is applied when pytest imports the module during collection, so it
    is in force for the tests of *every* module, collected before or after it. (FastAPI's own
    tutorial sets a module-level override and resets it in the module's last test; that is
    left alone.)

    ## References
    - FastAPI docs, "Testing Dependencies with Overrides"
    """

    code = "FAL602"
    name = "dependency-override-leak"
    message = "`{target}` is set {where} and never reset; it leaks into the tests that run after"
    nodes = (ast.Assign, ast.Call, ast.Delete)
    triggers = ("dependency_overrides",)
    valid = [
        # Reset after the fixture's yield.
        Valid(
            """
            import pytest
            from app.main import app, get_db

            @pytest.fixture
            def client():
                app.dependency_overrides[get_db] = lambda: None
                yield
                app.dependency_overrides.clear()
            """,
            path="tests/conftest.py",
        ),
        # Reset in a finally.
        Valid(
            """
            from app.main import app, get_db

            def test_items():
                app.dependency_overrides[get_db] = lambda: None
                try:
                    pass
                finally:
                    app.dependency_overrides = {}
            """,
            path="tests/test_items.py",
        ),
        # pop at the end of the test.
        Valid(
            """
            from app.main import app, get_user

            def test_me():
                app.dependency_overrides[get_user] = lambda: 1
                assert True
                app.dependency_overrides.pop(get_user)
            """,
            path="test_me.py",
        ),
        # Not a test module.
        Valid(
            """
            from app.main import app, get_db

            def test_mode():
                app.dependency_overrides[get_db] = lambda: None
            """,
            path="app/dev.py",
        ),
        # An autouse fixture resets every test of the module.
        Valid(
            """
            import pytest
            from app.main import app, get_db

            @pytest.fixture(autouse=True)
            def reset():
                yield
                app.dependency_overrides.clear()

            def test_a():
                app.dependency_overrides[get_db] = lambda: None
            """,
            path="tests/test_a.py",
        ),
        # A module-level override in a module that resets overrides (FastAPI's tutorial).
        Valid(
            """
            from app.main import app, common

            app.dependency_overrides[common] = dict

            def test_last():
                app.dependency_overrides = {}
            """,
            path="tests/test_override.py",
        ),
        # An app built in the test dies with the test (FastAPI's own test suite).
        Valid(
            """
            from fastapi import Depends, FastAPI

            def dep():
                return 1

            def test_override():
                app = FastAPI()

                @app.get('/')
                def root(v=Depends(dep)):
                    return v

                app.dependency_overrides[dep] = lambda: 2
            """,
            path="tests/test_override.py",
        ),
        # An app from a fixture: its scope is unknown here.
        Valid(
            """
            from app.main import get_db

            def test_items(app):
                app.dependency_overrides[get_db] = lambda: None
            """,
            path="tests/test_items.py",
        ),
        # Reading overrides is not setting them.
        Valid(
            """
            from app.main import app, get_db

            def test_no_override():
                assert get_db not in app.dependency_overrides
            """,
            path="tests/test_clean.py",
        ),
        # A helper called by tests that reset themselves.
        Valid(
            """
            from app.main import app, get_user

            def login_as(user):
                app.dependency_overrides[get_user] = lambda: user
            """,
            path="tests/helpers.py",
        ),
    ]
    invalid = [
        Invalid(
            """
            from app.main import app, get_user

            def test_admin(client):
                app.dependency_overrides[get_user] = lambda: 'admin'
                assert client.get('/admin').status_code == 200
            """,
            expect=[
                "4:5-4:57 `app.dependency_overrides[...]` is set in test `test_admin` and never reset; it leaks into the tests that run after"
            ],
            path="tests/test_admin.py",
        ),
        Invalid(
            """
            import pytest
            from app.main import app, get_db

            @pytest.fixture()
            def client(db):
                app.dependency_overrides[get_db] = lambda: db
                return app
            """,
            expect=[
                "6:5-6:50 `app.dependency_overrides[...]` is set in fixture `client` and never reset; it leaks into the tests that run after"
            ],
            path="conftest.py",
        ),
        # The seed's pattern: a module-level override in a test module, never reset.
        Invalid(
            """
            from app.main import app, get_current_user

            app.dependency_overrides[get_current_user] = lambda: 'admin'

            async def test_admin_endpoint(client):
                await client.get('/admin')
            """,
            expect=[
                "3:1-3:61 `app.dependency_overrides[...]` is set when this test module is imported and never reset; it leaks into the tests that run after"
            ],
            path="tests/test_admin.py",
        ),
        # The app reached through a module-level client.
        Invalid(
            """
            from fastapi.testclient import TestClient
            from app.main import app, get_db

            client = TestClient(app)

            def test_items():
                client.app.dependency_overrides[get_db] = lambda: None
            """,
            expect=[
                "7:5-7:59 `client.app.dependency_overrides[...]` is set in test `test_items` and never reset; it leaks into the tests that run after"
            ],
            path="tests/test_items.py",
        ),
        # A reset *before* the override does not undo it.
        Invalid(
            """
            from app.main import app, get_db

            async def test_x():
                app.dependency_overrides.clear()
                app.dependency_overrides[get_db] = lambda: None
            """,
            expect=[
                "5:5-5:52 `app.dependency_overrides[...]` is set in test `test_x` and never reset; it leaks into the tests that run after"
            ],
            path="test_x.py",
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if not is_test_path(ctx.path):
            return
        facts = ctx.state(_File)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _is_overrides(target.value):
                    if not _module_owned(target.value, ctx):
                        return  # an app made in this test (or handed in) dies with it
                    semantic = ctx.semantic
                    on_import = not (semantic.type_checking_depth or semantic.main_guard_depth)
                    facts.overrides.append((node, ctx.function, on_import))
                    return
                if _is_overrides(target):
                    facts.resets.append(_Reset(node, ctx.function))
        elif isinstance(node, ast.Delete):
            if any(isinstance(t, ast.Subscript) and _is_overrides(t.value) for t in node.targets):
                facts.resets.append(_Reset(node, ctx.function))
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _RESET_METHODS
                and _is_overrides(func.value)
            ):
                facts.resets.append(_Reset(node, ctx.function))

    def finish(self, ctx: Context) -> None:
        if not is_test_path(ctx.path):
            return
        facts = ctx.state(_File)
        if any(self._resets_module(r, ctx) for r in facts.resets):
            return
        for assign, scope, on_import in facts.overrides:
            target = next(t for t in assign.targets if isinstance(t, ast.Subscript))
            shown = f"{ctx.text(target.value)}[...]"
            if scope is None:
                if on_import and not facts.resets:
                    where = "when this test module is imported"
                    ctx.report(assign, target=shown, where=where)
                continue
            node = scope.node
            if not isinstance(node, _FUNCTIONS):
                continue
            if self._is_fixture(node, ctx):
                where = f"in fixture `{node.name}`"
            elif node.name.startswith("test"):
                where = f"in test `{node.name}`"
            else:
                continue
            if not any(self._undoes(r, assign, scope) for r in facts.resets):
                ctx.report(assign, target=shown, where=where)

    @staticmethod
    def _undoes(reset: _Reset, assign: ast.Assign, function: Scope) -> bool:
        scope = reset.scope
        if scope is function:
            return (reset.node.lineno, reset.node.col_offset) > (assign.lineno, assign.col_offset)
        while scope is not None:  # a finalizer nested in the test
            if scope.parent is function:
                return True
            scope = scope.parent
        return False

    def _resets_module(self, reset: _Reset, ctx: Context) -> bool:
        scope = reset.scope
        while scope is not None:
            node = scope.node
            if isinstance(node, _FUNCTIONS) and (
                node.name in _TEARDOWNS or self._is_fixture(node, ctx, autouse=True)
            ):
                return True
            scope = scope.parent
        return False

    @staticmethod
    def _is_fixture(
        node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context, autouse: bool = False
    ) -> bool:
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            name = ctx.qualified_name(call.func if call else decorator)
            if name not in _FIXTURES:
                continue
            if not autouse:
                return True
            if call is not None and any(
                k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in call.keywords
            ):
                return True
        return False
