from __future__ import annotations

import ast
from collections.abc import Iterator

from ...context import Context, FixLike
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule

_GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})
# Calls whose only effect is to return the running loop (in a coroutine): an assignment of one
# that nothing reads any more can go.
_RUNNING_LOOP = _GET_EVENT_LOOP | {"asyncio.get_running_loop", "asyncio.events.get_running_loop"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOP = "asyncio.AbstractEventLoop"


class EventLoopMisuse(Rule):
    """## What it does
    Checks, inside `async def`, for `asyncio.get_event_loop()` and for
    `loop.run_in_executor(None, func, *args)` on a known event loop.

    ## Why is this bad?
    `get_event_loop()` is deprecated for getting the running loop: its behaviour outside a
    running loop changed across Python versions and it warns or fails there. Inside a coroutine
    `asyncio.get_running_loop()` says what is meant and cannot create a stray loop.

    `loop.run_in_executor(None, func, *args)` is the low-level spelling of
    `asyncio.to_thread(func, *args)` (Python 3.9+), which also carries the caller's context
    variables into the thread and needs no loop object.

    ## Example
    ```python
    async def thumbnail(path: str) -> bytes:
        loop = asyncio.get_event_loop()
        return await loop.run_in_executor(None, render, path)
    ```

    ## Use instead
    ```python
    async def thumbnail(path: str) -> bytes:
        return await asyncio.to_thread(render, path)
    ```

    ## Fix safety
    `get_event_loop()` → `get_running_loop()` is safe in a coroutine: there, both return the
    running loop.

    `run_in_executor(None, f, *args)` → `asyncio.to_thread(f, *args)` is unsafe: `to_thread`
    copies the current context variables into the worker thread, which `run_in_executor` does
    not. It is offered only when the call is awaited directly (`run_in_executor` returns a
    Future, `to_thread` a coroutine: code that keeps the Future to cancel it or add callbacks
    would break) and the call is exactly `(None, f, *args)` with no keywords. A
    `functools.partial` as `f` is kept as it is: `to_thread(partial(g, k=v))` is the same call.
    When the converted call was the last use of a `loop = asyncio.get_running_loop()` (or
    `get_event_loop()`) of the same function, the assignment goes too, so no dead variable is
    left; with several such calls on one loop they are converted one per pass, and the last one
    removes it. An assignment sharing its line with other code, or a loop also used in a nested
    function, is left as it is.

    Only `run_in_executor(None, ...)` is reported: an explicit executor is a deliberate choice
    `to_thread` cannot express. Loops are recognised when their type is known
    (`asyncio.get_running_loop()`, `get_event_loop()`, `new_event_loop()`, or an annotation
    `asyncio.AbstractEventLoop`); `self.loop` and other untyped receivers are not guessed.
    Sync code is not checked: there, `get_event_loop()` may be how a loop is made. Nor is
    `run_in_executor` under `if sys.version_info < (3, 9):` (the usual `to_thread` fallback).

    ## References
    - Python docs, `asyncio.get_event_loop`, `asyncio.to_thread`
    """

    code = "FAL108"
    name = "event-loop-misuse"
    message = "{problem}"
    nodes = (ast.Await, ast.Call)
    triggers = ("get_event_loop", "run_in_executor")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (
        Applicability.SAFE,
        Applicability.UNSAFE,
    )
    valid = [
        # Sync code may still need get_event_loop (e.g. to run a loop in a script).
        """
        import asyncio

        def main():
            loop = asyncio.get_event_loop()
            loop.run_until_complete(job())
        """,
        # Already the right call.
        """
        import asyncio

        async def main():
            loop = asyncio.get_running_loop()
            return loop.time()
        """,
        # An explicit executor is deliberate.
        """
        import asyncio
        from concurrent.futures import ProcessPoolExecutor
        pool = ProcessPoolExecutor()

        async def main():
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(pool, sum, [1, 2])
        """,
        # An untyped receiver is not guessed to be a loop.
        """
        async def main(runner):
            return await runner.run_in_executor(None, sum, [1])
        """,
        # A project function named get_event_loop.
        """
        def get_event_loop():
            return None

        async def main():
            get_event_loop()
        """,
        # The fallback for Pythons before `asyncio.to_thread` existed (prefect's compat module).
        """
        import asyncio, functools, sys

        if sys.version_info < (3, 9):

            async def to_thread(fn, *args):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, functools.partial(fn, *args))
        """,
        # A `Final` annotation is no type: the loop's type comes from the value (here a
        # project object).
        """
        from typing import Final
        from runner import make

        async def main():
            loop: Final = make()
            return await loop.run_in_executor(None, sum, [1])
        """,
        # A lambda inside a coroutine is sync code.
        """
        import asyncio

        async def main():
            return lambda: asyncio.get_event_loop()
        """,
    ]
    invalid = [
        Invalid(
            """
            import asyncio

            async def main():
                loop = asyncio.get_event_loop()
                return loop.time()
            """,
            expect=[
                "4:12-4:36 `asyncio.get_event_loop()` in a coroutine; use `asyncio.get_running_loop()`"
            ],
            fixed="""
            import asyncio

            async def main():
                loop = asyncio.get_running_loop()
                return loop.time()
            """,
        ),
        Invalid(
            """
            from asyncio import get_event_loop

            async def main():
                return get_event_loop().time()
            """,
            expect=[
                "4:12-4:28 `asyncio.get_event_loop()` in a coroutine; use `asyncio.get_running_loop()`"
            ],
            fixed="""
            from asyncio import get_event_loop, get_running_loop

            async def main():
                return get_running_loop().time()
            """,
        ),
        Invalid(
            """
            import asyncio

            async def thumb(path):
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, render, path, *sizes)
            """,
            expect=[
                "5:18-5:66 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            import asyncio

            async def thumb(path):
                return await asyncio.to_thread(render, path, *sizes)
            """,
            unsafe=True,
        ),
        # The loop's type comes from the value when the annotation is a bare `Final`.
        Invalid(
            """
            import asyncio
            from typing import Final

            async def main(func):
                loop: Final = asyncio.get_running_loop()
                return await loop.run_in_executor(None, func)
            """,
            expect=[
                "6:18-6:50 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            import asyncio
            from typing import Final

            async def main(func):
                return await asyncio.to_thread(func)
            """,
            unsafe=True,
        ),
        # A call over several lines keeps its layout.
        Invalid(
            """
            import asyncio

            async def run(event, data):
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(
                    None, event, data
                )
            """,
            expect=[
                "5:11-7:6 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            import asyncio

            async def run(event, data):
                await asyncio.to_thread(
                    event, data
                )
            """,
            unsafe=True,
        ),
        # The loop is dead once its last use is converted: its assignment goes too, after
        # both calls are converted, with the blank line that followed it.
        Invalid(
            """
            import asyncio

            async def both(a, b):
                loop = asyncio.get_running_loop()

                first = await loop.run_in_executor(None, a)
                return first, await loop.run_in_executor(None, b)
            """,
            expect=[
                "6:19-6:48 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`",
                "7:25-7:54 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`",
            ],
            fixed="""
            import asyncio

            async def both(a, b):
                first = await asyncio.to_thread(a)
                return first, await asyncio.to_thread(b)
            """,
            unsafe=True,
        ),
        # The loop fetched at the top of a `try`.
        Invalid(
            """
            import asyncio

            async def save(func):
                try:
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(None, func)
                except OSError:
                    pass
            """,
            expect=[
                "6:15-6:47 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            import asyncio

            async def save(func):
                try:
                    await asyncio.to_thread(func)
                except OSError:
                    pass
            """,
            unsafe=True,
        ),
        # `asyncio` imported in the function: used as it is, no import added at the top.
        Invalid(
            """
            async def load(work):
                import asyncio

                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, work)
            """,
            expect=[
                "5:18-5:50 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            async def load(work):
                import asyncio

                return await asyncio.to_thread(work)
            """,
            unsafe=True,
        ),
        # Still read elsewhere: the assignment stays.
        Invalid(
            """
            import asyncio

            async def timed(a):
                loop = asyncio.get_running_loop()
                start = loop.time()
                await loop.run_in_executor(None, a)
                return loop.time() - start
            """,
            expect=[
                "6:11-6:40 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
            fixed="""
            import asyncio

            async def timed(a):
                loop = asyncio.get_running_loop()
                start = loop.time()
                await asyncio.to_thread(a)
                return loop.time() - start
            """,
            unsafe=True,
        ),
        # Not awaited directly: the Future may be used as one, so no fix.
        Invalid(
            """
            import asyncio

            async def many(paths):
                loop = asyncio.get_running_loop()
                futures = [loop.run_in_executor(None, render, p) for p in paths]
                return await asyncio.gather(*futures)
            """,
            expect=[
                "5:16-5:53 `run_in_executor(None, ...)` on the default executor; use `await asyncio.to_thread(func, *args)`"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        # The calls that are the operand of an `await`, in this file: the engine hands this
        # rule an `Await` before the call inside it.
        awaited = ctx.state(set[ast.AST])
        if isinstance(node, ast.Await):
            if isinstance(node.value, ast.Call):
                awaited.add(node.value)
            return
        assert isinstance(node, ast.Call)
        if not ctx.in_async_function:
            return
        func = node.func
        if ctx.qualified_name(func) in _GET_EVENT_LOOP:
            ctx.report(
                node,
                problem="`asyncio.get_event_loop()` in a coroutine; use "
                "`asyncio.get_running_loop()`",
                fix=self._running_loop_fix(node, ctx),
            )
            return
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "run_in_executor"
            and ctx.type_of(func.value) == _LOOP
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value is None
        ):
            return
        below = ctx.semantic.python_below
        if below is not None and below <= (3, 9):
            return  # a fallback for Pythons without `asyncio.to_thread`
        ctx.report(
            node,
            problem="`run_in_executor(None, ...)` on the default executor; use "
            "`await asyncio.to_thread(func, *args)`",
            fix=self._to_thread_fix(node, node in awaited, ctx),
        )

    def _running_loop_fix(self, node: ast.Call, ctx: Context) -> FixLike:
        func = node.func
        if isinstance(func, ast.Attribute):
            start = ctx.span(func.value)[1]
            end = ctx.span(func)[1]
            # Replace `.get_event_loop` after the receiver, keeping `asyncio` as written.
            edit = Edit(start, end, ".get_running_loop")
            return Fix((edit,), Applicability.SAFE, "Use `asyncio.get_running_loop()`")
        name, import_edit = ctx.import_edit("asyncio", "get_running_loop")
        edits = [ctx.replace(func, name).edits[0]]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(tuple(edits), Applicability.SAFE, "Use `asyncio.get_running_loop()`")

    def _to_thread_fix(self, node: ast.Call, awaited: bool, ctx: Context) -> FixLike:
        if node.keywords or len(node.args) < 2 or isinstance(node.args[1], ast.Starred):
            return None
        if not awaited:
            return None
        name, import_edit = ctx.import_edit("asyncio")
        # Two edits keep the call's layout: the callee becomes `asyncio.to_thread`, and the
        # `None, ` before the function is dropped.
        start, func_end = ctx.span(node.func)
        edits = [
            Edit(start, func_end, f"{name}.to_thread"),
            Edit(ctx.span(node.args[0])[0], ctx.span(node.args[1])[0], ""),
        ]
        if import_edit is not None:
            edits.insert(0, import_edit)
        removal, isolation = _dead_loop(node, ctx)
        if removal is not None:
            edits.append(removal)
        return Fix(
            tuple(edits),
            Applicability.UNSAFE,
            "Use `await asyncio.to_thread(...)`",
            isolation=isolation,
        )


def _dead_loop(call: ast.Call, ctx: Context) -> tuple[Edit | None, tuple[int, int] | None]:
    """The removal of `loop = asyncio.get_running_loop()` when this call is the last use of
    `loop` (the fix makes it dead), or, when every other use is a call this rule converts too,
    the function as an isolation range: one conversion per pass, so that the last one sees a
    single use and removes the assignment."""
    scope = ctx.function
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if scope is None or not isinstance(scope.node, ast.AsyncFunctionDef):
        return None, None
    if not isinstance(receiver, ast.Name):
        return None, None
    function = scope.node
    name = receiver.id
    # The statement and the block holding it: the function's body, or a `try`, `with`, `if`
    # ... block of it (`loop = ...` is often the first line of a `try`).
    assignments = [
        (statement, block, target)
        for block in _blocks(function)
        for statement in block
        for target in _assigned_name(statement)
        if target.id == name
    ]
    if len(assignments) != 1:
        return None, None
    assignment, block, target = assignments[0]
    assert isinstance(assignment, (ast.Assign, ast.AnnAssign))
    value = assignment.value
    if not (
        isinstance(value, ast.Call)
        and not value.args
        and not value.keywords
        and ctx.qualified_name(value.func) in _RUNNING_LOOP
    ):
        return None, None
    uses = _uses(function, name)
    if uses is None:
        return None, None
    others = [use for use in uses if use is not target and use is not receiver]
    if others:
        converted = {
            id(node.value.func.value)  # type: ignore[attr-defined]  # _convertible checked it
            for node in _walk_own(function)
            if isinstance(node, ast.Await) and _convertible(node.value, ctx)
        }
        if all(id(use) in converted for use in others):
            return None, ctx.span(function)
        return None, None
    return _statement_removal(assignment, block, ctx), None


def _assigned_name(statement: ast.stmt) -> list[ast.Name]:
    """The name `name = value` or `name: T = value` assigns, if the statement is one of those."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return []
    return [target] if isinstance(target, ast.Name) else []


def _convertible(call: ast.AST, ctx: Context) -> bool:
    """Is `call` an awaited `loop.run_in_executor(None, f, ...)` this rule converts?"""
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_in_executor"
        and isinstance(call.func.value, ast.Name)
        and not call.keywords
        and len(call.args) >= 2
        and isinstance(call.args[0], ast.Constant)
        and call.args[0].value is None
        and not isinstance(call.args[1], ast.Starred)
    )


def _walk_own(function: ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions, lambdas or classes inside it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _uses(function: ast.AsyncFunctionDef, name: str) -> list[ast.Name] | None:
    """Every `name` in the function's own body, or None when a nested scope, a parameter or a
    `global`/`nonlocal` statement mentions it (the linter does not follow it there)."""
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    if any(a.arg == name for a in parameters):
        return None
    uses = []
    for node in _walk_own(function):
        if isinstance(node, _SCOPES) and any(
            isinstance(inner, ast.Name) and inner.id == name for inner in ast.walk(node)
        ):
            return None
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        if isinstance(node, ast.Name) and node.id == name:
            uses.append(node)
    return uses


def _blocks(function: ast.AsyncFunctionDef) -> Iterator[list[ast.stmt]]:
    """The statement lists of the function's own body: the body, and those of the compound
    statements in it (not of nested functions or classes)."""
    yield function.body
    for node in _walk_own(function):
        if isinstance(node, _SCOPES) or not isinstance(node, ast.stmt):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block
        for handler in getattr(node, "handlers", ()):
            yield handler.body
        for case in getattr(node, "cases", ()):
            yield case.body


def _statement_removal(statement: ast.stmt, block: list[ast.stmt], ctx: Context) -> Edit | None:
    """Remove the lines of `statement` (nothing else may share them), with the blank lines after
    it when it opened its block or followed a blank line, so no blank line is left doubled or at
    the start of the block. Never the only statement of a block."""
    if len(block) < 2:
        return None
    text = ctx.source.text
    starts = ctx.source.line_starts
    start, end = ctx.span(statement)
    row_start = starts[statement.lineno - 1]
    end_row = statement.end_lineno or statement.lineno
    row_end = starts[end_row] if end_row < len(starts) else len(text)
    if text[row_start:start].strip() or text[end:row_end].strip():
        return None  # `;` or a comment on its lines: leave it to a person
    first = statement is block[0]
    previous_blank = (
        statement.lineno >= 2 and not text[starts[statement.lineno - 2] : row_start].strip()
    )
    if first or previous_blank:
        row = end_row
        while row < len(starts) - 1 and not text[starts[row] : starts[row + 1]].strip():
            row += 1
        row_end = starts[row] if row < len(starts) else len(text)
    return Edit(row_start, row_end, "")
