from __future__ import annotations

import ast
import re

from ...catalogues.pydantic_removed import (
    V2_DEPRECATED_MOVED,
    V2_MOVED,
    V2_REDIRECTED_TO_V1,
    V2_REMOVED,
    V2_STUB_MODULES,
)
from ...catalogues.pydantic_v1 import MOVED_IMPORTS, V2_ERRORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ._models import PydanticRule, is_guarded_import

_FROM_MODULE = re.compile(r"from[\s\\]+([\w.]+)")
_V1_ERROR_MODULES = frozenset({"pydantic.errors", "pydantic.error_wrappers"})
# `GenericModel`'s move to `BaseModel` with `Generic[T]` is FAL309's.
GENERIC_MODEL_IMPORTS = frozenset({"pydantic.generics:GenericModel"})


class V1MovedImport(PydanticRule):
    """## What it does
    Checks for imports of names that Pydantic v2 moved to another package or removed:
    `BaseSettings` (now in `pydantic-settings`), `Color` and `PaymentCardNumber`/
    `PaymentCardBrand` (now in `pydantic-extra-types`), and v1 error classes from
    `pydantic.errors` / `pydantic.error_wrappers` that no longer exist. Also
    `pydantic.BaseSettings` used through `import pydantic`.

    The other v1 names are judged by Pydantic's own migration tables (`pydantic/_migration.py`
    of Pydantic 2.14.4, copied as data): a name Pydantic removed (`ConstrainedStr`,
    `Required`, `pydantic.utils.ValueItems`), a name it moved under another name
    (`pydantic.utils.to_camel` is `pydantic.alias_generators.to_pascal`), a name it only hands
    out from its v1 layer (`pydantic.utils.GetterDict` gives `pydantic.v1.utils.GetterDict`),
    and any other name of a v1 module that Pydantic 2 keeps only as a stub (`pydantic.schema`,
    `pydantic.typing`, `pydantic.utils`, ...). Names Pydantic keeps importable as deprecated
    (`pydantic.json.pydantic_encoder`, `pydantic.class_validators.validator`) are left to the
    rules that advise on their use, and `GenericModel` to FAL309.

    An import inside a `try` whose handler catches `ImportError` is a compatibility shim that
    already copes with the name being missing; it is not reported.

    ## Why is this bad?
    Under Pydantic v2, `BaseSettings`, the removed names and the names of the stub modules
    fail at import time (`PydanticImportError`, `ImportError`), so the whole module — usually the settings module every other
    module imports — cannot load. `pydantic.color`, `pydantic.payment` and
    `pydantic.error_wrappers.ValidationError` still import, through deprecation shims that will
    be removed; a name handed out from the v1 layer is a v1 object, which v2 models do not
    accept (a v1 `GetterDict` does nothing for `from_attributes`).

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
    must be installed. Removed names are reported only: there is nothing to import instead
    (raise `ValueError`/`PydanticCustomError` in validators); the message says what Pydantic
    says of a renamed or redirected name.

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
        # Deprecated in v2 but still importable: other rules advise on their use.
        """
        from pydantic.json import pydantic_encoder
        from pydantic.class_validators import validator
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
        Invalid(
            """
            from pydantic.utils import GetterDict
            from pydantic.schema import field_schema
            """,
            expect=[
                "1:1-1:38 `GetterDict` of `pydantic.utils` comes from the v1 layer (`pydantic.v1.utils`, with a warning) in Pydantic v2",
                "2:1-2:41 `field_schema` no longer exists in `pydantic.schema` in Pydantic v2",
            ],
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
        gone: list[str] = []
        layered: dict[str, list[str]] = {}  # v1 module → names handed out from it
        for alias in node.names:
            if alias in moved:
                continue
            fate = removed_name(module, alias.name)
            if fate is None:
                continue
            kind, detail = fate
            if kind == "renamed":
                parts.append(f"`{alias.name}` moved from `{module}` to {detail}")
            elif kind == "v1":
                layered.setdefault(detail, []).append(alias.name)
            else:
                gone.append(alias.name)
        for place, names_of in layered.items():
            names = ", ".join(f"`{n}`" for n in names_of)
            verb = "comes" if len(names_of) == 1 else "come"
            parts.append(
                f"{names} of `{module}` {verb} from the v1 layer (`{place}`, with a warning)"
            )
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
            fate = removed_name(module, attr)
            if fate is None:
                return
            kind, detail = fate
            if kind == "renamed":
                what = f"`{name}` moved to {detail}"
            elif kind == "v1":
                what = f"`{name}` comes from the v1 layer (`{detail}`, with a warning)"
            else:
                what = f"`{name}` no longer exists"
            ctx.report(node, what=f"{what} in Pydantic v2")
            return
        fix = None
        local, import_edit = ctx.import_edit(target)
        if local == target:
            edits = [Edit(*ctx.span(node), f"{target}.{attr}")]
            if import_edit is not None:
                edits.insert(0, import_edit)
            fix = Fix(tuple(edits), Applicability.SAFE, f"Use `{target}.{attr}`")
        ctx.report(node, what=f"`{name}` moved to `{target}.{attr}` in Pydantic v2", fix=fix)


def removed_name(module: str, name: str) -> tuple[str, str] | None:
    """What Pydantic 2 made of the v1 name `module.name` when importing it no longer gives
    what it gave (`catalogues/pydantic_removed.py`, Pydantic's own tables): ("renamed",
    "`new.place` as `new_name`"), ("v1", the `pydantic.v1` module the import hands out from), or
    ("removed", ""). None when it still imports as before, is deprecated but importable
    (other rules advise on those), is `MOVED_IMPORTS`'s (fixed by this rule), or is
    `GenericModel` (FAL309)."""
    if not module.startswith("pydantic") or (module, name) in MOVED_IMPORTS:
        return None
    key = f"{module}:{name}"
    moved = V2_MOVED.get(key)
    if moved is not None:
        if key in GENERIC_MODEL_IMPORTS:
            return None
        place, _, new = moved.partition(":")
        return "renamed", f"`{place}` as `{new}`" if new != name else f"`{place}`"
    redirected = V2_REDIRECTED_TO_V1.get(key)
    if redirected is not None:
        return "v1", redirected.partition(":")[0]
    if key in V2_REMOVED:
        return "removed", ""
    if key in V2_DEPRECATED_MOVED:
        return None
    if module in V2_STUB_MODULES:
        return "removed", ""  # the module is a stub: any name not in Pydantic's tables fails
    if module in _V1_ERROR_MODULES and name not in V2_ERRORS:
        return "removed", ""
    return None


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
