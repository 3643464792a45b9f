from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...catalogues.upgrades import STATUS_MODULES, STATUS_RENAMED_IN, STATUS_RENAMES
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import Binding
from ._versions import fix_applicability, worth_reporting


@dataclass
class _Imports:
    """Per file: the un-aliased `from starlette.status import OLD_NAME` statements, and the
    uses of the names they bind (renamed with them)."""

    imported: list[tuple[ast.alias, ast.ImportFrom]] = field(default_factory=list)
    uses: list[tuple[ast.Name, Binding | None]] = field(default_factory=list)


class DeprecatedStatusName(Rule):
    """## What it does
    Checks for the four status constants Starlette renamed:
    `HTTP_413_REQUEST_ENTITY_TOO_LARGE`, `HTTP_414_REQUEST_URI_TOO_LONG`,
    `HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE` and `HTTP_422_UNPROCESSABLE_ENTITY`, read from
    `starlette.status` or `fastapi.status` (`status.HTTP_422_UNPROCESSABLE_ENTITY`, or imported
    by name).

    ## Why is this bad?
    Starlette 0.48 renamed them after RFC 9110 (`HTTP_413_CONTENT_TOO_LARGE`,
    `HTTP_414_URI_TOO_LONG`, `HTTP_416_RANGE_NOT_SATISFIABLE`,
    `HTTP_422_UNPROCESSABLE_CONTENT`). The old names still work, through a module
    `__getattr__` that emits a deprecation warning at every access (a
    `StarletteDeprecationWarning` from Starlette 1.0 on), and are slated for removal. Test suites
    that turn warnings into errors fail on them.

    ## Example
    ```python
    raise HTTPException(status_code=status.HTTP_422_UNPROCESSABLE_ENTITY, detail="bad input")
    ```

    ## Use instead
    ```python
    raise HTTPException(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, detail="bad input")
    ```

    The old name in the `except` handler of a `try` that uses a new one (a fallback for older
    Starlette releases) is not reported.

    ## Fix safety
    The fix renames the constant (same integer value). A name imported with
    `from starlette.status import HTTP_422_UNPROCESSABLE_ENTITY` is reported once, at the
    import, and renamed there and at every use in the module; with an alias (`... as
    UNPROCESSABLE`) only the import changes.

    The new names exist from Starlette 0.48 on: the fix is safe when the project's Starlette is
    known to be that recent and unsafe when its version is not known; a project known to use an
    older Starlette, where the old names are the only ones, is not reported. Verified by running:
    `tests/behaviour/test_upgrades.py` gets the same status codes under Starlette 1.x from the
    fixed module as from the original under Starlette 0.27, without the warnings.

    ## References
    - Starlette release notes 0.48.0; `starlette/status.py`
    """

    code = "FAL702"
    name = "deprecated-status-name"
    message = "`{old}` is deprecated since Starlette 0.48; use `{new}`"
    nodes = (ast.Attribute, ast.Name, ast.ImportFrom)
    attributes = frozenset(STATUS_RENAMES)
    triggers = tuple(STATUS_RENAMES)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (
        Applicability.SAFE,
        Applicability.UNSAFE,
    )
    valid = [
        # The current names.
        """
        from fastapi import HTTPException, status

        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT)
        """,
        # http.HTTPStatus has its own names, not deprecated.
        """
        from http import HTTPStatus

        code = HTTPStatus.UNPROCESSABLE_ENTITY
        """,
        # A project constants module with the same name.
        """
        from app import status

        code = status.HTTP_422_UNPROCESSABLE_ENTITY
        """,
        # A local constant of that name.
        """
        HTTP_413_REQUEST_ENTITY_TOO_LARGE = 413

        def limit():
            return HTTP_413_REQUEST_ENTITY_TOO_LARGE
        """,
        # The fallback for a Starlette older than 0.48.
        """
        from fastapi import status

        try:
            UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_CONTENT
        except AttributeError:
            UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_ENTITY
        """,
        # `status` shadowed by a parameter.
        """
        from starlette import status

        def handler(status):
            return status.HTTP_422_UNPROCESSABLE_ENTITY
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import HTTPException, status

            def check(ok):
                if not ok:
                    raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "bad input")
            """,
            expect=[
                "5:29-5:65 `HTTP_422_UNPROCESSABLE_ENTITY` is deprecated since Starlette 0.48; use `HTTP_422_UNPROCESSABLE_CONTENT`",
            ],
            fixed="""
            from fastapi import HTTPException, status

            def check(ok):
                if not ok:
                    raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "bad input")
            """,
            unsafe=True,
        ),
        # Imported by name: reported at the import, renamed everywhere.
        Invalid(
            """
            from starlette.status import HTTP_200_OK, HTTP_413_REQUEST_ENTITY_TOO_LARGE

            CODES = {HTTP_200_OK, HTTP_413_REQUEST_ENTITY_TOO_LARGE}

            def too_large(size):
                return HTTP_413_REQUEST_ENTITY_TOO_LARGE if size > 10 else HTTP_200_OK
            """,
            expect=[
                "1:43-1:76 `HTTP_413_REQUEST_ENTITY_TOO_LARGE` is deprecated since Starlette 0.48; use `HTTP_413_CONTENT_TOO_LARGE`",
            ],
            fixed="""
            from starlette.status import HTTP_200_OK, HTTP_413_CONTENT_TOO_LARGE

            CODES = {HTTP_200_OK, HTTP_413_CONTENT_TOO_LARGE}

            def too_large(size):
                return HTTP_413_CONTENT_TOO_LARGE if size > 10 else HTTP_200_OK
            """,
            unsafe=True,
        ),
        # An alias keeps the uses.
        Invalid(
            """
            import starlette.status
            from fastapi.status import HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE as BAD_RANGE

            codes = [BAD_RANGE, starlette.status.HTTP_414_REQUEST_URI_TOO_LONG]
            """,
            expect=[
                "2:28-2:81 `HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE` is deprecated since Starlette 0.48; use `HTTP_416_RANGE_NOT_SATISFIABLE`",
                "4:21-4:67 `HTTP_414_REQUEST_URI_TOO_LONG` is deprecated since Starlette 0.48; use `HTTP_414_URI_TOO_LONG`",
            ],
            fixed="""
            import starlette.status
            from fastapi.status import HTTP_416_RANGE_NOT_SATISFIABLE as BAD_RANGE

            codes = [BAD_RANGE, starlette.status.HTTP_414_URI_TOO_LONG]
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        # Cheap name tests first: `_fallback` looks at the enclosing `try` bodies, and asked
        # at every node inside a large handler it made the rule quadratic.
        if isinstance(node, ast.Attribute):
            if node.attr not in STATUS_RENAMES or _fallback(ctx):
                return
            if _module_of(node, ctx) in STATUS_MODULES:
                end = ctx.span(node)[1]
                self._report(node, node.attr, [(end - len(node.attr), end)], ctx)
        elif isinstance(node, ast.Name):
            if node.id in STATUS_RENAMES and not _fallback(ctx):
                name = ctx.qualified_name(node)
                if name is not None and name.rsplit(".", 1)[0] in STATUS_MODULES:
                    ctx.state(_Imports).uses.append((node, ctx.semantic.lookup(node.id)))
        elif isinstance(node, ast.ImportFrom) and node.module in STATUS_MODULES and not node.level:
            for alias in node.names:
                if alias.name not in STATUS_RENAMES or _fallback(ctx):
                    continue
                if alias.asname is not None:
                    start = ctx.span(alias)[0]
                    self._report(alias, alias.name, [(start, start + len(alias.name))], ctx)
                else:
                    ctx.state(_Imports).imported.append((alias, node))

    def finish(self, ctx: Context) -> None:
        state = ctx.state(_Imports)
        for alias, statement in state.imported:
            start = ctx.span(alias)[0]
            spans = [(start, start + len(alias.name))]
            # Every use this import binds; a use of another binding of the name (a second
            # import) would be left behind, so then the import is reported without a fix.
            mine = [
                name
                for name, bound in state.uses
                if name.id == alias.name and bound is not None and bound.node is statement
            ]
            spans.extend(ctx.span(name) for name in mine)
            orphans = sum(name.id == alias.name for name, _ in state.uses) != len(mine)
            self._report(alias, alias.name, spans, ctx, fixable=not orphans)

    def _report(
        self,
        node: ast.AST,
        old: str,
        spans: list[tuple[int, int]],
        ctx: Context,
        fixable: bool = True,
    ) -> None:
        if not worth_reporting(ctx, "starlette", STATUS_RENAMED_IN):
            return
        new = STATUS_RENAMES[old]
        fix = None
        applicability = fix_applicability(ctx, "starlette", STATUS_RENAMED_IN)
        if fixable and applicability is not None:
            edits = tuple(Edit(start, end, new) for start, end in sorted(spans))
            fix = Fix(edits, applicability, f"Rename to `{new}`")
        ctx.report(node, old=old, new=new, fix=fix)


_NEW_NAMES = frozenset(STATUS_RENAMES.values())


def _fallback(ctx: Context) -> bool:
    """In the handler of a `try` whose body uses a new name: the old name is the fallback for
    an older Starlette (`try: X = status.HTTP_422_UNPROCESSABLE_CONTENT / except
    AttributeError: X = status.HTTP_422_UNPROCESSABLE_ENTITY`), which is what it should be."""
    for statement in ctx.semantic.handling:
        for node in (n for part in statement.body for n in ast.walk(part)):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
            if name in _NEW_NAMES:
                return True
    return False


def _module_of(node: ast.Attribute, ctx: Context) -> str | None:
    return ctx.qualified_name(node.value)
