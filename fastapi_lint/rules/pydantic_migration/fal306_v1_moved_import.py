from __future__ import annotations

import ast
import re

from ...catalogues.pydantic_v1 import MOVED_IMPORTS, V2_ERRORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ._models import PydanticRule, is_guarded_import

_FROM_MODULE = re.compile(r"from[\s\\]+([\w.]+)")
_V1_ERROR_MODULES = frozenset({"pydantic.errors", "pydantic.error_wrappers"})


class V1MovedImport(PydanticRule):
    """## What it does
    Checks for imports of names that Pydantic v2 moved to another package or removed:
    `BaseSettings` (now in `pydantic-settings`), `Color` and `PaymentCardNumber`/
    `PaymentCardBrand` (now in `pydantic-extra-types`), and v1 error classes from
    `pydantic.errors` / `pydantic.error_wrappers` that no longer exist. Also
    `pydantic.BaseSettings` used through `import pydantic`.

    An import inside a `try` whose handler catches `ImportError` is a compatibility shim that
    already copes with the name being missing; it is not reported.

    ## Why is this bad?
    Under Pydantic v2, `BaseSettings` and the removed error classes fail at import time
    (`PydanticImportError`), so the whole module — usually the settings module every other
    module imports — cannot load. `pydantic.color`, `pydantic.payment` and
    `pydantic.error_wrappers.ValidationError` still import, through deprecation shims that will
    be removed.

    ## Example
    ```python
    from pydantic import BaseSettings, Field
    ```

    ## Use instead
    ```python
    from pydantic import Field
    from pydantic_settings import BaseSettings
    ```

    ## Fix safety
    Safe for the moved names: the statement is split when it imports other names too (the
    moved name goes to a new `from <new package> import ...` line right below, keeping its
    `as` alias), or its module is replaced when every name moves to the same place;
    `pydantic.BaseSettings` becomes `pydantic_settings.BaseSettings` with `import
    pydantic_settings` added. The new packages (`pydantic-settings`, `pydantic-extra-types`)
    must be installed. Removed error classes are reported only: there is nothing to import
    instead (raise `ValueError`/`PydanticCustomError` in validators).

    ## References
    - Pydantic migration guide, "BaseSettings has moved to pydantic-settings", "Color and
      Payment Card Numbers moved to pydantic-extra-types"
    - bump-pydantic BP001
    """

    code = "FAL306"
    name = "v1-moved-import"
    message = "{what}"
    nodes = (ast.ImportFrom, ast.Attribute)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # Already v2.
        """
        from pydantic_settings import BaseSettings
        """,
        """
        from pydantic import BaseModel, Field
        from pydantic.errors import PydanticUserError
        """,
        # A project module that happens to be called `settings`.
        """
        import pydantic
        from .settings import BaseSettings
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1 import BaseSettings
        """,
        """
        try:
            from pydantic.v1 import BaseSettings
        except ImportError:
            from pydantic import BaseSettings
        """,
        # A compatibility shim that copes with the old name being gone.
        """
        try:
            from pydantic.color import Color
        except ImportError:
            class Color:
                pass
        """,
        # An attribute called BaseSettings on something else.
        """
        import pydantic

        class conf:
            BaseSettings = object

        x = conf.BaseSettings
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseSettings
            """,
            expect=[
                "1:1-1:34 `BaseSettings` moved from `pydantic` to `pydantic_settings` in Pydantic v2"
            ],
            fixed="""
            from pydantic_settings import BaseSettings
            """,
        ),
        Invalid(
            """
            from pydantic import BaseModel, BaseSettings as Base, Field
            """,
            expect=[
                "1:1-1:60 `BaseSettings` moved from `pydantic` to `pydantic_settings` in Pydantic v2"
            ],
            fixed="""
            from pydantic import BaseModel, Field
            from pydantic_settings import BaseSettings as Base
            """,
        ),
        Invalid(
            """
            def load():
                from pydantic import (
                    Field,
                    BaseSettings,
                )
                return Field
            """,
            expect=[
                "2:5-5:6 `BaseSettings` moved from `pydantic` to `pydantic_settings` in Pydantic v2"
            ],
            fixed="""
            def load():
                from pydantic import (
                    Field,
                )
                from pydantic_settings import BaseSettings
                return Field
            """,
        ),
        Invalid(
            """
            from pydantic import BaseSettings, Color
            """,
            expect=[
                "1:1-1:41 `BaseSettings`, `Color` moved from `pydantic` to `pydantic_extra_types.color`, `pydantic_settings` in Pydantic v2"
            ],
            fixed="""
            from pydantic_settings import BaseSettings
            from pydantic_extra_types.color import Color
            """,
        ),
        Invalid(
            """
            import pydantic

            class S(pydantic.BaseSettings):
                debug: bool = False
            """,
            expect=[
                "3:9-3:30 `pydantic.BaseSettings` moved to `pydantic_settings.BaseSettings` in Pydantic v2"
            ],
            fixed="""
            import pydantic
            import pydantic_settings

            class S(pydantic_settings.BaseSettings):
                debug: bool = False
            """,
        ),
        Invalid(
            """
            from pydantic.errors import MissingError, PydanticUserError
            """,
            expect=["1:1-1:60 `MissingError` no longer exists in `pydantic.errors` in Pydantic v2"],
        ),
        # One moved name (fixed) and one removed name (reported) in the same statement: one
        # finding for the statement.
        Invalid(
            """
            from pydantic.error_wrappers import ErrorWrapper, ValidationError
            """,
            fixed="""
            from pydantic.error_wrappers import ErrorWrapper
            from pydantic import ValidationError
            """,
            expect=[
                "1:1-1:66 `ValidationError` moved from `pydantic.error_wrappers` to `pydantic`; `ErrorWrapper` no longer exists in `pydantic.error_wrappers` in Pydantic v2",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Attribute):
            self._attribute(node, ctx)
            return
        assert isinstance(node, ast.ImportFrom)
        if node.level or not node.module or is_guarded_import(node, ctx):
            return
        module = node.module
        # One finding per statement, naming every moved and removed name in it: a long import
        # list is one thing to change, not one finding per name.
        parts = []
        fix = None
        moved = [a for a in node.names if (module, a.name) in MOVED_IMPORTS]
        if moved:
            names = ", ".join(f"`{a.name}`" for a in moved)
            targets = sorted({MOVED_IMPORTS[(module, a.name)] for a in moved})
            where = ", ".join(f"`{t}`" for t in targets)
            parts.append(f"{names} moved from `{module}` to {where}")
            fix = _import_fix(node, moved, ctx)
        if module in _V1_ERROR_MODULES:
            gone = [
                a.name
                for a in node.names
                if a.name not in V2_ERRORS and (module, a.name) not in MOVED_IMPORTS
            ]
            if gone:
                names = ", ".join(f"`{n}`" for n in gone)
                verb = "exists" if len(gone) == 1 else "exist"
                parts.append(f"{names} no longer {verb} in `{module}`")
        if parts:
            ctx.report(node, what="; ".join(parts) + " in Pydantic v2", fix=fix)

    def _attribute(self, node: ast.Attribute, ctx: Context) -> None:
        name = ctx.qualified_name(node)
        if name is None or not isinstance(node.value, (ast.Name, ast.Attribute)):
            return
        module, _, attr = name.rpartition(".")
        target = MOVED_IMPORTS.get((module, attr))
        if target is None:
            return
        fix = None
        local, import_edit = ctx.import_edit(target)
        if local == target:
            edits = [Edit(*ctx.span(node), f"{target}.{attr}")]
            if import_edit is not None:
                edits.insert(0, import_edit)
            fix = Fix(tuple(edits), Applicability.SAFE, f"Use `{target}.{attr}`")
        ctx.report(node, what=f"`{name}` moved to `{target}.{attr}` in Pydantic v2", fix=fix)


def _import_fix(node: ast.ImportFrom, moved: list[ast.alias], ctx: Context) -> Fix | None:
    module = node.module
    assert module is not None
    start, end = ctx.span(node)
    row_start = ctx.source.line_starts[node.lineno - 1]
    indent = ctx.source.text[row_start:start]
    if indent.strip():
        return None  # `if x: from pydantic import ...` or after `;`: leave it to a person
    newline = ctx.source.newline

    def line(alias: ast.alias) -> str:
        target = MOVED_IMPORTS[(module, alias.name)]
        as_part = f" as {alias.asname}" if alias.asname else ""
        return f"from {target} import {alias.name}{as_part}"

    kept = [a for a in node.names if a not in moved]
    message = "Import from the package the names moved to"
    if not kept:
        targets = {MOVED_IMPORTS[(module, a.name)] for a in moved}
        if len(targets) == 1:
            match = _FROM_MODULE.match(ctx.source.text, start, end)
            if match is None:
                return None
            edit = Edit(match.start(1), match.end(1), targets.pop())
            return Fix((edit,), Applicability.SAFE, message)
        text = (newline + indent).join(line(a) for a in moved)
        return Fix((Edit(start, end, text),), Applicability.SAFE, message)
    edits = []
    names = node.names
    last_kept = max(i for i, a in enumerate(names) if a in kept)
    for index, alias in enumerate(names):
        if alias in kept:
            continue
        if index < last_kept:
            # Up to the next name: takes the comma and the whitespace with it.
            edits.append(Edit(ctx.span(alias)[0], ctx.span(names[index + 1])[0]))
    if last_kept < len(names) - 1:
        # Trailing moved names: from the end of the last kept name.
        edits.append(Edit(ctx.span(names[last_kept])[1], ctx.span(names[-1])[1]))
    addition = "".join(newline + indent + line(a) for a in moved)
    # After a trailing comment, which stays on the statement it was written for.
    line_end = ctx.source.text.find(newline, end)
    line_end = len(ctx.source.text) if line_end < 0 else line_end
    if ctx.source.text[end:line_end].lstrip().startswith("#"):
        end = line_end
    edits.append(Edit(end, end, addition))
    return Fix(tuple(edits), Applicability.SAFE, message)
