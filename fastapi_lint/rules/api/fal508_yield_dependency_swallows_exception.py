from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import BindingKind
from ..upgrades._versions import worth_reporting

# What an `except` must catch to swallow the route's errors.
_BROAD = frozenset(
    {
        "builtins.Exception",
        "builtins.BaseException",
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
_CHANGED_IN = (0, 110)


class YieldDependencySwallowsException(Rule):
    """## What it does
    Checks the dependencies with `yield` of a module — generator functions passed to
    `Depends(...)`/`Security(...)` in the same module that yield exactly once, outside any
    loop, such as the classic `get_db` — for a `yield` inside a `try` whose `except` catches `Exception`,
    `BaseException`, `HTTPException` (or everything, bare `except:`) and does not raise again.

    ## Why is this bad?
    FastAPI throws the route's exception into the dependency at its `yield`. Since FastAPI
    0.110, a dependency that catches it and does not re-raise swallows it for good: FastAPI
    then answers 500 Internal Server Error instead of the route's `HTTPException` (a 404
    becomes a 500), and the original error is gone from the logs. Before 0.110 the exception
    reached the client regardless. The usual culprit is the rollback handler:

    ## Example
    ```python
    def get_db():
        db = SessionLocal()
        try:
            yield db
        except Exception:
            db.rollback()
        finally:
            db.close()
    ```

    ## Use instead
    ```python
    def get_db():
        db = SessionLocal()
        try:
            yield db
        except Exception:
            db.rollback()
            raise
        finally:
            db.close()
    ```

    ## Fix safety
    Unsafe: the fix adds `raise` at the end of the handler, which lets the route's error
    through again (the behaviour before FastAPI 0.110, and what the code almost always means);
    code that relied on the swallowing would see the error. Not offered when the handler ends
    in `return`. Verified by running: `tests/behaviour/test_upgrades.py` (the original answers
    400 under FastAPI 0.95 and 500 under current FastAPI; the fixed module 400 under both).
    A project known to use a FastAPI older than 0.110 is not reported. Functions with
    decorators (`@contextmanager`, where swallowing can be intended) are not checked, and
    neither are dependencies used only from other modules (the `Depends(...)` must be in the
    same file: a generator's `try`/`except` alone does not say it is a dependency; streaming
    bodies and telemetry callbacks have the same shape).

    ## References
    - FastAPI release notes 0.110.0; FastAPI docs, "Dependencies with yield and except"
    """

    code = "FAL508"
    name = "yield-dependency-swallows-exception"
    message = (
        "`except{caught}` around `yield` in `{function}` swallows the route's errors: "
        "FastAPI >= 0.110 answers 500; re-raise"
    )
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    triggers = ("yield",)
    requires_any = ("fastapi",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from fastapi import Depends

        def get_db():
            db = make_session()
            try:
                yield db
            except Exception:
                db.rollback()
                raise
            finally:
                db.close()
        """,
        # Not used as a dependency here (open-webui's telemetry callbacks have this shape).
        """
        import fastapi

        def observe_users(options):
            try:
                yield count_users()
            except Exception:
                log("failed")
        """,
        # A narrow exception, handled on purpose.
        """
        from fastapi import Depends

        def get_db():
            try:
                yield 1
            except KeyError:
                pass
        """,
        # A context manager may swallow on purpose.
        """
        from contextlib import contextmanager
        import fastapi

        @contextmanager
        def suppress_all():
            try:
                yield
            except Exception:
                pass
        """,
        # The try does not surround the yield.
        """
        import fastapi

        def get_settings():
            try:
                value = load()
            except Exception:
                value = None
            yield value
        """,
        # A streaming generator, not a dependency (litellm's guardrail hooks).
        """
        from fastapi import HTTPException

        async def stream(chunks):
            try:
                async for chunk in chunks:
                    yield chunk
            except HTTPException as exc:
                yield {"error": exc.detail}
        """,
        # Raising another exception is not swallowing.
        """
        from fastapi import HTTPException

        async def get_client():
            try:
                yield 1
            except Exception as exc:
                raise HTTPException(500) from exc
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import Depends

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                except Exception:
                    db.rollback()
                finally:
                    db.close()

            def handler(db=Depends(get_db)): ...
            """,
            expect=[
                "7:5-8:22 `except Exception` around `yield` in `get_db` swallows the route's "
                "errors: FastAPI >= 0.110 answers 500; re-raise"
            ],
            fixed="""
            from fastapi import Depends

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                except Exception:
                    db.rollback()
                    raise
                finally:
                    db.close()

            def handler(db=Depends(get_db)): ...
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from typing import Annotated
            import fastapi

            async def get_client():
                try:
                    yield object()
                except:
                    log("failed")
                    return

            Client = Annotated[object, fastapi.Depends(get_client)]
            """,
            expect=[
                "7:5-9:15 `except:` around `yield` in `get_client` swallows the route's "
                "errors: FastAPI >= 0.110 answers 500; re-raise"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        state = ctx.state(_Found)
        if isinstance(node, ast.Call):
            # `Depends(get_db)`, `Security(get_user)`: the functions this module depends on.
            if node.args and ctx.qualified_name(node.func) in _DEPENDS:
                binding = _function_of(node.args[0], ctx)
                if binding is not None:
                    state.depended.add(id(binding))
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not node.decorator_list:
            state.candidates.append(node)

    def finish(self, ctx: Context) -> None:
        state = ctx.state(_Found)
        if not state.candidates or not worth_reporting(ctx, "fastapi", _CHANGED_IN):
            return
        for function in state.candidates:
            # Whether it yields once is a walk of the whole body: asked only of the functions
            # something depends on, a handful per module.
            if id(function) in state.depended and _yields_once(function):
                self._check_function(function, ctx)

    def _check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        for statement in _own_statements(node):
            if not isinstance(statement, (ast.Try, ast.TryStar)):
                continue
            if not any(_yields(part) for part in statement.body):
                continue
            for handler in statement.handlers:
                caught = _caught(handler, ctx)
                if caught is None or any(_raises(part) for part in handler.body):
                    continue
                ctx.report(
                    handler,
                    caught=caught,
                    function=node.name,
                    fix=_fix(handler, ctx),
                )


@dataclass
class _Found:
    """The file's candidate dependencies and what depends on them, judged in `finish`."""

    candidates: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)
    depended: set[int] = field(default_factory=set)  # ids of the depended-on function nodes


_DEPENDS = frozenset(
    {"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"}
)


def _function_of(expr: ast.AST, ctx: Context) -> ast.AST | None:
    """The def a name passed to `Depends()` stands for, when it is a function of this module."""
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.semantic.lookup(expr.id)
    if binding is None or binding.kind is not BindingKind.FUNCTION:
        return None
    return binding.node


def _yields_once(function: ast.AST) -> bool:
    """A dependency yields exactly once: one `yield`, outside any loop. A generator that
    yields in a loop or several times (a streaming body, an iterator) is not one."""
    count = 0
    stack: list[tuple[ast.AST, bool]] = [(child, False) for child in ast.iter_child_nodes(function)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            if in_loop or isinstance(node, ast.YieldFrom):
                return False
            count += 1
        looping = in_loop or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((child, looping) for child in ast.iter_child_nodes(node))
    return count == 1


def _own_statements(function: ast.AST) -> list[ast.stmt]:
    """The statements of a function, not those of functions or classes nested in it."""
    found: list[ast.stmt] = []
    stack: list[ast.AST] = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.stmt):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _yields(node: ast.AST) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _walk_own(node))


def _raises(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Raise) for n in _walk_own(node))


def _walk_own(node: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(child)
    return out


def _caught(handler: ast.ExceptHandler, ctx: Context) -> str | None:
    """How the handler's catch-all is written (`Exception`, `:` for a bare except), or None
    when it catches something narrower."""
    if handler.type is None:
        return ":"
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for caught in types:
        if ctx.qualified_name(caught) in _BROAD:
            return " " + ctx.text(handler.type)
    return None


def _fix(handler: ast.ExceptHandler, ctx: Context) -> Fix | None:
    last = handler.body[-1]
    if isinstance(last, (ast.Return, ast.Continue, ast.Break)):
        return None
    text = ctx.source.text
    end = ctx.span(last)[1]
    line_start = text.rfind("\n", 0, ctx.span(handler.body[0])[0]) + 1
    indent = text[line_start : ctx.span(handler.body[0])[0]]
    if indent.strip() or last.lineno == handler.lineno:
        return None  # `except Exception: pass` on one line
    return Fix(
        (Edit(end, end, ctx.source.newline + indent + "raise"),),
        Applicability.UNSAFE,
        "Re-raise the exception",
    )
