from __future__ import annotations

import ast

from ...catalogues.upgrades import DECLARATIVE_IN_ORM, DECLARATIVE_MOVED
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...import_placement import import_insertion, leading_imports, merge_into
from ...rule import FixAvailability, Invalid, Rule
from ._versions import fix_applicability, worth_reporting

_MODULE = "sqlalchemy.ext.declarative"
_ORM_SINCE = (1, 4)


class DeclarativeBaseMoved(Rule):
    """## What it does
    Checks for `from sqlalchemy.ext.declarative import declarative_base` (and
    `as_declarative`, `has_inherited_table`, `synonym_for`).

    ## Why is this bad?
    SQLAlchemy 1.4 moved the declarative API into `sqlalchemy.orm`; 2.0 keeps the old names in
    `sqlalchemy.ext.declarative` only as wrappers that raise `MovedIn20Warning` ("The
    `declarative_base()` function is now available as sqlalchemy.orm.declarative_base()") at
    every call, and they are to be removed.

    ## Example
    ```python
    from sqlalchemy.ext.declarative import declarative_base

    Base = declarative_base()
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    ```

    The old import in the `except` handler of a `try` that imports from `sqlalchemy.orm` (a
    fallback for older releases) is not reported.

    ## Fix safety
    The fix imports from `sqlalchemy.orm` instead (into the module's `from sqlalchemy.orm
    import ...` when it has one, else where isort puts the statement): the wrappers only warn and call the
    `sqlalchemy.orm` function. It is offered when every name of the statement is in
    `sqlalchemy.orm` (the four above, `declared_attr`, `DeclarativeMeta`); an import that also
    takes `ConcreteBase` or `DeferredReflection`, which stay in the extension, is reported
    only. `sqlalchemy.orm.declarative_base` exists from 1.4 on: the fix is safe when the
    project's SQLAlchemy is known to be that recent, unsafe when its version is not known; a
    project known to use an older SQLAlchemy is not reported. Verified by running:
    `tests/behaviour/test_upgrades.py`.

    ## References
    - SQLAlchemy 2.0 migration guide, "Declarative is integrated into the ORM"
    """

    code = "FAL805"
    name = "declarative-base-moved"
    message = "`{module}.{name}` moved to `sqlalchemy.orm` in SQLAlchemy 1.4 (deprecated in 2.0)"
    nodes = (ast.ImportFrom,)
    triggers = ("sqlalchemy.ext.declarative",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        "from sqlalchemy.orm import declarative_base, declared_attr\n",
        # What stays in the extension.
        "from sqlalchemy.ext.declarative import ConcreteBase, DeferredReflection\n",
        # The fallback for SQLAlchemy < 1.4 (langchain).
        """
        try:
            from sqlalchemy.orm import declarative_base
        except ImportError:
            from sqlalchemy.ext.declarative import declarative_base
        """,
        # The re-exports that do not warn.
        "from sqlalchemy.ext.declarative import declared_attr\n",
    ]
    invalid = [
        Invalid(
            """
            from sqlalchemy.ext.declarative import declarative_base, declared_attr

            Base = declarative_base()
            """,
            expect=[
                "1:1-1:71 `sqlalchemy.ext.declarative.declarative_base` moved to "
                "`sqlalchemy.orm` in SQLAlchemy 1.4 (deprecated in 2.0)"
            ],
            fixed="""
            from sqlalchemy.orm import declarative_base, declared_attr

            Base = declarative_base()
            """,
            unsafe=True,
        ),
        # Into the file's own `from sqlalchemy.orm import ...`, in isort's order.
        Invalid(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.ext.declarative import declarative_base
            from sqlalchemy.orm import sessionmaker

            Base = declarative_base()
            """,
            expect=[
                "2:1-2:56 `sqlalchemy.ext.declarative.declarative_base` moved to "
                "`sqlalchemy.orm` in SQLAlchemy 1.4 (deprecated in 2.0)"
            ],
            fixed="""
            from sqlalchemy import create_engine
            from sqlalchemy.orm import declarative_base, sessionmaker

            Base = declarative_base()
            """,
            unsafe=True,
        ),
        # A name that stays: report only.
        Invalid(
            """
            from sqlalchemy.ext.declarative import DeferredReflection, declarative_base
            """,
            expect=[
                "1:1-1:76 `sqlalchemy.ext.declarative.declarative_base` moved to "
                "`sqlalchemy.orm` in SQLAlchemy 1.4 (deprecated in 2.0)"
            ],
        ),
    ]

    def check(self, node: ast.ImportFrom, ctx: Context) -> None:
        if node.level or node.module != _MODULE or _fallback(ctx):
            return
        moved = [alias.name for alias in node.names if alias.name in DECLARATIVE_MOVED]
        if not moved or not worth_reporting(ctx, "sqlalchemy", _ORM_SINCE):
            return
        fix = None
        applicability = fix_applicability(ctx, "sqlalchemy", _ORM_SINCE)
        if applicability is not None and all(a.name in DECLARATIVE_IN_ORM for a in node.names):
            edits = _moved(node, ctx)
            if edits is None:
                text = ctx.source.text
                start = text.find(_MODULE, ctx.span(node)[0])
                edits = [Edit(start, start + len(_MODULE), "sqlalchemy.orm")]
            fix = Fix(tuple(edits), applicability, "Import from `sqlalchemy.orm`")
        ctx.report(node, module=_MODULE, name=moved[0], fix=fix)


def _moved(node: ast.ImportFrom, ctx: Context) -> list[Edit] | None:
    """The statement removed and its names imported from `sqlalchemy.orm` where isort puts
    them: into the file's `from sqlalchemy.orm import ...` when there is one, else as a
    statement of its own in its place in the import block (`import_placement`). None when
    the statement is not in the leading import block or shares its lines with other code or a
    comment: then the module is renamed in place."""
    imports, _ = leading_imports(ctx.semantic.tree)
    if node not in imports:
        return None
    source = ctx.source
    start, end = ctx.span(node)
    starts = source.line_starts
    row_start = starts[node.lineno - 1]
    end_row = node.end_lineno or node.lineno
    row_end = starts[end_row] if end_row < len(starts) else len(source.text)
    if source.text[row_start:start].strip() or source.text[end:row_end].strip():
        return None
    names = [f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names]
    removal = Edit(row_start, row_end, "")
    target = next(
        (
            s
            for s in imports
            if isinstance(s, ast.ImportFrom)
            and s.module == "sqlalchemy.orm"
            and not s.level
            and all(a.name != "*" for a in s.names)
        ),
        None,
    )
    if target is None:
        insertion = import_insertion(ctx.semantic.tree, source, "sqlalchemy.orm", ", ".join(names))
        if removal.start < insertion.start < removal.end:
            return None
        return [removal, insertion]
    present = {f"{a.name} as {a.asname}" if a.asname else a.name for a in target.names}
    edits = [removal]
    for name in names:
        if name in present:
            continue
        edit = merge_into(target, source, name)
        if edit is None:
            return None
        edits.append(edit)
    return edits


def _fallback(ctx: Context) -> bool:
    """In the `except` handler of a `try` that imports from `sqlalchemy.orm`: the fallback
    for a SQLAlchemy older than 1.4, which is what it should be."""
    return any(
        isinstance(statement, ast.ImportFrom) and statement.module == "sqlalchemy.orm"
        for handled in ctx.semantic.handling
        for statement in handled.body
    )
